"""Ticket flow added up per board and per ISO week: raised, resolved, time to acknowledge and to resolution,
time in To Do and In Progress, acknowledgement breaches.

Each figure is over a cohort of the bucket (a board in one ISO week of the support time zone, or in the whole
period):
- the tickets **raised** in it: the count raised, time to acknowledge (those acknowledged by the end), and
  the acknowledgement breaches (count, and rate = breaches / raised);
- the tickets **resolved** in it: the count resolved, time to resolution, time in To Do and in In Progress
  (whole lives, so a past week's figures do not change as time goes on).

Statistics: median, 90th percentile (nearest rank: a value that occurred) and mean, each of the calendar
minutes and of the support-hours minutes separately; null when the cohort is empty. Pure.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from duty_tui.rules.flow import IN_PROGRESS, TODO, Duration, TicketFlow
from duty_tui.rules.flow_history import Period

_MICRO = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Summary:
    """Median, 90th percentile (nearest rank) and mean of some durations; None when there are none."""

    count: int
    median: timedelta | None
    p90: timedelta | None
    mean: timedelta | None


def summarize(values: Sequence[timedelta]) -> Summary:
    return _summary([value // _MICRO for value in values])


def _summary(micros: list[int]) -> Summary:
    """The summary of durations given in microseconds (sorts `micros` in place)."""
    if not micros:
        return Summary(0, None, None, None)
    micros.sort()
    rank = math.ceil(0.9 * len(micros))
    return Summary(
        len(micros),
        timedelta(microseconds=statistics.median(micros)),
        timedelta(microseconds=micros[rank - 1]),
        timedelta(microseconds=statistics.fmean(micros)),
    )


@dataclass(frozen=True, slots=True)
class Stats:
    """Summaries of durations in calendar time and in support time."""

    elapsed: Summary
    working: Summary

    @property
    def count(self) -> int:
        return self.elapsed.count

    def to_json(self) -> dict[str, Any]:
        def pair(elapsed: timedelta | None, working: timedelta | None) -> dict[str, float] | None:
            if elapsed is None or working is None:
                return None
            return Duration(elapsed, working).to_json()

        return {
            "count": self.count,
            "median": pair(self.elapsed.median, self.working.median),
            "p90": pair(self.elapsed.p90, self.working.p90),
            "mean": pair(self.elapsed.mean, self.working.mean),
        }


def stats(durations: Iterable[Duration]) -> Stats:
    found = list(durations)
    return Stats(summarize([d.elapsed for d in found]), summarize([d.working for d in found]))


@dataclass(frozen=True, slots=True)
class FlowFigures:
    """One board's figures in one bucket (a week, or the whole period)."""

    raised: int
    resolved: int
    time_to_acknowledge: Stats
    time_to_resolution: Stats
    time_in_todo: Stats
    time_in_progress: Stats
    acknowledge_breaches: int

    @property
    def breach_rate(self) -> float | None:
        """Breaches per ticket raised, to 3 decimals (None when none was raised)."""
        return round(self.acknowledge_breaches / self.raised, 3) if self.raised else None

    def to_json(self) -> dict[str, Any]:
        return {
            "raised": self.raised,
            "resolved": self.resolved,
            "time_to_acknowledge": self.time_to_acknowledge.to_json(),
            "time_to_resolution": self.time_to_resolution.to_json(),
            "time_in_category": {
                TODO: self.time_in_todo.to_json(),
                IN_PROGRESS: self.time_in_progress.to_json(),
            },
            "acknowledge_breaches": {"count": self.acknowledge_breaches, "rate": self.breach_rate},
        }


@dataclass(frozen=True, slots=True)
class BoardFigures:
    """One board: the whole period, and every ISO week the period touches (oldest first, empty ones too)."""

    board: str
    total: FlowFigures
    weeks: tuple[tuple[str, FlowFigures], ...]

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total.to_json(), "weeks": {week: f.to_json() for week, f in self.weeks}}


def iso_week(moment: datetime, zone: ZoneInfo) -> str:
    """The ISO week of a moment's local date in the support zone: "2026-W48"."""
    year, week, _ = moment.astimezone(zone).date().isocalendar()
    return f"{year}-W{week:02d}"


def period_weeks(period: Period, zone: ZoneInfo) -> tuple[str, ...]:
    """Every ISO week the period touches, oldest first."""
    if period.until <= period.since:
        return ()
    first = period.since.astimezone(zone).date()
    last = (period.until - _MICRO).astimezone(zone).date()
    day = first - timedelta(days=first.weekday())
    weeks: list[str] = []
    while day <= last:
        year, week, _ = day.isocalendar()
        weeks.append(f"{year}-W{week:02d}")
        day += timedelta(days=7)
    return tuple(weeks)


