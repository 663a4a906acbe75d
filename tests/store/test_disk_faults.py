"""A full disk and a read-only data dir (issue 11): one sentence, nothing lost from the outbox already stored,
and nothing sent twice.

The store: a write the disk cannot take fails whole, as a `StoreFault` that says so in one sentence and
names the data dir (SQLite's own SQLITE_FULL, made real with `max_page_count`, and SQLITE_READONLY from a
read-only connection; the `Faults` seam for the rest). Opening a data dir that cannot be created or
written to stops with one sentence, never "move it aside" (that would lose the queued writes).

The outbox writer (on its thread, with the real deliveries, against the simulators): a write the service
took while the store could not mark it sent is marked sent once the store takes writes again and never
sent twice, whether the same writer goes on or a new one (a restart) finds it still pending; and nothing
is sent while the store refuses to record the attempt.

As root (CI), chmod stops nothing: there the read-only data dir is the `Faults.read_only` seam (what a
read-only mount answers), and a data dir that is a file is real for everyone.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from duty_sim.server import HostedService
from duty_tui.models import Write, WriteState
from duty_tui.store import STORE_FILE, Store, StoreError
from duty_tui.store import db as store_db
from duty_tui.store.db import Faults, StoreFault, StoreFull, StoreReadOnly, why_not_stored
from duty_tui.sync import outbox as outbox_module
from duty_tui.sync.store_writer import StoreWriter
from tests.conftest import MORNING
from tests.factories import make_write
from tests.faults.matrix import fault_config
from tests.faults.rig import ROWS, Outbox, Row, count, wait_until
from tests.support import Harness

ROOT = os.geteuid() == 0


def full_sentence(data_dir: Path) -> str:
    return f"The disk holding {data_dir} is full: free some space; nothing already queued is lost."


def a_write(uid: str, body: str = "Thanks: LAA Ops has this.") -> Write:
    return make_write(uid, MORNING, body=body)


def pending_uids(store: Store) -> list[str]:
    return [w.uid for w in store.outbox.pending()]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return ", ".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


# -- the store --------------------------------------------------------------------------------------


def test_sqlite_full_fails_the_whole_write_in_one_sentence_and_keeps_what_was_queued(store: Store) -> None:
    data_dir = store.db.data_dir
    store.outbox.enqueue([a_write("queued-1"), a_write("queued-2")])
    pages = store.db.rows("PRAGMA page_count")[0][0]
    store.db.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL from here on
    with pytest.raises(StoreFull) as raised, store.transaction():  # a keypress, and its bookkeeping
        store.meta.set("with-the-keypress", "1")
        store.outbox.enqueue([a_write("too-big", "x" * 200_000)])
    fault = raised.value
    assert isinstance(fault, sqlite3.OperationalError)  # every `except sqlite3.Error` still catches it
    assert str(fault) == full_sentence(data_dir) and fault.data_dir == data_dir
    assert why_not_stored(fault) == (
        f"the disk holding {data_dir} is full: free some space; nothing already queued is lost"
    )
    assert why_not_stored(sqlite3.OperationalError("database is locked")) == "OperationalError"
    assert pending_uids(store) == ["queued-1", "queued-2"]  # nothing of the refused keypress, all before
    assert store.meta.get("with-the-keypress") is None
    store.db.conn.execute("PRAGMA max_page_count = 1073741823")  # space again: no restart needed
    store.outbox.enqueue([a_write("after", "x" * 200_000)])
    assert pending_uids(store) == ["queued-1", "queued-2", "after"]
    assert integrity(store.db.path) == "ok"


def test_a_store_sqlite_can_only_read_refuses_writes_in_one_sentence(store: Store) -> None:
    (queued,) = store.outbox.enqueue([a_write("queued")])
    writable = store.db.conn
    read_only = sqlite3.connect(f"{store.db.path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    read_only.row_factory = sqlite3.Row
    store.db.conn, store.db._utils = read_only, None
    try:
        with pytest.raises(StoreReadOnly, match=r"^The data directory .* has become read-only: make it"):
            store.outbox.mark_sent(queued, MORNING)
        assert store.outbox.count_pending() == 1
    finally:
        store.db.conn.close()
        store.db.conn, store.db._utils = writable, None
    assert pending_uids(store) == ["queued"]


def test_the_injected_faults_fail_every_write_until_cleared_and_roll_back_nested_ones(store: Store) -> None:
    store.outbox.enqueue([a_write("queued")])
    (queued,) = store.outbox.pending()
    store.db.faults.full = True
    for attempt in (
        lambda: store.outbox.enqueue([a_write("new")]),
        lambda: store.outbox.record_attempt(queued),
        lambda: store.outbox.mark_sent(queued, MORNING),
        lambda: store.outbox.retry_later(queued, "later", MORNING),
        lambda: store.checklist.set("item", MORNING.date(), ticked=True, by="me", at=MORNING),
    ):
        with pytest.raises(StoreFull):
            attempt()
    store.db.faults = Faults(read_only=True)
    with pytest.raises(StoreReadOnly), store.transaction():
        store.meta.set("inner", "1")  # a savepoint: rolled back with the transaction around it
    store.db.faults = Faults()
    assert store.meta.get("inner") is None
    (still,) = store.outbox.pending()
    assert still.uid == "queued" and still.attempts == 0 and still.last_error is None
    store.outbox.mark_sent(still, MORNING)
    assert store.outbox.count_pending() == 0
    assert integrity(store.db.path) == "ok"


# -- opening ------------------------------------------------------------------------------------------


def make_read_only(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data dir with its store inside, read-only: chmod 0500 on it and 0400 on the store; as root
    (where chmod stops nothing), what a read-only mount answers, through the store's seam."""
    if ROOT:
        monkeypatch.setattr(store_db, "FAULTS", Faults(read_only=True))
    else:
        (data_dir / STORE_FILE).chmod(0o400)
        data_dir.chmod(0o500)


