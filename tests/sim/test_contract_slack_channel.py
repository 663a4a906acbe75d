"""Contract test, Slack: working #laa-ops, against Slack's official API description.

The exchanges of working the channel: calls with a person's user token (they post, react and authenticate
as that person), replies broadcast to the channel (which carry their thread's `root`), message metadata
read back with include_all_metadata, taking a message back (chat.delete: the bot's own post or reply, a
person's own with their token, the tombstone a deleted parent leaves, and what it refuses), the team's
user group (usergroups.users.list), and the errors an archived channel, a channel without the bot or an
unthreadable message bring. Each response, from the demo world over real HTTP, is validated with
jsonschema against the published Swagger 2.0 description; deviations pass only through the allow-list
in tests/sim/openapi_deviations.py (slack-message-metadata-root, slack-method-errors,
slack-missing-scope-detail, slack-common-errors); the negative controls at the end prove that the
validation path rejects a broken body. tests/sim/test_slack_*.py drive the same methods with the real
`slack_sdk.WebClient` and pin their behaviour beyond the schema.

The descriptions are the copies kept in tests/sim/openapi/ and the demo world is tests/sim/conftest.py's
`world`; the test never skips for want of them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from duty_tui.demo import DEMO_SLACK_TOKEN, DemoWorld
from duty_tui.demo.scenario import CHANNEL
from tests.sim.contract_calls import OPS_GROUP, Slack, drop_at, set_at
from tests.sim.contract_cases import SlackBreakage, SlackCase, check_slack_breakage, check_slack_case
from tests.sim.openapi_contract import SlackContract

MISSING_CHANNEL = "C0NOSUCH01"
MISSING_TS = "1000000000.000001"
ARCHIVED_CHANNEL = "C0SIMARCH1"
BOTLESS_CHANNEL = "C0SIMNOBOT"
OUTBOX = {"event_type": "duty_tui_outbox", "event_payload": {"outbox": "contract-1"}}


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def slack(world: DemoWorld) -> Iterator[Slack]:
    client = Slack(world)
    yield client
    client.session.close()


# -- the exchanges ----------------------------------------------------------------------------------------


def _busiest_thread(s: Slack) -> str:
    return str(max(s.messages(), key=lambda m: m.get("reply_count", 0))["ts"])


def _post(s: Slack, body: dict[str, object], token: str = DEMO_SLACK_TOKEN) -> requests.Response:
    return s.post_json("chat.postMessage", body, token=token)


def _history_with_metadata(s: Slack) -> requests.Response:
    _post(s, {"channel": CHANNEL, "text": "Raised LAA-99", "metadata": OUTBOX})
    return s.post("conversations.history", channel=CHANNEL, limit="5", include_all_metadata="1")


def _replies_with_metadata(s: Slack) -> requests.Response:
    parent = _busiest_thread(s)
    _post(s, {"channel": CHANNEL, "text": "Ack", "thread_ts": parent, "metadata": OUTBOX})
    return s.post("conversations.replies", channel=CHANNEL, ts=parent, include_all_metadata="1")


def _broadcast(s: Slack) -> requests.Response:
    body = {
        "channel": CHANNEL,
        "text": "Fixed, FYI all",
        "thread_ts": s.thread_parent(),
        "reply_broadcast": True,
    }
    return _post(s, body)


def _usergroup_missing_scope(s: Slack) -> requests.Response:
    scopes = s.world.slack.scopes
    s.world.slack.set_scopes(sorted(scopes - {"usergroups:read"}))
    try:
        return s.post("usergroups.users.list", usergroup=s.usergroup())
    finally:
        s.world.slack.set_scopes(sorted(scopes))


def _rate_limited_usergroup(s: Slack) -> requests.Response:
    s.world.slack.faults.rate_limit_next(match=r"^POST /api/usergroups[.]users[.]list$")
    return s.post("usergroups.users.list", usergroup=s.usergroup())


def _posted(s: Slack, token: str = DEMO_SLACK_TOKEN, thread_ts: str | None = None) -> str:
    """A new message of the token's owner, so each deletion takes a message no other case uses."""
    body: dict[str, object] = {"channel": CHANNEL, "text": "How did we do? (posted twice)"}
    if thread_ts is not None:
        body["thread_ts"] = thread_ts
    return str(_post(s, body, token).json()["ts"])


