"""Contract test, Slack: working #laa-ops, against Slack's official API description.

The exchanges of working the channel: calls with a person's user token (they post, react and authenticate
as that person), replies broadcast to the channel (which carry their thread's `root`), message metadata
read back with include_all_metadata, the team's user group (usergroups.users.list), and the errors an
archived channel, a channel without the bot or an unthreadable message bring. Each response, from the
demo world over real HTTP, is validated with jsonschema against the published Swagger 2.0 description;
deviations pass only through the allow-list in tests/sim/openapi_contract.py (slack-message-metadata-root,
slack-method-errors, slack-missing-scope-detail); the negative controls at the end prove that the
validation path rejects a broken body. tests/sim/test_slack_*.py drive the same methods with the real
`slack_sdk.WebClient` and pin their behaviour beyond the schema.

Skips, saying why, when the descriptions are absent (they are not kept in this repository).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from duty_tui.demo import DEMO_SLACK_TOKEN, DemoWorld
from duty_tui.demo.scenario import CHANNEL
from tests.sim.contract_calls import OPS_GROUP, Slack, contract_world, drop_at, set_at
from tests.sim.contract_cases import SlackBreakage, SlackCase, check_slack_breakage, check_slack_case
from tests.sim.openapi_contract import SlackContract, openapi_dir_or_skip

OPENAPI = openapi_dir_or_skip()

ARCHIVED_CHANNEL = "C0SIMARCH1"
BOTLESS_CHANNEL = "C0SIMNOBOT"
OUTBOX = {"event_type": "duty_tui_outbox", "event_payload": {"outbox": "contract-1"}}


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Iterator[DemoWorld]:
    with contract_world() as world:
        yield world


@pytest.fixture(scope="module")
def slack_contract() -> SlackContract:
    return SlackContract.load(OPENAPI)


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


SLACK_CHANNEL_BREAKAGES: list[SlackBreakage] = [
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
