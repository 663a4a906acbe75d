"""What Jira's history says about a ticket, as the flow (rules.flow) reads it: its statuses, assignees,
boards and comments over time; and the period a report covers.

The sources turn a changelog (`histories[].items[]` with `field`, `from`/`fromString`, `to`/`toString`, plus
each status's category from Jira's status list) and the comments into a :class:`TicketHistory`. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Status:
    """A Jira status as a changelog item names it, with its category key ("new", "indeterminate", "done")."""

    id: str
    name: str
    category: str


@dataclass(frozen=True, slots=True)
class StatusItem:
    """A status change: `from`/`fromString` and `to`/`toString`, with each status's category."""

    old: Status | None  # None when Jira's item has no `from`
    new: Status


@dataclass(frozen=True, slots=True)
class AssigneeItem:
    """An assignee change, as account ids; None is unassigned."""

    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class BoardItem:
    """The ticket moved from one configured board to another (by its component or its project)."""

    old: str
    new: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One changelog history: one author, one moment, the items that matter here. An entry with none of them
    (another field changed) still counts as an update."""

    at: datetime
    by: str | None = None  # the author's account id
    status: StatusItem | None = None
    assignee: AssigneeItem | None = None
    board: BoardItem | None = None


@dataclass(frozen=True, slots=True)
class CommentEntry:
    """A comment: when, and by whom (an account id)."""

    created: datetime
    author_id: str | None


@dataclass(frozen=True, slots=True)
class TicketHistory:
    """A ticket as the flow needs it: what Jira shows now, its changelog and its comments (any order)."""

    key: str
    board: str  # the configured board's name that lists it now
    created: datetime
    status: Status  # the status Jira shows now
    history: tuple[HistoryEntry, ...] = ()
    comments: tuple[CommentEntry, ...] = ()
    history_complete: bool = True  # False when the changelog was cut short or could not be read

    def updates(self) -> Iterator[datetime]:
        """Every moment it was created or updated (a changelog entry, a comment)."""
        yield self.created
        yield from (entry.at for entry in self.history)
        yield from (comment.created for comment in self.comments)


@dataclass(frozen=True, slots=True)
class Period:
    """From `since` (included) to `until` (excluded), aware instants."""

    since: datetime
    until: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.since <= moment < self.until

    def to_json(self, zone: ZoneInfo) -> dict[str, str]:
        return {"since": iso(self.since, zone), "until": iso(self.until, zone)}


def report_period(span: timedelta, until: date | datetime | None, now: datetime, zone: ZoneInfo) -> Period:
    """`--since 30d [--until DATE]`: a date ends the period at the end of that day in the support time zone, a
    date-time is taken as given (in the support zone when it has no offset), none ends it now; the period
    starts `span` before its end on the support zone's clock (a day is a calendar day, 23 or 25 hours
    long across a clock change)."""
    if until is None:
        end = now
    elif isinstance(until, datetime):
        end = until if until.tzinfo is not None else until.replace(tzinfo=zone)
    else:
        end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=zone)
    # Days back on the support zone's clock: four weeks across a clock change start at the same time of day.
    local = end.astimezone(zone)
    start = (local - span).replace(tzinfo=None)
    return Period(
        datetime.combine(start.date(), start.time(), tzinfo=zone).astimezone(UTC), end.astimezone(UTC)
    )


def in_period(ticket: TicketHistory, period: Period) -> bool:
    """Created or updated (any changelog entry or comment) in the period."""
    return any(moment in period for moment in ticket.updates())


def iso(moment: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 to the second, with the support zone's offset at that moment."""
    return moment.astimezone(zone).isoformat(timespec="seconds")
