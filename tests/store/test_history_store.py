"""Ticket histories in the store: every part comes back as it went in (to the microsecond), a save replaces a
ticket's history by key, and tickets not updated since a moment are forgotten."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from duty_tui.rules.flow_history import (
    AssigneeItem,
    BoardItem,
    CommentEntry,
    HistoryEntry,
    Status,
    StatusItem,
    TicketHistory,
)
from duty_tui.store import Store
from tests.conftest import MORNING

NOW = MORNING
TODO = Status("10000", "To Do", "new")
IN_PROGRESS = Status("3", "In Progress", "indeterminate")
DONE = Status("10001", "Done", "done")
TRIAGE = Status("77777", "Triage", "undefined")
JIRA_ZONE = timezone(timedelta(hours=1))  # Jira sends each user's offset; the instant is what counts


def ticket(key: str = "LAA-1", created: datetime = NOW - timedelta(days=3), **changes: Any) -> TicketHistory:
    base = TicketHistory(
        key=key,
        board="AWS Ops",
        created=created,
        status=DONE,
        history=(
            HistoryEntry(created + timedelta(minutes=1), "tom", status=StatusItem(None, IN_PROGRESS)),
            HistoryEntry(created + timedelta(minutes=2), "tom", assignee=AssigneeItem(None, "tom")),
            HistoryEntry(created + timedelta(minutes=3), None),  # another field changed: still an update
            HistoryEntry(created + timedelta(minutes=4), "ewan", assignee=AssigneeItem("tom", None)),
            HistoryEntry(
                created + timedelta(minutes=5, microseconds=7),
                "ewan",
                status=StatusItem(IN_PROGRESS, DONE),
                assignee=AssigneeItem(None, "712020:ab-cd"),
                board=BoardItem("AWS Ops", "6DG Ops"),
            ),
            HistoryEntry(created + timedelta(minutes=6), "aisha", status=StatusItem(TRIAGE, TODO)),
        ),
        comments=(
            CommentEntry(created + timedelta(minutes=7), "lucy"),
            CommentEntry((created + timedelta(minutes=8)).astimezone(JIRA_ZONE), None),
        ),
        history_complete=False,
    )
    return replace(base, **changes) if changes else base


def test_a_history_comes_back_as_it_went_in(store: Store) -> None:
    saved = [ticket(), ticket("LAA-2", history=(), comments=(), status=TODO, history_complete=True)]
    store.history.save(saved, NOW)
    assert store.history.tickets() == saved
    again = store.history.tickets()[0]
    assert again.history[-1].status is not None and again.history[-1].status.old == TRIAGE
    assert again.created.utcoffset() == timedelta(0)


def test_the_cache_survives_a_restart(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    store.history.save([ticket()], NOW)
    store.close()
    store = Store.in_dir(tmp_path)
    try:
        assert store.history.tickets() == [ticket()]
    finally:
        store.close()


def test_a_save_replaces_a_ticket_by_key(store: Store) -> None:
    store.history.save([ticket("LAA-1"), ticket("LAA-2")], NOW)
    moved = ticket("LAA-1", board="6DG Ops", history=ticket().history[:1], history_complete=True)
    store.history.save([moved], NOW + timedelta(hours=1))
    assert store.history.tickets() == [moved, ticket("LAA-2")]
    assert store.history.count() == 2
    fetched = {row["key"]: row["fetched_at"] for row in store.db.rows("SELECT * FROM ticket_histories")}
    assert fetched == {"LAA-1": (NOW + timedelta(hours=1)).isoformat(), "LAA-2": NOW.isoformat()}


def test_tickets_not_updated_since_a_moment_are_forgotten(store: Store) -> None:
    cutoff = NOW - timedelta(days=100)
    old = ticket("LAA-1", created=cutoff - timedelta(days=5), comments=())  # last history 6 minutes after it
    commented = ticket(
        "LAA-2",
        created=cutoff - timedelta(days=5),
        comments=(CommentEntry(cutoff + timedelta(seconds=1), "lucy"),),  # a late comment keeps it
    )
    recent = ticket("LAA-3")
    store.history.save([old, commented, recent], NOW)
    assert store.history.forget_before(cutoff) == 1
    assert [t.key for t in store.history.tickets()] == ["LAA-2", "LAA-3"]
    assert store.history.forget_before(cutoff) == 0


def test_a_damaged_row_is_skipped_not_fatal(store: Store) -> None:
    store.history.save([ticket("LAA-1"), ticket("LAA-2")], NOW)
    with store.db.write():
        store.db.conn.execute("UPDATE ticket_histories SET data = '{\"v\": 1, \"t\": [' WHERE key = 'LAA-1'")
    assert [t.key for t in store.history.tickets()] == ["LAA-2"]


def test_statuses_and_moves_are_shared_between_tickets(store: Store) -> None:
    store.history.save([ticket("LAA-1"), ticket("LAA-2")], NOW)
    first, second = store.history.tickets()
    assert first.status is second.status
    assert first.history[0].status is second.history[0].status  # a large cache holds each move once
