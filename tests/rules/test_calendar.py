"""The support calendar: 08:00-18:00 Europe/London, Monday to Friday, England and Wales bank holidays."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from duty_tui.rules.calendar import SupportCalendar, holiday_lookup

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def calendar() -> SupportCalendar:
    return SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def test_open_in_hours_and_says_when_it_closes(calendar: SupportCalendar) -> None:
    state = calendar.state(london(2026, 11, 26, 10, 30))
    assert state.open and state.reason == "In support hours"
    assert state.closes_at == london(2026, 11, 26, 18, 0)


@pytest.mark.parametrize(
    ("moment", "reason", "opens"),
    [
        (london(2026, 11, 26, 7, 59), "Before hours", london(2026, 11, 26, 8, 0)),
        (london(2026, 11, 26, 18, 0), "After hours", london(2026, 11, 27, 8, 0)),
        (london(2026, 11, 27, 18, 30), "After hours", london(2026, 11, 30, 8, 0)),  # Friday evening → Monday
        (london(2026, 11, 28, 12, 0), "Weekend", london(2026, 11, 30, 8, 0)),
        (london(2026, 12, 25, 9, 0), "Bank holiday: Christmas Day", london(2026, 12, 29, 8, 0)),
        (london(2026, 12, 28, 9, 0), "Bank holiday: Boxing Day (observed)", london(2026, 12, 29, 8, 0)),
    ],
)
def test_closed_moments_say_why_and_when_it_opens(
    calendar: SupportCalendar, moment: datetime, reason: str, opens: datetime
) -> None:
    state = calendar.state(moment)
    assert not state.open
    assert state.reason == reason
    assert state.opens_at == opens


def test_hours_are_local_time_in_summer(calendar: SupportCalendar) -> None:
    # 07:30 UTC on a July Wednesday is 08:30 BST: open.
    assert calendar.is_open(datetime(2026, 7, 15, 7, 30, tzinfo=UTC))
    assert not calendar.is_open(datetime(2026, 7, 15, 17, 30, tzinfo=UTC))  # 18:30 BST


def test_working_time_skips_nights_weekends_and_holidays(calendar: SupportCalendar) -> None:
    friday_5pm = london(2026, 11, 27, 17, 0)
    monday_9am = london(2026, 11, 30, 9, 0)
    assert calendar.working_time_between(friday_5pm, monday_9am) == timedelta(hours=2)
    christmas_eve_5pm = london(2026, 12, 24, 17, 0)
    assert calendar.working_time_between(christmas_eve_5pm, london(2026, 12, 29, 8, 30)) == timedelta(
        hours=1, minutes=30
    )
    assert calendar.working_time_between(monday_9am, friday_5pm) == timedelta(0)


def test_add_working_time_for_a_ticket_raised_out_of_hours(calendar: SupportCalendar) -> None:
    saturday = london(2026, 11, 28, 11, 0)
    assert calendar.add_working_time(saturday, timedelta(hours=2)) == london(2026, 11, 30, 10, 0)
    late_thursday = london(2026, 11, 26, 17, 15)
    assert calendar.add_working_time(late_thursday, timedelta(hours=2)) == london(2026, 11, 27, 9, 15)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # October change (Sunday 25 October 2026): Friday 23rd 17:00 BST + 2h = Monday 26th 09:00 GMT.
        (london(2026, 10, 23, 17, 0), london(2026, 10, 26, 9, 0)),
        # March change (Sunday 28 March 2027): Friday 26th is Good Friday, Monday 29th Easter Monday.
        (london(2027, 3, 25, 17, 0), london(2027, 3, 30, 9, 0)),
    ],
)
def test_deadlines_across_clock_changes_keep_local_hours(
    calendar: SupportCalendar, start: datetime, expected: datetime
) -> None:
    deadline = calendar.add_working_time(start, timedelta(hours=2))
    assert deadline == expected
    assert deadline.astimezone(LONDON).time() == time(9, 0)
    assert calendar.working_time_between(start, deadline) == timedelta(hours=2)


def test_the_support_day_is_the_london_date(calendar: SupportCalendar) -> None:
    # 23:30 UTC on 30 June is already 1 July in London.
    assert str(calendar.local_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))) == "2026-07-01"


def test_configurable_hours_and_days() -> None:
    weekend_desk = SupportCalendar(LONDON, opens=time(9, 0), closes=time(12, 0), days=[5, 6])
    assert weekend_desk.is_open(london(2026, 11, 28, 10, 0))
    assert not weekend_desk.is_open(london(2026, 11, 26, 10, 0))
    with pytest.raises(ValueError, match="open before"):
        SupportCalendar(LONDON, opens=time(18, 0), closes=time(8, 0))
