"""Working a channel through the simulated Slack: thread replies and broadcasts, message metadata, reply
paging, and the errors an archived channel, a missing membership or a deleted message bring.

Driven by the real `slack_sdk.WebClient`; people act through the world's own API (`SlackWorld.post`,
`edit`, `delete`, `react`), as the demo scenario does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from duty_sim.slack.service import DEFAULT_TOKEN, SlackSim
from duty_tui.clock import ManualClock
from tests.support import slack_error

CHANNEL = "CEL68S0LD"
START = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
OUTBOX = {"event_type": "duty_tui_outbox", "event_payload": {"outbox": "o-42", "attempt": 1}}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[SlackSim]:
    with SlackSim(clock=clock) as running:
        running.enable_rate_limits(False)  # these tests post more than chat.postMessage's burst
        yield running


@pytest.fixture
def client(sim: SlackSim) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=sim.api_url, timeout=5, retry_handlers=[])


@pytest.fixture
def people(sim: SlackSim) -> tuple[str, str]:
    return sim.world.add_user("alice", "Alice"), sim.world.add_user("bob", "Bob")


def by_ts(messages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {m["ts"]: m for m in messages}


# -- replies and the parent's thread summary --------------------------------------------------------


def test_replies_through_the_api_update_the_parents_summary(
    sim: SlackSim, client: WebClient, people: tuple[str, str]
) -> None:
    alice, bob = people
    parent = sim.world.post(CHANNEL, alice, "CCMS down?", at=START - timedelta(minutes=10))
    sim.world.join(CHANNEL, bob)
    person = WebClient(token=sim.add_user_token(bob), base_url=sim.api_url, retry_handlers=[])
    first = person.chat_postMessage(channel=CHANNEL, text="looking", thread_ts=parent)["ts"]
    ours = client.chat_postMessage(channel=CHANNEL, text="Ack: LAA-24", thread_ts=parent)["ts"]
    last = person.chat_postMessage(channel=CHANNEL, text="fixed", thread_ts=parent)["ts"]
    for top in (
        client.conversations_history(channel=CHANNEL)["messages"][0],
        client.conversations_replies(channel=CHANNEL, ts=parent)["messages"][0],
    ):
        assert top["ts"] == parent and top["thread_ts"] == parent
        assert (top["reply_count"], top["reply_users_count"]) == (3, 2)
        assert top["reply_users"] == [bob, sim.bot_user_id]
        assert top["latest_reply"] == last
    assert [m["ts"] for m in client.conversations_history(channel=CHANNEL)["messages"]] == [parent]
    sim.world.delete(CHANNEL, last)  # the summary follows the thread as it is now
    top = client.conversations_history(channel=CHANNEL)["messages"][0]
    assert (top["reply_count"], top["latest_reply"]) == (2, ours)
    assert [m["ts"] for m in client.conversations_replies(channel=CHANNEL, ts=first)["messages"]] == [
        parent,
        first,
        ours,
    ]


def test_reply_broadcast_shows_in_history_with_its_root(
    sim: SlackSim, client: WebClient, people: tuple[str, str]
) -> None:
    alice, _ = people
    parent = sim.world.post(CHANNEL, alice, "Printer on fire", at=START - timedelta(minutes=5))
    plain = client.chat_postMessage(channel=CHANNEL, text="quiet reply", thread_ts=parent)["ts"]
    posted = client.chat_postMessage(
        channel=CHANNEL, text="Fixed, FYI all", thread_ts=parent, reply_broadcast=True
    )
    message = posted["message"]
    assert message["subtype"] == "thread_broadcast" and message["thread_ts"] == parent
    assert message["root"]["ts"] == parent and message["root"]["user"] == alice
    history = client.conversations_history(channel=CHANNEL)["messages"]
    assert [m["ts"] for m in history] == [posted["ts"], parent]  # the quiet reply stays in its thread
    shown = history[0]
    assert shown["subtype"] == "thread_broadcast" and shown["bot_id"]
    assert shown["root"]["text"] == "Printer on fire"
    assert (shown["root"]["reply_count"], shown["root"]["latest_reply"]) == (2, posted["ts"])
    assert "root" not in history[1]
    thread = client.conversations_replies(channel=CHANNEL, ts=parent)["messages"]
    assert [m["ts"] for m in thread] == [parent, plain, posted["ts"]]
    assert thread[2]["subtype"] == "thread_broadcast" and "subtype" not in thread[1]


def test_where_a_reply_can_go(sim: SlackSim, client: WebClient, people: tuple[str, str]) -> None:
    alice, _ = people
    joined = sim.world.post(CHANNEL, alice, f"<@{alice}> has joined the channel", subtype="channel_join")
    parent = sim.world.post(CHANNEL, alice, "parent")
    reply = sim.world.post(CHANNEL, alice, "reply", thread_ts=parent)

    def post(thread_ts: str) -> Callable[[], Any]:
        return lambda: client.chat_postMessage(channel=CHANNEL, text="hi", thread_ts=thread_ts)

    assert slack_error(post(joined)) == "cannot_reply_to_message"
    assert slack_error(post("1700000000.000001")) == "thread_not_found"
    assert slack_error(post("not-a-ts")) == "thread_not_found"
    # Slack asks for the parent's ts; given a reply's, the message still lands in that thread.
    assert post(reply)()["message"]["thread_ts"] == parent
    sim.world.delete(CHANNEL, reply)
    assert slack_error(post(reply)) == "thread_not_found"


# -- metadata ---------------------------------------------------------------------------------------


def test_metadata_as_a_dict_or_a_json_string_only_with_include_all_metadata(
    sim: SlackSim, client: WebClient, people: tuple[str, str]
) -> None:
    alice, _ = people
    parent = sim.world.post(CHANNEL, alice, "parent", at=START - timedelta(minutes=1))
    as_dict = client.chat_postMessage(channel=CHANNEL, text="json body", thread_ts=parent, metadata=OUTBOX)
    as_form = client.api_call(  # a form body carries metadata as a JSON string
        "chat.postMessage",
        data={"channel": CHANNEL, "text": "form body", "metadata": json.dumps(OUTBOX)},
    )
    assert sim.log.entries()[-1].content_type == "application/x-www-form-urlencoded"
    assert as_dict["message"]["metadata"] == OUTBOX == as_form["message"]["metadata"]
    replies = client.conversations_replies(channel=CHANNEL, ts=parent)["messages"]
    assert all("metadata" not in m for m in replies)
    replies = client.conversations_replies(channel=CHANNEL, ts=parent, include_all_metadata=True)["messages"]
    assert by_ts(replies)[as_dict["ts"]]["metadata"] == OUTBOX
    history = client.conversations_history(channel=CHANNEL)["messages"]
    assert "metadata" not in by_ts(history)[as_form["ts"]]
    history = client.conversations_history(channel=CHANNEL, include_all_metadata=True)["messages"]
    assert by_ts(history)[as_form["ts"]]["metadata"] == OUTBOX
    assert "metadata" not in by_ts(history)[parent]  # a person's message has none


@pytest.mark.parametrize(
    "metadata",
    [
        {"event_type": "duty_tui_outbox"},
        {"event_payload": {"outbox": "o-1"}},
        {"event_type": "duty_tui_outbox", "event_payload": "o-1"},
        {"event_type": "", "event_payload": {"outbox": "o-1"}},
        "{not json",
        ["duty_tui_outbox"],
    ],
    ids=["no-payload", "no-type", "payload-not-object", "empty-type", "bad-json", "not-object"],
)
def test_malformed_metadata_is_refused(sim: SlackSim, client: WebClient, metadata: Any) -> None:
    value = metadata if isinstance(metadata, str) else json.dumps(metadata)
    send = lambda: client.api_call(  # noqa: E731
        "chat.postMessage", data={"channel": CHANNEL, "text": "x", "metadata": value}
    )
    assert slack_error(send) == "invalid_metadata_format"
    assert sim.world.messages(CHANNEL) == []  # nothing was posted


def test_replies_page_with_metadata_on_every_page(
    sim: SlackSim, client: WebClient, people: tuple[str, str]
) -> None:
    alice, _ = people
    parent = sim.world.post(CHANNEL, alice, "parent", at=START - timedelta(minutes=1))
    sent = [
        client.chat_postMessage(
            channel=CHANNEL,
            text=f"reply {n}",
            thread_ts=parent,
            metadata={**OUTBOX, "event_payload": {"n": n}},
        )["ts"]
        for n in range(5)
    ]
    pages = [
        [(m["ts"], m.get("metadata", {}).get("event_payload")) for m in page["messages"]]
        for page in client.conversations_replies(
            channel=CHANNEL, ts=parent, limit=3, include_all_metadata=True
        )
    ]
    assert pages == [
        [(parent, None), (sent[0], {"n": 0}), (sent[1], {"n": 1})],
        [(parent, None), (sent[2], {"n": 2}), (sent[3], {"n": 3})],
        [(parent, None), (sent[4], {"n": 4})],
    ]
    cursors = [e.param("cursor") for e in sim.log.find(path="conversations.replies")]
    assert cursors[0] is None and all(cursors[1:])
    oldest = client.conversations_replies(channel=CHANNEL, ts=parent, oldest=sent[2])["messages"]
    assert [m["ts"] for m in oldest] == [parent, sent[3], sent[4]]  # the parent heads even a window


# -- errors tests can reach -----------------------------------------------------------------------------


def test_an_archived_channel_takes_no_posts_or_reactions(
    sim: SlackSim, client: WebClient, people: tuple[str, str]
) -> None:
    alice, _ = people
    ts = sim.world.post(CHANNEL, alice, "before the archive")
    sim.world.archive(CHANNEL)
    assert client.conversations_info(channel=CHANNEL)["channel"]["is_archived"] is True
    assert slack_error(lambda: client.chat_postMessage(channel=CHANNEL, text="hi")) == "is_archived"
    assert (
        slack_error(lambda: client.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes")) == "is_archived"
    )
    assert [m["ts"] for m in client.conversations_history(channel=CHANNEL)["messages"]] == [
        ts
    ]  # still readable
    sim.world.archive(CHANNEL, archived=False)
    assert client.chat_postMessage(channel=CHANNEL, text="back")["ok"] is True


def test_a_bot_taken_out_of_the_channel(sim: SlackSim, client: WebClient, people: tuple[str, str]) -> None:
    alice, _ = people
    ts = sim.world.post(CHANNEL, alice, "hello")
    sim.world.leave(CHANNEL, sim.bot_user_id)
    assert (
        slack_error(lambda: client.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes"))
        == "not_in_channel"
    )
    assert slack_error(lambda: client.conversations_replies(channel=CHANNEL, ts=ts)) == "not_in_channel"
    assert (
        slack_error(lambda: client.chat_postMessage(channel=CHANNEL, text="x", thread_ts=ts))
        == "not_in_channel"
    )
    sim.world.join(CHANNEL, sim.bot_user_id)
    assert client.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes")["ok"] is True


def test_a_deleted_message_is_not_found(sim: SlackSim, client: WebClient, people: tuple[str, str]) -> None:
    alice, _ = people
    ts = sim.world.post(CHANNEL, alice, "oops, wrong channel")
    assert client.chat_getPermalink(channel=CHANNEL, message_ts=ts)["ok"] is True
    sim.world.delete(CHANNEL, ts)
    assert (
        slack_error(lambda: client.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes"))
        == "message_not_found"
    )
    assert (
        slack_error(lambda: client.chat_getPermalink(channel=CHANNEL, message_ts=ts)) == "message_not_found"
    )
    assert slack_error(lambda: client.reactions_get(channel=CHANNEL, timestamp=ts)) == "message_not_found"
    assert client.conversations_history(channel=CHANNEL)["messages"] == []


# -- what people do, through the world ----------------------------------------------------------------


def test_people_post_edit_react_and_delete_through_the_world(
    sim: SlackSim, client: WebClient, clock: ManualClock, people: tuple[str, str]
) -> None:
    alice, bob = people
    parent = sim.world.post(CHANNEL, alice, "LAA Apply slow")
    reply = sim.world.post(CHANNEL, bob, "same here", thread_ts=parent)
    clock.advance(timedelta(minutes=2))
    sim.world.edit(CHANNEL, parent, "LAA Apply down", alice)
    sim.world.react(CHANNEL, parent, "eyes", bob)
    [top] = client.conversations_history(channel=CHANNEL)["messages"]
    assert top["text"] == "LAA Apply down"
    assert top["edited"] == {"user": alice, "ts": f"{int((START + timedelta(minutes=2)).timestamp())}.000000"}
    assert top["reactions"] == [{"name": "eyes", "users": [bob], "count": 1}]
    assert top["reply_users"] == [bob]
    link = client.chat_getPermalink(channel=CHANNEL, message_ts=reply)["permalink"]
    assert link.endswith(f"?thread_ts={parent}&cid={CHANNEL}")
    sim.world.delete(CHANNEL, parent)  # a parent with replies stays as a tombstone
    [tomb] = client.conversations_history(channel=CHANNEL)["messages"]
    assert tomb["subtype"] == "tombstone" and tomb["reply_count"] == 1
