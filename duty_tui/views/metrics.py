"""The metrics screen (`5`, "Metrics" in the command palette): the team's figures over the last 7, 30 or 90
days, as charts rather than tables.

* A header: the period (the selected one highlighted), its dates, when the figures were worked out, and
  what is going on ("fetching history 1,234/5,000…", "working out the figures…").
* A failure line when Jira's history could not be fetched: the figures are then the cache's.
* Per board: raised vs resolved per week (bars), time to acknowledge against the 2-hour promise (a gauge
  with breaches), time to resolution and time in To Do and In Progress.
* Incidents per week (bars: all, high priority) with the count, time to mitigate and resolve, the
  services and the postmortems owed; happiness per week (👍 vs 👎 answers) with the share of 👍.
* Availability: one strip per health check, a cell per day, with uptime today / 7 / 30 days and latency.

Keys: `7`, `3`, `9` pick the period (`p` cycles), `r` fetches Jira's history since the last fetch and works
the figures out again, Esc or `q` closes. The screen paints what the desk hands it (`show_figures`,
`show_progress`, `show_state`) and calls back for a period or a refresh; it never reads the store. Board,
service and check names and failure sentences are untrusted: they go through `content`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from duty_tui import text
from duty_tui.reports.metrics import MetricsReport
from duty_tui.rules.availability import CheckAvailability, Window
from duty_tui.rules.flow_figures import Summary
from duty_tui.rules.happiness import HappinessReport
from duty_tui.rules.incident_metrics import IncidentReport
from duty_tui.text.timefmt import day_clock
from duty_tui.views.dialog import Dialog
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.board_flow import BoardFlow
from duty_tui.widgets.content import content
from duty_tui.widgets.key_bar import KeyBar
from duty_tui.widgets.uptime_strips import StripRow, UptimeStrips
from duty_tui.widgets.week_bars import Series, WeekBars

PERIODS = (7, 30, 90)  # days the screen offers
WIDE = 110  # columns from which sections sit side by side
SERVICE_LIMIT = 30
SENTENCE_LIMIT = 300
INCIDENTS = Series("incidents", "$warning")
HIGH = Series("high priority", "$error")
UP = Series("👍", "$success")
DOWN = Series("👎", "$error")


def span(value: timedelta | None) -> str:
    return "—" if value is None else text.duration(value, "span")


def summary_words(found: Summary) -> str:
    return "—" if not found.count else f"median {span(found.median)}"


def window(found: CheckAvailability, label: str) -> Window | None:
    return next((w for w in found.windows if w.label == label), None)


def strip_row(found: CheckAvailability, days: Sequence[float | None], latency_window: str) -> StripRow:
    """One check's strip: its daily uptime (all hours), its windows, and why it is down now, if it is."""

    def up(label: str) -> float | None:
        shown = window(found, label)
        return shown.uptime.all_hours if shown else None

    latency = window(found, latency_window)
    ongoing = next((o for o in found.outages if o.ongoing), None)
    down_now = None
    if ongoing is not None:
        down_now = ongoing.reason or (found.latest.reason if found.latest else "") or str(ongoing.error or "")
    return StripRow(
        name=found.check.name,
        days=tuple(days),
        today=up("today"),
        week=up("7 days"),
        month=up("30 days"),
        p50_ms=latency.p50_ms if latency else None,
        p95_ms=latency.p95_ms if latency else None,
        down_now=down_now or (None if ongoing is None else "failing"),
    )


