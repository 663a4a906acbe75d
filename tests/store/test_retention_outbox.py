"""Retention of the outbox (`Store.prune`): sent writes go once older than the channel's messages, never
inside a window the code reads them in; writes not sent never go. Every test keeps a write that must go
next to the ones that must stay, so it fails whether the retention is missing or too eager."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from duty_tui.models import (
    ChatMessage,
    IncidentEvent,
    IncidentEventKind,
    IncidentStatus,
    Service,
    Write,
    WriteKind,
    WriteState,
)
from duty_tui.rules.actions import Reached
from duty_tui.store import Store
from duty_tui.store.tickets import CONFIRMED_WINDOW

NOW = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)
KEEP_MESSAGES_DAYS = 30
EDGE = NOW - timedelta(days=KEEP_MESSAGES_DAYS)  # a write confirmed before this is forgotten
LONG_AGO = NOW - timedelta(days=60)
SECOND = timedelta(seconds=1)


def queue(
    store: Store, uid: str, at: datetime, *, batch: str | None = None, kind: WriteKind = WriteKind.COMMENT
) -> Write:
    write = Write(uid, batch or uid, kind, "LAA-1", at, "acc-priya", "Priya", Service.JIRA, body="on it")
    (stored,) = store.outbox.enqueue([write])
    return stored


def sent(
    store: Store, uid: str, at: datetime, *, batch: str | None = None, kind: WriteKind = WriteKind.COMMENT
) -> Write:
    write = queue(store, uid, at - timedelta(minutes=1), batch=batch, kind=kind)
    store.outbox.mark_sent(write, at)
    return write


def states(store: Store) -> dict[str, str]:
    return {row["uid"]: row["state"] for row in store.db.rows("SELECT uid, state FROM outbox")}


def prune(store: Store, now: datetime = NOW, keep_messages_days: int = KEEP_MESSAGES_DAYS) -> int:
    return store.prune(now, keep_messages_days=keep_messages_days, keep_tickets_days=30)


def test_a_sent_write_goes_once_confirmed_before_the_channel_messages_kept(store: Store) -> None:
    sent(store, "older", EDGE - SECOND)
    sent(store, "at-the-edge", EDGE)
    sent(store, "yesterday", NOW - timedelta(days=1))
    assert prune(store) == 1
    assert states(store) == {"at-the-edge": "sent", "yesterday": "sent"}
    # A day later the write at the edge is past it too.
    assert prune(store, NOW + timedelta(days=1)) == 1
    assert set(states(store)) == {"yesterday"}


def test_writes_not_sent_are_never_forgotten_however_old(store: Store) -> None:
    queue(store, "unsent", LONG_AGO)
    waiting = store.outbox.record_attempt(queue(store, "waiting", LONG_AGO))
    store.outbox.retry_later(waiting, "Jira answered 503", NOW + timedelta(hours=1))  # backing off
    refused = queue(store, "refused", LONG_AGO, batch="take")
    queue(store, "cancelled", LONG_AGO, batch="take")  # the rest of the refused keypress
    store.outbox.fail(refused, "Jira refused it", LONG_AGO)
    sent(store, "sent", LONG_AGO)
    assert prune(store) == 1
    assert states(store) == {
        "unsent": WriteState.PENDING.value,
        "waiting": WriteState.PENDING.value,
        "refused": WriteState.FAILED.value,
        "cancelled": WriteState.CANCELLED.value,
    }
    assert [w.uid for w in store.outbox.pending()] == ["unsent", "waiting"]
    assert store.outbox.count_pending() == 2


def test_a_creation_is_kept_while_the_rest_of_its_keypress_waits_to_send(store: Store) -> None:
    # Raise from the channel: create, then link and announce with the key the creation made.
    raised = queue(store, "create", LONG_AGO, batch="raise", kind=WriteKind.CREATE)
    store.outbox.mark_sent(raised, LONG_AGO, result="LAA6DG-9")
    queue(store, "link", LONG_AGO, batch="raise", kind=WriteKind.LINK)  # Jira refused the link for weeks
    done = queue(store, "create-done", LONG_AGO, batch="done", kind=WriteKind.CREATE)
    store.outbox.mark_sent(done, LONG_AGO, result="LAA6DG-8")
    sent(store, "link-done", LONG_AGO, batch="done", kind=WriteKind.LINK)
    assert prune(store) == 2
    assert store.outbox.created_in("raise") == "LAA6DG-9"  # what the waiting link reads when it goes
    assert store.outbox.created_in("done") is None
    # Once the link is sent, nothing of the keypress waits: the old creation goes, the new link stays.
    (link,) = store.outbox.pending()
    store.outbox.mark_sent(link, NOW)
    assert prune(store) == 1
    assert set(states(store)) == {"link"}


def test_a_confirmed_write_stays_for_the_window_a_lagging_search_is_checked_in(store: Store) -> None:
    """`Tickets._keep_confirmed` re-applies writes Jira confirmed within `CONFIRMED_WINDOW`: even a keep of
    no days leaves them."""
    reached = Reached("3", "In Progress", "indeterminate", before_updated=NOW - timedelta(hours=2))
    inside = queue(store, "inside", NOW - timedelta(hours=2), kind=WriteKind.TRANSITION)
    store.outbox.mark_sent(inside, NOW - CONFIRMED_WINDOW + SECOND, reached)
    outside = queue(store, "outside", NOW - timedelta(hours=2), kind=WriteKind.TRANSITION)
    store.outbox.mark_sent(outside, NOW - CONFIRMED_WINDOW - SECOND, reached)
    assert prune(store, keep_messages_days=0) == 1
    confirmed = store.outbox.confirmed_since(Service.JIRA, ["LAA-1"], NOW - CONFIRMED_WINDOW)
    assert [write.uid for write, _ in confirmed] == ["inside"]
    assert set(states(store)) == {"inside"}


def test_the_prune_forgets_everything_or_nothing(store: Store) -> None:
    """Messages, tickets, writes and incidents go in one transaction: a failure in the last part (here a
    trigger refuses to delete incident events) leaves the writes and messages deleted before it."""
    sent(store, "old", LONG_AGO)
    store.messages.save([ChatMessage(f"{int(LONG_AGO.timestamp())}.000100", "C1", "U1", "old")])
    declared = IncidentEvent("i-1", IncidentEventKind.DECLARED, LONG_AGO - timedelta(days=60), "UPRIYA")
    resolved = replace(declared, kind=IncidentEventKind.RESOLVED, status=IncidentStatus.RESOLVED)
    store.incidents.save([("d", declared), ("r", resolved)])
    store.db.conn.execute(
        "CREATE TEMP TRIGGER refuse BEFORE DELETE ON incident_events BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        prune(store)
    assert set(states(store)) == {"old"} and store.messages.count("C1") == 1
    store.db.conn.execute("DROP TRIGGER refuse")
    assert prune(store) == 4
    assert states(store) == {} and store.messages.count("C1") == 0 and store.incidents.all() == []
