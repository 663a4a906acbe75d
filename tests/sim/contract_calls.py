"""The calling side of the contract tests: the demo world they call, requests shaped the way the real
clients send them, and the edits the negative controls make to a live body.

`Jira` sends what `jira` 3.10.5 sends (Basic auth and the library's JSON headers; pycontribs/jira,
jira/client.py); `Slack` sends what the sync `slack_sdk.WebClient` sends (every method a POST with a
Bearer token; slackapi/python-slack-sdk, slack_sdk/web/base_client.py). Both also set the world up
through the simulators' own Python API, which sends nothing over HTTP and is not validated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests

from duty_sim.slack.world import SlackError
from duty_tui.clock import ManualClock
from duty_tui.demo import DEMO_JIRA_TOKEN, DEMO_SLACK_TOKEN, DemoWorld
from duty_tui.demo.scenario import CHANNEL
from duty_tui.demo.scenario_data import DUTY_ENGINEER, TEAM
from tests.conftest import MORNING


@contextmanager
def contract_world() -> Iterator[DemoWorld]:
    """The demo world on a clock that stands still at MORNING, stopped on exit."""
    world = DemoWorld(ManualClock(MORNING))
    # Slack's per-method token buckets run on real time; with them on, a slow run could turn a success
    # case into a 429. The 429 cases inject theirs through the fault plan instead.
    world.slack.enable_rate_limits(False)
    try:
        yield world
    finally:
        world.stop()


# -- HTTP, as the clients send it -------------------------------------------------------------------------


def v3(path: str) -> str:
    return f"/rest/api/3/{path}"


def v2(path: str) -> str:
    return f"/rest/api/2/{path}"


def agile(path: str) -> str:
    return f"/rest/agile/1.0/{path}"


@dataclass
class Jira:
    """Requests as `jira` 3.10.5 sends them: Basic auth and the JSON headers of its default options
    (pycontribs/jira, jira/client.py; tests/sim/test_jira.py drives the library itself)."""

    world: DemoWorld
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.auth = (DUTY_ENGINEER.email, DEMO_JIRA_TOKEN)
        self.session.headers.update({"Accept": "application/json,*/*;q=0.9", "X-Atlassian-Token": "no-check"})

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        password: str | None = None,
    ) -> requests.Response:
        auth = (DUTY_ENGINEER.email, password) if password is not None else None
        return self.session.request(
            method, self.world.jira.url + path, params=params, json=body, auth=auth, timeout=10
        )

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.call("GET", path, params=params)

    # -- world set-up, through the simulator's own API (no HTTP, nothing validated) --

    def fresh_issue(self, summary: str = "Contract test: disk full on web-2") -> str:
        """A new To Do issue in LAA, so that a case that changes an issue touches no other case's."""
        return self.world.jira.world.create_issue(
            "LAA", summary, components=["platform"], labels=["contract"]
        )

    def issue_with_history(self) -> str:
        """An issue whose changelog holds an assignment (from nobody), a status change and an unassign."""
        sim, me = self.world.jira.world, self.world.jira.myself_account_id
        key = self.fresh_issue("Contract test: changelog")
        sim.assign(key, me, by=me)
        sim.transition_to(key, "In Progress", by=me)
        sim.assign(key, None, by=me)
        return key


@dataclass
class Slack:
    """Requests as the sync `slack_sdk.WebClient` sends them: every method as a POST with a Bearer
    token, a form body, except chat.postMessage, which is JSON with a charset (slackapi/python-slack-sdk,
    slack_sdk/web/base_client.py; tests/sim/test_slack.py drives the client itself)."""

    world: DemoWorld
    session: requests.Session = field(default_factory=requests.Session)
    _user_token: str | None = None

    def post(self, method: str, *, token: str | None = DEMO_SLACK_TOKEN, **args: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.session.post(self.world.slack.api_url + method, data=args, headers=headers, timeout=10)

    def post_json(
        self, method: str, body: dict[str, Any], *, token: str = DEMO_SLACK_TOKEN
    ) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json;charset=utf-8",
        }
        return self.session.post(
            self.world.slack.api_url + method, data=json.dumps(body), headers=headers, timeout=10
        )

    # -- world set-up, through the simulator's own API --

    def messages(self) -> list[dict[str, Any]]:
        return self.world.slack.world.history(CHANNEL)

    def thread_parent(self) -> str:
        return str(next(m["ts"] for m in self.messages() if m.get("reply_count")))

    def plain_message(self) -> str:
        """The newest top-level message from a person, without a thread."""
        return str(
            next(
                m["ts"]
                for m in reversed(self.messages())
                if m.get("user") and not m.get("subtype") and not m.get("reply_count")
            )
        )

    def person(self) -> str:
        return str(next(m["user"] for m in self.messages() if m.get("user") and not m.get("subtype")))

    def user_token(self) -> str:
        """A user token (xoxp-) of the duty engineer, who is in the channel: calls act as them."""
        if self._user_token is None:
            engineer = self.world.cast.slack[DUTY_ENGINEER.handle]
            self.world.slack.world.join(CHANNEL, engineer)
            self._user_token = self.world.slack.add_user_token(engineer)
        return self._user_token

    def usergroup(self) -> str:
        """The ops team's user group (the demo world has none of its own)."""
        world = self.world.slack.world
        try:
            world.usergroup_users(OPS_GROUP, include_disabled=True)
        except SlackError:
            world.add_usergroup(OPS_GROUP, "laa-ops-team", [self.world.cast.slack[p.handle] for p in TEAM])
        return OPS_GROUP

    def side_channel(self, channel_id: str, *, archived: bool = False, bot: bool = True) -> str:
        """A channel besides #laa-ops, archived or without the bot, holding one message from a person."""
        world = self.world.slack.world
        world.add_channel(channel_id, f"side-{channel_id.lower()}")
        world.archive(channel_id, False)
        world.post(channel_id, self.person(), "a message in a side channel")
        if bot:
            world.join(channel_id, self.world.slack.bot_user_id)
        else:
            world.leave(channel_id, self.world.slack.bot_user_id)
        world.archive(channel_id, archived)
        return channel_id

    def joined_message(self) -> str:
        """A channel_join message, which Slack will not start a thread on."""
        person = self.person()
        return self.world.slack.world.post(
            CHANNEL, person, f"<@{person}> has joined the channel", subtype="channel_join"
        )


OPS_GROUP = "S0LAAOPS1"


# -- negative controls: break one thing in a live body ---------------------------------------------------


def set_at(path: list[str | int], value: Any) -> Callable[[Any], None]:
    def apply(body: Any) -> None:
        for step in path[:-1]:
            body = body[step]
        body[path[-1]] = value

    return apply


def drop_at(path: list[str | int]) -> Callable[[Any], None]:
    def apply(body: Any) -> None:
        for step in path[:-1]:
            body = body[step]
        del body[path[-1]]

    return apply


def keep(body: Any) -> None:
    """Leave the body as it is (the breakage is in the status, or in sending a body at all)."""
