"""Support time between two instants, fast enough for thousands of tickets' histories.

It counts exactly what :meth:`SupportCalendar.working_time_between` counts (each local day's opening hours,
weekends and bank holidays skipped, opening and closing at local time on either side of a clock change) but
works each day's hours out once, finds an instant's local day among the cached local midnights, and sums
whole days by prefix sums, so a stay of months costs what a stay of minutes does. Pure: the instants are
given.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from duty_tui.rules.calendar import SupportCalendar

_ZERO = timedelta(0)


class WorkingTime:
    """A support calendar's working time between instants, with each day's opening hours cached."""

    def __init__(self, calendar: SupportCalendar) -> None:
        self.calendar = calendar
        self._first = 0  # the ordinal of the first cached day
        self._hours: list[tuple[datetime, datetime] | None] = []  # (opening, closing) in UTC; None: closed
        self._midnights: list[datetime] = []  # local midnights in UTC: each cached day's start, and the next
        self._sums: list[timedelta] = [_ZERO]  # _sums[i]: support time of the first i cached days

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Support time elapsed from start to end (zero when end is not after start)."""
        if end <= start:
            return _ZERO
        # An instant's local date is within a day of its date in any other zone.
        self._cover(start.toordinal() - 1, end.toordinal() + 1)
        first = bisect_right(self._midnights, start) - 1
        last = bisect_right(self._midnights, end) - 1
        if first == last:
            return self._clipped(first, start, end)
        whole_days = self._sums[last] - self._sums[first + 1]
        return self._clipped(first, start, end) + whole_days + self._clipped(last, start, end)

    def spans(self, moments: list[datetime]) -> list[timedelta]:
        """Support time between each moment and the next (zero where one is not after the last): the
        stays of a ticket's history, which share their ends, cost one look-up per moment, not two."""
        if len(moments) < 2:
            return []
        # One cover first: marks are counted from the first cached day, which a later cover could move.
        self._cover(min(moments).toordinal() - 1, max(moments).toordinal() + 1)
        marks = [self._mark(moment) for moment in moments]
        return [after - before if after > before else _ZERO for before, after in pairwise(marks)]

    def after(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of support time has passed since `start`, as
        :meth:`SupportCalendar.add_working_time` gives it, from the cached days (the calendar's own
        walk when the answer lies beyond a fortnight's cache or the duration is not positive)."""
        if duration <= _ZERO:
            return self.calendar.add_working_time(start, duration)
        self._cover(start.toordinal() - 1, start.toordinal() + 15)
        target = self._mark(start) + duration
        index = bisect_left(self._sums, target) - 1  # the day whose opening hours reach the target
        hours = self._hours[index] if 0 <= index < len(self._hours) else None
        if hours is None or index + 1 >= len(self._sums):
            return self.calendar.add_working_time(start, duration)
        return hours[0] + (target - self._sums[index])

    def _mark(self, moment: datetime) -> timedelta:
        """Support time from the first cached day's start to `moment` (which the cache covers)."""
        index = bisect_right(self._midnights, moment) - 1
        hours = self._hours[index]
        if hours is None or moment <= hours[0]:
            return self._sums[index]
        if moment >= hours[1]:
            return self._sums[index + 1]
        return self._sums[index] + (moment - hours[0])

    def _clipped(self, index: int, start: datetime, end: datetime) -> timedelta:
        hours = self._hours[index]
        if hours is None:
            return _ZERO
        low, high = max(start, hours[0]), min(end, hours[1])
        return high - low if high > low else _ZERO

    def _cover(self, first: int, last: int) -> None:
        """Make sure the cache holds every day from `first` to `last` (ordinals)."""
        if not self._hours:
            self._first = first
            self._midnights = [self._midnight(first)]
            self._extend(range(first, last + 1))
            return
        if first < self._first:
            self._hours = [self._day(ordinal) for ordinal in range(first, self._first)] + self._hours
            self._midnights = [
                self._midnight(ordinal) for ordinal in range(first, self._first)
            ] + self._midnights
            self._first = first
            self._sums = [_ZERO]
            self._add_sums(self._hours)
        end = self._first + len(self._hours)
        if last >= end:
            self._extend(range(end, last + 1))

    def _extend(self, ordinals: range) -> None:
        added = [self._day(ordinal) for ordinal in ordinals]
        self._hours.extend(added)
        self._midnights.extend(self._midnight(ordinal + 1) for ordinal in ordinals)
        self._add_sums(added)

    def _add_sums(self, days: list[tuple[datetime, datetime] | None]) -> None:
        total = self._sums[-1]
        for hours in days:
            total += hours[1] - hours[0] if hours is not None else _ZERO
            self._sums.append(total)

    def _midnight(self, ordinal: int) -> datetime:
        return datetime.combine(date.fromordinal(ordinal), time(0), tzinfo=self.calendar.zone).astimezone(UTC)

    def _day(self, ordinal: int) -> tuple[datetime, datetime] | None:
        day = date.fromordinal(ordinal)
        if not self.calendar.is_working_day(day):
            return None
        return self.calendar.opening(day), self.calendar.closing(day)
