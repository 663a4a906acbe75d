"""`duty-tui report --since 30d [--until DATE] [--format markdown|csv|json]`: the metrics screen's figures
without the UI, for a weekly email or a spreadsheet.

It polls every source once into the store (as `duty-tui sync --once` does) and fetches the ticket history
that changed, then works the figures out from the store. stdout carries the report alone; progress and
warnings go to stderr. Exit status: 0; 1 when a source could not be read, its credentials rejected included,
or the period reaches back beyond the 90 days of history duty-tui keeps (the figures from the cache are still
printed, with a warning on stderr); 2 before anything runs, for a bad option or config (one sentence).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Final, Protocol, TextIO
from zoneinfo import ZoneInfo

from duty_tui import text
from duty_tui.clock import Clock
from duty_tui.config import Config, ConfigError
from duty_tui.reports.forms import FORMATS, Format, render
from duty_tui.reports.gather import gather
from duty_tui.reports.metrics import compute
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.flow_history import Period, report_period
from duty_tui.sources.errors import SourceError
from duty_tui.store import Store
from duty_tui.sync.account import JiraAccount
from duty_tui.sync.history import WINDOW as HISTORY_WINDOW
from duty_tui.sync.history import HistoryFetch
from duty_tui.sync.outcomes import Poller, PollFailed, PollOutcome
from duty_tui.sync.poll import PollLoop
from duty_tui.text.timefmt import day_clock

MAX_DAYS: Final = 366
_SPAN: Final = re.compile(r"([1-9][0-9]{0,3})([dw])")
log = logging.getLogger(__name__)

_NAMES: Final = {"jira": "Jira", "slack": "Slack"}
_HISTORY_FAILED: Final = "Jira's history could not be fetched"
_REDRAW_EVERY: Final = 0.1  # seconds between two redraws of the progress line on a terminal
_QUIET_FOR: Final = 5.0  # seconds of a fetch without a progress line, when stderr is not a terminal
_LINE_EVERY: Final = 15.0  # seconds between two progress lines then


@dataclass(frozen=True, slots=True)
class ReportOptions:
    span: timedelta
    until: date | datetime | None
    format: Format


def parse_since(value: str) -> timedelta:
    """`--since`: a number of days or weeks, "30d" or "4w", up to a year."""
    found = _SPAN.fullmatch(value.strip().lower())
    span = None
    if found:
        count = int(found.group(1))
        span = timedelta(days=count if found.group(2) == "d" else 7 * count)
    if span is None or span > timedelta(days=MAX_DAYS):
        raise ConfigError(
            f"--since {value!r} is not a period: give a number of days or weeks up to a year, like 30d or 4w."
        )
    return span


def parse_until(value: str | None) -> date | datetime | None:
    """`--until`: a date (the period ends at the end of that day in the support time zone) or an ISO date-time
    (taken as given; in the support time zone when it has no offset)."""
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return date.fromisoformat(value.strip())
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(
            f"--until {value!r} is not a date: give one like 2026-11-30, or a time like 2026-11-30T17:00."
        ) from None


def parse_options(since: str, until: str | None, form: str) -> ReportOptions:
    if form not in FORMATS:
        raise ConfigError(f"--format {form!r} is not one of {', '.join(FORMATS)}.")
    return ReportOptions(parse_since(since), parse_until(until), form)


class ReportRuntime(Protocol):
    """What the report needs of `duty_tui.runtime.Runtime`."""

    @property
    def config(self) -> Config: ...
    @property
    def store(self) -> Store: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def calendar(self) -> SupportCalendar: ...
    @property
    def pollers(self) -> tuple[Poller, ...]: ...
    @property
    def history(self) -> HistoryFetch: ...
    @property
    def account(self) -> JiraAccount: ...


@dataclass(frozen=True, slots=True)
class Unread:
    """A source that could not be read this time."""

    what: str  # "Jira could not be read"
    error: SourceError
    cached: datetime | None = None  # when it was last read

    def warning(self, now: datetime, zone: ZoneInfo) -> str:
        since = f" (last read {day_clock(self.cached, now, zone)})" if self.cached else ""
        reason = self.error.message.rstrip(". ")
        return f"{self.what} ({reason}): the figures are from the cache{since}."


def refresh(runtime: ReportRuntime, err: TextIO) -> list[Unread]:
    """Poll every source once into the store, then fetch the ticket history that changed (unless Jira could
    not be read just now); what could not be read."""
    unread: list[Unread] = []
    jira_failed = False
    for poller in runtime.pollers:
        outcomes: list[PollOutcome] = []
        PollLoop(poller, runtime.store, runtime.clock, 0, outcomes.append).cycle()
        failed = outcomes[0] if outcomes and isinstance(outcomes[0], PollFailed) else None
        if failed is not None:
            name = _NAMES.get(poller.source, poller.source)
            unread.append(Unread(f"{name} could not be read", failed.error, failed.status.last_success))
            jira_failed = jira_failed or poller.source == "jira"
    if jira_failed:
        return unread  # the history fetch would only fail the same way, after as long again
    progress = Progress(err)
    try:
        fetched = runtime.history.run(progress=progress)
    except Exception as error:  # a bug or the store: say so, and work the figures out from the cache
        log.exception("the history fetch failed unexpectedly")
        fetched = None
        unread.append(Unread(_HISTORY_FAILED, SourceError(text.error_sentence(error))))
    finally:
        progress.finish()
    if fetched is not None and fetched.error is not None:
        unread.append(Unread(_HISTORY_FAILED, fetched.error))
    return unread


class Progress:
    """The history fetch's progress on stderr: on a terminal, one line rewritten and wiped at the end;
    otherwise (a cron job's mail, a log) nothing for a quick fetch, and a line now and then for a long one."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.live = err.isatty()
        self.started = time.monotonic()
        self.last: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.live:
            if self.last is not None and now - self.last < _REDRAW_EVERY and done < total:
                return
            self.err.write(f"\r{_progress_line(done, total)}\x1b[K")
        else:
            if now - self.started < _QUIET_FOR or (self.last is not None and now - self.last < _LINE_EVERY):
                return
            self.err.write(_progress_line(done, total) + "\n")
        self.err.flush()
        self.last = now

    def finish(self) -> None:
        if self.live and self.last is not None:
            self.err.write("\r\x1b[K")
            self.err.flush()


def _progress_line(done: int, total: int) -> str:
    return f"duty-tui: fetching Jira's ticket history: {done} of {total} tickets"


def run_report(runtime: ReportRuntime, options: ReportOptions, out: TextIO, err: TextIO) -> int:
    """Refresh, work the figures out, print them. The exit status (see the module docstring)."""
    unread = refresh(runtime, err)
    zone = runtime.calendar.zone
    period = report_period(options.span, options.until, runtime.clock.now(), zone)
    inputs = gather(runtime.store, runtime.config, period.since, period.until, runtime.account.cached_id())
    now = runtime.clock.now()
    beyond = beyond_history(period, now, zone)
    warnings = tuple(found.warning(now, zone) for found in unread) + ((beyond,) if beyond else ())
    report = replace(compute(inputs, period, runtime.calendar, now), warnings=warnings)
    out.write(render(report, options.format))
    out.flush()
    for line in warnings:
        print(f"duty-tui: {line}", file=err)
    return exit_status(unread, partial=beyond is not None)


def exit_status(unread: Sequence[Unread], partial: bool = False) -> int:
    """0 when every figure could be worked out from fresh data; 1 when a source could not be read (its
    credentials rejected included: the figures from the cache were printed all the same) or the period
    reaches back beyond the history kept."""
    return 1 if unread or partial else 0


def beyond_history(period: Period, now: datetime, zone: ZoneInfo) -> str | None:
    """The warning when the period starts before the oldest history duty-tui keeps (90 days back from now):
    tickets last touched before then are not in the cache, nor incidents settled well before then
    (`store.incidents.RETENTION`), so the figures of those weeks are too low."""
    oldest = now - HISTORY_WINDOW
    if period.since >= oldest:
        return None
    return (
        f"duty-tui keeps {HISTORY_WINDOW.days} days of Jira history: tickets last updated before "
        f"{day_clock(oldest, now, zone)} are missing (and incidents settled long before then), so the "
        "figures before then are incomplete."
    )
