"""The happiness asks in the store: kept from the messages Slack showed, apart from the channel's own
top-level messages, read back as asks with their answers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

from duty_tui.models import ChatMessage, Reaction
from duty_tui.rules.happiness import ASK_METADATA, Answer, answer
from duty_tui.store import Store
from tests.conftest import MORNING

CHANNEL = "CEL68S0LD"
NOW = MORNING


def ts(at: datetime, serial: int) -> str:
    return f"{int(at.timestamp())}.{serial:06d}"


def request(at: datetime) -> ChatMessage:
    return ChatMessage(ts=ts(at, 1), channel=CHANNEL, user_id="UHANNAH", text="MI DB slow", reply_count=1)


def ask(parent: ChatMessage, at: datetime, *reactions: Reaction) -> ChatMessage:
    payload = {"request_ts": parent.ts, "requester": "UHANNAH", "ticket": "", "outbox": "u1"}
    return ChatMessage(
        ts=ts(at, 2),
        channel=CHANNEL,
        user_id="UBOT",
        bot_id="B0BOT",  # only duty-tui's bot posts asks (a person's message is never taken for one)
        text="How did we do?",
        thread_ts=parent.ts,
        reactions=reactions,
        metadata_type=ASK_METADATA,
        metadata=json.dumps(payload),
    )


def test_asks_are_kept_apart_from_the_channels_messages(store: Store) -> None:
    parent = request(NOW - timedelta(hours=2))
    store.messages.save([parent])
    other_reply = replace(ask(parent, NOW), ts=ts(NOW, 3), metadata_type=None, metadata=None)
    assert store.happiness.save(CHANNEL, [ask(parent, NOW - timedelta(hours=1)), other_reply]) == 1
    # The pane, the poll's cursor and its deletion check see the channel's top-level messages only.
    assert [m.ts for m in store.messages.recent(CHANNEL, limit=10)] == [parent.ts]
    assert store.messages.newest_ts(CHANNEL) == parent.ts
    assert store.messages.count(CHANNEL) == 1
    assert store.messages.ts_between(CHANNEL, "0", "9999999999") == [parent.ts]
    assert store.happiness.threads(CHANNEL, NOW - timedelta(days=30)) == {
        parent.ts: ts(NOW - timedelta(hours=1), 2)
    }
    assert store.happiness.asked(CHANNEL, [parent.ts, "1.000001"]) == {parent.ts}
    assert store.happiness.asked("COTHER", [parent.ts]) == set()


def test_asks_since_read_back_with_their_answers(store: Store) -> None:
    old_parent, parent = request(NOW - timedelta(days=10)), request(NOW - timedelta(days=1))
    old = ask(old_parent, NOW - timedelta(days=9), Reaction("-1", 1, ("UHANNAH",)))
    fresh = ask(parent, NOW - timedelta(hours=20))
    store.happiness.save(CHANNEL, [old, fresh])
    assert [a.request_ts for a in store.happiness.asks(NOW - timedelta(days=30))] == [
        old_parent.ts,
        parent.ts,
    ]
    [found] = store.happiness.asks(NOW - timedelta(days=2))
    assert (found.ts, found.requester, found.asked_at, answer(found)) == (
        fresh.ts,
        "UHANNAH",
        NOW - timedelta(hours=20),
        None,
    )
    # Read again later: the requester's 👍 (with a skin tone) is now on it.
    store.happiness.save(CHANNEL, [replace(fresh, reactions=(Reaction("+1::skin-tone-3", 1, ("UHANNAH",)),))])
    [found] = store.happiness.asks(NOW - timedelta(days=2))
    assert answer(found) is Answer.UP


def test_asks_are_forgotten_with_the_channels_old_messages(store: Store) -> None:
    parent = request(NOW - timedelta(days=40))
    store.happiness.save(
        CHANNEL, [ask(parent, NOW - timedelta(days=39)), ask(request(NOW), NOW + timedelta(minutes=5))]
    )
    store.prune(NOW, keep_messages_days=30, keep_tickets_days=30)
    assert [a.request_ts for a in store.happiness.asks(NOW - timedelta(days=90))] == [request(NOW).ts]
