"""Ticket flow from Jira's own history: when a ticket was created, acknowledged and resolved, and how long it
spent in each status and status category, in calendar minutes and in support-hours minutes.

The definitions (the README states them; tests/rules/test_flow.py pins them):

- **In the period**: created, or updated (any changelog entry or comment), at or after `since` and before
  `until`.
- **As at the end**: the figures describe the ticket's whole life up to the period's end. History at or after
  the end is ignored, and the status held then counts up to then. The board is the one it was on then.
- **Acknowledged**: the earliest of its first assignment to anyone (an unassignment is not one), its first
  move out of the To Do category (straight to Done included) and the first comment by a team member (one who
  raised the ticket included); a comment by anyone else never acknowledges. The tickets pane's rule
  (:func:`duty_tui.rules.sla.first_acknowledgement`).
- **Resolved**: the start of its final unbroken run of Done-category statuses, if it is in one at the end;
  moving between two Done statuses does not reopen it.
- **acknowledge_breached**: acknowledged (or, while unacknowledged, the end) later than the deadline, 2
  support hours after creation; acknowledged exactly at the deadline is not a breach.
- **Time in status** is keyed by status id, so a renamed status is one status, shown by its latest name.
  Reopened tickets count every stay; stays of zero length count 0; arithmetic is on UTC instants, so a stay
  across a clock change has its true length. `time_in_category` always has "To Do", "In Progress" and "Done"
  (0 when never entered); a status of no category ("undefined") counts in none of them.
- **Missing or truncated history**: the first status known (the `from` of the earliest move, else the status
  now) is assumed from creation, and the flow says `history_complete: False` rather than guess further. A
  move whose `from` is not the status the history had reached, or a history that ends somewhere other than
  the status Jira shows now, says so too.

Durations are exact here and rounded to 0.1 minute only in the JSON. Pure: the end, the calendar and the team
are given.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from operator import attrgetter
from typing import Any, Final, NamedTuple
from zoneinfo import ZoneInfo

from duty_tui.models import StatusCategory
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.flow_history import (
    CommentEntry,
    HistoryEntry,
    Period,
    Status,
    StatusItem,
    TicketHistory,
    in_period,
    iso,
)
from duty_tui.rules.sla import Event, EventKind, first_acknowledgement
from duty_tui.rules.working_time import WorkingTime

TODO: Final = "To Do"
IN_PROGRESS: Final = "In Progress"
DONE: Final = "Done"
# Status category key → the name the figures use.
CATEGORY_NAMES: Final[Mapping[str, str]] = {
    StatusCategory.TODO.value: TODO,
    StatusCategory.IN_PROGRESS.value: IN_PROGRESS,
    StatusCategory.DONE.value: DONE,
}
ACKNOWLEDGE_WITHIN: Final = timedelta(hours=2)
_ZERO: Final = timedelta(0)
_MICRO: Final = timedelta(microseconds=1)


def minutes(delta: timedelta) -> float:
    """A duration in minutes, rounded to 0.1 (halves away from zero)."""
    micros = abs(delta) // _MICRO
    tenths = (micros + 3_000_000) // 6_000_000
    return (-tenths if delta < _ZERO else tenths) / 10


@dataclass(frozen=True, slots=True)
class Duration:
    """How long, in calendar time and in support time."""

    elapsed: timedelta
    working: timedelta

    def __add__(self, other: Duration) -> Duration:
        return Duration(self.elapsed + other.elapsed, self.working + other.working)

    @property
    def minutes(self) -> float:
        return minutes(self.elapsed)

    @property
    def working_minutes(self) -> float:
        return minutes(self.working)

    def to_json(self) -> dict[str, float]:
        return {"minutes": self.minutes, "working_minutes": self.working_minutes}


NO_TIME: Final = Duration(_ZERO, _ZERO)


@dataclass(frozen=True, slots=True)
class StatusTime:
    """The time a ticket spent in one status (every stay), by id, under its latest name."""

    status_id: str
    name: str
    category: str  # the category key
    time: Duration
    stays: int


@dataclass(frozen=True, slots=True)
class CategoryTimes:
    """Time in each status category; always all three."""

    todo: Duration = NO_TIME
    in_progress: Duration = NO_TIME
    done: Duration = NO_TIME

    def of(self, category: str) -> Duration:
        """By name ("To Do", "In Progress", "Done")."""
        return {TODO: self.todo, IN_PROGRESS: self.in_progress, DONE: self.done}[category]

    def to_json(self) -> dict[str, dict[str, float]]:
        return {TODO: self.todo.to_json(), IN_PROGRESS: self.in_progress.to_json(), DONE: self.done.to_json()}


@dataclass(frozen=True, slots=True)
class TicketFlow:
    """One ticket as at the end of the period. Instants are UTC; `zone` is the support zone, for the JSON."""

    key: str
    board: str
    created: datetime
    acknowledged: datetime | None
    resolved: datetime | None
    acknowledge_deadline: datetime
    acknowledge_breached: bool
    time_to_acknowledge: Duration | None
    time_to_resolution: Duration | None
    time_in_status: tuple[StatusTime, ...]  # in order of first entry
    time_in_category: CategoryTimes
    history_complete: bool
    zone: ZoneInfo = field(compare=False)
    acknowledged_by: str | None = None  # the account id of whoever acknowledged it
    acknowledged_how: EventKind | None = None

    def to_json(self) -> dict[str, Any]:
        """The report's stable per-ticket JSON (see the README). Statuses that share a name share an entry."""
        by_name: dict[str, Duration] = {}
        for status in self.time_in_status:
            by_name[status.name] = by_name.get(status.name, NO_TIME) + status.time
        return {
            "key": self.key,
            "board": self.board,
            "created": iso(self.created, self.zone),
            "acknowledged": iso(self.acknowledged, self.zone) if self.acknowledged else None,
            "resolved": iso(self.resolved, self.zone) if self.resolved else None,
            "acknowledge_breached": self.acknowledge_breached,
            "time_to_acknowledge": self.time_to_acknowledge.to_json() if self.time_to_acknowledge else None,
            "time_to_resolution": self.time_to_resolution.to_json() if self.time_to_resolution else None,
            "time_in_status": {name: spent.to_json() for name, spent in by_name.items()},
            "time_in_category": self.time_in_category.to_json(),
            "history_complete": self.history_complete,
        }


