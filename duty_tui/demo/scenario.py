"""The demo scenario: fills the simulated Jira and Slack with the LAA Ops world, then keeps it moving.

`populate` seeds both boards (including tickets that must not show: assigned, done, and 6DG
tickets without the laa-6dg-support component) and a day of #laa-ops, relative to `now` so a
fixed clock gives the same world every time. `WorldTicker` makes the world move in the demo:
new messages and thread replies, a new ticket every few minutes, a colleague taking a ticket.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from duty_sim.jira.service import JiraSim
from duty_sim.slack.service import SlackSim
from duty_tui.clock import Clock
from duty_tui.demo.scenario_data import (
    ARRIVALS,
    CHAT,
    CHATTER,
    DUTY_ENGINEER,
    PRODUCT_MANAGER,
    REQUESTERS,
    REQUESTS,
    TEAM,
    TICKETS,
)
from duty_tui.sync.loop import Loop

AWS_BOARD = (262, "AWS Ops", "LAA", "LAA AWS Ops")
SIXDG_BOARD = (265, "6DG Ops", "LM", "LAA 6DG Ops")
COMPONENT = "laa-6dg-support"
CHANNEL = "CEL68S0LD"


@dataclass
class Cast:
    """Who is who in both simulators, by handle."""

    jira: dict[str, str] = field(default_factory=dict)  # handle → Jira accountId
    slack: dict[str, str] = field(default_factory=dict)  # handle → Slack user id
    bots: dict[str, tuple[str, str]] = field(default_factory=dict)  # handle → (bot_id, username)
    projects: dict[str, str] = field(default_factory=dict)  # "aws"/"6dg" → project key

    def mentions(self, text: str) -> str:
        """Replace {handle} placeholders with Slack mentions' user ids."""
        for handle, user_id in self.slack.items():
            text = text.replace("{" + handle + "}", user_id)
        return text


def populate(jira: JiraSim, slack: SlackSim, now: datetime) -> Cast:
    cast = Cast()
    _populate_people(jira, slack, cast)
    _populate_jira(jira, cast, now)
    _populate_slack(slack, cast, now)
    return cast


def _populate_people(jira: JiraSim, slack: SlackSim, cast: Cast) -> None:
    world = jira.world
    for person in (*TEAM, *REQUESTERS, PRODUCT_MANAGER):
        if person is DUTY_ENGINEER:  # the simulator already made the API user for this email
            cast.jira[person.handle] = jira.myself_account_id
        else:
            cast.jira[person.handle] = world.add_user(
                person.name, email=person.email, account_id=person.jira_id
            )
        display = person.name.split()[0] if person.team == "ops" else ""
        cast.slack[person.handle] = slack.world.add_user(
            person.handle, person.name, display_name=display, email=person.email
        )
    cast.slack["alerts"] = slack.world.add_user("cloudwatch-alarms", "CloudWatch Alarms", is_bot=True)
    cast.bots["deploybot"] = ("B0DEPLOY01", "deploybot")


def _populate_jira(jira: JiraSim, cast: Cast, now: datetime) -> None:
    world = jira.world
    for board_id, board_name, project, project_name in (AWS_BOARD, SIXDG_BOARD):
        world.add_project(project, project_name)
        world.add_board(board_id, board_name, project, f"project = {project} ORDER BY Rank ASC")
    world.add_component(SIXDG_BOARD[2], COMPONENT)
    world.add_component(SIXDG_BOARD[2], "laa-6dg-dba")
    world.add_component(AWS_BOARD[2], "platform")
    cast.projects = {"aws": AWS_BOARD[2], "6dg": SIXDG_BOARD[2]}
    for seed in TICKETS:
        project = cast.projects[seed.board]
        components = [COMPONENT] if seed.board == "6dg" and seed.component else []
        created = now - timedelta(minutes=seed.age_minutes or 2 * 24 * 60)
        key = world.create_issue(
            project,
            seed.summary,
            priority=seed.priority,
            reporter=cast.jira[seed.reporter],
            created=created,
            description=seed.description,
            components=components,
            labels=list(seed.labels),
        )
        if seed.assignee:
            world.assign(
                key, cast.jira[seed.assignee], by=cast.jira[seed.assignee], at=created + timedelta(minutes=20)
            )
        if seed.status != "To Do":
            world.transition_to(
                key, seed.status, by=cast.jira[seed.assignee or "tom"], at=created + timedelta(hours=1)
            )
        if seed.acknowledged is not None:
            who, note = seed.acknowledged
            world.add_comment(key, cast.jira[who], note, at=created + timedelta(minutes=35))
        if "ERIC UAT" in seed.summary:
            world.add_comment(
                key,
                cast.jira["ewan"],
                "Raised with 6DG; they are looking at the managed server.",
                at=created + timedelta(minutes=30),
            )


def _populate_slack(slack: SlackSim, cast: Cast, now: datetime) -> None:
    world = slack.world
    for seed in sorted(CHAT, key=lambda s: -s.age_minutes):
        at = now - timedelta(minutes=seed.age_minutes)
        ts = _post(slack, cast, seed.handle, seed.text, at=at)
        for offset, (handle, reply) in enumerate(seed.replies, start=1):
            reply_at = min(now, at + timedelta(minutes=3 * offset))
            _post(slack, cast, handle, reply, at=reply_at, thread_ts=ts)
        for name, handle in seed.reactions:
            world.react(CHANNEL, ts, name, cast.slack[handle])


