"""The metrics desk: opens the metrics screen (`5`, "Metrics" in the palette) and keeps it filled.

Opening shows the last figures worked out for the period at once (they are kept in memory, one report per
period), then brings them up to date off the UI thread: a thread worker fetches Jira's history since the
last fetch (`runtime.history`, reporting its progress, which the header shows on the first long fetch),
and another reads the store (`reports.gather`) and works the figures out (`reports.compute`) for the
period picked; with the daily uptime of each health check for the strips. A fetch that fails says why on
the screen, and the figures are worked out from the cache all the same.

Only one history fetch runs at a time; picking another period while it runs works out that period's
figures from the cache at once, and again when the fetch ends. A newer computation cancels an older one.
"""

from __future__ import annotations

import time as clock_time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Final, Protocol, runtime_checkable

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import get_current_worker

from duty_tui import text
from duty_tui.desks.ui import DeskUI, post_from_thread
from duty_tui.reports.gather import gather
from duty_tui.reports.metrics import MetricsInputs, MetricsReport, compute
from duty_tui.rules.availability import state_runs, uptime
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.flow_history import Period, report_period
from duty_tui.runtime import Runtime
from duty_tui.text.timefmt import clock

DEFAULT_DAYS: Final = 30
PROGRESS_EVERY: Final = 0.1  # seconds between two progress messages (the last one always goes)

DailyUptime = Mapping[str, Sequence[float | None]]  # check name → uptime per day of the period, oldest first


class MetricsScreens(Protocol):
    """Builds the metrics screen (`views.metrics.MetricsScreen`)."""

    def __call__(
        self, days: int, *, on_period: Callable[[int], None], on_refresh: Callable[[], None]
    ) -> Screen[Any]: ...


@runtime_checkable
class LiveMetrics(Protocol):
    """The open metrics screen, which paints what the desk hands it (from its push to its dismissal; it
    paints once mounted whatever it was handed before)."""

    def show_figures(
        self,
        report: MetricsReport,
        *,
        days: int,
        computed_at: datetime,
        daily: DailyUptime,
    ) -> None: ...

    def show_progress(self, fetching: bool, progress: tuple[int, int] | None = None) -> None: ...

    def show_state(self, *, working: bool, failure: str | None) -> None: ...


@dataclass(frozen=True, slots=True)
class Figures:
    """One period's figures, as last worked out."""

    days: int
    report: MetricsReport
    daily: DailyUptime
    computed_at: datetime


class HistoryProgressed(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, HistoryProgressed)


class HistoryFinished(Message):
    def __init__(self, fetched: int, failure: str | None) -> None:
        super().__init__()
        self.fetched = fetched
        self.failure = failure


class MetricsComputed(Message):
    def __init__(self, figures: Figures) -> None:
        super().__init__()
        self.figures = figures


class MetricsFailed(Message):
    def __init__(self, days: int, sentence: str) -> None:
        super().__init__()
        self.days = days
        self.sentence = sentence


