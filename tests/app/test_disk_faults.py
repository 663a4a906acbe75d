"""A full disk and a read-only data dir, as the engineer meets them (issue 11): one sentence, nothing lost
from the outbox that was already stored, nothing sent twice.

`duty-tui` and `duty-tui sync --once` (child processes, the config pointing at closed ports): a data dir
that is read-only, or cannot be created, stops the start with one sentence naming it and what to do, exit
status 2, no traceback, and the queued writes still in the store. duty-tui refuses to start on a store it
can only read rather than show it (see `duty_tui.store.db`): every poll is stored before it is painted and
every write before it is sent, so it would be a dashboard that looks live and is not.

The app (Pilot, the simulators) on a disk that fills up while it runs: a new keypress is refused in one
sentence and its optimistic change undone (never sent unstored), a write already at Jira when the disk
filled is marked sent once space returns (never sent again), the panes say it, keys are answered at once
while the polls fail to store, and everything recovers without a restart.

As root (CI), chmod stops nothing: there the read-only data dir is the store's `Faults.read_only` seam,
set in the child before `duty_tui.__main__.main` runs (what a read-only mount answers); a data dir that
is a file is real for everyone.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.pilot import Pilot

from duty_tui.app import DutyApp
from duty_tui.demo import DEMO_JIRA_TOKEN, DEMO_SLACK_TOKEN
from duty_tui.desks import queueing
from duty_tui.models import WriteState
from duty_tui.store import STORE_FILE, Store
from duty_tui.store.db import StoreFull
from duty_tui.sync import outbox as outbox_module
from tests.store.test_disk_faults import a_write
from tests.support import Harness, both_polled, screen_text, settle

ROOT = os.geteuid() == 0
ROOT_DIR = Path(__file__).resolve().parents[2]
SIZE = (140, 40)
KEY = "LAA-6"  # an unassigned To Do ticket on the AWS board
ANSWERED_WITHIN = 0.1  # seconds, from a key to its effect on screen
# What a child runs instead of `python -m duty_tui` as root: the same `main`, with the data dir read-only.
READ_ONLY_MAIN = (
    "import sys; from duty_tui.store import db; db.FAULTS.read_only = True; "
    "from duty_tui.__main__ import main; sys.exit(main(sys.argv[1:]))"
)

# -- the command line -------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(tmp_path: Path) -> Path:
    """A config whose Jira and Slack nothing answers at: a start that got that far would say so instead."""
    port = closed_port()
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[jira]
url = "http://127.0.0.1:{port}"
email = "priya@example.com"
[[jira.boards]]
name = "AWS Ops"
id = 262
[slack]
channel = "CEL68S0LD"
api_url = "http://127.0.0.1:{port}/api/"
""",
        encoding="utf-8",
    )
    return path


