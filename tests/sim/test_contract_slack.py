"""Contract test, Slack: the simulated Slack Web API against Slack's official API description.

Every Web API method duty-tui calls, or will call, is requested over real HTTP from the demo world
(`DemoWorld` on a `ManualClock`), in its success case and its main error cases, and each response is
validated with jsonschema (draft 4) against the published Swagger 2.0 description. Deviations pass only
through the allow-list in tests/sim/openapi_deviations.py, each entry citing the documentation it rests
on; the negative controls at the end prove that the validation path rejects a broken body. Working the
channel (user tokens, broadcasts, metadata, user groups, archived channels) is
tests/sim/test_contract_slack_channel.py.

The descriptions are the copies kept in tests/sim/openapi/ and the demo world is tests/sim/conftest.py's
`world`; the test never skips for want of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from duty_tui.demo import DemoWorld
from duty_tui.demo.scenario import CHANNEL
from tests.sim.contract_calls import Slack, drop_at, keep, set_at
from tests.sim.contract_cases import SlackBreakage, SlackCase, check_slack_breakage, check_slack_case
from tests.sim.openapi_contract import SlackContract

MISSING_CHANNEL = "C0NOSUCH01"
MISSING_TS = "1000000000.000001"


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def slack(world: DemoWorld) -> Iterator[Slack]:
    client = Slack(world)
    yield client
    client.session.close()


# -- the exchanges ----------------------------------------------------------------------------------------


def _history_edited(s: Slack) -> requests.Response:
    """An edited message in the page, so the slack-message-app-id-edited entry is exercised."""
    ts = s.plain_message()
    s.world.slack.world.edit(CHANNEL, ts, "Edited: CCMS is back, ignore the above.", s.person())
    response = s.post("conversations.history", channel=CHANNEL, limit="200")
    assert any(m["ts"] == ts and "edited" in m for m in response.json()["messages"])
    return response


def _history_last_page(s: Slack) -> requests.Response:
    cursor = s.post("conversations.history", channel=CHANNEL, limit="3").json()["response_metadata"][
        "next_cursor"
    ]
    return s.post("conversations.history", channel=CHANNEL, limit="200", cursor=cursor)


def _history_poll(s: Slack) -> requests.Response:
    """duty-tui's poll (oldest=<newest stored ts>, inclusive=0): everything after the newest stored ts."""
    newest = s.messages()[-1]["ts"]
    s.world.slack.world.post(CHANNEL, s.person(), "New since the last poll: is ERIC UAT back?")
    return s.post("conversations.history", channel=CHANNEL, oldest=newest, inclusive="0", limit="200")


def _history_poll_empty(s: Slack) -> requests.Response:
    """The poll duty-tui makes most often: nothing was posted since the newest stored ts."""
    newest = s.messages()[-1]["ts"]
    response = s.post("conversations.history", channel=CHANNEL, oldest=newest, inclusive="0", limit="200")
    assert response.json()["messages"] == []
    return response


def _replies_with_bot_reply(s: Slack) -> requests.Response:
    """A thread that holds the app's own reply (bot_id, app_id, bot_profile, as
    tests/sim/test_slack.py::test_bot_message_shapes pins them)."""
    parent = s.thread_parent()
    s.post_json("chat.postMessage", {"channel": CHANNEL, "text": "Ack: LAA-24", "thread_ts": parent})
    return s.post("conversations.replies", channel=CHANNEL, ts=parent)


def _busiest_thread(s: Slack) -> str:
    return str(max(s.messages(), key=lambda m: m.get("reply_count", 0))["ts"])


def _replies_first_page(s: Slack) -> requests.Response:
    """A thread read in pages, as duty-tui's replies() does (the parent opens every page)."""
    response = s.post("conversations.replies", channel=CHANNEL, ts=_busiest_thread(s), limit="2")
    assert response.json()["has_more"] and response.json()["response_metadata"]["next_cursor"]
    return response


def _replies_last_page(s: Slack) -> requests.Response:
    parent = _busiest_thread(s)
    cursor = s.post("conversations.replies", channel=CHANNEL, ts=parent, limit="2").json()[
        "response_metadata"
    ]
    response = s.post(
        "conversations.replies", channel=CHANNEL, ts=parent, limit="200", cursor=cursor["next_cursor"]
    )
    assert response.json()["response_metadata"]["next_cursor"] == ""  # "" when done (Slack's pagination)
    return response


