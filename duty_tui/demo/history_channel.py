"""The demo's past in #laa-ops: incidents posted as duty-tui posts them (the team's bot, incident metadata:
declared, updates up to "monitoring", resolved), and requests answered in their threads with the happiness
ask (metadata `duty_tui_happiness`) and the requester's reaction on it. All of it at its past time, and old
enough that the channel and incident panes open on today."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from duty_sim.slack.service import SlackSim
from duty_tui.config.happiness import DEFAULT_TEXT as ASK_TEXT
from duty_tui.demo.history_data import (
    PAST_INCIDENTS,
    QUICK_REQUESTS,
    RAISED_REPLY,
    TICKET_REQUEST,
    PastIncident,
)
from duty_tui.demo.history_model import (
    CALENDAR,
    CHANNEL_QUIET_DAYS,
    HISTORY_DAYS,
    INCIDENT_QUIET_DAYS,
    ZONE,
    DemoHistory,
    HistoryTicket,
    support_day_back,
)
from duty_tui.demo.scenario import CHANNEL, Cast
from duty_tui.demo.scenario_data import TEAM
from duty_tui.models import IncidentEvent, IncidentEventKind, IncidentPriority, IncidentStatus, ts_key
from duty_tui.rules import incident_posts
from duty_tui.rules.happiness import ASK_METADATA
from duty_tui.rules.happiness_asks import MARK_DONE
from duty_tui.rules.incidents import DEFAULT_CADENCE, EVENT_TYPE, next_update_after, payload


def post_channel(slack: SlackSim, cast: Cast, history: DemoHistory, now: datetime) -> None:
    """The past incidents and requests, into #laa-ops and `history`."""
    today = CALENDAR.local_date(now)
    rng = random.Random(f"duty-tui demo channel {today}")
    for found in incident_starts(now):
        _post_incident(slack, cast, history, rng, found)
    requests = _ticket_requests(history, today) + _quick_requests(today, rng)
    for number, (_at, post) in enumerate(sorted(requests, key=lambda request: request[0])):
        post(slack, cast, history, rng, number)
    history.asks.sort(key=ts_key)


def incident_starts(now: datetime) -> list[tuple[PastIncident, datetime]]:
    """When each past incident was declared: its day back, moved to a support day out of the incident
    pane's week."""
    today = CALENDAR.local_date(now)
    return [
        (
            seed,
            CALENDAR.moment(
                support_day_back(today, max(seed.days_back, INCIDENT_QUIET_DAYS)), time(*seed.start)
            ),
        )
        for seed in PAST_INCIDENTS
    ]


