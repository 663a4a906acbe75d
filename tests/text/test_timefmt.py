"""duty_tui.text.timefmt: the one duration formatter, in every form its callers use, and the clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duty_tui import text
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.sla import Band, ack_clock
from duty_tui.text.timefmt import DurationForm, age_changes_at, clock, day_clock, duration

S, M, H, D = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
FORMS: tuple[DurationForm, ...] = ("age", "until", "span", "words")

# What each caller showed before the four formatters became one (``age`` and ``until`` in timefmt,
# ``duration`` in rules/sla.py, ``within_text`` in the ticket desk), unchanged except that "until"
# now pads the minutes after hours like the other forms ("in 1h 05m", was "in 1h 5m").
#   age: the tickets table's Age column and the ticket view's "Created … ago"
#   until: "Next try in …" when a source fails
#   span: the acknowledgement clock, "… late", "… overdue", time in each status
#   words: the promise in the acknowledgement comment
TABLE = [
    # delta,          age,   until,        span,      words
    (0 * S, "now", "now", "0m", "0 minutes"),
    (30 * S, "now", "in 30s", "0m", "0 minutes"),
    (59 * S, "now", "in 59s", "0m", "0 minutes"),
    (59.9 * S, "now", "in 59s", "0m", "0 minutes"),  # whole seconds, rounded down
    (1 * M, "1m", "in 1m", "1m", "1 minutes"),
    (59 * M, "59m", "in 59m", "59m", "59 minutes"),
    (1 * H, "1h", "in 1h 00m", "1h 00m", "1 hour"),
    (1 * H + 5 * M, "1h", "in 1h 05m", "1h 05m", "1h 05m"),
    (90 * M, "1h", "in 1h 30m", "1h 30m", "1h 30m"),
    (2 * H, "2h", "in 2h 00m", "2h 00m", "2 hours"),
    (23 * H + 59 * M, "23h", "in 23h 59m", "23h 59m", "23h 59m"),
    (24 * H, "24h", "in 24h 00m", "1d 0h", "24 hours"),
    (47 * H, "47h", "in 47h 00m", "1d 23h", "47 hours"),
    (48 * H, "2d", "in 48h 00m", "2d 0h", "48 hours"),
    (50 * H, "2d", "in 50h 00m", "2d 2h", "50 hours"),
    (13 * D, "13d", "in 312h 00m", "13d 0h", "312 hours"),
    (14 * D, "2w", "in 336h 00m", "14d 0h", "336 hours"),
    (30 * D, "4w", "in 720h 00m", "30d 0h", "720 hours"),
]


@pytest.mark.parametrize(
    ("delta", "age", "until", "span", "words"), TABLE, ids=[str(row[0]) for row in TABLE]
)
def test_every_form(delta: timedelta, age: str, until: str, span: str, words: str) -> None:
    expected = {"age": age, "until": until, "span": span, "words": words}
    assert {form: duration(delta, form) for form in FORMS} == expected


@pytest.mark.parametrize("delta", [-1 * S, -30 * S, -5 * M, -2 * H, -3 * D, timedelta(microseconds=-1)])
def test_the_past_is_now(delta: timedelta) -> None:
    # A ticket created "in the future" (clocks disagree) is "now" old; a retry already due is "now".
    assert duration(delta, "age") == "now"
    assert duration(delta, "until") == "now"


def test_negative_spans_and_promises_keep_their_old_text() -> None:
    # No caller passes these (the clock label uses abs(), time in status is clamped at zero, the
    # promise is validated positive); pinned so that any change to them is deliberate.
    assert [duration(d, "span") for d in (-30 * S, -5 * M, -2 * H)] == ["-1m", "-5m", "-120m"]
    assert [duration(d, "words") for d in (-30 * S, -5 * M, -2 * H)] == ["-1h 59m", "-1h 55m", "-2 hours"]


def test_the_callers_use_it() -> None:
    assert text.duration is duration
    # The acknowledgement comment's {within} ("2 hours"): tests/app/test_hostile.py reads the posted comment.
    assert [duration(d, "words") for d in (2 * H, 90 * M, 45 * M)] == ["2 hours", "1h 30m", "45 minutes"]
    london = ZoneInfo("Europe/London")
    calendar = SupportCalendar(london)
    created = datetime(2026, 11, 26, 9, 0, tzinfo=london)  # a Thursday: due 11:00
    assert ack_clock(created, None, created + 55 * M, calendar).label() == "1h 05m"
    breached = ack_clock(created, None, created + 2 * H + 40 * M, calendar)
    assert (breached.band, breached.label()) == (Band.BREACHED, "-40m")


def test_clock_and_day_clock() -> None:
    london = ZoneInfo("Europe/London")
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday
    assert clock(datetime(2026, 7, 1, 13, 2, tzinfo=UTC), london) == "14:02"  # BST
    assert day_clock(now.replace(hour=14, minute=2), now, london) == "14:02"
    assert day_clock(now - 2 * D, now, london) == "Tue 12:00"
    assert day_clock(now + 6 * D, now, london) == "Wed 12:00"
    assert day_clock(now - 14 * D, now, london) == "12 Nov 12:00"


@pytest.mark.parametrize(
    "seconds",
    [-30, 0, 59, 60, 61, 3599, 3600, 3601, 47 * 3600 + 59, 48 * 3600, 13 * 86400 + 5, 14 * 86400, 40 * 86400],
)
def test_an_age_label_stays_right_until_it_says_it_changes(seconds: int) -> None:
    delta = timedelta(seconds=seconds)
    label = duration(delta, "age")
    changes = age_changes_at(delta)
    assert changes > delta
    assert duration(changes, "age") != label
    assert duration(changes - timedelta(microseconds=1), "age") == label  # the same to the last instant
    step = (changes - max(delta, timedelta(0))) / 7
    for n in range(7):
        assert duration(max(delta, timedelta(0)) + step * n, "age") == label
