"""The store: private files, migrations, keyed change detection, checklist days, retention."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from duty_tui.models import BoardInfo, ChatMessage, Reaction, Ticket
from duty_tui.rules.listing import awaiting_triage
from duty_tui.store import Store, StoreError
from duty_tui.store.schema import SCHEMA_VERSION
from tests.conftest import MORNING
from tests.factories import make_ticket

NOW = MORNING


def ticket(key: str, **changes: object) -> Ticket:
    base = {"created": NOW - timedelta(hours=1), "reporter": "Ann", "components": ("laa-6dg-support",)}
    return make_ticket(NOW, key=key, **{**base, "labels": ("prod",), **changes})


@pytest.fixture
def boards(store: Store) -> Store:
    store.tickets.save_board_info(BoardInfo(262, "AWS Ops", "10500", None, ("10000",)), NOW)
    store.tickets.save_board_info(BoardInfo(265, "6DG Ops", "10501", None, ("10000",)), NOW)
    return store


def poll(store: Store, board: int, tickets: list[Ticket], *, full: bool = True):  # type: ignore[no-untyped-def]
    return store.tickets.save_board_poll(board, tickets, full=full, listed=awaiting_triage, seen_at=NOW)


def test_files_are_private(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path / "data")
    store.close()
    assert stat.S_IMODE(os.stat(tmp_path / "data").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "data" / "duty-tui.sqlite3").st_mode) == 0o600


def test_schema_version_and_refusing_a_newer_store(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    assert store.db.rows("PRAGMA user_version")[0][0] == SCHEMA_VERSION
    store.close()
    conn = sqlite3.connect(tmp_path / "duty-tui.sqlite3")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer duty-tui"):
        Store.in_dir(tmp_path)


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "duty-tui.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="move it aside"):
        Store.in_dir(tmp_path)


def test_full_poll_lists_and_unlists(boards: Store) -> None:
    first = poll(boards, 262, [ticket("LAA-1"), ticket("LAA-2")])
    assert [t.key for t in first.changed] == ["LAA-1", "LAA-2"]
    assert first.changed[0].boards == ("AWS Ops",)
    assert not poll(boards, 262, [ticket("LAA-1"), ticket("LAA-2")])  # nothing changed: nothing to send
    gone = poll(boards, 262, [ticket("LAA-2")])
    assert gone.removed == ("LAA-1",) and not gone.changed
    assert [t.key for t in boards.tickets.on_list()] == ["LAA-2"]


def test_incremental_poll_removes_tickets_assigned_or_done_elsewhere(boards: Store) -> None:
    poll(boards, 265, [ticket("LM-1"), ticket("LM-2"), ticket("LM-3")])
    changes = poll(
        boards,
        265,
        [
            ticket("LM-1", assignee_id="acc:1", assignee="Tom"),
            ticket("LM-2", status="Done", status_category="done"),
            ticket("LM-4"),
        ],
        full=False,
    )
    assert changes.removed == ("LM-1", "LM-2")
    assert [t.key for t in changes.changed] == ["LM-4"]
    # An incremental poll says nothing about tickets it did not return.
    assert sorted(t.key for t in boards.tickets.on_list()) == ["LM-3", "LM-4"]


def test_a_change_in_any_shown_field_is_reported(boards: Store) -> None:
    poll(boards, 262, [ticket("LAA-1")])
    changes = poll(boards, 262, [ticket("LAA-1", summary="new words", priority="Highest")], full=False)
    assert [(t.summary, t.priority) for t in changes.changed] == [("new words", "Highest")]


def test_a_ticket_on_two_boards_leaves_only_when_both_drop_it(boards: Store) -> None:
    poll(boards, 262, [ticket("LAA-9")])
    both = poll(boards, 265, [ticket("LAA-9")])
    assert both.changed[0].boards == ("6DG Ops", "AWS Ops")
    one = poll(boards, 262, [])
    assert not one.removed and one.changed[0].boards == ("6DG Ops",)
    assert poll(boards, 265, []).removed == ("LAA-9",)


def test_messages_upsert_reports_only_new_or_changed(store: Store) -> None:
    m1 = ChatMessage(ts="1764152000.000100", channel="C1", user_id="U1", text="hello")
    m2 = ChatMessage(ts="1764152100.000200", channel="C1", user_id="U2", text="hi")
    assert store.messages.save([m1, m2]) == (m1, m2)
    assert store.messages.save([m1, m2]) == ()
    m2b = replace(m2, reply_count=2, latest_reply="1764152200.000300", reactions=(Reaction("eyes", 1),))
    assert store.messages.save([m1, m2b]) == (m2b,)
    assert store.messages.recent("C1", limit=10) == [m1, m2b]
    assert store.messages.recent("C1", limit=1) == [m2b]
    assert store.messages.recent("C1", limit=10, before_ts=m2.ts) == [m1]
    assert store.messages.newest_ts("C1") == m2.ts


def test_checklist_ticks_belong_to_a_day(store: Store) -> None:
    today, tomorrow = date(2026, 11, 26), date(2026, 11, 27)
    store.checklist.set("aws-channel", today, ticked=True, by="Priya Shah", at=NOW)
    assert store.checklist.of_day(today)["aws-channel"].by == "Priya Shah"
    assert store.checklist.of_day(tomorrow) == {}
    store.checklist.set("aws-channel", today, ticked=False, by="Priya Shah", at=NOW)
    assert store.checklist.of_day(today) == {}


def test_retention_drops_old_messages_and_unlisted_tickets(boards: Store) -> None:
    old = ChatMessage(
        ts=f"{int((NOW - timedelta(days=40)).timestamp())}.000001", channel="C1", user_id="U1", text="x"
    )
    new = ChatMessage(ts=f"{int(NOW.timestamp())}.000001", channel="C1", user_id="U1", text="y")
    boards.messages.save([old, new])
    boards.tickets.save_board_poll(
        262,
        [ticket("LAA-1"), ticket("LAA-2")],
        full=True,
        listed=awaiting_triage,
        seen_at=NOW - timedelta(days=40),
    )
    poll(boards, 262, [ticket("LAA-2")])
    deleted = boards.prune(NOW, keep_messages_days=30, keep_tickets_days=30)
    assert deleted == 2
    assert boards.messages.recent("C1", limit=10) == [new]
    assert boards.tickets.get("LAA-1") is None and boards.tickets.get("LAA-2") is not None


def test_safe_from_many_threads(boards: Store) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                poll(boards, 262 if n % 2 else 265, [ticket(f"LAA-{n * 100 + i}")], full=False)
                boards.tickets.on_list()
        except BaseException as error:  # pragma: no cover - the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(boards.tickets.on_list()) == 120


def test_the_version_dates_readings_made_on_any_thread(boards: Store) -> None:
    """`Database.version` is what lets the UI drop an older reading that arrives after a newer one."""
    db = boards.db
    start = db.version
    poll(boards, 262, [ticket("LAA-1")])
    assert db.version == start + 1
    with boards.transaction():
        inside = db.version  # what the transaction will commit as
        with boards.transaction():  # nested: one commit
            assert db.version == inside
    assert inside == start + 2 == db.version
    with pytest.raises(RuntimeError), boards.transaction():
        raise RuntimeError  # rolled back: no new state, no new version
    assert db.version == start + 2
    seen: list[int] = []
    with db.lock:  # another thread's commit waits for a reading under the lock...
        other = threading.Thread(target=poll, args=(boards, 262, [ticket("LAA-2")]))
        other.start()
        other.join(0.2)
        tickets, version = boards.tickets.dated(["LAA-1", "LAA-2"])
        seen.append(version)
        assert tickets["LAA-2"] is None and version == start + 2
    other.join()
    tickets, version = boards.tickets.dated(["LAA-2"])
    assert tickets["LAA-2"] is not None and version == seen[0] + 1  # ...and is newer than it


def test_another_process_committing_makes_a_newer_version(boards: Store) -> None:
    """A second duty-tui (or `sync --once`) on the same data dir writes the same file: a reading made
    after its commit is newer than one made before, though this process committed nothing."""
    before = boards.db.version
    assert boards.db.version == before  # nothing happened
    other = Store(boards.db.path)
    try:
        other.tickets.save_board_poll(262, [ticket("LAA-9")], full=False, listed=awaiting_triage, seen_at=NOW)
    finally:
        other.close()
    tickets, version = boards.tickets.dated(["LAA-9"])
    assert tickets["LAA-9"] is not None and version > before
