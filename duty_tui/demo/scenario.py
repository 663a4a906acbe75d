"""The demo scenario: fills the simulated Jira and Slack with the LAA Ops world, then keeps it moving.

`populate` seeds both boards (including tickets that must not show: assigned, done, and 6DG
tickets without the laa-6dg-support component) and a day of #laa-ops, relative to `now` so a
fixed clock gives the same world every time, ending with a CloudWatch alarm a few minutes old (the
moment to declare an incident). `WorldTicker` makes the world move in the demo: new messages and
thread replies, a new ticket every few minutes, a colleague taking a ticket, and a colleague's
incident run through the channel exactly as duty-tui posts one (announcement, update, resolution).
"""

from __future__ import annotations

import contextlib
import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from duty_sim.jira.service import JiraSim
from duty_sim.slack.service import SlackSim
from duty_tui.clock import Clock
from duty_tui.config import SupportConfig
from duty_tui.demo.scenario_data import (
    ARRIVALS,
    CHAT,
    CHATTER,
    DUTY_ENGINEER,
    INCIDENTS,
    PRODUCT_MANAGER,
    REQUESTERS,
    REQUESTS,
    TEAM,
    TICKETS,
    IncidentSeed,
)
from duty_tui.models import IncidentEvent, IncidentEventKind, IncidentPriority, IncidentStatus, ts_to_datetime
from duty_tui.rules import incident_posts
from duty_tui.rules.incidents import DEFAULT_CADENCE, EVENT_TYPE, next_update_after, payload
from duty_tui.sync.loop import Loop

AWS_BOARD = (262, "AWS Ops", "LAA", "LAA AWS Ops")
SIXDG_BOARD = (265, "6DG Ops", "LM", "LAA 6DG Ops")
COMPONENT = "laa-6dg-support"
CHANNEL = "CEL68S0LD"
ZONE = SupportConfig().zone  # the demo's support calendar: the time zone incident posts give times in
# A colleague's incident: its update and its resolution each come this many events after the post before;
# the next incident is declared this many events after the last one was resolved.
INCIDENT_STEPS = (2, 4)
INCIDENT_GAP = (25, 45)


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


@dataclass(slots=True)
class _ColleagueIncident:
    """The colleague's incident in progress: its story, its thread, and the last event posted."""

    seed: IncidentSeed
    thread_ts: str
    last: IncidentEvent


class WorldTicker(Loop):
    """Moves the demo world on the loop base's thread, one event every 15–40 seconds: chatter, thread
    replies, new tickets, colleagues taking tickets, and now and then a colleague's incident (the first
    event declares one, so a person watching sees it within a minute).

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
        self._ticks = 0
        self._incidents = 0  # colleague incidents declared so far
        self._incident: _ColleagueIncident | None = None  # the one in progress (one at a time)
        self._incident_due = 1  # the tick at which the colleague's incident takes its next step

    def step(self) -> float:
        if self._started:  # the world starts as `populate` left it; the first event comes after a wait
            # The demo world must keep moving, whatever one event ran into.
            with contextlib.suppress(Exception):
                self.tick()
        self._started = True
        return self.random.uniform(15, 40) / self.pace

    def tick(self) -> str:
        """The demo's next event (what `step` runs); returns what happened (for tests): the colleague's
        incident when its next step is due ("incident", "incident update", "incident resolved"),
        otherwise one event of the random mix (`happen`)."""
        self._ticks += 1
        if self._ticks >= self._incident_due:
            return self.colleague_incident()
        return self.happen()

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

    def colleague_incident(self) -> str:
        """The next step of a colleague's incident, posted as duty-tui posts it (the team's bot, incident
        metadata): a new one is declared, the open one gets its update in the thread (cause identified),
        then it is resolved in the thread and to the channel."""
        if self._incident is None:
            done = self._declare()
        elif self._incident.last.kind is IncidentEventKind.DECLARED:
            done = self._update(self._incident)
        else:
            done = self._resolve(self._incident)
        low, high = INCIDENT_GAP if self._incident is None else INCIDENT_STEPS
        self._incident_due = self._ticks + self.random.randint(low, high)
        return done

    def _declare(self) -> str:
        seed = INCIDENTS[self._incidents % len(INCIDENTS)]
        now = self.clock.now()
        priority = IncidentPriority.HIGH if seed.high else IncidentPriority.NORMAL
        event = IncidentEvent(
            incident_id=self._uid(),
            kind=IncidentEventKind.DECLARED,
            at=now,
            by=self.cast.slack[seed.lead],
            title=seed.title,
            priority=priority,
            status=IncidentStatus.INVESTIGATING,
            lead=self.cast.slack[seed.lead],
            services=seed.services,
            next_update=next_update_after(now, priority, DEFAULT_CADENCE),
            text=seed.impact,
        )
        body = incident_posts.declared_text(
            seed.title,
            priority,
            seed.services,
            seed.environment,
            seed.impact,
            event.lead,
            event.next_update,
            (),
            ZONE,
        )
        ts = self._announce(event, body)
        self._incidents += 1
        self._incident = _ColleagueIncident(seed, ts, replace(event, ts=ts))
        return "incident"

    def _update(self, incident: _ColleagueIncident) -> str:
        now = self.clock.now()
        priority = incident.last.priority or IncidentPriority.NORMAL
        event = replace(
            incident.last,
            kind=IncidentEventKind.UPDATED,
            at=now,
            status=IncidentStatus.IDENTIFIED,
            next_update=next_update_after(now, priority, DEFAULT_CADENCE),
            text=incident.seed.update,
        )
        body = incident_posts.update_text(
            IncidentStatus.IDENTIFIED, incident.seed.update, event.next_update, ZONE
        )
        ts = self._announce(event, body, thread_ts=incident.thread_ts)
        incident.last = replace(event, ts=ts)
        return "incident update"

    def _resolve(self, incident: _ColleagueIncident) -> str:
        now = self.clock.now()
        event = replace(
            incident.last,
            kind=IncidentEventKind.RESOLVED,
            at=now,
            status=IncidentStatus.RESOLVED,
            text=incident.seed.summary,
        )
        declared_at = ts_to_datetime(incident.thread_ts)
        body = incident_posts.resolved_text(incident.seed.summary, now - declared_at)
        self._announce(event, body, thread_ts=incident.thread_ts, broadcast=True)
        self._incident = None
        return "incident resolved"

    def _announce(
        self, event: IncidentEvent, body: str, *, thread_ts: str | None = None, broadcast: bool = False
    ) -> str:
        """Post as duty-tui's outbox does: the team's bot user, the payload with an outbox id."""
        metadata: dict[str, Any] = {
            "event_type": EVENT_TYPE,
            "event_payload": payload(event, outbox_id=self._uid()),
        }
        return self.slack.world.post(
            CHANNEL,
            self.slack.bot_user_id,
            body,
            thread_ts=thread_ts,
            reply_broadcast=broadcast,
            metadata=metadata,
        )

    def _uid(self) -> str:
        """A uuid from the ticker's seed, so a seeded demo posts the same ids every time."""
        return uuid.UUID(int=self.random.getrandbits(128), version=4).hex

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
        recent = [
            m
            for m in self.slack.world.history(CHANNEL)[-8:]
            if m.get("user") and not m.get("subtype") and not m.get("bot_id")  # people, not alarms or bots
        ]
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
