"""Support time between two instants: 08:00-18:00 Europe/London, Monday to Friday, not on England's bank
holidays, with the clocks changing in March and October. The cached count must agree with the calendar's."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.rules.working_time import WorkingTime

LONDON = ZoneInfo("Europe/London")
CAL = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))


def london(year: int, month: int, day: int, hour: int, minute: int, *, second: int = 0) -> datetime:
    """A wall-clock time in London, as the UTC instant the history would carry."""
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        # Inside one day, and clipped to the day's hours at both ends.
        (london(2026, 11, 26, 9, 0), london(2026, 11, 26, 10, 30), 90),
        (london(2026, 11, 26, 6, 0), london(2026, 11, 26, 20, 0), 600),
        # Friday 17:00 → Monday 09:00: the weekend does not count.
        (london(2026, 11, 27, 17, 0), london(2026, 11, 30, 9, 0), 120),
        # Friday 28 August 17:00 → Tuesday 09:00: Monday 31 August is England's Late Summer Bank Holiday.
        (london(2026, 8, 28, 17, 0), london(2026, 9, 1, 9, 0), 120),
        # Christmas Eve 17:00 → Tuesday 29 December 09:00: Christmas Day and Boxing Day (observed, Monday 28).
        (london(2026, 12, 24, 17, 0), london(2026, 12, 29, 9, 0), 120),
        # Clocks go forward on Sunday 29 March: Monday opens at 08:00 BST, 07:00 UTC.
        (london(2026, 3, 27, 17, 0), london(2026, 3, 30, 9, 0), 120),
        (datetime(2026, 3, 30, 6, 0, tzinfo=UTC), datetime(2026, 3, 30, 8, 0, tzinfo=UTC), 60),
        # Clocks go back on Sunday 25 October: Friday closes 18:00 BST (17:00 UTC), Monday opens 08:00 UTC.
        (london(2026, 10, 23, 17, 30), london(2026, 10, 26, 9, 0), 90),
        (datetime(2026, 10, 23, 17, 0, tzinfo=UTC), datetime(2026, 10, 26, 8, 0, tzinfo=UTC), 0),
        # A whole (ordinary) week, Monday to Monday: five days of ten hours.
        (london(2026, 11, 16, 0, 0), london(2026, 11, 23, 0, 0), 3000),
        # Backwards or empty: nothing.
        (london(2026, 11, 26, 10, 0), london(2026, 11, 26, 9, 0), 0),
        (london(2026, 11, 26, 10, 0), london(2026, 11, 26, 10, 0), 0),
    ],
)
def test_counts_support_hours_only(start: datetime, end: datetime, minutes: int) -> None:
    working = WorkingTime(CAL)
    assert working.between(start, end) == timedelta(minutes=minutes)
    assert CAL.working_time_between(start, end) == timedelta(minutes=minutes)  # the same rule


def test_agrees_with_the_calendar_across_a_year_in_any_order() -> None:
    """Questions in random order make the cache grow at both ends; the answers never change."""
    working = WorkingTime(CAL)
    rng = random.Random(20261126)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(2000):
        start = base + timedelta(minutes=rng.randrange(0, 366 * 24 * 60))
        end = start + timedelta(minutes=rng.expovariate(1 / (3 * 24 * 60)))
        assert working.between(start, end) == CAL.working_time_between(start, end), (start, end)


def test_a_long_stay_is_summed_by_whole_days() -> None:
    # 2026: 253 working days in England (261 weekdays less 8 bank holidays), ten hours each.
    year = WorkingTime(CAL).between(london(2026, 1, 1, 0, 0), london(2027, 1, 1, 0, 0))
    assert year == timedelta(hours=2530)


def test_instants_in_any_zone_are_the_same_instants() -> None:
    working = WorkingTime(CAL)
    start, end = london(2026, 10, 23, 17, 30), london(2026, 10, 26, 9, 0)
    new_york = ZoneInfo("America/New_York")
    assert working.between(start.astimezone(LONDON), end.astimezone(new_york)) == timedelta(minutes=90)


def test_after_agrees_with_the_calendar_across_a_year() -> None:
    """The acknowledgement deadline from the cached days is the calendar's, whatever the start: nights,
    weekends, bank holidays (Christmas), the clock changes, and durations ending exactly at closing."""
    rng = random.Random(7)
    working = WorkingTime(CAL)
    starts = [london(2026, 12, 24, 17, 0), london(2026, 3, 27, 16, 0), london(2026, 11, 27, 16, 0)]
    starts += [
        datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(366 * 24 * 60)) for _ in range(400)
    ]
    for start in starts:
        for hours in (0.5, 2, 10, 26):
            duration = timedelta(hours=hours)
            assert working.after(start, duration) == CAL.add_working_time(start, duration), (start, hours)


def test_spans_are_the_stays_between_consecutive_moments() -> None:
    moments = [
        london(2026, 11, 27, 17, 0),
        london(2026, 11, 30, 9, 0),
        london(2026, 11, 30, 9, 0),
        london(2026, 12, 1, 8, 0),
    ]
    working = WorkingTime(CAL)
    assert working.spans(moments) == [CAL.working_time_between(a, b) for a, b in pairwise(moments)]
    assert working.spans(moments[:1]) == []