class MetricsScreen(Dialog[None]):
    """The figures for one period. Calls `on_period(days)` when another period is picked and
    `on_refresh()` on `r`; the desk answers with `show_*`."""

    DEFAULT_CSS = """
    MetricsScreen { background: $background; }
    MetricsScreen #metrics-header { height: auto; padding: 0 1; background: $panel; }
    MetricsScreen #metrics-failure { height: auto; padding: 0 1; color: $text-error; display: none; }
    MetricsScreen #metrics-failure.failed { display: block; }
    MetricsScreen #metrics-body { height: 1fr; }
    MetricsScreen #metrics-waiting { height: auto; padding: 1 2; color: $text-muted; }
    MetricsScreen .metrics-row { height: auto; }
    MetricsScreen .metrics-row > * { width: 1fr; }
    MetricsScreen.narrow .metrics-row { layout: vertical; }
    MetricsScreen .metrics-section { height: auto; border: round $panel-lighten-2; padding: 0 1;
                                     border-title-color: $foreground; }
    MetricsScreen .metrics-section > Static { height: auto; }
    """
    AUTO_FOCUS = "#metrics-body"
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "metrics.period_7",
        "metrics.period_30",
        "metrics.period_90",
        "metrics.period_next",
        "metrics.refresh",
        "metrics.close",
    )

    def __init__(
        self,
        days: int,
        *,
        zone: ZoneInfo,
        promise: timedelta,
        now: Callable[[], datetime],
        on_period: Callable[[int], None],
        on_refresh: Callable[[], None],
    ) -> None:
        super().__init__()
        self.days = days
        self.zone = zone
        self.promise = promise
        self.now = now
        self.on_period = on_period
        self.on_refresh = on_refresh
        self.report: MetricsReport | None = None
        self.computed_at: datetime | None = None
        self.daily: dict[str, Sequence[float | None]] = {}
        self.working = False
        self.progress: tuple[int, int] | None = None
        self.fetching = False
        self.failure: str | None = None
        self.mounted = False  # what the desk hands in before is painted on mount
        self.header = Static("", id="metrics-header")
        self.failure_line = Static("", id="metrics-failure")
        self.waiting = Static("Working out the figures…", id="metrics-waiting", markup=False)
        self.boards = Horizontal(id="metrics-boards", classes="metrics-row")
        self.flows: list[BoardFlow] = []  # one section per board, in the report's order
        self.incident_counts = Static("", id="metrics-incident-counts")
        self.incident_bars = WeekBars((INCIDENTS, HIGH), id="metrics-incident-bars")
        self.incident_services = Static("", id="metrics-incident-services")
        self.happiness_share = Static("", id="metrics-happiness-share")
        self.happiness_bars = WeekBars((UP, DOWN), id="metrics-happiness-bars")
        self.strips = UptimeStrips(id="metrics-uptime")
        self.lower = Horizontal(id="metrics-lower", classes="metrics-row")
        self.availability = Vertical(id="metrics-availability", classes="metrics-section")
        self.body = VerticalScroll(id="metrics-body")

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.failure_line
        with self.body:
            yield self.waiting
            yield self.boards
            with self.lower:
                with Vertical(id="metrics-incidents", classes="metrics-section") as incidents:
                    incidents.border_title = Content.styled("Incidents", "bold")
                    yield self.incident_counts
                    yield self.incident_bars
                    yield self.incident_services
                with Vertical(id="metrics-happiness", classes="metrics-section") as happiness:
                    happiness.border_title = Content.styled("Happiness", "bold")
                    happiness.border_subtitle = "requesters' 👍 / 👎 on the ask"
                    yield self.happiness_share
                    yield self.happiness_bars
            with self.availability:
                yield self.strips
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        self.availability.border_title = Content.styled("Availability", "bold")
        self.availability.border_subtitle = "uptime in all hours"
        self.set_class(self.app.size.width < WIDE, "narrow")
        self.mounted = True
        self.paint()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < WIDE, "narrow")

    # -- keys -----------------------------------------------------------------------------------

    def action_period(self, days: int) -> None:
        if days != self.days:
            self.days, self.report, self.computed_at, self.working = days, None, None, True
            self.paint()
            self.on_period(days)  # the desk shows its last figures for this period at once, if it has any

    def action_cycle_period(self) -> None:
        index = PERIODS.index(self.days) if self.days in PERIODS else -1
        self.action_period(PERIODS[(index + 1) % len(PERIODS)])

    def action_recompute(self) -> None:
        self.working = True
        self.paint_header()
        self.on_refresh()

    def action_close(self) -> None:
        self.dismiss(None)

    # -- what the desk hands in -----------------------------------------------------------------

    def show_figures(
        self,
        report: MetricsReport,
        *,
        days: int,
        computed_at: datetime,
        daily: Mapping[str, Sequence[float | None]],
    ) -> None:
        """The figures for `days` (ignored when another period has been picked since)."""
        if days != self.days:
            return
        self.report, self.computed_at, self.daily = report, computed_at, dict(daily)
        self.paint()

    def show_progress(self, fetching: bool, progress: tuple[int, int] | None = None) -> None:
        """Jira's history is being fetched (`progress`: tickets done of all, when known), or is done."""
        self.fetching, self.progress = fetching, progress if fetching else None
        self.paint_header()

    def show_state(self, *, working: bool, failure: str | None) -> None:
        """Whether figures are being worked out, and why Jira's history could not be fetched (None: it
        could)."""
        self.working, self.failure = working, failure
        self.paint_header()

    # -- painting -------------------------------------------------------------------------------

    def paint(self) -> None:
        self.paint_header()
        if not self.mounted:
            return  # on_mount paints
        report = self.report
        self.waiting.display = report is None
        for section in (self.boards, self.lower, self.availability):
            section.display = report is not None
        if report is None:
            return
        self.paint_boards(report)
        self.paint_incidents(report.incidents)
        self.paint_happiness(report.happiness)
        latency = "7 days" if self.days <= 7 else "30 days"
        self.strips.show(
            [strip_row(found, self.daily.get(found.check.name, ()), latency) for found in report.availability]
        )

    def paint_header(self) -> None:
        parts: list[str | tuple[str, str] | Content] = [("Metrics ", "bold")]
        for days in PERIODS:
            parts.append((f" {days} d ", "reverse bold" if days == self.days else "dim"))
        report = self.report
        if report is not None:
            since, until = (
                moment.astimezone(self.zone) for moment in (report.period.since, report.period.until)
            )
            parts.append(f"  {since:%d %b} – {until:%d %b %Y}")
        else:
            parts.append(f"  the last {self.days} days")
        if self.computed_at is not None and report is not None:
            parts.append((f" · worked out {day_clock(self.computed_at, self.now(), self.zone)}", "dim"))
        if self.fetching:
            parts.append((" · " + fetching_words(self.progress), "$text-accent"))
        elif self.working:
            parts.append((" · working out the figures…", "$text-accent"))
        self.header.update(Content.assemble(*parts))
        failure = self.failure
        warnings = report.warnings if report is not None else ()
        lines = [line for line in (failure, *warnings) if line]
        self.failure_line.set_class(bool(lines), "failed")
        self.failure_line.update(
            Content("\n").join(
                Content.assemble(("⚠ ", "bold"), content(line, single_line=True, limit=SENTENCE_LIMIT))
                for line in lines
            )
        )

    def paint_boards(self, report: MetricsReport) -> None:
        if [flow.board for flow in self.flows] != [figures.board for figures in report.boards]:
            self.boards.remove_children()
            self.flows = [BoardFlow(figures.board) for figures in report.boards]
            self.boards.mount_all(self.flows)
        for flow, figures in zip(self.flows, report.boards, strict=True):
            flow.show(figures, self.promise)

    def paint_incidents(self, incidents: IncidentReport) -> None:
        total = incidents.total
        owed = len(incidents.postmortems_owed)
        self.incident_counts.update(
            Content.assemble(
                (str(total.count), "bold"),
                " declared · ",
                (str(total.high_priority), "bold $error" if total.high_priority else "bold"),
                " high priority · postmortems owed ",
                (str(owed), "bold $error" if owed else "bold"),
                "\nto mitigate ",
                (summary_words(total.time_to_mitigate), "bold"),
                " · to resolve ",
                (summary_words(total.time_to_resolve), "bold"),
            )
        )
        self.incident_bars.show([(week, (f.count, f.high_priority)) for week, f in incidents.weeks])
        services: list[str | tuple[str, str] | Content] = [("By service: ", "$text-muted")]
        for index, (service, figures) in enumerate(incidents.services):
            if index:
                services.append(" · ")
            services += [content(service, single_line=True, limit=SERVICE_LIMIT), f" {figures.count}"]
        if not incidents.services:
            services.append(("none", "dim"))
        self.incident_services.update(Content.assemble(*services))

    def paint_happiness(self, happiness: HappinessReport) -> None:
        total = happiness.total
        share = "—" if total.share_up is None else f"{100 * total.share_up:.0f}%"
        self.happiness_share.update(
            Content.assemble(
                ("👍 ", ""),
                (share, "bold"),
                f" of {total.answers} answer{'s' if total.answers != 1 else ''} · {total.asked} asked",
            )
        )
        self.happiness_bars.show([(week, (f.up, f.down)) for week, f in happiness.weeks])


def fetching_words(progress: tuple[int, int] | None) -> str:
    """ "fetching history 1,234/5,000…", or without the counts before the first."""
    if progress is None:
        return "fetching history…"
    done, total = progress
    return f"fetching history {done:,}/{total:,}…"
