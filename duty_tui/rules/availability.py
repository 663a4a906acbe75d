"""Availability from health probes: uptime, outage windows, latency, and the PROD check failing twice.

A check (`HealthCheck`, from `[[availability.checks]]`) is probed every `interval` seconds; each probe
gives a `ProbeResult`. A result stands for the time from its probe to the next one. When no next probe
came within `holds_for(check)` (two intervals and the timeout: duty-tui was closed, or asleep), the
time after it is unknown and counts neither way: uptime is the share of *observed* time the check was
up, in all hours and in support hours (the support calendar: weekends, bank holidays, clock changes).

An outage window is a run of failed probes: it starts at the first failure and ends at the next
success (or, when nothing was observed after it, one interval after its last failure); it is ongoing
while the latest probe failed and is recent. Latency percentiles (nearest rank) are over the
successful probes: how fast the service answers when it works.

Pure: results, checks, the calendar and `now` are given; nothing here reads a clock or the network.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from duty_tui import text
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.triage import PROD
from duty_tui.text.timefmt import clock

REASON_LIMIT = 120  # what a result's reason may hold: one line in a table or the status bar
TITLE_LIMIT = 150  # one line in the incident announcement
IMPACT_LIMIT = 300


class ProbeError(StrEnum):
    """Why a probe failed."""

    TIMEOUT = "timeout"  # no answer within the check's timeout
    REFUSED = "refused"  # nothing listening (connection refused)
    TLS = "tls"  # the TLS handshake failed or the certificate is not trusted
    STATUS = "status"  # an answer, with another status than expected (redirects are not followed)
    TEXT = "text"  # the expected status, without the expected text
    OTHER = "other"  # anything else: the name did not resolve, the connection dropped, a bug


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """One configured health check: what to fetch, how often, and what a healthy answer looks like."""

    name: str  # unique: results are stored by it
    service: str  # "CCMS": what an incident about it names
    environment: str  # "PROD", "Pre-Prod", "UAT", "Dev/Test"
    url: str
    interval: float = 60.0  # seconds between probes
    timeout: float = 10.0  # seconds a probe waits for an answer
    expected_status: int = 200
    text: str | None = None  # must appear in the first 64 KiB of the answer

    @property
    def is_prod(self) -> bool:
        return self.environment.casefold() == PROD.casefold()


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What one probe of a check found."""

    check: str  # the check's name
    at: datetime  # when the probe started (aware, UTC)
    ok: bool
    status: int | None = None  # the HTTP status, when an answer came
    latency_ms: int | None = None  # time to the answer's headers, when an answer came
    error: ProbeError | None = None  # None when ok
    reason: str = ""  # a short, sanitized sentence saying what went wrong ("" when ok)


def holds_for(check: HealthCheck) -> timedelta:
    """How long after a probe the next one must have come for the time between to count as observed."""
    return timedelta(seconds=2 * check.interval + check.timeout)


# -- runs of one state ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of observed time in one state (up or down), from the first probe that found it."""

    start: datetime
    end: datetime  # the next probe that found the other state; `now` while ongoing
    ok: bool
    probes: int
    last: ProbeResult
    ongoing: bool  # the latest probe found this state and is recent


def state_runs(check: HealthCheck, results: Iterable[ProbeResult], now: datetime) -> list[Run]:
    """The check's results (others are ignored) as runs of one state, oldest first. A gap in the
    probes (duty-tui closed) ends a run even when the state after it is the same."""
    ordered = sorted((r for r in results if r.check == check.name and r.at <= now), key=lambda r: r.at)
    hold, interval = holds_for(check), timedelta(seconds=check.interval)
    found: list[Run] = []
    start: ProbeResult | None = None
    count = 0
    for index, result in enumerate(ordered):
        if start is None:
            start, count = result, 0
        count += 1
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is not None and following.at - result.at <= hold:
            if following.ok == result.ok:
                continue  # the run goes on
            found.append(Run(start.at, following.at, result.ok, count, result, ongoing=False))
        elif following is None and now - result.at <= hold:
            found.append(Run(start.at, now, result.ok, count, result, ongoing=True))
        else:  # nothing observed after it: it stood for one interval
            found.append(
                Run(start.at, min(result.at + interval, now), result.ok, count, result, ongoing=False)
            )
        start = None
    return found


# -- uptime, outages, latency -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Uptime:
    """The share of observed time a check was up, in all hours and in support hours (None: not observed)."""

    all_hours: float | None
    support_hours: float | None
    observed: timedelta
    observed_support: timedelta


def uptime(runs: Sequence[Run], since: datetime, until: datetime, calendar: SupportCalendar) -> Uptime:
    up = down = up_support = down_support = timedelta(0)
    for run in runs:
        lo, hi = max(run.start, since), min(run.end, until)
        if hi <= lo:
            continue
        support = calendar.working_time_between(lo, hi)
        if run.ok:
            up, up_support = up + (hi - lo), up_support + support
        else:
            down, down_support = down + (hi - lo), down_support + support
    observed, observed_support = up + down, up_support + down_support
    return Uptime(
        all_hours=up / observed if observed else None,
        support_hours=up_support / observed_support if observed_support else None,
        observed=observed,
        observed_support=observed_support,
    )


@dataclass(frozen=True, slots=True)
class Outage:
    """A run of failed probes of one check."""

    check: str
    start: datetime
    end: datetime | None  # None while ongoing
    duration: timedelta  # up to `now` while ongoing
    failures: int
    error: ProbeError | None  # what the latest failure was
    reason: str

    @property
    def ongoing(self) -> bool:
        return self.end is None


