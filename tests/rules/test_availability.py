"""Availability from probe results, on a fixed clock: uptime in all hours and in support hours, outage
windows, latency percentiles, and a PROD check failing twice in a row (with the incident prefill)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duty_tui.rules.availability import (
    HealthCheck,
    ProbeError,
    ProbeResult,
    check_availability,
    failing_twice,
    failing_words,
    incident_prefill,
    outages,
    percentile,
    state_runs,
    uptime,
)
from duty_tui.rules.calendar import SupportCalendar

LONDON = ZoneInfo("Europe/London")
CCMS = HealthCheck("CCMS PROD", "CCMS", "PROD", "https://ccms.example/health", interval=60, timeout=10)
CWA_UAT = HealthCheck("CWA UAT", "CWA", "UAT", "https://cwa-uat.example/health", interval=60, timeout=10)
MINUTE = timedelta(minutes=1)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def calendar() -> SupportCalendar:
    # Mon-Fri 08:00-18:00 London; Friday 25 December 2026 is a bank holiday.
    return SupportCalendar(
        LONDON, holiday=lambda day: "Christmas Day" if (day.month, day.day) == (12, 25) else None
    )


def up(at: datetime, latency: int = 100, check: HealthCheck = CCMS) -> ProbeResult:
    return ProbeResult(check.name, at, ok=True, status=200, latency_ms=latency)


def down(at: datetime, check: HealthCheck = CCMS, reason: str = "HTTP 503 (expected 200)") -> ProbeResult:
    return ProbeResult(
        check.name, at, ok=False, status=503, latency_ms=20, error=ProbeError.STATUS, reason=reason
    )


def every_minute(
    start: datetime, minutes: int, failing: Iterable[int] = (), check: HealthCheck = CCMS
) -> list[ProbeResult]:
    bad = set(failing)
    return [
        down(start + i * MINUTE, check) if i in bad else up(start + i * MINUTE, check=check)
        for i in range(minutes)
    ]


# -- uptime --------------------------------------------------------------------------------------------


def test_uptime_is_the_share_of_observed_time_up_in_all_hours_and_in_support_hours(
    calendar: SupportCalendar,
) -> None:
    # Thursday 26 November 2026 (GMT): probes every minute from 07:00 to 09:00; down 07:30-07:45 (before
    # hours) and 08:30-08:40 (in hours).
    start = london(2026, 11, 26, 7, 0)
    failing = [*range(30, 45), *range(90, 100)]
    results = every_minute(start, 120, failing)
    now = start + 120 * MINUTE
    figures = uptime(state_runs(CCMS, results, now), start, now, calendar)
    assert figures.observed == timedelta(hours=2)
    assert figures.all_hours == pytest.approx(95 / 120)
    assert figures.observed_support == timedelta(hours=1)  # 08:00-09:00 only
    assert figures.support_hours == pytest.approx(50 / 60)


def test_an_outage_out_of_support_hours_leaves_support_uptime_whole(calendar: SupportCalendar) -> None:
    # Saturday 28 November: down half the morning; the support-hours figure has nothing observed.
    saturday = london(2026, 11, 28, 9, 0)
    results = every_minute(saturday, 60, range(30))
    figures = uptime(
        state_runs(CCMS, results, saturday + 60 * MINUTE), saturday, saturday + 60 * MINUTE, calendar
    )
    assert figures.all_hours == pytest.approx(0.5)
    assert figures.support_hours is None and figures.observed_support == timedelta(0)
    # And on a bank holiday (Christmas Day, a Friday) the same.
    christmas = london(2026, 12, 25, 10, 0)
    results = every_minute(christmas, 60, range(30))
    end = christmas + 60 * MINUTE
    assert uptime(state_runs(CCMS, results, end), christmas, end, calendar).support_hours is None


def test_time_with_no_probes_counts_neither_way(calendar: SupportCalendar) -> None:
    # Up 09:00-09:10, duty-tui closed until 12:00, down 12:00-12:10: unknown time is not downtime.
    morning = london(2026, 11, 26, 9, 0)
    noon = london(2026, 11, 26, 12, 0)
    results = every_minute(morning, 10) + every_minute(noon, 10, range(10))
    now = noon + 10 * MINUTE
    figures = uptime(state_runs(CCMS, results, now), morning, now, calendar)
    assert figures.observed == timedelta(minutes=20)
    assert figures.all_hours == pytest.approx(0.5)


def test_uptime_across_the_october_clock_change_uses_real_elapsed_time(calendar: SupportCalendar) -> None:
    # Sunday 25 October 2026, 01:00 BST → 01:00 GMT: local 00:30 to 02:30 is three real hours.
    start = london(2026, 10, 25, 0, 30)
    results = every_minute(start, 180, range(120, 180))
    now = start + 180 * MINUTE
    figures = uptime(state_runs(CCMS, results, now), start, now, calendar)
    assert figures.observed == timedelta(hours=3)
    assert figures.all_hours == pytest.approx(2 / 3)


def test_today_7_and_30_days(calendar: SupportCalendar) -> None:
    now = london(2026, 11, 26, 10, 0)
    # Ten days ago: a whole support hour down. Today: up since midnight, with one failed probe at 09:00.
    old = every_minute(london(2026, 11, 16, 9, 0), 60, range(60))
    today = every_minute(london(2026, 11, 26, 0, 0), 600, [540])
    figures = check_availability(CCMS, [*old, *today], now, calendar)
    by_label = {window.label: window for window in figures.windows}
    assert list(by_label) == ["today", "7 days", "30 days"]
    assert by_label["today"].since == london(2026, 11, 26, 0, 0)
    assert by_label["today"].uptime.all_hours == pytest.approx(599 / 600)
    assert by_label["today"].uptime.support_hours == pytest.approx(119 / 120)
    assert by_label["7 days"].uptime.all_hours == pytest.approx(599 / 600)  # the old outage is outside
    assert by_label["30 days"].uptime.all_hours == pytest.approx(599 / 660)
    assert by_label["30 days"].uptime.support_hours == pytest.approx(119 / 180)
    assert (by_label["today"].probes, by_label["today"].failures) == (600, 1)
    assert figures.latest == today[-1]


# -- outages -------------------------------------------------------------------------------------------


def test_outage_windows_have_a_start_an_end_and_a_duration_newest_first(calendar: SupportCalendar) -> None:
    start = london(2026, 11, 26, 9, 0)
    results = every_minute(start, 60, [*range(10, 15), *range(40, 42)])
    now = start + 60 * MINUTE
    found = outages(state_runs(CCMS, results, now), start, now)
    assert [(o.start, o.end, o.duration, o.failures, o.ongoing) for o in found] == [
        (start + 40 * MINUTE, start + 42 * MINUTE, 2 * MINUTE, 2, False),
        (start + 10 * MINUTE, start + 15 * MINUTE, 5 * MINUTE, 5, False),
    ]
    assert found[0].error is ProbeError.STATUS and found[0].reason == "HTTP 503 (expected 200)"


def test_an_outage_still_failing_is_ongoing_and_lasts_until_now(calendar: SupportCalendar) -> None:
    start = london(2026, 11, 26, 9, 0)
    results = every_minute(start, 30, range(20, 30))
    now = start + 29 * MINUTE + timedelta(seconds=30)
    (outage, *_) = outages(state_runs(CCMS, results, now), start, now)
    assert outage.ongoing and outage.end is None
    assert outage.start == start + 20 * MINUTE
    assert outage.duration == timedelta(minutes=9, seconds=30)
    # Once the probes stop (duty-tui closed), it is no longer ongoing: it ends an interval after the last.
    later = now + timedelta(hours=1)
    (outage, *_) = outages(state_runs(CCMS, results, later), start, later)
    assert not outage.ongoing and outage.end == start + 30 * MINUTE


# -- latency -------------------------------------------------------------------------------------------


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([7], 95) == 7
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(reversed(values), 95) == 95
    assert percentile([10, 20, 30, 40], 50) == 20
    assert percentile([10, 20, 30, 40], 95) == 40
    assert percentile([5, 1, 4, 2, 3], 50) == 3  # the middle one, not a rounded-down rank


def test_latency_p50_and_p95_are_over_successful_probes(calendar: SupportCalendar) -> None:
    start = london(2026, 11, 26, 9, 0)
    results = [up(start + i * MINUTE, latency=100 + i) for i in range(100)]  # 100..199 ms
    results += [down(start + (100 + i) * MINUTE) for i in range(20)]  # 20 ms each, but failures: not counted
    figures = check_availability(CCMS, results, start + 120 * MINUTE, calendar)
    today = figures.windows[0]
    assert (today.p50_ms, today.p95_ms) == (149, 194)


# -- failing twice -------------------------------------------------------------------------------------


def test_a_prod_check_failing_twice_in_a_row_is_listed_once_with_when_it_started() -> None:
    start = london(2026, 11, 26, 9, 0)
    now = start + 5 * MINUTE
    once = [up(start), up(start + MINUTE), down(start + 2 * MINUTE)]
    assert failing_twice(once, [CCMS], now) == ()
    twice = [*once, down(start + 3 * MINUTE)]
    (failing,) = failing_twice(twice, [CCMS], now)
    assert failing.check == CCMS and failing.since == start + 2 * MINUTE and failing.failures == 2
    assert failing.last == twice[-1]
    # Three in a row: the same item (same key), one more failure.
    (again,) = failing_twice([*twice, down(start + 4 * MINUTE)], [CCMS], now)
    assert again.key == failing.key and again.failures == 3
    # Up again: nothing.
    assert failing_twice([*twice, up(start + 4 * MINUTE)], [CCMS], now) == ()


def test_failing_twice_ignores_other_environments_interleaving_and_stale_results() -> None:
    start = london(2026, 11, 26, 9, 0)
    uat = [down(start, CWA_UAT), down(start + MINUTE, CWA_UAT)]
    assert failing_twice(uat, [CWA_UAT], start + 2 * MINUTE) == ()
    # Another check's results in between do not break CCMS's row, nor make one.
    mixed = [down(start), up(start + 30 * MINUTE / 60, check=CWA_UAT), down(start + MINUTE)]
    assert [f.check for f in failing_twice(mixed, [CCMS, CWA_UAT], start + 2 * MINUTE)] == [CCMS]
    # Failures from before duty-tui was closed raise nothing after it starts again.
    assert failing_twice(mixed, [CCMS], start + timedelta(hours=3)) == ()
    # A failure, then a success, then a failure: not twice in a row.
    assert (
        failing_twice([down(start), up(start + MINUTE), down(start + 2 * MINUTE)], [CCMS], start + 3 * MINUTE)
        == ()
    )


def test_the_incident_prefill_names_the_service_and_environment_and_is_high_priority() -> None:
    start = london(2026, 11, 26, 9, 0)
    (failing,) = failing_twice([down(start), down(start + MINUTE)], [CCMS], start + 2 * MINUTE)
    prefill = incident_prefill(failing, LONDON)
    assert prefill.service == "CCMS" and prefill.environment == "PROD" and prefill.high_priority
    assert prefill.title == "CCMS PROD unavailable: health check failing"
    assert prefill.impact == (
        "The CCMS PROD health check has failed 2 times in a row since 09:00: HTTP 503 (expected 200). "
        "Users may be unable to use CCMS PROD."
    )
    assert failing_words(failing, start + 5 * MINUTE) == "CCMS PROD failing for 5m: HTTP 503 (expected 200)"


def test_the_prefill_never_carries_control_characters_from_a_reason() -> None:
    start = london(2026, 11, 26, 9, 0)
    evil = "\x1b]0;PWNED\x07 [@click=app.quit]x[/]\nsecond line"
    results = [down(start, reason=evil), down(start + MINUTE, reason=evil)]
    (failing,) = failing_twice(results, [CCMS], start + 2 * MINUTE)
    prefill = incident_prefill(failing, LONDON)
    assert "\x1b" not in prefill.impact and "\x07" not in prefill.impact and "\n" not in prefill.impact
    assert "\n" not in failing_words(failing, start + 2 * MINUTE)
