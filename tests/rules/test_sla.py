"""The acknowledgement clock and detection, with times injected (no clock)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.rules.sla import Band, Event, EventKind, ack_clock, first_acknowledgement
from duty_tui.text.timefmt import duration

LONDON = ZoneInfo("Europe/London")
CAL = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))
TEAM = frozenset({"712020:ops-1", "ops-2"})


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


CREATED = london(2026, 11, 26, 9, 0)  # Thursday 09:00 → due 11:00


@pytest.mark.parametrize(
    ("now", "band", "label"),
    [
        (london(2026, 11, 26, 9, 30), Band.OK, "1h 30m"),
        (london(2026, 11, 26, 10, 0), Band.OK, "1h 00m"),  # exactly an hour is not "under an hour"
        (london(2026, 11, 26, 10, 1), Band.SOON, "59m"),
        (london(2026, 11, 26, 10, 31), Band.URGENT, "29m"),
        (london(2026, 11, 26, 11, 0), Band.BREACHED, "-0m"),
        (london(2026, 11, 26, 11, 40), Band.BREACHED, "-40m"),
    ],
)
def test_bands_like_a_service_desk(now: datetime, band: Band, label: str) -> None:
    clock = ack_clock(CREATED, None, now, CAL)
    assert clock.deadline == london(2026, 11, 26, 11, 0)
    assert (clock.band, clock.label(), clock.paused) == (band, label, False)


def test_out_of_hours_the_clock_is_paused() -> None:
    friday_5pm = london(2026, 11, 27, 17, 0)
    saturday = london(2026, 11, 28, 12, 0)
    clock = ack_clock(friday_5pm, None, saturday, CAL)
    assert clock.deadline == london(2026, 11, 30, 9, 0)  # one hour on Friday, one on Monday
    assert clock.paused and clock.band is Band.OK and clock.remaining == timedelta(hours=1)
    assert clock.label() == "⏸ 1h 00m"


def test_overdue_counts_support_time_only() -> None:
    clock = ack_clock(
        london(2026, 11, 27, 9, 0), None, london(2026, 11, 30, 9, 0), CAL
    )  # Fri 09:00 → Mon 09:00
    assert clock.band is Band.BREACHED and clock.remaining == -timedelta(hours=8)


def test_acknowledged_stops_the_clock_and_says_whether_in_time() -> None:
    on_time = ack_clock(CREATED, london(2026, 11, 26, 10, 0), london(2026, 11, 26, 15, 0), CAL)
    late = ack_clock(CREATED, london(2026, 11, 26, 11, 30), london(2026, 11, 26, 15, 0), CAL)
    assert on_time.band is Band.ACKNOWLEDGED and on_time.met and on_time.label() == "✓ ack"
    assert late.met is False and late.label() == "✓ late"


def test_raised_out_of_hours_due_two_hours_after_opening() -> None:
    sunday_night = london(2026, 11, 29, 22, 0)
    assert ack_clock(sunday_night, None, sunday_night, CAL).deadline == london(2026, 11, 30, 10, 0)


def event(kind: EventKind, minute: int, actor_id: str | None = "someone") -> Event:
    return Event(
        kind, CREATED + timedelta(minutes=minute), actor_id, f"actor {actor_id}", detail="In Progress"
    )


def test_earliest_of_assignment_move_and_team_comment() -> None:
    events = [
        event(EventKind.MOVED, 50),
        event(EventKind.ASSIGNED, 40),
        event(EventKind.COMMENTED, 30, "ops-2"),
    ]
    first = first_acknowledgement(events, TEAM)
    assert (
        first is not None
        and first.kind is EventKind.COMMENTED
        and first.at == CREATED + timedelta(minutes=30)
    )


def test_comments_from_outside_the_team_do_not_count() -> None:
    events = [event(EventKind.COMMENTED, 5, "reporter"), event(EventKind.COMMENTED, 6, None)]
    assert first_acknowledgement(events, TEAM) is None
    first = first_acknowledgement([*events, event(EventKind.ASSIGNED, 90, "reporter")], TEAM)
    assert first is not None and first.kind is EventKind.ASSIGNED  # an assignment counts whoever made it


def test_descriptions() -> None:
    assert Event(EventKind.ASSIGNED, CREATED, "a", "Tom", "Aisha").describe() == "assigned to Aisha by Tom"
    assert (
        Event(EventKind.MOVED, CREATED, "a", "Tom", "In Progress").describe() == "moved to In Progress by Tom"
    )
    assert Event(EventKind.COMMENTED, CREATED, "a", "Tom").describe() == "comment by Tom"
    assert (
        duration(timedelta(minutes=59), "span"),
        duration(timedelta(minutes=125), "span"),
        duration(timedelta(hours=50), "span"),
    ) == ("59m", "2h 05m", "2d 2h")


@pytest.mark.parametrize(
    ("now", "deadline", "expected"),
    [
        (london(2026, 11, 26, 11, 0), london(2026, 11, 26, 10, 59), "breached"),
        (london(2026, 11, 26, 11, 0), london(2026, 11, 26, 11, 0), "breached"),
        (london(2026, 11, 26, 11, 0), london(2026, 11, 26, 11, 20), "soon"),
        (london(2026, 11, 26, 11, 0), london(2026, 11, 26, 13, 0), ""),
        # 17:55 on Thursday, due 08:20 on Friday: 5 + 20 minutes of support time left
        (london(2026, 11, 26, 17, 55), london(2026, 11, 27, 8, 20), "soon"),
        (london(2026, 11, 26, 17, 45), london(2026, 11, 27, 8, 20), ""),  # 15 + 20
        (london(2026, 11, 27, 17, 0), london(2026, 11, 30, 9, 0), ""),  # Friday 17:00 → Monday 09:00: 2h
        (london(2026, 11, 28, 12, 0), london(2026, 11, 30, 8, 10), "soon"),  # Saturday, paused: 10m left
        (london(2026, 11, 28, 12, 0), london(2026, 11, 30, 8, 30), ""),  # exactly 30m left
        (london(2026, 11, 26, 7, 0), london(2026, 11, 26, 8, 25), "soon"),  # before hours
        (london(2026, 12, 24, 17, 50), london(2026, 12, 29, 8, 15), "soon"),  # over two bank holidays
    ],
)
def test_the_tickets_title_counts_urgency_from_support_time(
    now: datetime, deadline: datetime, expected: str
) -> None:
    from duty_tui.widgets.tickets import Tally, TicketsPane

    pane = TicketsPane({"AWS Ops": "AWS"}, lambda: now, CAL)
    pane.tally = {"LAA-1": Tally(("AWS Ops",), None, deadline), "LAA-2": Tally(("AWS Ops",), "someone", None)}
    pane.update_counts()
    assert pane.counts.startswith("AWS 1")
    assert ("1 breached" in pane.counts) == (expected == "breached")
    assert ("1 due <30m" in pane.counts) == (expected == "soon")
    clock_says = CAL.working_time_between(now, deadline)  # the slow, exact answer agrees
    assert (now >= deadline) == (expected == "breached")
    assert (expected == "soon") == (now < deadline and clock_says < timedelta(minutes=30))
