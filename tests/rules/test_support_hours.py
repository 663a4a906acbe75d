"""Support hours in the status bar: the next change (across nights, weekends, bank holidays and the clock
changes), bank holidays by name, and how the bar words it. An injected `now` throughout."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duty_tui.rules.calendar import SupportCalendar, holiday_lookup, next_change_words

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def calendar() -> SupportCalendar:
    return SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("now", "change"),
    [
        (london(2026, 11, 26, 15, 50), london(2026, 11, 26, 18, 0)),  # open: closes today
        (london(2026, 11, 26, 7, 30), london(2026, 11, 26, 8, 0)),  # before hours: opens today
        (london(2026, 11, 26, 18, 0), london(2026, 11, 27, 8, 0)),  # closing time: opens tomorrow
        (london(2026, 11, 27, 18, 30), london(2026, 11, 30, 8, 0)),  # Friday evening: Monday
        (london(2026, 11, 29, 23, 59), london(2026, 11, 30, 8, 0)),  # Sunday night
        (london(2026, 12, 24, 18, 0), london(2026, 12, 29, 8, 0)),  # Christmas, Boxing Day (observed)
        (london(2026, 12, 31, 18, 0), london(2027, 1, 4, 8, 0)),  # New Year's Day (Friday), weekend
        (london(2027, 3, 25, 18, 0), london(2027, 3, 30, 8, 0)),  # Good Friday, Easter Monday
    ],
)
def test_next_change_across_nights_weekends_and_holidays(
    calendar: SupportCalendar, now: datetime, change: datetime
) -> None:
    assert calendar.next_change(now) == change
    assert calendar.state(now).next_change == change


@pytest.mark.parametrize(
    ("now", "change", "elapsed"),
    [
        # Sunday 25 October 2026, clocks go back: Friday 18:00 BST → Monday 08:00 GMT is 63 real hours.
        (london(2026, 10, 23, 18, 0), london(2026, 10, 26, 8, 0), timedelta(hours=63)),
        # Sunday 28 March 2027, clocks go forward (Good Friday and Easter Monday around it): Thursday
        # 18:00 GMT → Tuesday 08:00 BST is 109 real hours, not 110.
        (london(2027, 3, 25, 18, 0), london(2027, 3, 30, 8, 0), timedelta(hours=109)),
    ],
)
def test_next_change_across_the_clock_changes_is_local_time_and_real_elapsed_time(
    calendar: SupportCalendar, now: datetime, change: datetime, elapsed: timedelta
) -> None:
    moment = calendar.next_change(now)
    assert moment == change
    assert moment.astimezone(LONDON).hour == 8
    assert moment - now == elapsed


def test_a_day_that_straddles_a_clock_change_still_opens_at_eight(calendar: SupportCalendar) -> None:
    # Saturday 28 March 2026 00:30 GMT; the clocks go forward at 01:00 on Sunday 29th.
    assert calendar.next_change(london(2026, 3, 28, 0, 30)) == london(2026, 3, 30, 8, 0)
    assert london(2026, 3, 30, 8, 0).utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ((2026, 12, 25), "Christmas Day"),
        ((2026, 12, 28), "Boxing Day (observed)"),
        ((2027, 1, 1), "New Year's Day"),
        ((2027, 3, 26), "Good Friday"),
        ((2027, 3, 29), "Easter Monday"),
        ((2026, 8, 31), "Late Summer Bank Holiday"),
    ],
)
def test_bank_holidays_by_name(calendar: SupportCalendar, day: tuple[int, int, int], name: str) -> None:
    state = calendar.state(london(*day, 10, 0))
    assert not state.open
    assert state.holiday == name
    assert state.reason == f"Bank holiday: {name}"


def test_a_weekend_and_an_ordinary_evening_are_no_holiday(calendar: SupportCalendar) -> None:
    assert calendar.state(london(2026, 11, 28, 10, 0)).holiday is None
    assert calendar.state(london(2026, 11, 26, 19, 0)).holiday is None


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (london(2026, 11, 26, 15, 50), "until 18:00 (in 2h 10m)"),
        (london(2026, 11, 26, 17, 59, 30), "until 18:00 (in 30s)"),
        (london(2026, 11, 26, 7, 30), "opens 08:00 (in 30m)"),
        (london(2026, 11, 26, 18, 30), "opens Fri 08:00 (in 13h 30m)"),
        (london(2026, 11, 27, 18, 30), "opens Mon 30 Nov 08:00"),
        (london(2026, 12, 25, 10, 0), "opens Tue 29 Dec 08:00"),
        (london(2026, 10, 25, 9, 0), "opens Mon 08:00 (in 23h 00m)"),  # the day the clocks went back
    ],
)
def test_the_status_bar_words_the_next_change(calendar: SupportCalendar, now: datetime, words: str) -> None:
    assert next_change_words(calendar.state(now), now, LONDON) == words
