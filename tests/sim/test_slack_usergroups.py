"""usergroups.users.list in the simulated Slack, driven by the real `slack_sdk.WebClient`, and the world's
user-group API that sets the groups up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from duty_sim.slack.service import DEFAULT_TOKEN, SlackSim
from duty_tui.clock import ManualClock
from tests.support import slack_error

GROUP = "S0LAAOPS1"


@pytest.fixture
def sim() -> Iterator[SlackSim]:
    with SlackSim(clock=ManualClock(datetime(2025, 3, 4, 9, 30, tzinfo=UTC))) as running:
        yield running


@pytest.fixture
def client(sim: SlackSim) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=sim.api_url, timeout=5, retry_handlers=[])


@pytest.fixture
def team(sim: SlackSim) -> list[str]:
    """Three people in the @laa-ops-team group."""
    people = [sim.world.add_user(name, name.title()) for name in ("ann", "ben", "cat")]
    sim.world.add_usergroup(GROUP, "laa-ops-team", people, name="LAA Ops team")
    return people


def test_lists_the_members_in_order(sim: SlackSim, client: WebClient, team: list[str]) -> None:
    answer = client.usergroups_users_list(usergroup=GROUP)
    assert answer.data == {"ok": True, "users": team}
    [entry] = sim.log.find("POST", "/api/usergroups.users.list")
    # The sync client sends it as a form, which is what this method takes.
    assert entry.content_type == "application/x-www-form-urlencoded" and entry.param("usergroup") == GROUP


def test_members_change_and_deactivated_people_drop_out(
    sim: SlackSim, client: WebClient, team: list[str]
) -> None:
    newcomer = sim.world.add_user("dee", "Dee")
    sim.world.set_usergroup_users(GROUP, [team[2], newcomer, team[2]])
    assert client.usergroups_users_list(usergroup=GROUP)["users"] == [team[2], newcomer]
    leaver = sim.world.add_user("eve", "Eve", deleted=True)
    sim.world.set_usergroup_users(GROUP, [leaver, newcomer])
    assert client.usergroups_users_list(usergroup=GROUP)["users"] == [newcomer]


def test_unknown_disabled_and_missing_groups(sim: SlackSim, client: WebClient, team: list[str]) -> None:
    assert slack_error(lambda: client.usergroups_users_list(usergroup="S0NOSUCH01")) == "no_such_subteam"
    sim.world.enable_usergroup(GROUP, False)
    assert slack_error(lambda: client.usergroups_users_list(usergroup=GROUP)) == "no_such_subteam"
    assert client.usergroups_users_list(usergroup=GROUP, include_disabled=True)["users"] == team
    sim.world.enable_usergroup(GROUP)
    assert client.usergroups_users_list(usergroup=GROUP)["users"] == team
    assert slack_error(lambda: client.api_call("usergroups.users.list")) == "invalid_arguments"


def test_a_json_body_is_not_read(sim: SlackSim, team: list[str]) -> None:
    """The method "does not currently accept application/json": its arguments there are not seen."""
    url = sim.api_url + "usergroups.users.list"
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}", "Content-Type": "application/json; charset=utf-8"}
    as_json = httpx.post(url, content=b'{"usergroup": "S0LAAOPS1"}', headers=headers, timeout=5).json()
    assert as_json == {"ok": False, "error": "invalid_arguments"}
    as_form = httpx.post(url, data={"usergroup": GROUP}, headers={"Authorization": headers["Authorization"]})
    assert as_form.json() == {"ok": True, "users": team}


def test_needs_usergroups_read(sim: SlackSim, client: WebClient, team: list[str]) -> None:
    assert "usergroups:read" in sim.scopes  # the bot has it by default
    sim.set_scopes(sorted(sim.scopes - {"usergroups:read"}))
    with pytest.raises(SlackApiError) as info:
        client.usergroups_users_list(usergroup=GROUP)
    assert (info.value.response["error"], info.value.response["needed"]) == (
        "missing_scope",
        "usergroups:read",
    )
    person = WebClient(token=sim.add_user_token(team[0]), base_url=sim.api_url, retry_handlers=[])
    assert person.usergroups_users_list(usergroup=GROUP)["users"] == team  # a user token may read it too


def test_is_tier_2(sim: SlackSim, client: WebClient, team: list[str]) -> None:
    for _ in range(20):
        client.usergroups_users_list(usergroup=GROUP)
    with pytest.raises(SlackApiError) as info:
        client.usergroups_users_list(usergroup=GROUP)
    assert info.value.response.status_code == 429 and info.value.response.headers["Retry-After"].isdigit()
    assert [e.status for e in sim.log.find(path="usergroups.users.list")][-2:] == [200, 429]


def test_the_world_refuses_malformed_groups(sim: SlackSim, team: list[str]) -> None:
    world = sim.world
    with pytest.raises(ValueError, match="looks like"):
        world.add_usergroup("laa-ops", "laa-ops", team)
    with pytest.raises(ValueError, match="lower case"):
        world.add_usergroup("S0OTHER01", "LAA Ops", team)
    with pytest.raises(ValueError, match="already exists"):
        world.add_usergroup(GROUP, "another", team)
    with pytest.raises(ValueError, match="is taken"):
        world.add_usergroup("S0OTHER01", "laa-ops-team", team)
    with pytest.raises(ValueError, match="is a bot"):
        world.add_usergroup("S0OTHER01", "bots", [sim.bot_user_id])
    with pytest.raises(ValueError, match="no user"):
        world.set_usergroup_users(GROUP, ["U0NOBODY00"])
    with pytest.raises(TypeError, match="not one string"):
        world.set_usergroup_users(GROUP, team[0])
    with pytest.raises(ValueError, match="no user group"):
        world.enable_usergroup("S0NOSUCH01")
    assert world.usergroup_users(GROUP) == team  # nothing above changed the group