# -- history → flow ---------------------------------------------------------------------------------


def ticket_flows(
    tickets: Iterable[TicketHistory],
    period: Period,
    calendar: SupportCalendar,
    team: frozenset[str],
    within: timedelta = ACKNOWLEDGE_WITHIN,
    *,
    names: Mapping[str, str] | None = None,
    as_at: datetime | None = None,
) -> list[TicketFlow]:
    """The flow of every ticket in the period, as at its end (or `as_at`, when the period ends after now),
    oldest first. A key given twice (listed by two boards' caches) counts once: the copy last updated, else
    the first given."""
    newest: dict[str, TicketHistory] = {}
    for ticket in tickets:
        seen = newest.get(ticket.key)
        if seen is None or max(ticket.updates()) > max(seen.updates()):
            newest[ticket.key] = ticket
    working = WorkingTime(calendar)
    found = [
        ticket_flow(ticket, as_at or period.until, calendar, team, within, names=names, working=working)
        for ticket in newest.values()
        if in_period(ticket, period)
    ]
    return sorted(found, key=lambda flow: (flow.created, flow.key))


def ticket_flow(
    ticket: TicketHistory,
    end: datetime,
    calendar: SupportCalendar,
    team: frozenset[str],
    within: timedelta = ACKNOWLEDGE_WITHIN,
    *,
    names: Mapping[str, str] | None = None,
    working: WorkingTime | None = None,
) -> TicketFlow:
    """One ticket's flow as at `end`. `names` (status id → name, e.g. Jira's status list) overrides the names
    the history shows; `working` shares one cache of support hours across tickets."""
    working = working or WorkingTime(calendar)
    created = ticket.created.astimezone(UTC)
    end = max(end.astimezone(UTC), created)
    entries = sorted(ticket.history, key=_at)
    kept = entries[: bisect_left(entries, end, key=_at)]  # sorted: the entries before the end lead
    moves = [entry.status for entry in entries if entry.status is not None]
    complete = ticket.history_complete and all(move.old is not None for move in moves)
    if moves and moves[-1].new.id != ticket.status.id:
        complete = False  # a move the history does not show
    labels = _latest(ticket, moves, names)

    first = (moves[0].old or moves[0].new) if moves else ticket.status
    walk = _walk(kept, first, created, end)
    complete = complete and walk.chained

    # The stays are chained (each starts where the last stopped), so their ends are looked up once each.
    spent = working.spans(walk.moments)
    in_status = _status_times(walk, spent, labels)

    resolved: datetime | None = None
    to_resolution: Duration | None = None
    resolved_stay = _final_done_run(walk.statuses, labels)
    if resolved_stay is not None:
        resolved = walk.moments[resolved_stay]
        # It started a stay: its support time is the stays' before it (the moments never go back, so no
        # span was cut to zero), which spares a look-up.
        to_resolution = Duration(resolved - created, sum(spent[:resolved_stay], _ZERO))
    acknowledgement = first_acknowledgement(
        _acknowledgements(walk, ticket.comments, created, end, team), team
    )
    acknowledged = acknowledgement.at if acknowledgement else None
    to_acknowledge = (
        Duration(acknowledged - created, working.between(created, acknowledged))
        if acknowledged is not None
        else None
    )
    deadline = working.after(created, within)  # rules.sla.acknowledge_deadline, from the cached days

    return TicketFlow(
        key=ticket.key,
        board=_board_at(ticket, entries[len(kept) :]),
        created=created,
        acknowledged=acknowledged,
        resolved=resolved,
        acknowledge_deadline=deadline,
        acknowledge_breached=(acknowledged or end) > deadline,
        time_to_acknowledge=to_acknowledge,
        time_to_resolution=to_resolution,
        time_in_status=in_status,
        time_in_category=_category_times(in_status),
        history_complete=complete,
        zone=calendar.zone,
        acknowledged_by=acknowledgement.actor_id if acknowledgement else None,
        acknowledged_how=acknowledgement.kind if acknowledgement else None,
    )


