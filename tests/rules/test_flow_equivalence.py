"""The flow's one-pass walk gives exactly the figures of the straightforward reading it replaced.

`reference_flow` below is the earlier `rules.flow.ticket_flow`, kept as the plain statement of the rules: two
walks over the history (stays, then acknowledgements), support time from the calendar's own day-by-day sum.
Seeded random histories cover what the fast path could get wrong: unsorted entries, ties, entries before
creation and after the end, moves with no `from` and moves that skip one, assignments and unassignments,
board moves, team and requester comments, instants in other zones, clock changes, bank holidays, weekends,
and tickets open for weeks. A failure names its seed, so it replays.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from duty_tui.models import StatusCategory
from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.rules.flow import (
    ACKNOWLEDGE_WITHIN,
    CATEGORY_NAMES,
    NO_TIME,
    CategoryTimes,
    Duration,
    StatusTime,
    TicketFlow,
    ticket_flow,
    ticket_flows,
)
from duty_tui.rules.flow_figures import (
    BoardFigures,
    FlowFigures,
    Stats,
    Summary,
    board_figures,
    boards_json,
    iso_week,
    period_weeks,
)
from duty_tui.rules.flow_history import (
    AssigneeItem,
    BoardItem,
    CommentEntry,
    HistoryEntry,
    Period,
    Status,
    StatusItem,
    TicketHistory,
    in_period,
)
from duty_tui.rules.sla import Event, EventKind, first_acknowledgement

LONDON = ZoneInfo("Europe/London")
CAL = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))
TEAM = frozenset({"ops-1", "ops-2"})
PEOPLE = ("ops-1", "ops-2", "user-1", "user-2", None)
STATUSES = (
    Status("1", "To Do", "new"),
    Status("2", "Backlog", "new"),
    Status("3", "In Progress", "indeterminate"),
    Status("4", "Waiting for customer", "indeterminate"),
    Status("5", "Done", "done"),
    Status("6", "Closed", "done"),
    Status("7", "Limbo", "undefined"),
    Status("3", "Working on it", "indeterminate"),  # status 3 renamed
)
ZONES = (UTC, LONDON, ZoneInfo("America/New_York"))
# Around the clock changes, Easter and Christmas 2025-2026, and plain weeks.
STARTS = (
    datetime(2026, 3, 27, 16, 0, tzinfo=UTC),
    datetime(2026, 10, 23, 17, 30, tzinfo=UTC),
    datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
    datetime(2025, 12, 23, 15, 0, tzinfo=UTC),
    datetime(2026, 11, 20, 7, 45, tzinfo=UTC),
)


def random_ticket(rng: random.Random, number: int) -> TicketHistory:
    """One ticket's history, with every irregularity the flow has to survive."""
    created = rng.choice(STARTS) + timedelta(minutes=rng.randrange(0, 14 * 24 * 60))
    at, status = created, rng.choice(STATUSES[:2])
    history: list[HistoryEntry] = []
    for _ in range(rng.randrange(0, 25)):
        step = rng.choice((0, 0, 1, 5, 30, 90, 600, 3000, 20000))  # ties, minutes, hours, days, a fortnight
        at += timedelta(minutes=step, seconds=rng.choice((0, 0, 1, 59)))
        when = at - timedelta(hours=2) if rng.random() < 0.05 else at  # before creation now and then
        by = rng.choice(PEOPLE)
        move = assignee = board = None
        kind = rng.random()
        if kind < 0.5:
            new = rng.choice(STATUSES)
            old: Status | None = status
            if rng.random() < 0.1:
                old = None  # Jira named no source
            elif rng.random() < 0.1:
                old = rng.choice(STATUSES)  # a move the history does not show
            move = StatusItem(old, new)
            status = new
        elif kind < 0.7:
            assignee = AssigneeItem(rng.choice(PEOPLE), rng.choice(PEOPLE))
        elif kind < 0.75:
            board = BoardItem(rng.choice(("AWS Ops", "6DG Ops")), rng.choice(("AWS Ops", "6DG Ops")))
        if kind > 0.9 and move is not None:  # several items in one entry
            assignee = AssigneeItem(None, rng.choice(PEOPLE))
        history.append(HistoryEntry(when.astimezone(rng.choice(ZONES)), by, move, assignee, board))
    comments = tuple(
        CommentEntry(
            (created + timedelta(minutes=rng.randrange(-60, 30 * 24 * 60))).astimezone(rng.choice(ZONES)),
            rng.choice(PEOPLE),
        )
        for _ in range(rng.randrange(0, 8))
    )
    if rng.random() < 0.3:
        rng.shuffle(history)  # Jira's order is not promised
    now = status if rng.random() < 0.9 else rng.choice(STATUSES)
    return TicketHistory(
        key=f"LAA-{number}",
        board=rng.choice(("AWS Ops", "6DG Ops")),
        created=created.astimezone(rng.choice(ZONES)),
        status=now,
        history=tuple(history),
        comments=comments,
        history_complete=rng.random() < 0.9,
    )


# -- the reference: the flow as it was first written ---------------------------------------------------


