"""User tokens in the simulated Slack: calls act as the person, within the token's own scopes.

Driven by the real `slack_sdk.WebClient`. The bot token's behaviour is pinned beside each case, so a
change that bends the bot's posts or reactions towards the user's fails here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from duty_sim.slack.service import DEFAULT_TOKEN, DEFAULT_USER_SCOPES, SlackSim
from duty_tui.clock import ManualClock
from tests.support import slack_error, slack_failure

CHANNEL = "CEL68S0LD"
START = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
BOT_ONLY_KEYS = {"bot_id", "app_id", "bot_profile"}


@pytest.fixture
def sim() -> Iterator[SlackSim]:
    with SlackSim(clock=ManualClock(START)) as running:
        yield running


@pytest.fixture
def bot(sim: SlackSim) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=sim.api_url, timeout=5, retry_handlers=[])


@pytest.fixture
def alice(sim: SlackSim) -> str:
    user_id = sim.world.add_user("alice", "Alice Éclair", "ali")
    sim.world.join(CHANNEL, user_id)
    return user_id


def client_for(sim: SlackSim, token: str) -> WebClient:
    return WebClient(token=token, base_url=sim.api_url, timeout=5, retry_handlers=[])


def test_issued_tokens_look_like_user_tokens(sim: SlackSim, alice: str) -> None:
    token = sim.add_user_token(alice)
    assert token.startswith("xoxp-") and token != sim.add_user_token(alice)
    assert sim.add_user_token(alice, token="xoxp-1-2-3-chosen") == "xoxp-1-2-3-chosen"
    with pytest.raises(ValueError, match="already in use"):
        sim.add_user_token(alice, token="xoxp-1-2-3-chosen")
    with pytest.raises(ValueError, match="starts with"):
        sim.add_user_token(alice, token="xoxb-not-a-user-token")
    with pytest.raises(ValueError, match="is a bot"):
        sim.add_user_token(sim.bot_user_id)
    with pytest.raises(ValueError, match="no user"):
        sim.add_user_token("U0NOBODY00")


def test_auth_test_names_the_person_and_no_bot(sim: SlackSim, bot: WebClient, alice: str) -> None:
    person = client_for(sim, sim.add_user_token(alice)).auth_test().data
    assert person == {
        "ok": True,
        "url": "https://mojdt.slack.com/",
        "team": "LAA Digital",
        "user": "alice",
        "team_id": sim.world.team_id,
        "user_id": alice,
        "is_enterprise_install": False,
    }
    assert bot.auth_test()["bot_id"] == sim.world.user(sim.bot_user_id)["profile"]["bot_id"]


def test_posts_as_the_person_while_the_bot_keeps_its_bot_fields(
    sim: SlackSim, bot: WebClient, alice: str
) -> None:
    person = client_for(sim, sim.add_user_token(alice))
    mine = person.chat_postMessage(channel=CHANNEL, text="I'll take LAA-24")["message"]
    assert mine["user"] == alice and mine["text"] == "I'll take LAA-24"
    assert not BOT_ONLY_KEYS & set(mine) and "subtype" not in mine
    reply = person.chat_postMessage(channel=CHANNEL, text="on it", thread_ts=mine["ts"])["message"]
    assert reply["user"] == alice and reply["parent_user_id"] == alice and not BOT_ONLY_KEYS & set(reply)
    theirs = bot.chat_postMessage(channel=CHANNEL, text="Ack: LAA-24")["message"]
    assert theirs["user"] == sim.bot_user_id and set(theirs) >= BOT_ONLY_KEYS
    history = {m["ts"]: m for m in bot.conversations_history(channel=CHANNEL)["messages"]}
    assert not BOT_ONLY_KEYS & set(history[mine["ts"]])
    assert history[mine["ts"]]["reply_users"] == [alice]
    assert history[theirs["ts"]]["bot_profile"]["name"] == "duty-tui"


def test_reacts_as_the_person_and_each_reactor_reacts_once(sim: SlackSim, bot: WebClient, alice: str) -> None:
    ts = sim.world.post(CHANNEL, alice, "Printer on fire")
    person = client_for(sim, sim.add_user_token(alice))
    assert person.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes")["ok"] is True
    add_again = lambda: person.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes")  # noqa: E731
    assert slack_error(add_again) == "already_reacted"
    bot.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes")  # someone else's same emoji is fine
    assert (
        slack_error(lambda: bot.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes"))
        == "already_reacted"
    )
    assert sim.world.message(CHANNEL, ts)["reactions"] == [
        {"name": "eyes", "users": [alice, sim.bot_user_id], "count": 2}
    ]
    person.reactions_remove(channel=CHANNEL, timestamp=ts, name="eyes")
    assert sim.world.message(CHANNEL, ts)["reactions"][0]["users"] == [sim.bot_user_id]


def test_a_user_token_has_only_its_own_scopes(sim: SlackSim, bot: WebClient, alice: str) -> None:
    reader = client_for(sim, sim.add_user_token(alice, scopes=["channels:history"]))
    assert reader.conversations_history(channel=CHANNEL)["ok"] is True
    err = slack_failure(lambda: reader.chat_postMessage(channel=CHANNEL, text="hi"), status=200)
    assert err.response["error"] == "missing_scope"
    assert (err.response["needed"], err.response["provided"]) == ("chat:write", "channels:history")
    assert err.response.headers["X-OAuth-Scopes"] == "channels:history"
    assert slack_error(lambda: reader.reactions_add(channel=CHANNEL, timestamp="1.0", name="eyes")) == (
        "missing_scope"
    )
    # The bot's scopes are its own: narrowing them leaves a full user token alone, and the reverse.
    full = client_for(sim, sim.add_user_token(alice))
    sim.set_scopes(["channels:history"])
    assert full.chat_postMessage(channel=CHANNEL, text="still allowed")["ok"] is True
    assert slack_error(lambda: bot.chat_postMessage(channel=CHANNEL, text="not any more")) == "missing_scope"
    assert "usergroups:read" in DEFAULT_USER_SCOPES


def test_revoked_inactive_and_unknown_user_tokens(sim: SlackSim, bot: WebClient, alice: str) -> None:
    token = sim.add_user_token(alice)
    person = client_for(sim, token)
    sim.faults.revoke_token()  # the fault revokes every token, user tokens included
    assert slack_error(person.auth_test) == "token_revoked"
    assert slack_error(bot.auth_test) == "token_revoked"
    sim.faults.restore_token()
    assert person.auth_test()["ok"] is True
    sim.revoke_user_token(token)  # one person removes the app: only their token stops
    assert slack_error(person.auth_test) == "token_revoked"
    assert bot.auth_test()["ok"] is True
    gone = sim.world.add_user("gone", "Gone Person", deleted=True)
    assert slack_error(client_for(sim, sim.add_user_token(gone)).auth_test) == "account_inactive"
    assert slack_error(client_for(sim, "xoxp-1-2-3-never-issued").auth_test) == "invalid_auth"


def test_a_person_must_be_in_the_channel(sim: SlackSim) -> None:
    bob = sim.world.add_user("bob", "Bob Smith")  # not in #laa-ops
    ts = sim.world.post(CHANNEL, sim.bot_user_id, "hello")
    person = client_for(sim, sim.add_user_token(bob))
    assert slack_error(lambda: person.chat_postMessage(channel=CHANNEL, text="hi")) == "not_in_channel"
    assert slack_error(lambda: person.reactions_add(channel=CHANNEL, timestamp=ts, name="eyes")) == (
        "not_in_channel"
    )
    assert person.conversations_info(channel=CHANNEL)["channel"]["is_member"] is False
    sim.world.join(CHANNEL, bob)
    assert person.chat_postMessage(channel=CHANNEL, text="hi")["message"]["user"] == bob
    assert person.conversations_info(channel=CHANNEL)["channel"]["is_member"] is True


def test_metadata_posted_with_a_user_token_is_not_kept(sim: SlackSim, bot: WebClient, alice: str) -> None:
    """Slack does not say whether it keeps it; the simulator assumes it does not."""
    metadata = {"event_type": "duty_tui_outbox", "event_payload": {"outbox": "o-1"}}
    person = client_for(sim, sim.add_user_token(alice))
    mine = person.chat_postMessage(channel=CHANNEL, text="mine", metadata=metadata)["message"]
    theirs = bot.chat_postMessage(channel=CHANNEL, text="the bot's", metadata=metadata)["message"]
    assert "metadata" not in mine and theirs["metadata"] == metadata
    history = {
        m["ts"]: m for m in bot.conversations_history(channel=CHANNEL, include_all_metadata=True)["messages"]
    }
    assert "metadata" not in history[mine["ts"]]
    assert history[theirs["ts"]]["metadata"] == metadata
    bad = {"event_type": "duty_tui_outbox"}  # still checked, even though it would be dropped
    assert slack_error(lambda: person.chat_postMessage(channel=CHANNEL, text="x", metadata=bad)) == (
        "invalid_metadata_format"
    )


def test_user_and_bot_calls_share_the_apps_rate_limit_and_are_logged(
    sim: SlackSim, bot: WebClient, alice: str
) -> None:
    token = sim.add_user_token(alice)
    person = client_for(sim, token)
    sim.set_rate_limit("auth.test", 2)  # limits are per method per app, whichever token calls
    bot.auth_test()
    person.auth_test()
    err = slack_failure(person.auth_test)
    assert err.response.status_code == 429 and err.response["error"] == "ratelimited"
    entries = sim.log.find("POST", "/api/auth.test")
    assert [e.status for e in entries] == [200, 200, 429]
    assert all(token.encode() not in e.body for e in entries)  # the token travels in the header only