def figures(flows: Iterable[TicketFlow], period: Period) -> FlowFigures:
    """The figures of some tickets' flows over the whole period."""
    found = list(flows)
    return _figures(
        [f for f in found if f.created in period], [f for f in found if f.resolved and f.resolved in period]
    )


def _figures(raised: Sequence[TicketFlow], resolved: Sequence[TicketFlow]) -> FlowFigures:
    return FlowFigures(
        raised=len(raised),
        resolved=len(resolved),
        time_to_acknowledge=stats(f.time_to_acknowledge for f in raised if f.time_to_acknowledge),
        time_to_resolution=stats(f.time_to_resolution for f in resolved if f.time_to_resolution),
        time_in_todo=stats(f.time_in_category.todo for f in resolved),
        time_in_progress=stats(f.time_in_category.in_progress for f in resolved),
        acknowledge_breaches=sum(f.acknowledge_breached for f in raised),
    )


class _Cohort:
    """One bucket's raw values, in microseconds, as the flows are dealt out: each flow's durations are
    converted once, though it counts in two buckets (its week and the whole period)."""

    __slots__ = ("acknowledge", "breaches", "in_progress", "raised", "resolution", "resolved", "todo")

    def __init__(self) -> None:
        self.raised = self.resolved = self.breaches = 0
        self.acknowledge: tuple[list[int], list[int]] = ([], [])  # (calendar, support) microseconds
        self.resolution: tuple[list[int], list[int]] = ([], [])
        self.todo: tuple[list[int], list[int]] = ([], [])
        self.in_progress: tuple[list[int], list[int]] = ([], [])

    def figures(self) -> FlowFigures:
        def stats_of(pair: tuple[list[int], list[int]]) -> Stats:
            return Stats(_summary(pair[0]), _summary(pair[1]))

        return FlowFigures(
            raised=self.raised,
            resolved=self.resolved,
            time_to_acknowledge=stats_of(self.acknowledge),
            time_to_resolution=stats_of(self.resolution),
            time_in_todo=stats_of(self.todo),
            time_in_progress=stats_of(self.in_progress),
            acknowledge_breaches=self.breaches,
        )


def _add(pair: tuple[list[int], list[int]], micros: tuple[int, int]) -> None:
    pair[0].append(micros[0])
    pair[1].append(micros[1])


def _micros(duration: Duration) -> tuple[int, int]:
    return duration.elapsed // _MICRO, duration.working // _MICRO


def board_figures(
    flows: Iterable[TicketFlow], period: Period, zone: ZoneInfo, boards: Sequence[str] = ()
) -> tuple[BoardFigures, ...]:
    """Figures per board (each ticket on the board it was on at the end): the boards named first, in their
    order, even with nothing in them; then any other board a flow names, by name. The same figures as
    `_figures` over each bucket's flows (`figures` does that for one list), dealt out in one pass."""
    weeks = period_weeks(period, zone)
    cohorts: dict[tuple[str, str | None], _Cohort] = {}

    def cohorts_of(board: str, moment: datetime) -> tuple[_Cohort, _Cohort]:
        found = []
        for key in ((board, None), (board, iso_week(moment, zone))):
            cohort = cohorts.get(key)
            if cohort is None:
                cohort = cohorts[key] = _Cohort()
            found.append(cohort)
        return found[0], found[1]

    named = dict.fromkeys(boards)
    for flow in flows:
        named.setdefault(flow.board)
        if flow.created in period:
            acknowledge = _micros(flow.time_to_acknowledge) if flow.time_to_acknowledge else None
            for cohort in cohorts_of(flow.board, flow.created):
                cohort.raised += 1
                cohort.breaches += flow.acknowledge_breached
                if acknowledge is not None:
                    _add(cohort.acknowledge, acknowledge)
        if flow.resolved is not None and flow.resolved in period:
            resolution = _micros(flow.time_to_resolution) if flow.time_to_resolution else None
            todo = _micros(flow.time_in_category.todo)
            in_progress = _micros(flow.time_in_category.in_progress)
            for cohort in cohorts_of(flow.board, flow.resolved):
                cohort.resolved += 1
                if resolution is not None:
                    _add(cohort.resolution, resolution)
                _add(cohort.todo, todo)
                _add(cohort.in_progress, in_progress)
    order = list(boards) + sorted(set(named) - set(boards))

    def bucket(board: str, week: str | None) -> FlowFigures:
        cohort = cohorts.get((board, week))
        return (cohort if cohort is not None else _Cohort()).figures()

    return tuple(
        BoardFigures(board, bucket(board, None), tuple((week, bucket(board, week)) for week in weeks))
        for board in order
    )


def boards_json(found: Iterable[BoardFigures]) -> dict[str, Any]:
    """The report's "boards": {board name: {"total": {…}, "weeks": {"2026-W48": {…}}}}."""
    return {board.board: board.to_json() for board in found}