def _users_list_last_page(s: Slack) -> requests.Response:
    cursor = s.post("users.list", limit="3").json()["response_metadata"]["next_cursor"]
    return s.post("users.list", limit="200", cursor=cursor)


def _already_reacted(s: Slack) -> requests.Response:
    ts = s.plain_message()
    s.post("reactions.add", channel=CHANNEL, name="raised_hands", timestamp=ts)
    return s.post("reactions.add", channel=CHANNEL, name="raised_hands", timestamp=ts)


def _reactions_get(s: Slack) -> requests.Response:
    ts = s.plain_message()
    s.post("reactions.add", channel=CHANNEL, name="eyes", timestamp=ts)
    return s.post("reactions.get", channel=CHANNEL, timestamp=ts)


def _rate_limited(method: str, **args: str) -> Callable[[Slack], requests.Response]:
    def call(s: Slack) -> requests.Response:
        s.world.slack.faults.rate_limit_next(match=f"^POST /api/{method.replace('.', '[.]')}$")
        return s.post(method, **args)

    return call


def _missing_scope(s: Slack) -> requests.Response:
    """An app installed without channels:history: the error names what was needed and what the token had
    (tests/sim/test_slack.py::test_missing_scope_names_needed_and_provided)."""
    scopes = s.world.slack.scopes
    s.world.slack.set_scopes(sorted(scopes - {"channels:history"}))
    try:
        return s.post("conversations.history", channel=CHANNEL)
    finally:
        s.world.slack.set_scopes(sorted(scopes))


def _reply_permalink(s: Slack) -> requests.Response:
    parent = s.thread_parent()
    reply = s.world.slack.world.thread(CHANNEL, parent)[1]["ts"]
    return s.post("chat.getPermalink", channel=CHANNEL, message_ts=reply)


