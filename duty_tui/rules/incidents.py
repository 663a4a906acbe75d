"""Incidents as #laa-ops records them: events ↔ Slack message metadata, events → incidents, update reminders.

Every incident post carries metadata (``event_type`` :data:`EVENT_TYPE`, ``event_payload`` from
:func:`payload`), so every dashboard reading the channel rebuilds the same incidents with :func:`fold`,
whoever posted them. :func:`event_from_message` is the only door from the channel: it accepts a post only
when its metadata is exactly the stable format, and never raises on anything else.

Duplicates. A post can be known twice: as this machine's pending event (``pending=True``, ``ref`` = the
outbox id, no ``ts`` yet) and as the channel's confirmed post (``ref`` = the payload's ``"outbox"``, ``ts``
set). :func:`fold` keeps one event per Slack ``ts`` (a confirmed one over a pending one, else the last
given: a later read of an edited message) and, for the shared kinds, one per outbox id (a confirmed one
over a pending one, else the earliest post: a resend that landed twice counts once).

Pure: the time is given, nothing is read or written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from duty_tui import text
from duty_tui.models import (
    SHARED_INCIDENT_EVENTS,
    ChatMessage,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
    ts_key,
    ts_to_datetime,
)

EVENT_TYPE: Final = "duty_tui_incident"
DEFAULT_CADENCE: Final[Mapping[IncidentPriority, timedelta]] = {
    IncidentPriority.HIGH: timedelta(minutes=30),
    IncidentPriority.NORMAL: timedelta(minutes=60),
}
UNTITLED: Final = "Untitled incident"
_NORMAL: Final = IncidentPriority.NORMAL

# Caps on what a payload may hold (a payload past MAX_PAYLOAD is refused unread; longer strings are cut).
MAX_PAYLOAD: Final = 64_000
TITLE_LIMIT: Final = 200
SERVICE_LIMIT: Final = 80
MAX_SERVICES: Final = 20
TEXT_LIMIT: Final = 12_000
SUBJECT_LIMIT: Final = 120  # a ticket key, a case reference, a message ts
VENDOR_LIMIT: Final = 40
# The entries that point at something: a pinned message, a linked ticket or third-party case.
_ENTRIES: Final = frozenset({IncidentEventKind.PIN, IncidentEventKind.LINK})
# Ids: a uuid (or any short token of safe characters); Slack user ids.
_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
SLACK_USER: Final = re.compile(r"[UW][A-Z0-9]{1,30}")
_TS: Final = re.compile(r"\d{1,10}(?:\.\d{1,9})?")

# Same-instant events go in this order: the declaration first, a reopening after the resolution.
_KIND_ORDER: Final = {
    kind: rank
    for rank, kind in enumerate(
        (
            IncidentEventKind.DECLARED,
            IncidentEventKind.UPDATED,
            IncidentEventKind.LEAD_CHANGED,
            IncidentEventKind.NOTE,
            IncidentEventKind.PIN,
            IncidentEventKind.LINK,
            IncidentEventKind.RESOLVED,
            IncidentEventKind.REOPENED,
        )
    )
}
# The posts that count as "the team said something": the update schedule runs from the last of them.
_SCHEDULE_POSTS: Final = frozenset(
    {
        IncidentEventKind.DECLARED,
        IncidentEventKind.UPDATED,
        IncidentEventKind.LEAD_CHANGED,
        IncidentEventKind.REOPENED,
    }
)


_Choice = TypeVar("_Choice", IncidentEventKind, IncidentPriority, IncidentStatus)


class _Malformed(Exception):
    """A payload that is not the stable format (never leaves this module)."""


# -- events ↔ metadata -------------------------------------------------------------------------------


def payload(event: IncidentEvent, *, outbox_id: str | None = None) -> dict[str, Any]:
    """The ``event_payload`` of the post that shares ``event`` (the stable format, see the README), with
    the title and services capped as :func:`event_from_message` caps them."""
    if event.kind not in SHARED_INCIDENT_EVENTS:
        raise ValueError(f"{event.kind.value} events are not posted")
    body: dict[str, Any] = {
        "id": event.incident_id,
        "title": event.title[:TITLE_LIMIT],
        "priority": event.priority.value if event.priority else None,
        "status": event.status.value if event.status else None,
        "lead": event.lead,
        "services": [service[:SERVICE_LIMIT] for service in event.services[:MAX_SERVICES]],
        "next_update": event.next_update.isoformat() if event.next_update else None,
        "event": event.kind.value,
    }
    if event.kind in _ENTRIES:
        body["subject"] = (event.subject or "")[:SUBJECT_LIMIT]
        body["vendor"] = event.vendor[:VENDOR_LIMIT] if event.vendor else None
    if outbox_id is not None:
        body["outbox"] = outbox_id
    return body


def event_from_message(message: ChatMessage) -> IncidentEvent | None:
    """The incident event a #laa-ops post carries, or None for a plain message, another app's metadata
    or a payload that is not exactly the stable format (the caller logs those). Never raises."""
    if message.metadata_type != EVENT_TYPE or not isinstance(message.metadata, str):
        return None
    try:
        return _event(message)
    except (_Malformed, ValueError, TypeError, OverflowError, OSError, RecursionError):
        return None


def _event(message: ChatMessage) -> IncidentEvent:
    raw = message.metadata or ""
    if len(raw) > MAX_PAYLOAD or not isinstance(message.ts, str) or not _TS.fullmatch(message.ts):
        raise _Malformed
    body = json.loads(raw, parse_constant=_no_constant)
    if not isinstance(body, dict):
        raise _Malformed
    kind = _choice(body.get("event"), IncidentEventKind)
    incident_id = body.get("id")
    if kind not in SHARED_INCIDENT_EVENTS or not isinstance(incident_id, str) or not _is_id(incident_id):
        raise _Malformed
    outbox = body.get("outbox")
    if outbox is not None and not _is_id(outbox):
        raise _Malformed
    lead = body.get("lead")
    if lead is not None and not (isinstance(lead, str) and SLACK_USER.fullmatch(lead)):
        raise _Malformed
    title = body.get("title", "")
    if not isinstance(title, str):
        raise _Malformed
    subject, vendor = _entry(kind, body)
    return IncidentEvent(
        incident_id=incident_id,
        kind=kind,
        at=ts_to_datetime(message.ts),
        by=message.user_id or message.bot_name or message.bot_id or "",
        title=title[:TITLE_LIMIT],
        priority=_optional_choice(body.get("priority"), IncidentPriority),
        status=_optional_choice(body.get("status"), IncidentStatus),
        lead=lead,
        services=_services(body.get("services", [])),
        next_update=_moment(body.get("next_update")),
        text=(message.text if isinstance(message.text, str) else "")[:TEXT_LIMIT],
        ts=message.ts,
        ref=outbox,
        subject=subject,
        vendor=vendor,
    )


def _entry(kind: IncidentEventKind, body: dict[str, Any]) -> tuple[str | None, str | None]:
    """A pin's message ts, or a link's ticket key or case (vendor and reference); None for the rest."""
    if kind not in _ENTRIES:
        return None, None
    subject, vendor = body.get("subject"), body.get("vendor")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > SUBJECT_LIMIT:
        raise _Malformed
    if vendor is not None and not (isinstance(vendor, str) and 0 < len(vendor) <= VENDOR_LIMIT):
        raise _Malformed
    if kind is IncidentEventKind.PIN and not _TS.fullmatch(subject):
        raise _Malformed
    clean_subject = text.one_line(subject, None, breaks=False)
    clean_vendor = text.one_line(vendor, None, breaks=False) if vendor is not None else None
    if not clean_subject or clean_vendor == "":  # nothing left once cleaned: not a case, not a ticket
        raise _Malformed
    return clean_subject, clean_vendor


def _no_constant(name: str) -> object:
    raise _Malformed(name)  # NaN, Infinity, -Infinity: not JSON


def _is_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _choice(value: object, kind: type[_Choice]) -> _Choice:
    if not isinstance(value, str) or len(value) > 32:
        raise _Malformed
    return kind(value)  # ValueError when unknown


def _optional_choice(value: object, kind: type[_Choice]) -> _Choice | None:
    return None if value is None else _choice(value, kind)


def _services(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Malformed
    return tuple(item[:SERVICE_LIMIT] for item in value[:MAX_SERVICES])


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise _Malformed
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _Malformed
    return moment.astimezone(UTC)


def postmortem_owed(priority: IncidentPriority, resolved: bool, exported: bool) -> bool:
    """A resolved high-priority incident owes a blameless postmortem until one is exported; the debt does
    not lapse (the metrics count it, the panel shows it, retention keeps the incident for it)."""
    return resolved and priority is IncidentPriority.HIGH and not exported


# -- events → incidents ------------------------------------------------------------------------------


def fold(events: Iterable[IncidentEvent]) -> list[Incident]:
    """The incidents the events add up to: open ones first (high priority before normal, then the newest
    declared), then resolved ones (the newest resolved first)."""
    by_incident: dict[str, list[IncidentEvent]] = {}
    for event in events:
        by_incident.setdefault(event.incident_id, []).append(event)
    incidents = [_incident(incident_id, _timeline(found)) for incident_id, found in by_incident.items()]
    return sorted(incidents, key=_incident_order)


def timeline_key(event: IncidentEvent) -> tuple[Any, ...]:
    """The order of a timeline: time, then kind (declared first), then Slack ts (unposted last), then the
    whole event, so that the order is total and every dashboard shows the same one."""
    posted = (0, *ts_key(event.ts)) if event.ts and _TS.fullmatch(event.ts) else (1, 0, 0)
    return (event.at, _KIND_ORDER[event.kind], posted, event.pending, repr(event))


def _timeline(events: list[IncidentEvent]) -> list[IncidentEvent]:
    # One event per Slack message: a confirmed one over a pending one, else the last given.
    by_ts: dict[str, IncidentEvent] = {}
    for event in events:
        if event.ts is None:
            continue
        seen = by_ts.get(event.ts)
        if seen is None or not (event.pending and not seen.pending):
            by_ts[event.ts] = event
    kept = [e for e in events if e.ts is None] + list(by_ts.values())
    # One event per outbox id among the shared kinds: a confirmed one, the earliest posted.
    confirmed: dict[str, IncidentEvent] = {}
    for event in sorted(kept, key=timeline_key):
        if event.ref and event.kind in SHARED_INCIDENT_EVENTS and not event.pending:
            confirmed.setdefault(event.ref, event)
    unique: set[IncidentEvent] = set()  # the very same entry given twice counts once
    for event in kept:
        shared = event.ref and event.kind in SHARED_INCIDENT_EVENTS
        if not (shared and event.ref in confirmed and confirmed[event.ref] is not event):
            unique.add(event)
    return sorted(unique, key=timeline_key)


@dataclass(slots=True)
class _State:
    title: str
    priority: IncidentPriority
    status: IncidentStatus
    lead: str | None
    services: tuple[str, ...]
    next_update: datetime | None
    resolved_at: datetime | None = None


def _incident(incident_id: str, timeline: list[IncidentEvent]) -> Incident:
    declaration = next((e for e in timeline if e.kind is IncidentEventKind.DECLARED), None)
    first = declaration or timeline[0]
    state = _start(declaration, timeline)
    for event in timeline:
        if event is not declaration:
            _apply(state, event)
    return Incident(
        id=incident_id,
        title=state.title,
        priority=state.priority,
        status=state.status,
        lead=state.lead,
        services=state.services,
        declared_at=first.at,
        declared_by=first.by,
        thread_ts=declaration.ts if declaration else None,
        next_update=state.next_update,
        resolved_at=state.resolved_at,
        events=tuple(timeline),
        pending=any(e.pending for e in timeline),
    )


def _start(declaration: IncidentEvent | None, timeline: list[IncidentEvent]) -> _State:
    """Where the incident starts: its declaration, or without one (deleted, or older than the cache) each
    field from the first event that has it."""
    title = next((e.title for e in timeline if e.title), "") or UNTITLED
    if declaration is not None:
        return _State(
            title=declaration.title or title,
            priority=declaration.priority or _NORMAL,
            status=IncidentStatus.INVESTIGATING,
            lead=declaration.lead,
            services=declaration.services,
            next_update=declaration.next_update,
        )
    statuses = (e.status for e in timeline if e.status and e.status is not IncidentStatus.RESOLVED)
    return _State(
        title=title,
        priority=next((e.priority for e in timeline if e.priority), _NORMAL),
        status=next(statuses, IncidentStatus.INVESTIGATING),
        lead=next((e.lead for e in timeline if e.lead), None),
        services=next((e.services for e in timeline if e.services), ()),
        next_update=None,
    )


def _apply(state: _State, event: IncidentEvent) -> None:
    """One event's change. A second declaration (a repeated announcement) only adds to the timeline, and
    so does an update posted after the resolution (a colleague who had not seen it yet): a resolved
    incident changes only when it is reopened."""
    resolved = state.status is IncidentStatus.RESOLVED
    match event.kind:
        case IncidentEventKind.UPDATED if not resolved:
            if event.status is not None and event.status is not IncidentStatus.RESOLVED:
                state.status = event.status
            state.priority = event.priority or state.priority
            state.services = event.services or state.services
            state.next_update = event.next_update  # None: the cadence from this update
        case IncidentEventKind.LEAD_CHANGED if event.lead:
            state.lead = event.lead
        case IncidentEventKind.RESOLVED:
            if not resolved:
                state.resolved_at = event.at
            state.status = IncidentStatus.RESOLVED
            state.next_update = None
        case IncidentEventKind.REOPENED:
            state.status = IncidentStatus.INVESTIGATING
            state.resolved_at = None
            state.next_update = event.next_update
        case _:
            pass  # notes, pins, links, and what the cases above ignore: the timeline only


def _incident_order(incident: Incident) -> tuple[Any, ...]:
    if incident.is_open:
        high = incident.priority is IncidentPriority.HIGH
        return (0, not high, -incident.declared_at.timestamp(), incident.id)
    resolved = incident.resolved_at or incident.declared_at
    return (1, False, -resolved.timestamp(), incident.id)


# -- reminders ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reminder:
    """When the next update is due. ``snoozed_until`` is set while a snooze holds the reminder back."""

    due_at: datetime | None
    overdue: bool
    snoozed_until: datetime | None


def reminder(
    incident: Incident,
    now: datetime,
    *,
    cadence: Mapping[IncidentPriority, timedelta],
    snoozed_until: datetime | None = None,
) -> Reminder:
    """The next update is due at the promised time (the last post's ``next_update``), else one cadence of
    the incident's priority after the last post (declare, update, lead change, reopen); a snooze moves it
    to the snooze's end when that is later. None once resolved."""
    if not incident.is_open:
        return Reminder(None, False, None)
    due = incident.next_update
    if due is None:
        posts = [e.at for e in incident.events if e.kind in _SCHEDULE_POSTS]
        due = max(posts, default=incident.declared_at) + _every(incident.priority, cadence)
    if snoozed_until is not None and snoozed_until > due:
        due = snoozed_until
    holding = snoozed_until if snoozed_until is not None and snoozed_until > now else None
    return Reminder(due, now >= due, holding)


def next_update_after(
    now: datetime, priority: IncidentPriority, cadence: Mapping[IncidentPriority, timedelta]
) -> datetime:
    """When a post made at ``now`` promises the next one: one cadence later, rounded up to the minute (the
    post shows hours and minutes, so the reminder falls due at the time the channel was told)."""
    due = now + _every(priority, cadence)
    if due.second or due.microsecond:
        due = due.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return due


def _every(priority: IncidentPriority, cadence: Mapping[IncidentPriority, timedelta]) -> timedelta:
    every = cadence.get(priority) or DEFAULT_CADENCE[priority]
    return every if every > timedelta(0) else DEFAULT_CADENCE[priority]