def duty_tui(
    tmp_path: Path, data_dir: Path, *command: str, read_only: bool = False
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "SLACK_", "DUTY_TUI"))}
    environment |= {"JIRA_API_TOKEN": DEMO_JIRA_TOKEN, "SLACK_BOT_TOKEN": DEMO_SLACK_TOKEN}
    start = ["-c", READ_ONLY_MAIN] if read_only else ["-m", "duty_tui"]
    return subprocess.run(
        [
            sys.executable,
            *start,
            *command,
            "--config",
            str(write_config(tmp_path)),
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=ROOT_DIR,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def one_sentence(result: subprocess.CompletedProcess[str], starts: str) -> str:
    """Exit status 2 and one sentence on stderr, starting `starts`, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    said = result.stderr
    assert "Traceback" not in said and result.stdout == "", said
    assert said.startswith(f"duty-tui: {starts}") and said.endswith(".\n") and said.count("\n") == 1, said
    assert ". " not in said, said
    return said


@pytest.mark.parametrize("command", [(), ("sync", "--once")], ids=["duty-tui", "sync --once"])
def test_a_read_only_data_dir_stops_the_start_in_one_sentence_and_keeps_the_queue(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    data_dir = tmp_path / "data"
    store = Store.in_dir(data_dir)
    store.outbox.enqueue([a_write("queued-1"), a_write("queued-2")])
    store.close()
    if not ROOT:
        (data_dir / STORE_FILE).chmod(0o400)
        data_dir.chmod(0o500)
    try:
        result = duty_tui(tmp_path, data_dir, *command, read_only=ROOT)
    finally:
        data_dir.chmod(0o700)
        (data_dir / STORE_FILE).chmod(0o600)
    said = one_sentence(result, f"Cannot write to the data directory {data_dir} (")
    assert "make it writable, or pass a writable --data-dir" in said and "move it aside" not in said
    assert sorted(p.name for p in data_dir.iterdir()) == [STORE_FILE]  # no log, no probe, nothing new
    again = Store.in_dir(data_dir)
    try:
        assert [w.uid for w in again.outbox.pending()] == ["queued-1", "queued-2"]
    finally:
        again.close()


@pytest.mark.parametrize("command", [(), ("sync", "--once")], ids=["duty-tui", "sync --once"])
def test_a_data_dir_that_cannot_be_created_stops_the_start_in_one_sentence(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    a_file = tmp_path / "data"
    a_file.write_text("not a directory", encoding="utf-8")
    result = duty_tui(tmp_path, a_file, *command)
    said = one_sentence(result, f"Cannot create the data directory {a_file} (it is a file): ")
    assert said.endswith("pass a writable --data-dir.\n")
    below = duty_tui(tmp_path, a_file / "data", *command)
    one_sentence(below, f"Cannot create the data directory {a_file / 'data'} (Not a directory): ")


# -- the app ----------------------------------------------------------------------------------------


def toasts(app: DutyApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def banner(app: DutyApp) -> str:
    visual = app.tickets.banner.render()
    return visual.plain if isinstance(visual, Content) else str(visual)


def requests(h: Harness, method: str, key: str, tail: str) -> int:
    return len(h.world.jira.log.find(method, f"/issue/{key}/{tail}"))


def attempted(app: DutyApp, key: str) -> bool:
    return any(w.key == key and w.attempts > 0 for w in app.runtime.store.outbox.pending())


async def answered(pilot: Pilot[Any], key: str, effect: Any) -> float:
    started = time.perf_counter()
    await pilot.press(key)
    assert effect(), f"{key} had no effect"
    return time.perf_counter() - started


async def test_a_full_disk_refuses_new_writes_in_one_sentence_and_loses_nothing_queued(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "STORE_RETRY_SECONDS", 0.1)
    monkeypatch.setattr(queueing, "STORE_RETRY_SECONDS", 0.01)  # the desk's patience with a busy store
    app = h.app()
    world = h.world.jira.world
    other = min(
        k
        for k in h.waiting_keys()
        if k.startswith("LAA-") and k != KEY and world.issue(k)["fields"]["status"]["name"] == "To Do"
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, both_polled(app))
        store, table = app.runtime.store, app.tickets.table
        sentence = str(StoreFull(store.db.data_dir))
        assert sentence.startswith(f"The disk holding {store.db.data_dir} is full: ")

        # A take, stored; its assignment is at Jira (held there) when the disk fills up.
        h.world.jira.faults.hold(r"PUT .*/assignee$")
        assert table.move_cursor_to(KEY)
        await pilot.press("t")
        await settle(pilot, lambda: attempted(app, KEY))
        store.db.faults.full = True

        # A new keypress now: refused in one sentence, its optimistic change undone, nothing sent.
        assert table.move_cursor_to(other)
        app.tickets.forget_landing()
        await pilot.press("t")
        await settle(pilot, lambda: any("Could not save" in t for t in toasts(app)))
        (refusal,) = [t for t in toasts(app) if "Could not save" in t]
        reason = sentence[:1].lower() + sentence[1:-1]
        assert refusal.startswith(f"Could not save “assign {other} to "), refusal
        assert f"” ({reason}): nothing was sent to Jira." in refusal, refusal
        row = table.item(other)
        assert row is not None and not row.pending and row.assignee_id is None  # as it was
        assert [w.key for w in store.outbox.pending()] == [KEY, KEY, KEY]  # the take, all of it, kept

        # Jira takes the assignment; the store cannot mark it sent: said once, kept in the status line.
        h.world.jira.faults.release()
        await settle(pilot, lambda: app.pending_note == sentence.rstrip("."))  # a clause in the status line
        await settle(pilot, lambda: any(sentence in t for t in toasts(app)))
        assert f"⟳ {app.pending_writes} writes pending" in screen_text(app).splitlines()[0]
        assert app.pending_writes == 3 and requests(h, "PUT", KEY, "assignee") == 1

        # Polls go on (and cannot be stored: the panes say why), keys are answered at once.
        await pilot.press("r")
        await settle(pilot, lambda: (app.statuses["jira"].error or "") == sentence)
        assert sentence in banner(app)
        took = await answered(pilot, "down", lambda: table.cursor_key != other)
        assert took < ANSWERED_WITHIN, f"down took {took * 1000:.0f} ms"
        assert requests(h, "POST", KEY, "transitions") == 0  # nothing more goes out while full
        assert requests(h, "PUT", other, "assignee") == 0

        # Space again: the writer marks the assignment sent and sends the rest; polls are stored again.
        store.db.faults.full = False
        await settle(pilot, lambda: app.pending_writes == 0 and app.pending_note is None)
        await pilot.press("r")
        await settle(pilot, lambda: app.statuses["jira"].error is None and "jira" not in app.refreshing)
        assert banner(app) == ""

        # And a key works again without a restart: the refused take, pressed again, lands once.
        assert table.move_cursor_to(other)
        app.tickets.forget_landing()
        await pilot.press("t")
        await settle(pilot, lambda: app.pending_writes == 0 and not attempted(app, other))
        await settle(pilot, lambda: world.issue(other)["fields"]["status"]["name"] == "In Progress")

    for key in (KEY, other):  # every queued write exactly once at Jira
        assert requests(h, "PUT", key, "assignee") == 1, key
        assert requests(h, "POST", key, "transitions") == 1, key
        assert requests(h, "POST", key, "comment") == 1, key
        assert len(world.comments(key)) == 1, key
    states = {r["uid"]: r["state"] for r in store.db.rows("SELECT uid, state FROM outbox")}
    assert set(states.values()) == {WriteState.SENT.value} and len(states) == 6, states
    conn = sqlite3.connect(store.db.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