SLACK_CASES = [
    SlackCase("auth.test-ok", "auth.test", None, lambda s: s.post("auth.test")),
    SlackCase(
        "auth.test-invalid_auth",
        "auth.test",
        "invalid_auth",
        lambda s: s.post("auth.test", token="xoxb-wrong"),
    ),
    SlackCase("auth.test-not_authed", "auth.test", "not_authed", lambda s: s.post("auth.test", token=None)),
    SlackCase(
        "conversations.history-ok-first-page",
        "conversations.history",
        None,
        lambda s: s.post("conversations.history", channel=CHANNEL, limit="3"),
    ),
    SlackCase("conversations.history-ok-last-page", "conversations.history", None, _history_last_page),
    SlackCase("conversations.history-ok-poll", "conversations.history", None, _history_poll),
    SlackCase(
        "conversations.history-ok-poll-nothing-new", "conversations.history", None, _history_poll_empty
    ),
    SlackCase("conversations.history-ok-edited", "conversations.history", None, _history_edited),
    SlackCase(
        "conversations.history-channel_not_found",
        "conversations.history",
        "channel_not_found",
        lambda s: s.post("conversations.history", channel=MISSING_CHANNEL),
    ),
    SlackCase(
        "conversations.history-invalid_auth",
        "conversations.history",
        "invalid_auth",
        lambda s: s.post("conversations.history", channel=CHANNEL, token="xoxb-wrong"),
    ),
    SlackCase(
        "conversations.history-missing_scope", "conversations.history", "missing_scope", _missing_scope
    ),
    SlackCase(
        "conversations.history-ratelimited",
        "conversations.history",
        "ratelimited",
        _rate_limited("conversations.history", channel=CHANNEL),
        status=429,
    ),
    SlackCase(
        "conversations.replies-ok-thread",
        "conversations.replies",
        None,
        lambda s: s.post("conversations.replies", channel=CHANNEL, ts=s.thread_parent()),
    ),
    SlackCase(
        "conversations.replies-ok-with-bot-reply", "conversations.replies", None, _replies_with_bot_reply
    ),
    SlackCase("conversations.replies-ok-first-page", "conversations.replies", None, _replies_first_page),
    SlackCase("conversations.replies-ok-last-page", "conversations.replies", None, _replies_last_page),
    SlackCase(
        "conversations.replies-ok-no-replies",
        "conversations.replies",
        None,
        lambda s: s.post("conversations.replies", channel=CHANNEL, ts=s.plain_message()),
    ),
    SlackCase(
        "conversations.replies-thread_not_found",
        "conversations.replies",
        "thread_not_found",
        lambda s: s.post("conversations.replies", channel=CHANNEL, ts=MISSING_TS),
    ),
    SlackCase(
        "conversations.replies-channel_not_found",
        "conversations.replies",
        "channel_not_found",
        lambda s: s.post("conversations.replies", channel=MISSING_CHANNEL, ts=MISSING_TS),
    ),
    SlackCase(
        "conversations.info-ok",
        "conversations.info",
        None,
        lambda s: s.post("conversations.info", channel=CHANNEL, include_num_members="1"),
    ),
    SlackCase(
        "conversations.info-channel_not_found",
        "conversations.info",
        "channel_not_found",
        lambda s: s.post("conversations.info", channel=MISSING_CHANNEL),
    ),
    SlackCase("users.info-ok-person", "users.info", None, lambda s: s.post("users.info", user=s.person())),
    SlackCase(
        "users.info-ok-bot",
        "users.info",
        None,
        lambda s: s.post("users.info", user=s.world.slack.bot_user_id),
    ),
    SlackCase(
        "users.info-user_not_found",
        "users.info",
        "user_not_found",
        lambda s: s.post("users.info", user="U0NOSUCH01"),
    ),
    SlackCase("users.list-ok-first-page", "users.list", None, lambda s: s.post("users.list", limit="3")),
    SlackCase("users.list-ok-last-page", "users.list", None, _users_list_last_page),
    SlackCase(
        "chat.postMessage-ok",
        "chat.postMessage",
        None,
        lambda s: s.post_json(
            "chat.postMessage", {"channel": CHANNEL, "text": "Looking at LAA-24 &amp; LM-3"}
        ),
    ),
    SlackCase(
        "chat.postMessage-ok-thread-reply",
        "chat.postMessage",
        None,
        lambda s: s.post_json(
            "chat.postMessage",
            {"channel": CHANNEL, "text": "On it <@U0SIM00008>", "thread_ts": s.thread_parent()},
        ),
    ),
    SlackCase(
        "chat.postMessage-channel_not_found",
        "chat.postMessage",
        "channel_not_found",
        lambda s: s.post_json("chat.postMessage", {"channel": MISSING_CHANNEL, "text": "hello?"}),
    ),
    SlackCase(
        "chat.getPermalink-ok",
        "chat.getPermalink",
        None,
        lambda s: s.post("chat.getPermalink", channel=CHANNEL, message_ts=s.plain_message()),
    ),
    SlackCase("chat.getPermalink-ok-reply", "chat.getPermalink", None, _reply_permalink),
    SlackCase(
        "chat.getPermalink-message_not_found",
        "chat.getPermalink",
        "message_not_found",
        lambda s: s.post("chat.getPermalink", channel=CHANNEL, message_ts=MISSING_TS),
    ),
    SlackCase(
        "chat.getPermalink-channel_not_found",
        "chat.getPermalink",
        "channel_not_found",
        lambda s: s.post("chat.getPermalink", channel=MISSING_CHANNEL, message_ts=MISSING_TS),
    ),
    SlackCase(
        "reactions.add-ok",
        "reactions.add",
        None,
        lambda s: s.post(
            "reactions.add", channel=CHANNEL, name="white_check_mark", timestamp=s.thread_parent()
        ),
    ),
    SlackCase("reactions.add-already_reacted", "reactions.add", "already_reacted", _already_reacted),
    SlackCase(
        "reactions.add-invalid_name",
        "reactions.add",
        "invalid_name",
        lambda s: s.post("reactions.add", channel=CHANNEL, name="not_an_emoji", timestamp=s.plain_message()),
    ),
    SlackCase(
        "reactions.add-message_not_found",
        "reactions.add",
        "message_not_found",
        lambda s: s.post("reactions.add", channel=CHANNEL, name="eyes", timestamp=MISSING_TS),
    ),
    SlackCase("reactions.get-ok", "reactions.get", None, _reactions_get),
    SlackCase(
        "reactions.get-message_not_found",
        "reactions.get",
        "message_not_found",
        lambda s: s.post("reactions.get", channel=CHANNEL, timestamp=MISSING_TS),
    ),
]