def _delete_reply(s: Slack) -> requests.Response:
    """The bot takes back its second happiness ask: the reply leaves the thread."""
    parent = _busiest_thread(s)
    before = s.world.slack.world.message(CHANNEL, parent)["reply_count"]
    response = s.post("chat.delete", channel=CHANNEL, ts=_posted(s, thread_ts=parent))
    assert s.world.slack.world.message(CHANNEL, parent)["reply_count"] == before
    return response


def _delete_parent(s: Slack) -> requests.Response:
    """A parent with a reply left in its thread stays as a tombstone; history shows it so."""
    parent = _posted(s)
    s.world.slack.world.post(CHANNEL, s.person(), "seen it", thread_ts=parent)
    assert s.post("chat.delete", channel=CHANNEL, ts=parent).json()["ok"]
    return s.post("conversations.history", channel=CHANNEL, limit="5")


def _has_tombstone(response: requests.Response) -> None:
    tombstone = next(m for m in response.json()["messages"] if m.get("subtype") == "tombstone")
    assert tombstone["reply_count"] == 1 and tombstone["user"] == "USLACKBOT"


def _deleted(response: requests.Response) -> None:
    body = response.json()
    assert body["channel"] == CHANNEL and body["ts"]


def _delete_missing_scope(s: Slack) -> requests.Response:
    ts = _posted(s)
    scopes = s.world.slack.scopes
    s.world.slack.set_scopes(sorted(scopes - {"chat:write"}))
    try:
        return s.post("chat.delete", channel=CHANNEL, ts=ts)
    finally:
        s.world.slack.set_scopes(sorted(scopes))


def _rate_limited_delete(s: Slack) -> requests.Response:
    s.world.slack.faults.rate_limit_next(match=r"^POST /api/chat[.]delete$")
    return s.post("chat.delete", channel=CHANNEL, ts=MISSING_TS)


def _archived_message(s: Slack) -> str:
    s.side_channel(ARCHIVED_CHANNEL, archived=True)
    return str(s.world.slack.world.history(ARCHIVED_CHANNEL)[-1]["ts"])


def _carries_metadata(response: requests.Response) -> None:
    assert any(m.get("metadata") == OUTBOX for m in response.json()["messages"])


def _has_root(response: requests.Response) -> None:
    message = response.json()["message"]
    assert message["subtype"] == "thread_broadcast" and message["root"]["ts"] == message["thread_ts"]
    assert message["root"]["reply_count"] >= 1


def _keeps_metadata(response: requests.Response) -> None:
    assert response.json()["message"]["metadata"] == OUTBOX


def _as_the_person(response: requests.Response) -> None:
    body = response.json()
    message = body.get("message", body)
    assert "bot_id" not in message and "bot_profile" not in message


def _lists_the_team(response: requests.Response) -> None:
    assert len(response.json()["users"]) >= 2