def writable_again(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "FAULTS", Faults())
    data_dir.chmod(0o700)
    (data_dir / STORE_FILE).chmod(0o600)


def test_a_read_only_data_dir_stops_the_start_in_one_sentence_and_keeps_the_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    store = Store.in_dir(data_dir)
    store.outbox.enqueue([a_write("queued-1"), a_write("queued-2")])
    store.close()
    make_read_only(data_dir, monkeypatch)
    try:
        with pytest.raises(StoreError) as raised:
            Store.in_dir(data_dir)
    finally:
        writable_again(data_dir, monkeypatch)
    sentence = str(raised.value)
    assert sentence.startswith(f"Cannot write to the data directory {data_dir} (")
    assert "make it writable, or pass a writable --data-dir" in sentence
    assert "move it aside" not in sentence and sentence.count(". ") == 0 and sentence.endswith(").")
    assert not [p.name for p in data_dir.iterdir() if p.name.startswith(".duty-tui-")]  # no probe left
    again = Store.in_dir(data_dir)  # writable again: the queue is as it was
    try:
        assert pending_uids(again) == ["queued-1", "queued-2"]
    finally:
        again.close()


def test_a_read_only_store_file_is_named_and_not_moved_aside(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store.in_dir(data_dir).close()
    path = data_dir / STORE_FILE
    if ROOT:  # chmod stops nothing: SQLite's own answer for a store it may only read, at open
        error = sqlite3.OperationalError("attempt to write a readonly database")
        error.sqlite_errorcode = sqlite3.SQLITE_READONLY
        sentence = store_db._cannot_open(path, error)
    else:
        path.chmod(0o400)
        with pytest.raises(StoreError) as raised:
            Store.in_dir(data_dir)
        sentence = str(raised.value)
        path.chmod(0o600)
    assert sentence.startswith(f"Cannot write to the store {path} (")
    assert "pass a writable --data-dir" in sentence and "move it aside" not in sentence


def test_a_data_dir_that_cannot_be_created_stops_the_start_in_one_sentence(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match=r"^Cannot create the data directory .*not-a-dir \(it is a file\)"):
        Store.in_dir(a_file)
    with pytest.raises(StoreError, match=r"^Cannot create the data directory .*/data \(Not a directory\)"):
        Store.in_dir(a_file / "data")


def test_a_full_disk_at_open_is_said_as_such_not_as_a_broken_store(tmp_path: Path) -> None:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL
    path = tmp_path / "data" / STORE_FILE
    assert store_db._cannot_open(path, error) == (
        f"The disk holding {tmp_path / 'data'} is full: free some space and start duty-tui again; "
        "nothing already queued is lost."
    )
    Store.in_dir(tmp_path / "data").close()
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700  # as before: created owner-only


# -- the outbox writer ------------------------------------------------------------------------------


@pytest.fixture
def outbox(h: Harness, monkeypatch: pytest.MonkeyPatch) -> Iterator[Outbox]:
    monkeypatch.setattr(outbox_module, "STORE_RETRY_SECONDS", 0.05)
    rig = Outbox(h, fault_config(h))
    yield rig
    rig.stop()


def attempted(o: Outbox, uid: str) -> bool:
    return any(w.uid == uid and w.attempts > 0 for w in o.store.outbox.pending())


def delivered_while_full(o: Outbox, kind: str) -> tuple[Row, HostedService, int]:
    """A write of `kind` that the service takes just as the disk fills up, still pending: its row, its
    simulator, and where the outbox's reports about it begin."""
    row = ROWS[kind](o)
    sim = o.h.world.jira if row.service == "jira" else o.h.world.slack
    sim.faults.hold(row.match)
    since = len(o.progress)
    o.send(row.writes)
    wait_until(lambda: attempted(o, row.uid))  # recorded before it is sent; now at the service
    o.store.db.faults.full = True
    sim.faults.release()
    said = o.next_progress(row.uid, since)
    sentence = full_sentence(o.store.db.data_dir).rstrip(".")  # a clause in the progress message
    assert said.retrying == sentence and said.stuck, said  # said once as news, then in the status line
    assert said.failure is None and said.pending >= 1
    wait_until(lambda: sum(p.retrying == sentence for p in o.progress[since:]) >= 3)  # it keeps trying
    assert row.effects() == 1 and count(sim, row.match) == 1  # the service has it, once
    assert o.state(row.uid) is WriteState.PENDING  # not marked sent: the store refused
    return row, sim, since


@pytest.mark.parametrize("kind", ["assign", "comment", "create", "reply", "post"])
def test_a_write_the_service_took_while_the_disk_was_full_is_marked_sent_once_space_returns(
    outbox: Outbox, kind: str
) -> None:
    row, sim, since = delivered_while_full(outbox, kind)
    asked = len(sim.log)
    outbox.store.db.faults.full = False  # space again: no restart, no key
    for write in row.writes:  # each reported sent (the UI learns it), once
        outbox.next_progress(write.uid, since, sent=True)
    assert set(outbox.states().values()) == {WriteState.SENT}, outbox.states()
    assert row.effects() == 1 and count(sim, row.match) == 1  # sent once, marked sent once
    sent = [p for p in outbox.progress[since:] if p.retrying is None and p.failure is None]
    assert sorted(p.write.uid for p in sent) == sorted(w.uid for w in row.writes)
    if len(row.writes) == 1:  # marked sent from what the writer kept: the service is not even asked
        assert len(sim.log) == asked
    assert integrity(outbox.store.db.path) == "ok"


@pytest.mark.parametrize("kind", ["assign", "transition", "comment", "create", "reply", "reaction", "post"])
def test_after_a_restart_the_resend_finds_what_the_full_disk_kept_from_being_marked_sent(
    outbox: Outbox, kind: str
) -> None:
    row, _, _ = delivered_while_full(outbox, kind)
    outbox.stop()  # quit (or crash) with the write taken by the service but pending in the store
    outbox.store.db.faults.full = False
    outbox.writer = outbox.runtime.outbox_writer(outbox._emit)
    outbox.writer.start()
    wait_until(lambda: outbox.store.outbox.count_pending() == 0)
    assert set(outbox.states().values()) == {WriteState.SENT}, outbox.states()
    assert row.effects() == 1  # looked for first, found: not sent again
    assert integrity(outbox.store.db.path) == "ok"


def test_nothing_is_sent_while_the_store_cannot_record_the_attempt(outbox: Outbox) -> None:
    h = outbox.h
    row = ROWS["comment"](outbox)
    since = len(outbox.progress)
    outbox.stop()  # so that the write is stored, then the disk fills up, before the writer sees it
    outbox.send(row.writes)  # stored before the disk fills up
    outbox.store.db.faults.full = True
    outbox.writer = outbox.runtime.outbox_writer(outbox._emit)
    outbox.writer.start()
    wait_until(lambda: sum(p.retrying is not None for p in outbox.progress[since:]) >= 3)
    assert count(h.world.jira, row.match) == 0 and row.effects() == 0  # an unrecorded attempt never goes
    (waiting,) = outbox.store.outbox.pending()
    assert waiting.attempts == 0
    outbox.writer.send_now()  # `r` while full: no error, the writer says why at its next step
    outbox.store.db.faults.full = False
    wait_until(lambda: outbox.store.outbox.count_pending() == 0)
    assert row.effects() == 1 and count(h.world.jira, row.match) == 1


def test_a_refused_write_the_store_could_not_mark_failed_is_refused_again_not_lost(outbox: Outbox) -> None:
    """A permanent refusal while the disk is full: the write stays pending (nothing lost, nothing
    cancelled by a half-kept decision) and is refused, and undone, once the store takes writes."""
    h = outbox.h
    row = ROWS["comment"](outbox)
    h.world.jira.faults.fail_next(None, status=400, match=row.match)
    h.world.jira.faults.hold(row.match)
    since = len(outbox.progress)
    outbox.send(row.writes)
    wait_until(lambda: attempted(outbox, row.uid))
    outbox.store.db.faults.full = True
    h.world.jira.faults.release()
    clause = full_sentence(outbox.store.db.data_dir).rstrip(".")
    assert outbox.next_progress(row.uid, since).retrying == clause
    assert outbox.state(row.uid) is WriteState.PENDING
    outbox.store.db.faults.full = False
    wait_until(lambda: any(p.failure for p in outbox.progress[since:]))  # reported after it is kept
    assert outbox.state(row.uid) is WriteState.FAILED
    refused = [p for p in outbox.progress[since:] if p.failure]
    assert len(refused) == 1 and row.effects() == 0
    h.world.jira.faults.clear()


def test_a_fault_the_store_cannot_name_still_stops_nothing_else(store: Store) -> None:
    """Only a full disk or a read-only store is a `StoreFault`: a busy store stays what it was."""
    assert store.db.fault(sqlite3.OperationalError("database is locked")) is None
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
    assert store.db.fault(busy) is None
    readonly_dir = sqlite3.OperationalError("attempt to write a readonly database")
    readonly_dir.sqlite_errorcode = sqlite3.SQLITE_READONLY | (6 << 8)  # SQLITE_READONLY_DIRECTORY
    assert isinstance(store.db.fault(readonly_dir), StoreReadOnly)
    assert isinstance(store.db.fault(StoreFull(store.db.data_dir)), StoreFault)


def test_the_store_writer_hands_a_full_disk_on_and_goes_on_with_the_next_job(store: Store) -> None:
    """Checklist ticks and the desks' jobs share one thread: a job the full disk refused reaches
    `on_error` as the store's sentence, and the jobs after it still run once there is space."""
    errors: list[Exception] = []
    done = threading.Event()
    writer = StoreWriter("test writes", on_error=errors.append)
    store.db.faults.full = True
    writer.submit(lambda: store.meta.set("first", "1"))
    writer.submit(lambda: setattr(store.db, "faults", Faults()))
    writer.submit(lambda: store.meta.set("second", "2"))
    writer.submit(done.set)
    try:
        assert done.wait(10)
    finally:
        writer.stop()
    assert [str(e) for e in errors] == [full_sentence(store.db.data_dir)]
    assert isinstance(errors[0], StoreFull)
    assert store.meta.get("first") is None and store.meta.get("second") == "2"