_at: Final[Callable[[HistoryEntry], datetime]] = attrgetter("at")  # a sort key, without a Python call each
_created: Final[Callable[[CommentEntry], datetime]] = attrgetter("created")


class _Walk(NamedTuple):
    """One pass over a ticket's history up to the end: its stays, and its first assignment and first move out
    of the To Do category (what `_acknowledgements` needs), so the entries are read once."""

    statuses: list[str]  # the status id of each stay, in order
    moments: list[datetime]  # where each stay starts, and then where the last one stops: one more
    chained: bool  # every move started where the last one ended (if not, a move is missing)
    events: list[Event]  # its first assignment and its first move out of To Do, in the history's order


def _walk(kept: list[HistoryEntry], first: Status, created: datetime, end: datetime) -> _Walk:
    """Each stay runs from one move to the next; a move whose `from` is not the status the history had
    reached breaks the chain, and the stay stays with the status the history had reached."""
    status, chained = first, True
    statuses, moments = [first.id], [created]
    events: list[Event] = []
    assigned = moved = False
    for entry in kept:
        move = entry.status
        if not assigned and entry.assignee is not None and entry.assignee.new is not None:
            at = max(entry.at, created)
            events.append(Event(EventKind.ASSIGNED, at, entry.by, entry.by or "", entry.assignee.new))
            assigned = True
        if move is None:
            continue
        at = max(entry.at, created)
        old = move.old
        if old is None:
            old = status
        elif old.id != status.id:
            chained = False
        if not moved and old.category == StatusCategory.TODO and move.new.category != StatusCategory.TODO:
            events.append(Event(EventKind.MOVED, at, entry.by, entry.by or "", move.new.name))
            moved = True
        status = move.new
        statuses.append(status.id)
        moments.append(at)
    moments.append(end)
    return _Walk(statuses, moments, chained, events)


