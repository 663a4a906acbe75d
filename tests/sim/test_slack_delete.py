"""chat.delete in the simulated Slack, as https://docs.slack.dev/reference/methods/chat.delete documents it:
`channel` (an id) and `ts` required; a bot token deletes only the bot's own posts and a user token the
person's own (`cant_delete_message` otherwise); `message_not_found`, `channel_not_found`. A deleted reply
leaves its thread, so the parent's summary follows; a deleted parent that still has replies stays as a
tombstone until its last reply goes.

Driven by the real `slack_sdk.WebClient`; people act through the world's own API.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from duty_sim.slack.methods import METHODS
from duty_sim.slack.service import DEFAULT_TOKEN, SlackSim
from duty_sim.slack.world import SLACKBOT, TOMBSTONE_TEXT
from duty_tui.clock import ManualClock
from tests.support import slack_error

CHANNEL = "CEL68S0LD"
START = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def sim() -> Iterator[SlackSim]:
    with SlackSim(clock=ManualClock(START)) as running:
        running.enable_rate_limits(False)  # these tests post more than chat.postMessage's burst
        yield running


@pytest.fixture
def bot(sim: SlackSim) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=sim.api_url, timeout=5, retry_handlers=[])


@pytest.fixture
def alice(sim: SlackSim) -> str:
    user_id = sim.world.add_user("alice", "Alice")
    sim.world.join(CHANNEL, user_id)
    return user_id


def as_person(sim: SlackSim, user_id: str) -> WebClient:
    return WebClient(token=sim.add_user_token(user_id), base_url=sim.api_url, timeout=5, retry_handlers=[])


def parent_of(sim: SlackSim, ts: str) -> dict[str, Any]:
    return next(m for m in sim.world.history(CHANNEL) if m["ts"] == ts)


def test_the_bot_deletes_its_own_post_and_slack_answers_channel_and_ts(sim: SlackSim, bot: WebClient) -> None:
    ts = bot.chat_postMessage(channel=CHANNEL, text="Raised LAA-24")["ts"]
    answer = bot.chat_delete(channel=CHANNEL, ts=ts)
    assert answer.data == {"ok": True, "channel": CHANNEL, "ts": ts}
    assert ts not in {m["ts"] for m in sim.world.messages(CHANNEL)}
    assert slack_error(lambda: bot.chat_delete(channel=CHANNEL, ts=ts)) == "message_not_found"  # gone
    assert (
        slack_error(lambda: bot.reactions_add(channel=CHANNEL, name="eyes", timestamp=ts))
        == "message_not_found"
    )
    log = sim.log.find("POST", "/api/chat.delete")
    assert log[0].content_type == "application/x-www-form-urlencoded"  # as the sync client sends it


def test_a_deleted_reply_leaves_its_thread_and_the_parents_summary_follows(
    sim: SlackSim, bot: WebClient, alice: str
) -> None:
    parent = sim.world.post(CHANNEL, alice, "MI DB slow", at=START - timedelta(minutes=5))
    person = as_person(sim, alice)
    first = bot.chat_postMessage(channel=CHANNEL, text="How did we do?", thread_ts=parent)["ts"]
    second = bot.chat_postMessage(channel=CHANNEL, text="How did we do?", thread_ts=parent)["ts"]
    thanks = person.chat_postMessage(channel=CHANNEL, text="thanks", thread_ts=parent)["ts"]
    top = parent_of(sim, parent)
    assert (top["reply_count"], top["reply_users"], top["latest_reply"]) == (
        3,
        [sim.bot_user_id, alice],
        thanks,
    )

    bot.chat_delete(channel=CHANNEL, ts=second)
    top = parent_of(sim, parent)
    assert (top["reply_count"], top["reply_users_count"], top["latest_reply"]) == (2, 2, thanks)
    person.chat_delete(channel=CHANNEL, ts=thanks)
    replies = bot.conversations_replies(channel=CHANNEL, ts=parent)["messages"]
    assert [m["ts"] for m in replies] == [parent, first]
    assert (replies[0]["reply_count"], replies[0]["reply_users"], replies[0]["latest_reply"]) == (
        1,
        [sim.bot_user_id],
        first,
    )
    bot.chat_delete(channel=CHANNEL, ts=first)
    top = parent_of(sim, parent)
    assert not {"reply_count", "reply_users", "latest_reply", "thread_ts"} & set(top)  # no thread left


def test_a_parent_with_replies_becomes_a_tombstone_until_its_last_reply_goes(
    sim: SlackSim, bot: WebClient, alice: str
) -> None:
    parent = bot.chat_postMessage(channel=CHANNEL, text="Incident: CCMS down")["ts"]
    reply = as_person(sim, alice).chat_postMessage(channel=CHANNEL, text="seeing it too", thread_ts=parent)[
        "ts"
    ]
    bot.chat_delete(channel=CHANNEL, ts=parent)
    [tombstone] = [m for m in bot.conversations_history(channel=CHANNEL)["messages"] if m["ts"] == parent]
    assert (tombstone["subtype"], tombstone["user"], tombstone["text"]) == (
        "tombstone",
        SLACKBOT,
        TOMBSTONE_TEXT,
    )
    assert (tombstone["reply_count"], tombstone["latest_reply"]) == (1, reply)
    assert slack_error(lambda: bot.chat_delete(channel=CHANNEL, ts=parent)) == "message_not_found"
    # The person takes their reply back: nothing of the thread is left.
    as_person(sim, alice).chat_delete(channel=CHANNEL, ts=reply)
    assert parent not in {m["ts"] for m in sim.world.messages(CHANNEL)}


def test_a_token_deletes_only_what_its_owner_posted(sim: SlackSim, bot: WebClient, alice: str) -> None:
    person = as_person(sim, alice)
    hers = sim.world.post(CHANNEL, alice, "printer on fire")
    ours = bot.chat_postMessage(channel=CHANNEL, text="Ack")["ts"]
    hook = sim.world.post(CHANNEL, None, "Deployed", subtype="bot_message", username="deploybot")
    joined = sim.world.post(CHANNEL, alice, f"<@{alice}> has joined the channel", subtype="channel_join")
    assert slack_error(lambda: bot.chat_delete(channel=CHANNEL, ts=hers)) == "cant_delete_message"
    assert (
        slack_error(lambda: bot.chat_delete(channel=CHANNEL, ts=hook)) == "cant_delete_message"
    )  # another bot's
    assert slack_error(lambda: person.chat_delete(channel=CHANNEL, ts=ours)) == "cant_delete_message"
    assert slack_error(lambda: person.chat_delete(channel=CHANNEL, ts=joined)) == "cant_delete_message"
    assert {hers, ours, hook, joined} <= {m["ts"] for m in sim.world.messages(CHANNEL)}  # all still there
    assert person.chat_delete(channel=CHANNEL, ts=hers)["ts"] == hers
    assert bot.chat_delete(channel=CHANNEL, ts=ours)["ts"] == ours


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"channel": CHANNEL, "ts": "1000000000.000001"}, "message_not_found"),
        ({"channel": CHANNEL}, "message_not_found"),
        ({"channel": CHANNEL, "ts": "yesterday"}, "message_not_found"),
        ({"channel": "C0NOSUCH01", "ts": "1000000000.000001"}, "channel_not_found"),
        ({"channel": "laa-ops", "ts": "1000000000.000001"}, "channel_not_found"),  # an id, never a name
        ({"ts": "1000000000.000001"}, "channel_not_found"),
    ],
)
def test_what_chat_delete_refuses(sim: SlackSim, bot: WebClient, args: dict[str, str], error: str) -> None:
    assert slack_error(lambda: bot.api_call("chat.delete", params=args)) == error


def test_an_archived_channel_is_read_only_and_chat_write_is_needed(sim: SlackSim, bot: WebClient) -> None:
    ts = bot.chat_postMessage(channel=CHANNEL, text="Ack")["ts"]
    sim.world.archive(CHANNEL)
    assert slack_error(lambda: bot.chat_delete(channel=CHANNEL, ts=ts)) == "cant_delete_message"
    sim.world.archive(CHANNEL, False)
    sim.set_scopes(sorted(sim.scopes - {"chat:write"}))
    with pytest.raises(SlackApiError) as info:
        bot.chat_delete(channel=CHANNEL, ts=ts)
    assert (info.value.response["error"], info.value.response["needed"]) == ("missing_scope", "chat:write")
    sim.set_scopes(sorted(sim.scopes | {"chat:write"}))
    # Slack also takes JSON for chat.delete (its "Content types").
    answer = httpx.post(
        sim.api_url + "chat.delete",
        json={"channel": CHANNEL, "ts": ts},
        headers={
            "Authorization": f"Bearer {DEFAULT_TOKEN}",
            "Content-Type": "application/json; charset=utf-8",
        },
    ).json()
    assert answer == {"ok": True, "channel": CHANNEL, "ts": ts}


def test_chat_delete_is_tier_3_and_limited_like_the_others(sim: SlackSim, bot: WebClient) -> None:
    assert METHODS["chat.delete"].capacity == 50  # Tier 3: 50+ a minute
    sim.enable_rate_limits(True)
    sim.set_rate_limit("chat.delete", 2)
    for _ in range(2):
        assert (
            slack_error(lambda: bot.chat_delete(channel=CHANNEL, ts="1000000000.000001"))
            == "message_not_found"
        )
    with pytest.raises(SlackApiError) as info:
        bot.chat_delete(channel=CHANNEL, ts="1000000000.000001")
    assert info.value.response.status_code == 429 and info.value.response.headers["Retry-After"].isdigit()
