"""Slack writes through the real slack_sdk against the simulator: what is posted stays literal, a lost
answer is found again rather than posted twice, and a reaction already there is done."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest

from duty_tui import text
from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import ChatMessage, ReplyDraft, Service
from duty_tui.rules import channel_actions
from duty_tui.rules.actions import Actor, NewId
from duty_tui.sources.errors import SourceError
from duty_tui.sync.outbox import Delivery
from tests.support import HOSTILE, Harness

ME = Actor("acc", "Priya Shah")


def parent(h: Harness) -> ChatMessage:
    user = h.world.cast.slack["dan"]
    ts = [str(m["ts"]) for m in h.world.slack.world.history(CHANNEL) if m.get("user") == user][-1]
    return ChatMessage(ts, CHANNEL, user, "help")


def slack_delivery(h: Harness, *, as_user: bool = True) -> Delivery:
    runtime = h.runtime(as_user=as_user)
    return runtime.outbox_writer(lambda progress: None).deliveries[Service.SLACK]


def ids() -> NewId:
    numbers = count(1)
    return lambda: f"uid-{next(numbers)}"


@pytest.mark.parametrize("as_user", [True, False])
def test_hostile_replies_are_posted_so_slack_shows_them_literally(h: Harness, as_user: bool) -> None:
    delivery = slack_delivery(h, as_user=as_user)
    h.world.slack.set_rate_limit("chat.postMessage", 100_000)  # the corpus in one go, not 1 a second
    message = parent(h)
    new_id = ids()
    corpus = [evil for evil in HOSTILE if text.sanitize(evil).strip()]  # the editor posts no blank reply
    for evil in corpus:
        [write] = channel_actions.reply(message, ME, ReplyDraft(evil), h.clock.now(), new_id)
        delivery.deliver(write, None)
    posted = [m["text"] for m in h.world.slack.world.thread(CHANNEL, message.ts)[1:]]
    assert len(posted) == len(corpus)
    for evil, sent in zip(corpus, posted, strict=True):
        # Escaped, so no mention, link or command can be formed; otherwise exactly what was typed
        # (control characters aside), with the engineer's name when the bot posts it.
        assert "<" not in sent and ">" not in sent, evil
        unescaped = sent.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        assert unescaped == text.sanitize(evil) + ("" if as_user else "\n— Priya Shah"), evil


def test_a_resent_reply_whose_answer_was_lost_is_not_posted_again(h: Harness) -> None:
    delivery = slack_delivery(h)
    message = parent(h)
    [write] = channel_actions.reply(message, ME, ReplyDraft("once"), h.clock.now(), ids())
    h.world.slack.faults.drop_next(1, match="chat.postMessage")
    with pytest.raises(SourceError):
        delivery.deliver(write, None)
    from dataclasses import replace

    again = delivery.deliver(replace(write, attempts=2), None)
    thread = h.world.slack.world.thread(CHANNEL, message.ts)[1:]
    assert [m["text"] for m in thread] == ["once"] and again.result == thread[0]["ts"]


def test_reacting_twice_is_one_reaction_and_a_deleted_message_is_refused_in_words(h: Harness) -> None:
    delivery = slack_delivery(h)
    message = parent(h)
    for _ in range(2):
        [write] = channel_actions.react(message, ME, "eyes", h.clock.now(), ids())
        delivery.deliver(write, None)
    [reaction] = h.world.slack.world.message(CHANNEL, message.ts)["reactions"]
    assert reaction["count"] == 1
    h.world.slack.world.delete(CHANNEL, message.ts)
    h.clock.advance(timedelta(seconds=1))
    [write] = channel_actions.react(message, ME, "+1", h.clock.now(), ids())
    with pytest.raises(SourceError) as refused:
        delivery.deliver(write, None)
    assert refused.value.permanent and "no longer in Slack" in refused.value.message