SLACK_CHANNEL_CASES = [
    # a person's user token
    SlackCase(
        "auth.test-ok-user-token",
        "auth.test",
        None,
        lambda s: s.post("auth.test", token=s.user_token()),
        then=_as_the_person,
    ),
    SlackCase(
        "chat.postMessage-ok-user-token",
        "chat.postMessage",
        None,
        lambda s: _post(
            s,
            {"channel": CHANNEL, "text": "I'll take this one", "thread_ts": s.thread_parent()},
            s.user_token(),
        ),
        then=_as_the_person,
    ),
    SlackCase(
        "reactions.add-ok-user-token",
        "reactions.add",
        None,
        lambda s: s.post(
            "reactions.add",
            channel=CHANNEL,
            name="raised_hands",
            timestamp=s.thread_parent(),
            token=s.user_token(),
        ),
    ),
    # broadcasts and metadata
    SlackCase("chat.postMessage-ok-broadcast", "chat.postMessage", None, _broadcast, then=_has_root),
    SlackCase(
        "chat.postMessage-ok-metadata",
        "chat.postMessage",
        None,
        lambda s: _post(s, {"channel": CHANNEL, "text": "Raised LAA-98", "metadata": OUTBOX}),
        then=_keeps_metadata,
    ),
    SlackCase(
        "chat.postMessage-invalid_metadata_format",
        "chat.postMessage",
        "invalid_metadata_format",
        lambda s: _post(s, {"channel": CHANNEL, "text": "x", "metadata": {"event_type": "duty_tui_outbox"}}),
    ),
    SlackCase(
        "conversations.history-ok-include-all-metadata",
        "conversations.history",
        None,
        _history_with_metadata,
        then=_carries_metadata,
    ),
    SlackCase(
        "conversations.replies-ok-include-all-metadata",
        "conversations.replies",
        None,
        _replies_with_metadata,
        then=_carries_metadata,
    ),
    # where a message cannot go
    SlackCase(
        "chat.postMessage-is_archived",
        "chat.postMessage",
        "is_archived",
        lambda s: _post(s, {"channel": s.side_channel(ARCHIVED_CHANNEL, archived=True), "text": "hello?"}),
    ),
    SlackCase(
        "chat.postMessage-not_in_channel",
        "chat.postMessage",
        "not_in_channel",
        lambda s: _post(s, {"channel": s.side_channel(BOTLESS_CHANNEL, bot=False), "text": "hello?"}),
    ),
    SlackCase(
        "chat.postMessage-cannot_reply_to_message",
        "chat.postMessage",
        "cannot_reply_to_message",
        lambda s: _post(s, {"channel": CHANNEL, "text": "welcome!", "thread_ts": s.joined_message()}),
    ),
    SlackCase(
        "conversations.history-not_in_channel",
        "conversations.history",
        "not_in_channel",
        lambda s: s.post("conversations.history", channel=s.side_channel(BOTLESS_CHANNEL, bot=False)),
    ),
    SlackCase(
        "reactions.add-is_archived",
        "reactions.add",
        "is_archived",
        lambda s: s.post(
            "reactions.add", channel=ARCHIVED_CHANNEL, name="eyes", timestamp=_archived_message(s)
        ),
    ),
    # taking a message back (a happiness ask that lost the race between two dashboards)
    SlackCase(
        "chat.delete-ok",
        "chat.delete",
        None,
        lambda s: s.post("chat.delete", channel=CHANNEL, ts=_posted(s)),
        then=_deleted,
    ),
    SlackCase("chat.delete-ok-thread-reply", "chat.delete", None, _delete_reply, then=_deleted),
    SlackCase(
        "chat.delete-ok-user-token",
        "chat.delete",
        None,
        lambda s: s.post("chat.delete", channel=CHANNEL, ts=_posted(s, s.user_token()), token=s.user_token()),
        then=_deleted,
    ),
    SlackCase(
        "conversations.history-ok-tombstone",
        "conversations.history",
        None,
        _delete_parent,
        then=_has_tombstone,
    ),
    SlackCase(
        "chat.delete-cant_delete_message",
        "chat.delete",
        "cant_delete_message",
        lambda s: s.post(
            "chat.delete",
            channel=CHANNEL,
            ts=s.world.slack.world.post(CHANNEL, s.person(), "printer on fire"),
        ),  # a person's message: the bot token may delete only the bot's
    ),
    SlackCase(
        "chat.delete-cant_delete_message-user-token",
        "chat.delete",
        "cant_delete_message",
        lambda s: s.post("chat.delete", channel=CHANNEL, ts=_posted(s), token=s.user_token()),  # the bot's
    ),
    SlackCase(
        "chat.delete-message_not_found",
        "chat.delete",
        "message_not_found",
        lambda s: s.post("chat.delete", channel=CHANNEL, ts=MISSING_TS),
    ),
    SlackCase(
        "chat.delete-channel_not_found",
        "chat.delete",
        "channel_not_found",
        lambda s: s.post("chat.delete", channel=MISSING_CHANNEL, ts=MISSING_TS),
    ),
    SlackCase("chat.delete-missing_scope", "chat.delete", "missing_scope", _delete_missing_scope),
    SlackCase("chat.delete-ratelimited", "chat.delete", "ratelimited", _rate_limited_delete, status=429),
    # the team's user group
    SlackCase(
        "usergroups.users.list-ok",
        "usergroups.users.list",
        None,
        lambda s: s.post("usergroups.users.list", usergroup=s.usergroup()),
        then=_lists_the_team,
    ),
    SlackCase(
        "usergroups.users.list-ok-user-token",
        "usergroups.users.list",
        None,
        lambda s: s.post("usergroups.users.list", usergroup=s.usergroup(), token=s.user_token()),
        then=_lists_the_team,
    ),
    SlackCase(
        "usergroups.users.list-no_such_subteam",
        "usergroups.users.list",
        "no_such_subteam",
        lambda s: s.post("usergroups.users.list", usergroup="S0NOSUCH01"),
    ),
    SlackCase(
        "usergroups.users.list-invalid_arguments",
        "usergroups.users.list",
        "invalid_arguments",
        lambda s: s.post("usergroups.users.list"),
    ),
    SlackCase(
        "usergroups.users.list-missing_scope",
        "usergroups.users.list",
        "missing_scope",
        _usergroup_missing_scope,
    ),
    SlackCase(
        "usergroups.users.list-invalid_auth",
        "usergroups.users.list",
        "invalid_auth",
        lambda s: s.post("usergroups.users.list", usergroup=OPS_GROUP, token="xoxp-1-2-3-never-issued"),
    ),
    SlackCase(
        "usergroups.users.list-ratelimited",
        "usergroups.users.list",
        "ratelimited",
        _rate_limited_usergroup,
        status=429,
    ),
]


