"""The 2-hour acknowledgement promise: deadlines, bands, and when a ticket was acknowledged.

The team notifies receipt of every ticket within 2 hours of support time. The clock runs only in
support hours (it is paused outside them), so a ticket raised on Friday evening is due on Monday
morning. A ticket counts as acknowledged at the earliest of its first assignment, its first move
out of the To Do category, or the first comment by a member of the team, all read from Jira's own
history so a colleague's work in the browser counts too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from duty_tui.rules.calendar import SupportCalendar
from duty_tui.text.timefmt import duration

HOUR = timedelta(hours=1)
HALF_HOUR = timedelta(minutes=30)


class Band(StrEnum):
    """How close a ticket is to its deadline, as service desks show it."""

    ACKNOWLEDGED = "acknowledged"
    OK = "ok"  # more than an hour of support time left
    SOON = "soon"  # under an hour
    URGENT = "urgent"  # under 30 minutes
    BREACHED = "breached"


class EventKind(StrEnum):
    ASSIGNED = "assigned"
    MOVED = "moved"  # out of the To Do status category
    COMMENTED = "commented"


@dataclass(frozen=True, slots=True)
class Event:
    """Something Jira recorded that could acknowledge a ticket."""

    kind: EventKind
    at: datetime
    actor_id: str | None  # who did it (the comment's author, the change's author)
    actor: str  # display name
    detail: str = ""  # e.g. the assignee's name, or the target status

    def describe(self) -> str:
        if self.kind is EventKind.ASSIGNED:
            return (
                f"assigned to {self.detail} by {self.actor}" if self.detail else f"assigned by {self.actor}"
            )
        if self.kind is EventKind.MOVED:
            return f"moved to {self.detail} by {self.actor}"
        return f"comment by {self.actor}"


def first_acknowledgement(events: Iterable[Event], team: frozenset[str]) -> Event | None:
    """The earliest event that acknowledges the ticket. Comments count only from the team."""
    qualifying = (
        e
        for e in events
        if e.kind is not EventKind.COMMENTED or (e.actor_id is not None and e.actor_id in team)
    )
    return min(qualifying, key=lambda e: e.at, default=None)


@dataclass(frozen=True, slots=True)
class AckClock:
    """A ticket's acknowledgement clock at one moment."""

    deadline: datetime
    band: Band
    remaining: timedelta  # support time left; negative = overdue by that much support time
    paused: bool  # outside support hours the clock does not run
    acknowledged_at: datetime | None = None

    @property
    def met(self) -> bool | None:
        """Whether the acknowledgement came in time (None while it has not come)."""
        return None if self.acknowledged_at is None else self.acknowledged_at <= self.deadline

    def label(self) -> str:
        """Short text for a table cell: "1h 20m", "25m", "-40m" (overdue), "✓ ack"; "⏸" when paused."""
        if self.band is Band.ACKNOWLEDGED:
            return "✓ ack" if self.met else "✓ late"
        text = ("-" if self.band is Band.BREACHED else "") + duration(abs(self.remaining), "span")
        return f"⏸ {text}" if self.paused else text


def acknowledge_deadline(created: datetime, calendar: SupportCalendar, within: timedelta) -> datetime:
    return calendar.add_working_time(created, within)


def ack_clock(
    created: datetime,
    acknowledged_at: datetime | None,
    now: datetime,
    calendar: SupportCalendar,
    within: timedelta = 2 * HOUR,
) -> AckClock:
    deadline = acknowledge_deadline(created, calendar, within)
    paused = not calendar.is_open(now)
    if acknowledged_at is not None:
        return AckClock(deadline, Band.ACKNOWLEDGED, timedelta(0), paused, acknowledged_at)
    if now >= deadline:
        overdue = calendar.working_time_between(deadline, now)
        return AckClock(deadline, Band.BREACHED, -overdue, paused)
    remaining = calendar.working_time_between(now, deadline)
    band = Band.URGENT if remaining < HALF_HOUR else Band.SOON if remaining < HOUR else Band.OK
    return AckClock(deadline, band, remaining, paused)
