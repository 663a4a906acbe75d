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
    if not values:
        return Summary(0, None, None, None)
    micros = sorted(value // _MICRO for value in values)
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


def board_figures(
    flows: Iterable[TicketFlow], period: Period, zone: ZoneInfo, boards: Sequence[str] = ()
) -> tuple[BoardFigures, ...]:
    """Figures per board (each ticket on the board it was on at the end): the boards named first, in their
    order, even with nothing in them; then any other board a flow names, by name."""
    weeks = period_weeks(period, zone)
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
    order = list(boards) + sorted(set(named) - set(boards))

    def bucket(board: str, week: str | None) -> FlowFigures:
        return _figures(raised.get((board, week), []), resolved.get((board, week), []))

    return tuple(
        BoardFigures(board, bucket(board, None), tuple((week, bucket(board, week)) for week in weeks))
        for board in order
    )


def boards_json(found: Iterable[BoardFigures]) -> dict[str, Any]:
    """The report's "boards": {board name: {"total": {…}, "weeks": {"2026-W48": {…}}}}."""
    return {board.board: board.to_json() for board in found}
