"""The simulated Slack Web API, driven by the real `slack_sdk.WebClient` (and raw HTTP) over 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from duty_sim.slack.service import DEFAULT_TOKEN, SlackSim
from duty_sim.slack.world import SlackError
from duty_tui.clock import ManualClock
from tests.support import slack_error, slack_failure

CHANNEL = "CEL68S0LD"
START = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[SlackSim]:
    with SlackSim(clock=clock) as running:
        yield running


@pytest.fixture
def client(sim: SlackSim) -> WebClient:
    # No retry handlers: every test sees exactly what the simulator answered.
    return WebClient(token=DEFAULT_TOKEN, base_url=sim.api_url, timeout=5, retry_handlers=[])


@pytest.fixture
def alice(sim: SlackSim) -> str:
    return sim.world.add_user("alice", "Alice Éclair", "ali", email="alice@example.com")


@pytest.fixture
def bob(sim: SlackSim) -> str:
    return sim.world.add_user("bob", "Bob Smith")


def seed(sim: SlackSim, user: str, n: int) -> list[str]:
    """n messages a minute apart, ending a minute before START; their ts ascending."""
    return [
        sim.world.post(CHANNEL, user, f"message {i}", at=START - timedelta(minutes=n - i)) for i in range(n)
    ]


def history_ts(client: WebClient, **kwargs: Any) -> list[str]:
    return [m["ts"] for m in client.conversations_history(channel=CHANNEL, **kwargs)["messages"]]


# -- auth, transport, errors --------------------------------------------------------------------


def test_auth_test_reports_the_bot(sim: SlackSim, client: WebClient) -> None:
    data = client.auth_test().data
    assert isinstance(data, dict)
    bot = sim.world.user(sim.bot_user_id)
    assert data == {
        "ok": True,
        "url": "https://mojdt.slack.com/",
        "team": "LAA Digital",
        "user": "duty-tui",
        "team_id": sim.world.team_id,
        "user_id": sim.bot_user_id,
        "bot_id": bot["profile"]["bot_id"],
        "is_enterprise_install": False,
    }
    assert sim.api_url.startswith("http://127.0.0.1:") and sim.api_url.endswith("/api/")


def test_token_missing_wrong_and_revoked(sim: SlackSim, client: WebClient) -> None:
    assert slack_error(WebClient(base_url=sim.api_url, retry_handlers=[]).auth_test) == "not_authed"
    wrong = WebClient(token="xoxb-wrong", base_url=sim.api_url, retry_handlers=[])
    assert slack_error(wrong.auth_test) == "invalid_auth"
    sim.faults.revoke_token()
    assert slack_error(client.auth_test) == "token_revoked"
    assert slack_error(lambda: client.conversations_history(channel=CHANNEL)) == "token_revoked"
    sim.faults.restore_token()
    assert client.auth_test()["ok"] is True


def test_get_form_json_and_multipart_are_all_accepted(sim: SlackSim, alice: str) -> None:
    ts = sim.world.post(CHANNEL, alice, "hello")
    url = sim.api_url + "conversations.history"
    bearer = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    answers = [
        httpx.get(url, params={"channel": CHANNEL, "token": DEFAULT_TOKEN}),
        httpx.post(url, data={"channel": CHANNEL, "token": DEFAULT_TOKEN}),
        httpx.post(url, json={"channel": CHANNEL}, headers=bearer),
        httpx.post(url, files={"channel": (None, CHANNEL), "token": (None, DEFAULT_TOKEN)}),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert answer.json()["ok"] is True, answer.json()
        assert [m["ts"] for m in answer.json()["messages"]] == [ts]
    assert [e.content_type for e in sim.log] == [
        "",
        "application/x-www-form-urlencoded",
        "application/json",
        "multipart/form-data",
    ]
    # Slack never reads a token from a JSON body, but does from the query string.
    in_json = httpx.post(url, json={"channel": CHANNEL, "token": DEFAULT_TOKEN})
    assert in_json.json()["error"] == "not_authed"
    in_query = httpx.post(url, params={"token": DEFAULT_TOKEN}, json={"channel": CHANNEL})
    assert in_query.json()["ok"] is True


def test_sdk_multipart_form(sim: SlackSim, client: WebClient) -> None:
    # The SDK switches to multipart/form-data whenever files are attached.
    posted = client.api_call(
        "chat.postMessage", data={"channel": CHANNEL, "text": "multi part é"}, files={"file": b"abc"}
    )
    assert posted["message"]["text"] == "multi part é"
    assert sim.log.entries()[-1].content_type == "multipart/form-data"


def test_json_without_charset_gets_a_warning(sim: SlackSim) -> None:
    url = sim.api_url + "auth.test"
    body = json.dumps({}).encode()
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    bare = httpx.post(url, content=body, headers={**headers, "Content-Type": "application/json"}).json()
    assert bare["ok"] is True
    assert bare["response_metadata"]["warnings"] == ["missing_charset"]
    with_charset = httpx.post(
        url, content=body, headers={**headers, "Content-Type": "application/json; charset=utf-8"}
    ).json()
    assert with_charset["ok"] is True and "response_metadata" not in with_charset


def test_answers_are_json_utf8_and_unknown_methods_fail(sim: SlackSim, client: WebClient) -> None:
    response = client.auth_test()
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    err = slack_failure(lambda: client.api_call("chat.teleport"))
    assert err.response.status_code == 200 and err.response["error"] == "unknown_method"
    bad_json = httpx.post(
        sim.api_url + "auth.test",
        content=b"{not json",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {DEFAULT_TOKEN}",
        },
    )
    assert bad_json.json()["error"] == "invalid_json"


def test_server_errors_from_the_fault_plan(sim: SlackSim, client: WebClient) -> None:
    sim.faults.fail_next(status=503)
    err = slack_failure(client.auth_test)
    assert err.response.status_code == 503 and err.response["error"] == "service_unavailable"
    sim.faults.fail_next(status=500)
    err = slack_failure(client.auth_test)
    assert err.response.status_code == 500 and err.response["error"] == "internal_error"
    sim.inject_error("channel_not_found", method="conversations.history")
    assert client.auth_test()["ok"] is True  # the injected error waits for its method
    assert slack_error(lambda: client.conversations_history(channel=CHANNEL)) == "channel_not_found"
    assert client.conversations_history(channel=CHANNEL)["ok"] is True


def test_missing_scope_names_needed_and_provided(sim: SlackSim, client: WebClient, alice: str) -> None:
    assert client.users_info(user=alice)["user"]["profile"]["email"] == "alice@example.com"
    sim.set_scopes(["chat:write", "users:read"])
    err = slack_failure(lambda: client.conversations_history(channel=CHANNEL))
    assert err.response["error"] == "missing_scope"
    assert err.response["needed"] == "channels:history"
    assert err.response["provided"] == "chat:write,users:read"
    # Without users:read.email the profile has no email.
    assert "email" not in client.users_info(user=alice)["user"]["profile"]


def test_request_log_records_what_the_client_sent(sim: SlackSim, client: WebClient) -> None:
    client.chat_postMessage(channel=CHANNEL, text="Ack: LAA-24")
    client.conversations_history(channel=CHANNEL, limit=5)
    [post] = sim.log.find("POST", "/api/chat.postMessage")
    assert post.content_type == "application/json"
    assert post.json() == {"channel": CHANNEL, "text": "Ack: LAA-24"}
    assert post.status == 200
    [history] = sim.log.find(path="conversations.history")
    assert history.param("limit") == "5"
    assert b"xoxb" not in history.body  # the token travelled in the header, which is never logged


def test_dropped_connection_after_posting_leaves_the_message(sim: SlackSim, client: WebClient) -> None:
    # chat.postMessage is not idempotent: the answer can be lost after Slack acted.
    sim.faults.drop_next(match="chat.postMessage")
    with pytest.raises(OSError):  # RemoteDisconnected / URLError: not a SlackApiError
        client.chat_postMessage(channel=CHANNEL, text="did it land?")
    assert [m["text"] for m in sim.world.messages(CHANNEL)] == ["did it land?"]


# -- rate limits ----------------------------------------------------------------------------------


def test_injected_429_carries_retry_after(sim: SlackSim, client: WebClient) -> None:
    sim.faults.rate_limit_next(retry_after=7)
    err = slack_failure(client.auth_test)
    assert err.response.status_code == 429
    assert err.response["error"] == "ratelimited"
    assert err.response.headers["Retry-After"] == "7"
    assert client.auth_test()["ok"] is True


def test_rate_limit_retry_handler_waits_and_succeeds(sim: SlackSim) -> None:
    retrying = WebClient(
        token=DEFAULT_TOKEN,
        base_url=sim.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    sim.faults.rate_limit_next(retry_after=1)
    started = time.monotonic()
    assert retrying.auth_test()["ok"] is True
    assert time.monotonic() - started >= 1.0
    assert [e.status for e in sim.log] == [429, 200]


def test_tier_limits_run_out(sim: SlackSim, client: WebClient, alice: str) -> None:
    for _ in range(20):  # users.list is Tier 2: 20 a minute
        client.users_list()
    err = slack_failure(client.users_list)
    assert err.response.status_code == 429 and err.response["error"] == "ratelimited"
    assert 1 <= int(err.response.headers["Retry-After"]) <= 3
    sim.set_rate_limit("users.info", 2)
    client.users_info(user=alice)
    client.users_info(user=alice)
    err = slack_failure(lambda: client.users_info(user=alice))
    assert err.response.status_code == 429
    assert 1 <= int(err.response.headers["Retry-After"]) <= 30


def test_post_message_is_limited_per_channel(sim: SlackSim, client: WebClient) -> None:
    sim.world.add_channel("C0SIMOTHER1", "laa-other")
    sim.world.join("C0SIMOTHER1", sim.bot_user_id)
    for i in range(5):  # a burst of five, then about one a second
        client.chat_postMessage(channel=CHANNEL, text=f"burst {i}")
    err = slack_failure(lambda: client.chat_postMessage(channel=CHANNEL, text="one too many"))
    assert err.response.status_code == 429 and err.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C0SIMOTHER1", text="elsewhere")["ok"] is True


def test_non_marketplace_mode(sim: SlackSim, client: WebClient, alice: str) -> None:
    seed(sim, alice, 20)
    sim.set_non_marketplace(True)
    page = client.conversations_history(channel=CHANNEL, limit=100)
    assert len(page["messages"]) == 15 and page["has_more"] is True
    err = slack_failure(lambda: client.conversations_history(channel=CHANNEL))
    assert err.response.status_code == 429 and int(err.response.headers["Retry-After"]) >= 30
    sim.set_non_marketplace(False)
    assert len(client.conversations_history(channel=CHANNEL)["messages"]) == 20


# -- conversations.history / replies -------------------------------------------------------------


def test_history_pages_newest_first_across_three_pages(sim: SlackSim, client: WebClient, alice: str) -> None:
    sent = seed(sim, alice, 7)
    pages, cursor = [], None
    while True:
        page = client.conversations_history(channel=CHANNEL, limit=3, cursor=cursor)
        pages.append(page)
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
        assert "." not in cursor  # opaque, not a raw ts
    assert [len(p["messages"]) for p in pages] == [3, 3, 1]
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert [m["ts"] for p in pages for m in p["messages"]] == sent[::-1]
    # The SDK's own iterator follows the same cursors.
    by_iterator = [
        m["ts"] for p in client.conversations_history(channel=CHANNEL, limit=3) for m in p["messages"]
    ]
    assert by_iterator == sent[::-1]
    assert (
        slack_error(lambda: client.conversations_history(channel=CHANNEL, cursor="!!nope"))
        == "invalid_cursor"
    )
    assert slack_error(lambda: client.conversations_history(channel="C0NOSUCHCH")) == "channel_not_found"
    assert slack_error(lambda: client.api_call("conversations.history")) == "channel_not_found"


def test_history_oldest_and_latest_are_exclusive_unless_inclusive(
    sim: SlackSim, client: WebClient, alice: str
) -> None:
    ts = seed(sim, alice, 5)
    assert history_ts(client, oldest=ts[1]) == [ts[4], ts[3], ts[2]]
    assert history_ts(client, oldest=ts[1], inclusive=True) == [ts[4], ts[3], ts[2], ts[1]]
    assert history_ts(client, latest=ts[3]) == [ts[2], ts[1], ts[0]]
    assert history_ts(client, oldest=ts[1], latest=ts[3], inclusive=True) == [ts[3], ts[2], ts[1]]
    assert history_ts(client, oldest=ts[4]) == []
    assert (
        slack_error(lambda: client.conversations_history(channel=CHANNEL, oldest="yesterday"))
        == "invalid_ts_oldest"
    )
    assert (
        slack_error(lambda: client.conversations_history(channel=CHANNEL, latest="1.2.3"))
        == "invalid_ts_latest"
    )


def test_replies_are_counted_on_the_parent_but_not_in_history(
    sim: SlackSim, client: WebClient, alice: str, bob: str
) -> None:
    w = sim.world
    parent = w.post(CHANNEL, alice, "Printer on fire", at=START - timedelta(hours=1))
    first = w.post(CHANNEL, bob, "looking")
    second = w.post(CHANNEL, alice, "thanks")
    broadcast = w.post(CHANNEL, bob, "fixed, FYI all", thread_ts=parent, reply_broadcast=True)
    w.post(CHANNEL, bob, "details", thread_ts=parent)
    last = w.post(CHANNEL, alice, "great", thread_ts=parent)
    messages = client.conversations_history(channel=CHANNEL)["messages"]
    by_ts = {m["ts"]: m for m in messages}
    # The parent, two top-level messages and the broadcast; not the plain replies.
    assert [m["ts"] for m in messages] == [broadcast, second, first, parent]
    top = by_ts[parent]
    assert top["thread_ts"] == parent
    assert top["reply_count"] == 3
    assert top["reply_users"] == [bob, alice]
    assert top["reply_users_count"] == 2
    assert top["latest_reply"] == last
    assert by_ts[broadcast]["subtype"] == "thread_broadcast"
    assert by_ts[broadcast]["thread_ts"] == parent
    assert "reply_count" not in by_ts[first]


def test_replies_parent_first_then_ascending(sim: SlackSim, client: WebClient, alice: str, bob: str) -> None:
    w = sim.world
    parent = w.post(CHANNEL, alice, "parent", at=START - timedelta(hours=1))
    replies = [w.post(CHANNEL, bob if i % 2 else alice, f"reply {i}", thread_ts=parent) for i in range(5)]
    lone = w.post(CHANNEL, bob, "no replies")
    thread = client.conversations_replies(channel=CHANNEL, ts=parent)
    assert [m["ts"] for m in thread["messages"]] == [parent, *replies]
    assert thread["has_more"] is False and thread["response_metadata"]["next_cursor"] == ""
    assert all(m["parent_user_id"] == alice for m in thread["messages"][1:])
    # A reply's ts returns the whole thread; a message without replies returns just itself.
    via_reply = client.conversations_replies(channel=CHANNEL, ts=replies[2])["messages"]
    assert [m["ts"] for m in via_reply] == [parent, *replies]
    assert [m["ts"] for m in client.conversations_replies(channel=CHANNEL, ts=lone)["messages"]] == [lone]
    # Paging repeats the parent at the top of every page.
    # (The SDK's iterator yields one response object that changes page by page: read it as it goes.)
    pages = [
        [m["ts"] for m in p["messages"]]
        for p in client.conversations_replies(channel=CHANNEL, ts=parent, limit=3)
    ]
    assert pages == [
        [parent, *replies[0:2]],
        [parent, *replies[2:4]],
        [parent, replies[4]],
    ]
    assert slack_error(lambda: client.conversations_replies(channel=CHANNEL, ts="1700000000.000001")) == (
        "thread_not_found"
    )


def test_not_in_channel_after_the_bot_leaves(sim: SlackSim, client: WebClient) -> None:
    sim.world.leave(CHANNEL, sim.bot_user_id)
    assert slack_error(lambda: client.conversations_history(channel=CHANNEL)) == "not_in_channel"
    assert slack_error(lambda: client.chat_postMessage(channel=CHANNEL, text="hi")) == "not_in_channel"
    assert client.conversations_info(channel=CHANNEL)["channel"]["is_member"] is False


def test_conversations_info(sim: SlackSim, client: WebClient, alice: str) -> None:
    sim.world.add_channel(CHANNEL, "laa-ops", topic="Raise LAA issues here", purpose="LAA Ops support")
    sim.world.join(CHANNEL, alice)
    channel = client.conversations_info(channel=CHANNEL)["channel"]
    assert channel["id"] == CHANNEL and channel["name"] == "laa-ops" and channel["is_member"] is True
    assert channel["topic"]["value"] == "Raise LAA issues here"
    assert channel["purpose"]["value"] == "LAA Ops support"
    assert isinstance(channel["topic"]["last_set"], int)
    assert "num_members" not in channel
    counted = client.conversations_info(channel=CHANNEL, include_num_members=True)["channel"]
    assert counted["num_members"] == 2
    assert slack_error(lambda: client.conversations_info(channel="C0NOSUCHCH")) == "channel_not_found"


# -- users ----------------------------------------------------------------------------------------


def test_users_list_pages_include_bots_and_deleted(sim: SlackSim, client: WebClient) -> None:
    w = sim.world
    w.add_user("carol", "Carol Jones", "cj")
    gone = w.add_user("dave", "Dave Former", deleted=True)
    hook = w.add_user("pagerbot", "PagerBot", is_bot=True)
    w.add_user("erin", "Erin", user_id="W0SIMERIN1")
    w.add_user("frank", "Frank")
    sim.log.clear()
    members = [m for page in client.users_list(limit=2) for m in page["members"]]
    assert [m["id"] for m in members] == w.user_ids()
    assert len(sim.log.find(path="users.list")) == 3
    by_id = {m["id"]: m for m in members}
    assert by_id[gone]["deleted"] is True
    assert by_id[hook]["is_bot"] is True and by_id[hook]["profile"]["bot_id"].startswith("B")
    assert by_id["W0SIMERIN1"]["profile"]["display_name"] == ""
    assert by_id["W0SIMERIN1"]["profile"]["real_name"] == "Erin"
    assert slack_error(lambda: client.users_list(cursor="bm9wZQ==")) == "invalid_cursor"


def test_users_info(sim: SlackSim, client: WebClient, alice: str) -> None:
    user = client.users_info(user=alice)["user"]
    assert user["id"] == alice and user["name"] == "alice" and user["real_name"] == "Alice Éclair"
    assert user["profile"]["display_name"] == "ali"
    assert user["profile"]["real_name_normalized"] == "Alice Eclair"
    assert user["tz"] == "Europe/London" and user["tz_offset"] == 0
    assert slack_error(lambda: client.users_info(user="U0NOBODY00")) == "user_not_found"


# -- chat -----------------------------------------------------------------------------------------


def test_post_message_json_and_thread_reply_updates_parent(
    sim: SlackSim, client: WebClient, alice: str, clock: ManualClock
) -> None:
    parent = sim.world.post(CHANNEL, alice, "Printer on fire", at=START - timedelta(minutes=5))
    posted = client.chat_postMessage(channel=CHANNEL, text="Ack: LAA-24 & <more>", thread_ts=parent)
    bot = sim.world.user(sim.bot_user_id)
    message = posted["message"]
    assert posted["channel"] == CHANNEL and posted["ts"] == message["ts"]
    assert message["user"] == sim.bot_user_id
    assert message["bot_id"] == bot["profile"]["bot_id"] and message["bot_profile"]["name"] == "duty-tui"
    assert message["app_id"].startswith("A")
    assert message["thread_ts"] == parent and message["parent_user_id"] == alice
    assert message["text"] == "Ack: LAA-24 & <more>"
    [top] = client.conversations_history(channel=CHANNEL)["messages"]
    assert top["reply_count"] == 1
    assert top["reply_users"] == [sim.bot_user_id]
    assert top["latest_reply"] == posted["ts"]
    clock.advance(timedelta(seconds=30))
    later = client.chat_postMessage(channel="#laa-ops", text="top level")
    assert later["channel"] == CHANNEL
    assert history_ts(client) == [later["ts"], parent]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_errors(sim: SlackSim, client: WebClient) -> None:
    sim.enable_rate_limits(False)  # more than a burst of posts to one channel

    def post(**kwargs: Any) -> Callable[[], Any]:
        return lambda: client.chat_postMessage(**{"channel": CHANNEL, **kwargs})

    assert slack_error(post()) == "no_text"
    assert slack_error(post(text="")) == "no_text"
    assert slack_error(post(channel="C0NOSUCHCH", text="hi")) == "channel_not_found"
    assert slack_error(post(text="x" * 40_001)) == "msg_too_long"
    assert client.chat_postMessage(channel=CHANNEL, text="x" * 40_000)["ok"] is True
    assert slack_error(post(text="hi", thread_ts="1700000000.000001")) == "thread_not_found"
    assert slack_error(post(blocks=[{"no": "type"}])) == "invalid_blocks"


def test_metadata_only_with_include_all_metadata(client: WebClient) -> None:
    metadata = {"event_type": "duty_tui_outbox", "event_payload": {"id": "42"}}
    assert (
        client.chat_postMessage(channel=CHANNEL, text="hi", metadata=metadata)["message"]["metadata"]
        == metadata
    )
    assert "metadata" not in client.conversations_history(channel=CHANNEL)["messages"][0]
    full = client.conversations_history(channel=CHANNEL, include_all_metadata=True)["messages"][0]
    assert full["metadata"] == metadata


def test_permalinks_for_parent_and_reply(sim: SlackSim, client: WebClient, alice: str) -> None:
    parent = sim.world.post(CHANNEL, alice, "parent")
    reply = sim.world.post(CHANNEL, alice, "reply", thread_ts=parent)
    base = f"https://mojdt.slack.com/archives/{CHANNEL}/p"
    link = client.chat_getPermalink(channel=CHANNEL, message_ts=parent)
    assert link["channel"] == CHANNEL
    assert link["permalink"] == base + parent.replace(".", "")
    reply_link = client.chat_getPermalink(channel=CHANNEL, message_ts=reply)["permalink"]
    assert reply_link == f"{base}{reply.replace('.', '')}?thread_ts={parent}&cid={CHANNEL}"
    gone = lambda: client.chat_getPermalink(channel=CHANNEL, message_ts="1700000000.000001")  # noqa: E731
    assert slack_error(gone) == "message_not_found"


# -- reactions ------------------------------------------------------------------------------------


def test_reactions_add_get_remove(sim: SlackSim, client: WebClient, alice: str) -> None:
    ts = sim.world.post(CHANNEL, alice, "Printer on fire")
    sim.world.react(CHANNEL, ts, "fire", alice)
    assert client.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes")["ok"] is True
    assert (
        slack_error(lambda: client.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes"))
        == "already_reacted"
    )
    [message] = client.conversations_history(channel=CHANNEL)["messages"]
    assert message["reactions"] == [
        {"name": "fire", "users": [alice], "count": 1},
        {"name": "eyes", "users": [sim.bot_user_id], "count": 1},
    ]
    got = client.reactions_get(channel=CHANNEL, timestamp=ts)
    assert got["type"] == "message" and got["message"]["reactions"] == message["reactions"]
    for bad in (":eyes:", "Eyes", "not_an_emoji"):
        assert (
            slack_error(partial(client.reactions_add, channel=CHANNEL, timestamp=ts, name=bad))
            == "invalid_name"
        )
    assert slack_error(
        lambda: client.api_call("reactions.add", params={"channel": CHANNEL, "timestamp": ts})
    ) == ("invalid_name")
    missing = lambda: client.reactions_add(channel=CHANNEL, timestamp="1700000000.000001", name="eyes")  # noqa: E731
    assert slack_error(missing) == "message_not_found"
    assert (
        slack_error(lambda: client.api_call("reactions.add", params={"name": "eyes"})) == "no_item_specified"
    )
    client.reactions_remove(channel=CHANNEL, timestamp=ts, name="eyes")
    assert (
        slack_error(lambda: client.reactions_remove(channel=CHANNEL, timestamp=ts, name="eyes"))
        == "no_reaction"
    )
    assert sim.world.message(CHANNEL, ts)["reactions"] == [{"name": "fire", "users": [alice], "count": 1}]


# -- the world ------------------------------------------------------------------------------------


def test_ts_strictly_increase_when_the_clock_stands_still(sim: SlackSim, alice: str) -> None:
    w = sim.world
    live = [w.post(CHANNEL, alice, f"live {i}") for i in range(3)]
    assert live == sorted(live, key=lambda t: tuple(map(int, t.split("."))))
    assert len(set(live)) == 3 and {t.split(".")[0] for t in live} == {str(int(START.timestamp()))}
    # Seeding the past in one second keeps insertion order, and a live post still goes last.
    past = START - timedelta(days=1)
    seeded = [w.post(CHANNEL, alice, f"old {i}", at=past) for i in range(3)]
    assert all(t.startswith(str(int(past.timestamp()))) for t in seeded)
    later = w.post(CHANNEL, alice, "after a future seed", at=START + timedelta(hours=1))
    newest = w.post(CHANNEL, alice, "live again")
    order = [m["ts"] for m in w.messages(CHANNEL)]
    assert order == [*seeded, *live, later, newest]
    with pytest.raises(ValueError, match="after its parent"):
        w.post(CHANNEL, alice, "reply before parent", thread_ts=live[0], at=past)


def test_concurrent_posts_get_unique_ordered_ts(sim: SlackSim, alice: str) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = list(pool.map(lambda i: sim.world.post(CHANNEL, alice, f"m{i}"), range(200)))
    stored = [m["ts"] for m in sim.world.messages(CHANNEL)]
    assert len(set(sent)) == 200
    assert stored == sorted(sent, key=Decimal)


def test_edit_delete_and_tombstones(sim: SlackSim, client: WebClient, alice: str, bob: str) -> None:
    w = sim.world
    plain = w.post(CHANNEL, alice, "typo")
    parent = w.post(CHANNEL, alice, "parent")
    reply = w.post(CHANNEL, bob, "reply", thread_ts=parent)
    w.edit(CHANNEL, plain, "fixed", alice)
    edited = w.message(CHANNEL, plain)
    assert edited["text"] == "fixed" and edited["edited"]["user"] == alice
    w.delete(CHANNEL, parent)
    tomb = client.conversations_history(channel=CHANNEL)["messages"][0]
    assert tomb["subtype"] == "tombstone" and tomb["reply_count"] == 1 and tomb["ts"] == parent
    with pytest.raises(SlackError, match="message_not_found"):
        w.react(CHANNEL, parent, "eyes", bob)
    w.delete(CHANNEL, reply)  # the last reply takes the tombstone with it
    w.delete(CHANNEL, plain)
    assert w.messages(CHANNEL) == []
    snapshot = w.messages(CHANNEL)
    snapshot.append({"ts": "x"})
    assert w.messages(CHANNEL) == []


def test_bot_message_shapes(sim: SlackSim, client: WebClient) -> None:
    w = sim.world
    pager = w.add_user("pagerbot", "PagerBot", is_bot=True)
    w.post(CHANNEL, pager, "PagerDuty: LAA Apply down")
    w.post(CHANNEL, None, "Deployed :rocket:", subtype="bot_message", username="deploybot")
    hook, app = client.conversations_history(channel=CHANNEL)["messages"]
    assert hook["subtype"] == "bot_message" and hook["username"] == "deploybot"
    assert hook["bot_id"].startswith("B") and "user" not in hook
    assert app["user"] == pager and "subtype" not in app
    assert app["bot_id"] == app["bot_profile"]["id"] and app["app_id"] == app["bot_profile"]["app_id"]
    with pytest.raises(ValueError, match="no user"):
        w.post(CHANNEL, None, "who said this?")