def _uid(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _post_incident(
    slack: SlackSim,
    cast: Cast,
    history: DemoHistory,
    rng: random.Random,
    found: tuple[PastIncident, datetime],
) -> None:
    seed, start = found
    priority = IncidentPriority.HIGH if seed.high else IncidentPriority.NORMAL
    lead = cast.slack[seed.lead]
    declared = IncidentEvent(
        incident_id=_uid(rng),
        kind=IncidentEventKind.DECLARED,
        at=start,
        by=lead,
        title=seed.title,
        priority=priority,
        status=IncidentStatus.INVESTIGATING,
        lead=lead,
        services=seed.services,
        next_update=next_update_after(start, priority, DEFAULT_CADENCE),
        text=seed.impact,
    )
    body = incident_posts.declared_text(
        seed.title,
        priority,
        seed.services,
        seed.environment,
        seed.impact,
        lead,
        declared.next_update,
        (),
        ZONE,
    )
    thread = _announce(slack, rng, declared, body)
    for minutes, status, words in (
        (seed.minutes[0], IncidentStatus.IDENTIFIED, seed.identified),
        (seed.minutes[1], IncidentStatus.MONITORING, seed.monitoring),
    ):
        at = start + timedelta(minutes=minutes)
        update = replace(
            declared,
            kind=IncidentEventKind.UPDATED,
            at=at,
            status=status,
            next_update=next_update_after(at, priority, DEFAULT_CADENCE),
            text=words,
        )
        _announce(
            slack, rng, update, incident_posts.update_text(status, words, update.next_update, ZONE), thread
        )
    ended = start + timedelta(minutes=seed.minutes[2])
    resolved = replace(
        declared,
        kind=IncidentEventKind.RESOLVED,
        at=ended,
        status=IncidentStatus.RESOLVED,
        next_update=None,
        text=seed.summary,
    )
    body = incident_posts.resolved_text(seed.summary, ended - start)
    _announce(slack, rng, resolved, body, thread, broadcast=True)
    history.incidents.append(declared.incident_id)
    if seed.postmortem_written:
        slug = "-".join("".join(c if c.isalnum() else " " for c in seed.title.lower()).split())
        path = f"postmortems/{CALENDAR.local_date(start).isoformat()}-{slug}.md"
        history.postmortems_written.append((declared.incident_id, ended + timedelta(days=2), path))


def _announce(
    slack: SlackSim,
    rng: random.Random,
    event: IncidentEvent,
    body: str,
    thread_ts: str | None = None,
    *,
    broadcast: bool = False,
) -> str:
    """As duty-tui's outbox posts an incident event: the team's bot, the payload with an outbox id."""
    metadata = {"event_type": EVENT_TYPE, "event_payload": payload(event, outbox_id=_uid(rng))}
    return slack.world.post(
        CHANNEL,
        slack.bot_user_id,
        body,
        at=event.at,
        thread_ts=thread_ts,
        reply_broadcast=broadcast,
        metadata=metadata,
    )


_Poster = Callable[[SlackSim, Cast, DemoHistory, random.Random, int], None]


def _on_duty(day: date) -> str:
    """Who answered #laa-ops that day (the team takes turns)."""
    return TEAM[day.toordinal() % len(TEAM)].handle


def _ticket_requests(history: DemoHistory, today: date) -> list[tuple[datetime, _Poster]]:
    """Requests that became tickets: asked in the channel a little before the ticket, answered with its key,
    and the ask posted once the ticket was done. One in three of the requesters' resolved tickets that are
    old enough (at most six)."""
    team = {person.handle for person in TEAM}
    quiet = today - timedelta(days=CHANNEL_QUIET_DAYS)
    eligible = [
        ticket
        for ticket in history.tickets
        if ticket.kind in ("resolved", "late", "reopened")
        and ticket.reporter not in team
        and ticket.resolved is not None
        and CALENDAR.is_open(ticket.created - timedelta(minutes=30))
        and today - timedelta(days=HISTORY_DAYS) <= CALENDAR.local_date(ticket.created) <= quiet
    ]
    chosen = eligible[::3][:6]
    return [(ticket.created, _ticket_request(ticket)) for ticket in chosen]


def _ticket_request(ticket: HistoryTicket) -> _Poster:
    def post(slack: SlackSim, cast: Cast, history: DemoHistory, rng: random.Random, number: int) -> None:
        world = slack.world
        requester = cast.slack[ticket.reporter]
        duty = cast.slack[_on_duty(CALENDAR.local_date(ticket.created))]
        asked = ticket.created - timedelta(minutes=rng.randint(5, 25))
        ts = world.post(CHANNEL, requester, TICKET_REQUEST.format(summary=ticket.summary), at=asked)
        world.react(CHANNEL, ts, "eyes", duty)
        world.post(
            CHANNEL,
            duty,
            RAISED_REPLY.format(key=ticket.key),
            at=ticket.created + timedelta(minutes=1),
            thread_ts=ts,
        )
        assert ticket.resolved is not None
        at = ticket.resolved + timedelta(minutes=2)
        _ask(slack, history, ts, requester=requester, ticket=ticket.key, at=at, number=number)

    return post


def _quick_requests(today: date, rng: random.Random) -> list[tuple[datetime, _Poster]]:
    """Requests answered in the channel, one every few support days (no ticket)."""
    found: list[tuple[datetime, _Poster]] = []
    day = today - timedelta(days=CHANNEL_QUIET_DAYS)
    for seed in QUICK_REQUESTS:
        day = support_day_back(day, rng.randint(1, 3))
        minute = rng.randint(9 * 60, 16 * 60 + 30)
        found.append(
            (CALENDAR.moment(day, time(minute // 60, minute % 60)), _quick_request(seed, day, minute))
        )
    return found


def _quick_request(seed: tuple[str, str, str, str], day: date, minute: int) -> _Poster:
    handle, text, answer, done = seed

    def post(slack: SlackSim, cast: Cast, history: DemoHistory, rng: random.Random, number: int) -> None:
        world = slack.world
        requester = cast.slack[handle]
        duty = cast.slack[_on_duty(day)]
        asked = CALENDAR.moment(day, time(minute // 60, minute % 60))
        ts = world.post(CHANNEL, requester, text, at=asked)
        world.react(CHANNEL, ts, "eyes", duty)
        answered = asked + timedelta(minutes=rng.randint(2, 12))
        world.post(CHANNEL, duty, answer, at=answered, thread_ts=ts)
        finished = answered + timedelta(minutes=rng.randint(5, 40))
        world.post(CHANNEL, duty, done, at=finished, thread_ts=ts)
        world.react(CHANNEL, ts, MARK_DONE, duty)  # `d`: the team's sign that it is done
        at = finished + timedelta(minutes=1)
        _ask(slack, history, ts, requester=requester, ticket="", at=at, number=number)

    return post


# Most requesters answer 👍; the fourth and tenth ask got 👎, the seventh and thirteenth no answer.
_DOWN = frozenset({3, 9})
_UNANSWERED = frozenset({6, 12})


def _ask(
    slack: SlackSim,
    history: DemoHistory,
    request_ts: str,
    *,
    requester: str,
    ticket: str,
    at: datetime,
    number: int,
) -> None:
    """The happiness ask in the request's thread, as duty-tui posts it, and the requester's reaction."""
    metadata = {
        "event_type": ASK_METADATA,
        "event_payload": {"request_ts": request_ts, "requester": requester, "ticket": ticket},
    }
    ts = slack.world.post(
        CHANNEL,
        slack.bot_user_id,
        ASK_TEXT,
        at=at,
        thread_ts=request_ts,
        metadata=metadata,
    )
    if number not in _UNANSWERED:
        slack.world.react(CHANNEL, ts, "-1" if number in _DOWN else "+1", requester)
    history.asks.append(ts)