def _acknowledgements(
    walk: _Walk, comments: Iterable[CommentEntry], created: datetime, end: datetime, team: frozenset[str]
) -> list[Event]:
    """What could acknowledge the ticket (rules.sla): its first assignment, its first move out of the To Do
    category (in the order the history shows them), and the first comment by a team member before the end
    (the only comment that can count)."""
    found = list(walk.events)
    by_team = (c for c in comments if c.created < end and c.author_id is not None and c.author_id in team)
    earliest = min(by_team, key=_created, default=None)
    if earliest is not None:
        found.append(
            Event(
                EventKind.COMMENTED,
                max(earliest.created, created),
                earliest.author_id,
                earliest.author_id or "",
            )
        )
    return found


def _latest(
    ticket: TicketHistory, moves: list[StatusItem], names: Mapping[str, str] | None
) -> dict[str, Status]:
    """Each status id's latest name and category: from the history, then from what Jira shows now."""
    latest: dict[str, Status] = {}
    for move in moves:
        if move.old is not None:
            latest[move.old.id] = move.old
        latest[move.new.id] = move.new
    latest[ticket.status.id] = ticket.status
    for status_id, name in (names or {}).items():
        if status_id in latest:
            latest[status_id] = Status(status_id, name, latest[status_id].category)
    return latest


def _board_at(ticket: TicketHistory, later: list[HistoryEntry]) -> str:
    """The board it was on at the end: where its first move after the end (`later`: the entries at or after
    it, oldest first) came from, else where it is."""
    moved = next((entry.board for entry in later if entry.board is not None), None)
    return moved.old if moved is not None else ticket.board


def _final_done_run(statuses: list[str], labels: Mapping[str, Status]) -> int | None:
    """Which stay starts the final unbroken run of Done-category statuses (None when the last is not Done)."""
    found: int | None = None
    for index in range(len(statuses) - 1, -1, -1):
        if labels[statuses[index]].category != StatusCategory.DONE:
            break
        found = index
    return found


def _status_times(
    walk: _Walk, spent: list[timedelta], labels: Mapping[str, Status]
) -> tuple[StatusTime, ...]:
    """Every stay in a status added up by status id; `spent` is each stay's support time."""
    totals: dict[str, list[Any]] = {}  # status id → [elapsed, working, stays]
    for status_id, (start, stop), work in zip(walk.statuses, pairwise(walk.moments), spent, strict=True):
        total = totals.get(status_id)
        if total is None:
            total = totals[status_id] = [_ZERO, _ZERO, 0]
        if stop > start:
            total[0] += stop - start
            total[1] += work
        total[2] += 1
    return tuple(
        StatusTime(
            status_id, labels[status_id].name, labels[status_id].category, Duration(elapsed, work), count
        )
        for status_id, (elapsed, work, count) in totals.items()
    )


def _category_times(in_status: Iterable[StatusTime]) -> CategoryTimes:
    """Each category's statuses added up: calendar and support time summed apart, one Duration each."""
    sums: dict[str, tuple[timedelta, timedelta]] = {}
    for status in in_status:
        if status.category in CATEGORY_NAMES:
            elapsed, work = sums.get(status.category, (_ZERO, _ZERO))
            sums[status.category] = (elapsed + status.time.elapsed, work + status.time.working)

    def total(category: str) -> Duration:
        found = sums.get(category)
        return NO_TIME if found is None else Duration(*found)

    return CategoryTimes(
        total(StatusCategory.TODO), total(StatusCategory.IN_PROGRESS), total(StatusCategory.DONE)
    )