def outages(runs: Sequence[Run], since: datetime, now: datetime) -> list[Outage]:
    """The outage windows that overlap [since, now], newest first."""
    found = [
        Outage(
            check=run.last.check,
            start=run.start,
            end=None if run.ongoing else run.end,
            duration=(now if run.ongoing else run.end) - run.start,
            failures=run.probes,
            error=run.last.error,
            reason=run.last.reason,
        )
        for run in runs
        if not run.ok and run.end > since
    ]
    return sorted(found, key=lambda outage: outage.start, reverse=True)


def percentile(values: Iterable[float], p: float) -> float | None:
    """The nearest-rank p-th percentile (0 < p <= 100); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True, slots=True)
class Window:
    """One check over one period: uptime, latency of its successful probes, and how many probes."""

    label: str  # "today", "7 days", "30 days"
    since: datetime
    until: datetime
    uptime: Uptime
    p50_ms: float | None
    p95_ms: float | None
    probes: int
    failures: int


@dataclass(frozen=True, slots=True)
class CheckAvailability:
    """A check's figures: today, the last 7 and 30 days, its outages in the last 30 days (newest first)
    and its latest result."""

    check: HealthCheck
    windows: tuple[Window, ...]
    outages: tuple[Outage, ...]
    latest: ProbeResult | None


PERIODS: tuple[tuple[str, timedelta | None], ...] = (
    ("today", None),
    ("7 days", timedelta(days=7)),
    ("30 days", timedelta(days=30)),
)


def start_of_day(now: datetime, calendar: SupportCalendar) -> datetime:
    """Local midnight of `now`'s support day, as an aware UTC moment."""
    return calendar.moment(calendar.local_date(now), time(0))


def window(
    check: HealthCheck,
    results: Sequence[ProbeResult],
    *,
    label: str,
    since: datetime,
    now: datetime,
    calendar: SupportCalendar,
    runs: Sequence[Run] | None = None,
) -> Window:
    """One check's figures from `since` to `now` (`runs`: its `state_runs`, when already worked out)."""
    if runs is None:
        runs = state_runs(check, results, now)
    inside = [r for r in results if r.check == check.name and since <= r.at <= now]
    latencies = [float(r.latency_ms) for r in inside if r.ok and r.latency_ms is not None]
    return Window(
        label=label,
        since=since,
        until=now,
        uptime=uptime(runs, since, now, calendar),
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        probes=len(inside),
        failures=sum(1 for r in inside if not r.ok),
    )


def check_availability(
    check: HealthCheck, results: Sequence[ProbeResult], now: datetime, calendar: SupportCalendar
) -> CheckAvailability:
    """Everything the metrics screen and the report show for one check."""
    mine = [r for r in results if r.check == check.name]
    runs = state_runs(check, mine, now)
    windows = tuple(
        window(
            check,
            mine,
            label=label,
            since=start_of_day(now, calendar) if back is None else now - back,
            now=now,
            calendar=calendar,
            runs=runs,
        )
        for label, back in PERIODS
    )
    latest = max(mine, key=lambda r: r.at, default=None)
    return CheckAvailability(check, windows, tuple(outages(runs, windows[-1].since, now)), latest)


# -- a PROD check failing twice in a row -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FailingCheck:
    """A PROD check whose latest probes (two or more, recent) all failed."""

    check: HealthCheck
    since: datetime  # the first failure in the row
    failures: int
    last: ProbeResult

    @property
    def key(self) -> str:
        """Stable while this row of failures lasts; a later outage is a new item."""
        return f"check-failing:{self.check.name}:{self.since.isoformat()}"


def failing_twice(
    results: Iterable[ProbeResult], checks: Sequence[HealthCheck], now: datetime
) -> tuple[FailingCheck, ...]:
    """The PROD checks whose last two probes (or more) failed, the latest recent (within
    `holds_for`: stale results from before a restart raise nothing), in the order of `checks`."""
    by_check: dict[str, list[ProbeResult]] = {}
    for result in results:
        by_check.setdefault(result.check, []).append(result)
    found = []
    for check in checks:
        if not check.is_prod:
            continue
        ordered = sorted((r for r in by_check.get(check.name, ()) if r.at <= now), key=lambda r: r.at)
        row: list[ProbeResult] = []
        for result in reversed(ordered):
            if result.ok:
                break
            row.append(result)
        if len(row) >= 2 and now - row[0].at <= holds_for(check):
            found.append(FailingCheck(check, since=row[-1].at, failures=len(row), last=row[0]))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class IncidentPrefill:
    """What the declare form starts with for a failing check (the engineer edits it before declaring)."""

    title: str
    service: str
    environment: str
    impact: str
    high_priority: bool = True  # a PROD service down: the process's first high-priority criterion


def incident_prefill(failing: FailingCheck, zone: ZoneInfo) -> IncidentPrefill:
    check = failing.check
    service = text.one_line(check.service, 60, breaks=False)
    environment = text.one_line(check.environment, 30, breaks=False)
    reason = f": {failing.last.reason}" if failing.last.reason else ""
    impact = (
        f"The {check.name} health check has failed {failing.failures} times in a row since "
        f"{clock(failing.since, zone)}{reason}. Users may be unable to use {service} {environment}."
    )
    return IncidentPrefill(
        title=text.one_line(
            f"{service} {environment} unavailable: health check failing", TITLE_LIMIT, breaks=False
        ),
        service=service,
        environment=environment,
        impact=text.one_line(impact, IMPACT_LIMIT, breaks=False),
    )


def failing_words(failing: FailingCheck, now: datetime) -> str:
    """One line for the attention list: "CCMS PROD failing for 4m: HTTP 503 (expected 200)"."""
    check = failing.check
    reason = f": {failing.last.reason}" if failing.last.reason else ""
    words = f"{check.name} failing for {text.duration(now - failing.since, 'span')}{reason}"
    return text.one_line(words, 80, breaks=False)