def reference_flow(
    ticket: TicketHistory,
    end: datetime,
    calendar: SupportCalendar,
    team: frozenset[str],
    *,
    within: timedelta = ACKNOWLEDGE_WITHIN,
    names: Mapping[str, str] | None = None,
) -> TicketFlow:
    created = ticket.created.astimezone(UTC)
    end = max(end.astimezone(UTC), created)
    entries = sorted(ticket.history, key=lambda entry: entry.at)
    kept = [entry for entry in entries if entry.at < end]
    moves = [entry.status for entry in entries if entry.status is not None]
    complete = ticket.history_complete and all(move.old is not None for move in moves)
    if moves and moves[-1].new.id != ticket.status.id:
        complete = False
    labels: dict[str, Status] = {}
    for move in moves:
        for status in (move.old, move.new):
            if status is not None:
                labels[status.id] = status
    labels[ticket.status.id] = ticket.status
    for status_id, name in (names or {}).items():
        if status_id in labels:
            labels[status_id] = Status(status_id, name, labels[status_id].category)

    first = (moves[0].old or moves[0].new) if moves else ticket.status
    stays, chained = _reference_stays(kept, first, created, end)
    events = _reference_acknowledgements(kept, ticket.comments, first, created, end, team=team)
    resolved: datetime | None = None
    for status_id, begin, _stop in reversed(stays):
        if labels[status_id].category != StatusCategory.DONE:
            break
        resolved = begin
    acknowledgement = first_acknowledgement(events, team)
    acknowledged = acknowledgement.at if acknowledgement else None
    deadline = calendar.add_working_time(created, within)
    in_status = _reference_status_times(stays, labels, calendar)
    later = next((entry.board for entry in entries if entry.board is not None and entry.at >= end), None)

    def since_created(moment: datetime | None) -> Duration | None:
        if moment is None:
            return None
        return Duration(moment - created, calendar.working_time_between(created, moment))

    totals = dict.fromkeys(CATEGORY_NAMES, NO_TIME)
    for spent in in_status:
        if spent.category in totals:
            totals[spent.category] += spent.time
    return TicketFlow(
        key=ticket.key,
        board=later.old if later is not None else ticket.board,
        created=created,
        acknowledged=acknowledged,
        resolved=resolved,
        acknowledge_deadline=deadline,
        acknowledge_breached=(acknowledged or end) > deadline,
        time_to_acknowledge=since_created(acknowledged),
        time_to_resolution=since_created(resolved),
        time_in_status=in_status,
        time_in_category=CategoryTimes(
            totals[StatusCategory.TODO], totals[StatusCategory.IN_PROGRESS], totals[StatusCategory.DONE]
        ),
        history_complete=complete and chained,
        zone=calendar.zone,
        acknowledged_by=acknowledgement.actor_id if acknowledgement else None,
        acknowledged_how=acknowledgement.kind if acknowledgement else None,
    )


def _reference_stays(
    kept: list[HistoryEntry], first: Status, created: datetime, end: datetime
) -> tuple[list[tuple[str, datetime, datetime]], bool]:
    status, start, chained = first, created, True
    stays: list[tuple[str, datetime, datetime]] = []
    for entry in kept:
        move = entry.status
        if move is None:
            continue
        if move.old is not None and move.old.id != status.id:
            chained = False
        at = max(entry.at, created)
        stays.append((status.id, start, at))
        status, start = move.new, at
    stays.append((status.id, start, end))
    return stays, chained


def _reference_acknowledgements(
    kept: list[HistoryEntry],
    comments: Iterable[CommentEntry],
    first: Status,
    created: datetime,
    end: datetime,
    *,
    team: frozenset[str],
) -> list[Event]:
    found: list[Event] = []
    assigned = moved = False
    status = first
    for entry in kept:
        at = max(entry.at, created)
        if not assigned and entry.assignee is not None and entry.assignee.new is not None:
            found.append(Event(EventKind.ASSIGNED, at, entry.by, entry.by or "", entry.assignee.new))
            assigned = True
        move = entry.status
        if move is not None:
            old = move.old or status
            if not moved and old.category == StatusCategory.TODO and move.new.category != StatusCategory.TODO:
                found.append(Event(EventKind.MOVED, at, entry.by, entry.by or "", move.new.name))
                moved = True
            status = move.new
    by_team = [c for c in comments if c.created < end and c.author_id is not None and c.author_id in team]
    if by_team:
        comment = min(by_team, key=lambda c: c.created)
        found.append(
            Event(
                EventKind.COMMENTED, max(comment.created, created), comment.author_id, comment.author_id or ""
            )
        )
    return found


def _reference_status_times(
    stays: list[tuple[str, datetime, datetime]], labels: Mapping[str, Status], calendar: SupportCalendar
) -> tuple[StatusTime, ...]:
    totals: dict[str, list[Any]] = {}
    for status_id, start, stop in stays:
        total = totals.setdefault(status_id, [timedelta(0), timedelta(0), 0])
        if stop > start:
            total[0] += stop - start
            total[1] += calendar.working_time_between(start, stop)
        total[2] += 1
    return tuple(
        StatusTime(status_id, labels[status_id].name, labels[status_id].category, Duration(e, w), count)
        for status_id, (e, w, count) in totals.items()
    )