def daily_uptime(
    inputs: MetricsInputs, period: Period, calendar: SupportCalendar
) -> dict[str, list[float | None]]:
    """Each check's uptime (all hours) on each local day of the period, oldest first; None when nothing was
    observed that day. Today counts up to the period's end."""
    first = calendar.local_date(period.since + timedelta(microseconds=1))
    last = calendar.local_date(period.until - timedelta(microseconds=1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    bounds = [
        (
            max(period.since, calendar.moment(day, time(0))),
            min(period.until, calendar.moment(day + timedelta(days=1), time(0))),
        )
        for day in days
    ]
    found: dict[str, list[float | None]] = {}
    for check in inputs.checks:
        runs = state_runs(check, inputs.probes, period.until)
        found[check.name] = [uptime(runs, since, until, calendar).all_hours for since, until in bounds]
    return found


class MetricsDesk(Widget):
    DEFAULT_CSS = """
    MetricsDesk { display: none; }
    """

    def __init__(self, runtime: Runtime, *, ui: DeskUI, screens: MetricsScreens) -> None:
        super().__init__(id="metrics-desk")
        self.runtime = runtime
        self.ui = ui
        self.screens = screens
        self.days = DEFAULT_DAYS
        self.figures: dict[int, Figures] = {}  # the last figures per period
        self.fetching = False
        self.progress: tuple[int, int] | None = None
        self.failure: str | None = None  # why the last history fetch failed (None: it did not)
        self.fetched_at: datetime | None = None  # when a history fetch last succeeded
        self.pending: int | None = None  # the period whose figures are being worked out
        self._screen: Screen[Any] | None = None

    # -- the screen ---------------------------------------------------------------------------------

    def live(self) -> LiveMetrics | None:
        if self._screen is None:
            return None
        screen = self._screen
        return screen if isinstance(screen, LiveMetrics) else None

    def open(self) -> None:
        """Show the screen with the last figures for the period, then bring them up to date."""
        if self.live() is not None:
            return
        screen = self.screens(self.days, on_period=self.pick_period, on_refresh=self.refresh_figures)
        self._screen = screen
        self.ui.push_screen(screen, self._screen_closed)
        self._show_cached()
        if not self.fetching:
            if self.days not in self.figures:  # nothing to show yet: the cache's figures while it fetches
                self.work_out(self.days)
            self.fetch_history()
        else:
            self.work_out(self.days)
        self._show_state()

    def _screen_closed(self, _: object = None) -> None:
        self._screen = None

    def pick_period(self, days: int) -> None:
        self.days = days
        self._show_cached()
        self.work_out(days)
        self._show_state()

    def refresh_figures(self) -> None:
        """`r`: fetch what changed in Jira since the last fetch, then work the figures out again."""
        if self.fetching:
            self.work_out(self.days)
        else:
            self.fetch_history()
        self._show_state()

    def _show_cached(self) -> None:
        live, cached = self.live(), self.figures.get(self.days)
        if live is not None and cached is not None:
            live.show_figures(
                cached.report, days=cached.days, computed_at=cached.computed_at, daily=cached.daily
            )

    def _show_state(self) -> None:
        live = self.live()
        if live is not None:
            live.show_progress(self.fetching, self.progress)
            live.show_state(working=self.fetching or self.pending == self.days, failure=self.failure)

    # -- the history fetch ------------------------------------------------------------------------------

    def fetch_history(self) -> None:
        self.fetching, self.progress = True, None
        self._fetch_history()

    @work(thread=True, group="metrics-history", exit_on_error=False, description="fetch Jira's history")
    def _fetch_history(self) -> None:
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            moment = clock_time.monotonic()
            if done >= total or moment - last >= PROGRESS_EVERY:
                last = moment
                post_from_thread(self, HistoryProgressed(done, total))

        try:
            outcome = self.runtime.history.run(progress=progress, cancelled=lambda: worker.is_cancelled)
        except Exception as error:  # a bug or the store: say so, and work the figures out from the cache
            post_from_thread(self, HistoryFinished(0, text.error_sentence(error)))
            return
        if outcome.cancelled:
            return  # the app is closing
        failure = outcome.error.message if outcome.error is not None else None
        post_from_thread(self, HistoryFinished(outcome.fetched, failure))

    def on_history_progressed(self, message: HistoryProgressed) -> None:
        message.stop()
        if self.fetching:
            self.progress = (message.done, message.total)
            self._show_state()

    def on_history_finished(self, message: HistoryFinished) -> None:
        message.stop()
        self.fetching, self.progress = False, None
        now = self.runtime.now()
        if message.failure is None:
            self.failure, self.fetched_at = None, now
        else:
            zone = self.runtime.calendar.zone
            since = f" of {clock(self.fetched_at, zone)}" if self.fetched_at else ""
            reason = message.failure.rstrip(". ")
            self.failure = (
                f"Jira's history could not be fetched ({reason}): the figures are from the cache{since}."
            )
        self.work_out(self.days)
        self._show_state()

    # -- the figures ------------------------------------------------------------------------------------

    def work_out(self, days: int) -> None:
        self.pending = days
        self._work_out(days)

    @work(thread=True, group="metrics-compute", exclusive=True, exit_on_error=False, description="metrics")
    def _work_out(self, days: int) -> None:
        worker = get_current_worker()
        runtime = self.runtime
        try:
            now = runtime.now()
            calendar = runtime.calendar
            period = report_period(timedelta(days=days), None, now, calendar.zone)
            inputs = gather(
                runtime.store, runtime.config, period.since, period.until, me=runtime.account.cached_id()
            )
            if worker.is_cancelled:
                return
            report = compute(inputs, period, calendar, now)
            daily = daily_uptime(inputs, period, calendar)
        except Exception as error:  # the store, or a bug: say so rather than spin
            post_from_thread(self, MetricsFailed(days, text.error_sentence(error)))
            return
        if not worker.is_cancelled:
            post_from_thread(self, MetricsComputed(Figures(days, report, daily, now)))

    def on_metrics_computed(self, message: MetricsComputed) -> None:
        message.stop()
        figures = message.figures
        self.figures[figures.days] = figures
        if self.pending == figures.days:
            self.pending = None
        live = self.live()
        if live is not None and figures.days == self.days:
            live.show_figures(
                figures.report, days=figures.days, computed_at=figures.computed_at, daily=figures.daily
            )
        self._show_state()

    def on_metrics_failed(self, message: MetricsFailed) -> None:
        message.stop()
        if self.pending == message.days:
            self.pending = None
        self.ui.notify(
            f"Could not work the metrics out: {message.sentence}", severity="error", timeout=10, markup=False
        )
        self._show_state()