@pytest.mark.parametrize("case", SLACK_CHANNEL_CASES, ids=[case.id for case in SLACK_CHANNEL_CASES])
def test_slack_channel(case: SlackCase, slack: Slack, slack_contract: SlackContract) -> None:
    check_slack_case(case, slack, slack_contract)


# =========================================================================================================
# Negative controls: the same validation path must reject a deliberately broken body.
# =========================================================================================================


def _with_metadata(s: Slack) -> requests.Response:
    return _post(s, {"channel": CHANNEL, "text": "x", "metadata": OUTBOX})


def _team(s: Slack) -> requests.Response:
    return s.post("usergroups.users.list", usergroup=s.usergroup())


def _delete(s: Slack) -> requests.Response:
    return s.post("chat.delete", channel=CHANNEL, ts=_posted(s))


SLACK_CHANNEL_BREAKAGES: list[SlackBreakage] = [
    SlackBreakage(  # chat.delete answers exactly channel and ts, the ts a string
        "delete-ts-as-number",
        "chat.delete",
        _delete,
        set_at(["ts"], 1795687380.000001),
        r"ts: .* is not of type 'string'",
    ),
    SlackBreakage(
        "delete-without-channel",
        "chat.delete",
        _delete,
        drop_at(["channel"]),
        r"'channel' is a required property",
    ),
    SlackBreakage(
        "delete-with-the-message",
        "chat.delete",
        _delete,
        set_at(["message"], {"ts": "1795687380.000001"}),
        r"'message' was unexpected",
    ),
    SlackBreakage(  # the common-errors entry does not make another method's code one of chat.delete's
        "delete-error-from-another-method",
        "chat.delete",
        lambda s: s.post("chat.delete", channel=CHANNEL, ts=MISSING_TS),
        set_at(["error"], "already_reacted"),
        r"'already_reacted' is not one of",
    ),
    SlackBreakage(  # the metadata entry adds a closed, typed object, not any value
        "postMessage-metadata-event-type-int",
        "chat.postMessage",
        _with_metadata,
        set_at(["message", "metadata", "event_type"], 7),
        r"metadata/event_type: 7 is not of type 'string'",
    ),
    SlackBreakage(
        "postMessage-metadata-unknown-key",
        "chat.postMessage",
        _with_metadata,
        set_at(["message", "metadata", "event_ts"], "1"),
        r"'event_ts' was unexpected",
    ),
    SlackBreakage(  # and root is a message: it needs its ts like any other
        "postMessage-root-without-ts",
        "chat.postMessage",
        _broadcast,
        drop_at(["message", "root", "ts"]),
        r"message/root: 'ts' is a required property",
    ),
    SlackBreakage(
        "usergroups-users-not-ids",
        "usergroups.users.list",
        _team,
        set_at(["users"], [{"id": "U0SIM00001"}]),
        r"users/0: .* is not of type 'string'",
    ),
    SlackBreakage(
        "usergroups-without-users",
        "usergroups.users.list",
        _team,
        drop_at(["users"]),
        r"'users' is a required property",
    ),
    SlackBreakage(  # the method-errors entry adds each method's own codes, not another method's
        "usergroups-error-from-another-method",
        "usergroups.users.list",
        lambda s: s.post("usergroups.users.list", usergroup="S0NOSUCH01"),
        set_at(["error"], "cannot_reply_to_message"),
        r"'cannot_reply_to_message' is not one of",
    ),
    SlackBreakage(  # the missing-scope entry types `needed` as a string
        "missing-scope-needed-list",
        "usergroups.users.list",
        _usergroup_missing_scope,
        set_at(["needed"], ["usergroups:read"]),
        r"needed: .* is not of type 'string'",
    ),
]


@pytest.mark.parametrize("breakage", SLACK_CHANNEL_BREAKAGES, ids=[b.id for b in SLACK_CHANNEL_BREAKAGES])
def test_slack_channel_contract_rejects(
    breakage: SlackBreakage, slack: Slack, slack_contract: SlackContract
) -> None:
    check_slack_breakage(breakage, slack, slack_contract)