def reference_stats(durations: Iterable[Duration]) -> Stats:
    """Median, nearest-rank 90th percentile and mean, to the microsecond, of each kind of time."""

    def summary(values: list[timedelta]) -> Summary:
        if not values:
            return Summary(0, None, None, None)
        micros = sorted(value // timedelta(microseconds=1) for value in values)
        return Summary(
            len(micros),
            timedelta(microseconds=statistics.median(micros)),
            timedelta(microseconds=micros[math.ceil(0.9 * len(micros)) - 1]),
            timedelta(microseconds=statistics.fmean(micros)),
        )

    found = list(durations)
    return Stats(summary([d.elapsed for d in found]), summary([d.working for d in found]))


def reference_board_figures(
    flows: list[TicketFlow], period: Period, zone: ZoneInfo, boards: tuple[str, ...]
) -> tuple[BoardFigures, ...]:
    """Each bucket's flows gathered first, then each figure worked out from them (`stats`)."""
    raised: dict[tuple[str, str | None], list[TicketFlow]] = {}
    resolved: dict[tuple[str, str | None], list[TicketFlow]] = {}
    named = dict.fromkeys(boards)
    for flow in flows:
        named.setdefault(flow.board)
        if flow.created in period:
            for week in (None, iso_week(flow.created, zone)):
                raised.setdefault((flow.board, week), []).append(flow)
        if flow.resolved is not None and flow.resolved in period:
            for week in (None, iso_week(flow.resolved, zone)):
                resolved.setdefault((flow.board, week), []).append(flow)

    def bucket(board: str, week: str | None) -> FlowFigures:
        up, done = raised.get((board, week), []), resolved.get((board, week), [])
        return FlowFigures(
            raised=len(up),
            resolved=len(done),
            time_to_acknowledge=reference_stats(f.time_to_acknowledge for f in up if f.time_to_acknowledge),
            time_to_resolution=reference_stats(f.time_to_resolution for f in done if f.time_to_resolution),
            time_in_todo=reference_stats(f.time_in_category.todo for f in done),
            time_in_progress=reference_stats(f.time_in_category.in_progress for f in done),
            acknowledge_breaches=sum(f.acknowledge_breached for f in up),
        )

    order = list(boards) + sorted(set(named) - set(boards))
    weeks = period_weeks(period, zone)
    return tuple(
        BoardFigures(board, bucket(board, None), tuple((week, bucket(board, week)) for week in weeks))
        for board in order
    )


# -- the comparison -------------------------------------------------------------------------------------


def same(found: TicketFlow, expected: TicketFlow) -> None:
    """Equal field by field (the dataclass leaves `zone` out), and equal as the report writes it."""
    assert found == expected
    assert found.zone == expected.zone
    assert found.to_json() == expected.to_json()


@pytest.mark.parametrize("seed", range(8))
def test_each_ticket_flows_as_the_reference_says(seed: int) -> None:
    rng = random.Random(seed)
    names = {"3": "Doing", "6": "Closed for good", "99": "Never seen"} if seed % 2 else None
    for number in range(150):
        ticket = random_ticket(rng, number)
        end = ticket.created + timedelta(minutes=rng.choice((-5, 0, 30, 240, 3 * 24 * 60, 40 * 24 * 60)))
        end = end.astimezone(rng.choice(ZONES))
        expected = reference_flow(ticket, end, CAL, TEAM, names=names)
        same(ticket_flow(ticket, end, CAL, TEAM, names=names), expected)


def test_many_tickets_share_one_cache_and_still_agree() -> None:
    rng = random.Random(99)
    tickets = [random_ticket(rng, number) for number in range(400)]
    tickets += [random_ticket(rng, number) for number in range(20)]  # keys given twice
    period = Period(datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    found = ticket_flows(tickets, period, CAL, TEAM)
    newest: dict[str, TicketHistory] = {}
    for ticket in tickets:
        seen = newest.get(ticket.key)
        if seen is None or max(ticket.updates()) > max(seen.updates()):
            newest[ticket.key] = ticket
    expected = sorted(
        (reference_flow(t, period.until, CAL, TEAM) for t in newest.values() if in_period(t, period)),
        key=lambda flow: (flow.created, flow.key),
    )
    assert len(found) == len(expected) > 300
    for flow, reference in zip(found, expected, strict=True):
        same(flow, reference)


@pytest.mark.parametrize("seed", range(3))
def test_board_figures_as_the_reference_says(seed: int) -> None:
    rng = random.Random(1000 + seed)
    tickets = [random_ticket(rng, number) for number in range(500)]
    period = Period(datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))
    flows = ticket_flows(tickets, period, CAL, TEAM)
    boards = ("6DG Ops", "Unused board") if seed else ()
    found = board_figures(flows, period, LONDON, boards)
    expected = reference_board_figures(flows, period, LONDON, boards)
    assert sum(board.total.raised for board in found) > 100
    assert sum(board.total.resolved for board in found) > 30
    assert found == expected
    assert boards_json(found) == boards_json(expected)