def _post(
    slack: SlackSim,
    cast: Cast,
    handle: str,
    text: str,
    *,
    at: datetime | None = None,
    thread_ts: str | None = None,
) -> str:
    world = slack.world
    if handle.startswith("join:"):
        user = cast.slack[handle.removeprefix("join:")]
        return world.post(CHANNEL, user, f"<@{user}> has joined the channel", at=at, subtype="channel_join")
    if handle in cast.bots:
        bot_id, username = cast.bots[handle]
        return world.post(
            CHANNEL,
            None,
            cast.mentions(text),
            at=at,
            subtype="bot_message",
            bot_id=bot_id,
            username=username,
            thread_ts=thread_ts,
        )
    return world.post(CHANNEL, cast.slack[handle], cast.mentions(text), at=at, thread_ts=thread_ts)


class WorldTicker(Loop):
    """Moves the demo world on the loop base's thread: chatter, thread replies, new tickets,
    colleagues taking tickets, one every 15–40 seconds.

    `pace` divides every wait (tests use a high pace); `stop()` ends the wait at once.
    """

    def __init__(
        self, jira: JiraSim, slack: SlackSim, cast: Cast, clock: Clock, *, seed: int = 7, pace: float = 1.0
    ) -> None:
        super().__init__("demo world")
        self.jira, self.slack, self.cast, self.clock = jira, slack, cast, clock
        self.random = random.Random(seed)
        self.pace = pace
        self._chatter = 0
        self._arrivals = 0
        self._requests = 0
        self._started = False

    def step(self) -> float:
        if self._started:  # the world starts as `populate` left it; the first event comes after a wait
            # The demo world must keep moving, whatever one event ran into.
            with contextlib.suppress(Exception):
                self.happen()
        self._started = True
        return self.random.uniform(15, 40) / self.pace

    def stop_and_wait(self, timeout: float = 5.0) -> None:
        """Stop, and let an event in progress finish before the simulators it talks to go."""
        self.stop()
        self.wait_finished(timeout)

    def happen(self) -> str:
        """One event; returns what happened (for tests)."""
        roll = self.random.random()
        if roll < 0.12:
            return self.new_ticket()
        if roll < 0.22:
            return self.colleague_takes_ticket()
        if roll < 0.34:
            return self.new_request()
        if roll < 0.42:
            return self.colleague_claims()
        if roll < 0.55:
            return self.thread_reply()
        return self.chatter()

    def new_request(self) -> str:
        """Someone outside the team asks for help in #laa-ops: it waits until the team answers."""
        handle, text = REQUESTS[self._requests % len(REQUESTS)]
        self._requests += 1
        _post(self.slack, self.cast, handle, text)
        return "request"

    def colleague_claims(self) -> str:
        """A teammate puts 👀 on a request nobody has claimed (so the duty engineer need not)."""
        team = {self.cast.slack[p.handle] for p in TEAM}
        open_requests = [
            m
            for m in self.slack.world.history(CHANNEL)[-12:]
            if m.get("user") not in team
            and not m.get("subtype")
            and not m.get("bot_id")
            and not any(r["name"] == "eyes" for r in m.get("reactions", []))
        ]
        if not open_requests:
            return self.new_request()
        message = self.random.choice(open_requests)
        colleague = self.cast.slack[self.random.choice([p.handle for p in TEAM[1:]])]
        self.slack.world.react(CHANNEL, str(message["ts"]), "eyes", colleague)
        return "claim"

    def chatter(self) -> str:
        handle, text, _ = CHATTER[self._chatter % len(CHATTER)]
        self._chatter += 1
        _post(self.slack, self.cast, handle, text)
        return "message"

    def thread_reply(self) -> str:
        recent = [m for m in self.slack.world.history(CHANNEL)[-8:] if m.get("user") and not m.get("subtype")]
        if not recent:
            return self.chatter()
        parent = self.random.choice(recent)
        handle = self.random.choice([p.handle for p in TEAM[1:]])
        text = self.random.choice(
            [
                "Taking a look now :eyes:",
                "Done, can you check?",
                "Raised a ticket for this.",
                "That should be fixed now.",
                "Need a bit more detail: which environment?",
            ]
        )
        _post(self.slack, self.cast, handle, text, thread_ts=str(parent["ts"]))
        return "reply"

    def new_ticket(self) -> str:
        board, summary, priority, reporter = ARRIVALS[self._arrivals % len(ARRIVALS)]
        self._arrivals += 1
        components = [COMPONENT] if board == "6dg" else []
        self.jira.world.create_issue(
            self.cast.projects[board],
            summary,
            priority=priority,
            reporter=self.cast.jira[reporter],
            created=self.clock.now(),
            components=components,
        )
        return "ticket"

    def colleague_takes_ticket(self) -> str:
        world = self.jira.world
        waiting = [
            key
            for key in world.issue_keys()
            if (issue := world.issue(key))["fields"]["assignee"] is None
            and issue["fields"]["status"]["statusCategory"]["key"] != "done"
        ]
        if len(waiting) < 4:  # leave the duty engineer something to do
            return self.chatter()
        key = self.random.choice(waiting)
        colleague = self.cast.jira[self.random.choice([p.handle for p in TEAM[1:]])]
        world.assign(key, colleague, by=colleague)
        world.transition_to(key, "In Progress", by=colleague)
        return "taken"
