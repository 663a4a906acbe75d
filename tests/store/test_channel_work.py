"""The store's part in working the channel: who reacted and replied, claims, tickets raised, and what a
write made (a created key), read back after a restart."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from duty_tui.models import ChatMessage, NewTicket, Reaction, Service, Write, WriteKind, WriteState
from duty_tui.store import Store

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def write(kind: WriteKind, uid: str, batch: str = "b1", **fields: object) -> Write:
    service = Service.JIRA if kind in (WriteKind.CREATE, WriteKind.LINK) else Service.SLACK
    return Write(uid, batch, kind, "1795687200.000100", NOW, "acc", "Priya", service, **fields)  # type: ignore[arg-type]


def test_messages_keep_who_reacted_who_replied_and_the_bot_mark(store: Store) -> None:
    message = ChatMessage(
        "1795687200.000100",
        "C1",
        "ULUCY",
        "help",
        reactions=(Reaction("eyes", 2, ("UTOM", "UAISHA")),),
        reply_users=("UTOM",),
        bot_id=None,
    )
    assert store.messages.save([message]) == (message,)
    assert store.messages.recent("C1", limit=5) == [message]
    # Another engineer's 👀 changes only who reacted: that is a change the pane must see.
    more = ChatMessage(
        "1795687200.000100",
        "C1",
        "ULUCY",
        "help",
        reactions=(Reaction("eyes", 2, ("UTOM", "UGRACE")),),
        reply_users=("UTOM",),
    )
    assert store.messages.save([more]) == (more,)


def test_a_store_from_before_migration_5_reads_reactions_without_users(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.messages.save([ChatMessage("1795687200.000100", "C1", "U1", "x")])
    store.close()
    raw = sqlite3.connect(tmp_path / "s.sqlite3")
    raw.execute("UPDATE messages SET reactions = '[[\"eyes\", 1]]'")
    raw.commit()
    raw.close()
    store = Store(tmp_path / "s.sqlite3")
    [message] = store.messages.recent("C1", limit=1)
    assert message.reactions == (Reaction("eyes", 1, ()),)


def test_a_claim_keeps_the_time_it_was_first_seen(store: Store) -> None:
    store.claims.seen("C1", [("1795687200.000100", "UTOM")], NOW)
    store.claims.seen(
        "C1", [("1795687200.000100", "UTOM"), ("1795687200.000100", "self")], NOW + timedelta(minutes=5)
    )
    claims = store.claims.of("C1", "1795687000.000000")
    assert claims == {"1795687200.000100": {"UTOM": NOW, "self": NOW + timedelta(minutes=5)}}
    assert store.claims.of("C1", "1795687300.000000") == {}


def test_tickets_raised_from_messages(store: Store) -> None:
    store.raised.link("C1", "1795687200.000100", "LAA-7", NOW)
    store.raised.link("C1", "1795687200.000100", "LAA-7", NOW)  # a resend does not double it
    assert store.raised.of("C1", "0") == {"1795687200.000100": ("LAA-7",)}
    assert store.raised.messages_of("LAA-7") == [("C1", "1795687200.000100")]


def test_a_creation_keeps_its_ticket_and_the_key_it_made_survives_a_restart(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    ticket = NewTicket(265, "CCMS slow", "High", "text")
    create, _announce = store.outbox.enqueue(
        [
            write(
                WriteKind.CREATE,
                "u1",
                ticket=ticket,
                project="LAA6DG",
                component="laa-6dg-support",
                url="https://p",
            ),
            write(WriteKind.REPLY, "u2", announces=True),
        ]
    )
    assert store.outbox.created_in("b1") is None
    store.outbox.mark_sent(create, NOW, result="LAA6DG-9")
    store.close()
    store = Store(tmp_path / "s.sqlite3")
    assert store.outbox.created_in("b1") == "LAA6DG-9"
    [pending] = store.outbox.pending()  # the create is sent: only the announcement waits, for Slack
    assert pending.uid == "u2" and pending.service is Service.SLACK
    assert pending.announces and pending.state is WriteState.PENDING


def test_a_refused_slack_write_does_not_cancel_later_replies_to_the_same_message(store: Store) -> None:
    (react,) = store.outbox.enqueue([write(WriteKind.REACT, "r1", batch="b1", body="eyes")])
    store.outbox.enqueue([write(WriteKind.REPLY, "p1", batch="b2", body="hello")])
    cancelled = store.outbox.fail(react, "message_not_found", NOW)
    assert cancelled == [] and [w.uid for w in store.outbox.pending()] == ["p1"]