@pytest.mark.parametrize("case", SLACK_CASES, ids=[case.id for case in SLACK_CASES])
def test_slack(case: SlackCase, slack: Slack, slack_contract: SlackContract) -> None:
    check_slack_case(case, slack, slack_contract)


# =========================================================================================================
# Negative controls: the same validation path must reject a deliberately broken body.
# Each starts from a live response that passes, breaks one thing, and expects a ContractError.
# =========================================================================================================


def _history(s: Slack) -> requests.Response:
    return s.post("conversations.history", channel=CHANNEL, limit="5")


def _post_plain(s: Slack) -> requests.Response:
    return s.post_json("chat.postMessage", {"channel": CHANNEL, "text": "negative control"})


def _channel_not_found(s: Slack) -> requests.Response:
    return s.post("conversations.history", channel=MISSING_CHANNEL)


SLACK_BREAKAGES = [
    SlackBreakage(
        "history-message-without-ts",
        "conversations.history",
        _history,
        drop_at(["messages", 0, "ts"]),
        r"at messages/0: 'ts' is a required property",
    ),
    SlackBreakage(  # ts is a string, never a number (objs_message types it so)
        "history-ts-as-number",
        "conversations.history",
        _history,
        set_at(["messages", 0, "ts"], 1795687380.000001),
        r"messages/0/ts: .* is not of type 'string'",
    ),
    SlackBreakage(  # the replies entry makes these messages checked at all
        "replies-message-without-ts",
        "conversations.replies",
        lambda s: s.post("conversations.replies", channel=CHANNEL, ts=s.thread_parent()),
        drop_at(["messages", 0, "ts"]),
        r"at messages/0: 'ts' is a required property",
    ),
    SlackBreakage(  # the message entry adds a typed app_id, not any value
        "postMessage-app-id-int",
        "chat.postMessage",
        _post_plain,
        set_at(["message", "app_id"], 7),
        r"message/app_id: 7 is not of type 'string'",
    ),
    SlackBreakage(
        "postMessage-edited-without-ts",
        "chat.postMessage",
        _post_plain,
        set_at(["message", "edited"], {"user": "U0SIM00001"}),
        r"message/edited: 'ts' is a required property",
    ),
    SlackBreakage(
        "postMessage-message-unknown-key",
        "chat.postMessage",
        _post_plain,
        set_at(["message", "colour"], "blue"),
        r"'colour' was unexpected",
    ),
    SlackBreakage(  # checked only because the `items` alternatives are read as anyOf
        "reactions.get-message-without-text",
        "reactions.get",
        _reactions_get,
        drop_at(["message", "text"]),
        r"message: 'text' is a required property",
    ),
    SlackBreakage(
        "conversations.info-is-private-string",
        "conversations.info",
        lambda s: s.post("conversations.info", channel=CHANNEL),
        set_at(["channel", "is_private"], "no"),
        r"channel/is_private: 'no' is not of type 'boolean'",
    ),
    SlackBreakage(
        "users.info-deleted-string",
        "users.info",
        lambda s: s.post("users.info", user=s.person()),
        set_at(["user", "deleted"], "no"),
        r"user/deleted: 'no' is not of type 'boolean'",
    ),
    SlackBreakage(  # the common-errors entry adds the common codes, not any code
        "error-unknown-code",
        "conversations.history",
        _channel_not_found,
        set_at(["error"], "channel_on_fire"),
        r"'channel_on_fire' is not one of",
    ),
    SlackBreakage(
        "error-at-http-500",
        "conversations.history",
        _channel_not_found,
        keep,
        r"answered HTTP 500",
        status=500,
    ),
    SlackBreakage(
        "ok-true-with-error-key",
        "auth.test",
        lambda s: s.post("auth.test"),
        set_at(["error"], "invalid_auth"),
        r"'error' was unexpected",
    ),
]


@pytest.mark.parametrize("breakage", SLACK_BREAKAGES, ids=[b.id for b in SLACK_BREAKAGES])
def test_slack_contract_rejects(breakage: SlackBreakage, slack: Slack, slack_contract: SlackContract) -> None:
    check_slack_breakage(breakage, slack, slack_contract)
