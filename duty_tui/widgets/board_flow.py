"""One board's ticket flow over the period: raised vs resolved per week (bars), time to acknowledge against
the promise (a gauge), time to resolution and time in To Do and In Progress (median and p90, in calendar
time with support hours beside). The board's name is untrusted: it goes through `content`."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from duty_tui import text
from duty_tui.rules.flow_figures import BoardFigures, Stats
from duty_tui.widgets.content import content
from duty_tui.widgets.promise_gauge import PromiseGauge
from duty_tui.widgets.week_bars import Series, WeekBars

NAME_LIMIT = 40
LABEL = 13  # the durations table's first column
COLUMN = 9  # and each of its figures
RAISED = Series("raised", "$accent")
RESOLVED = Series("resolved", "$success")


def span(value: timedelta | None) -> str:
    return "—" if value is None else text.duration(value, "span")


def stats_row(label: str, found: Stats) -> Content:
    """One line of the durations table: median and p90 in calendar time, then in support hours."""
    if not found.count:
        return Content.assemble(
            (label.ljust(LABEL), "$text-muted"), ("none in the period".rjust(2 * COLUMN), "dim")
        )
    cells = [
        span(v) for v in (found.elapsed.median, found.elapsed.p90, found.working.median, found.working.p90)
    ]
    return Content.assemble(
        (label.ljust(LABEL), "$text-muted"),
        (cells[0].rjust(COLUMN), "bold"),
        cells[1].rjust(COLUMN),
        (" │", "dim"),
        cells[2].rjust(COLUMN),
        cells[3].rjust(COLUMN),
    )


def stats_table(rows: list[tuple[str, Stats]]) -> Content:
    """Median and p90 of each kind of duration, in calendar time and in support hours."""
    heading = Content.styled(
        " " * LABEL
        + "median".rjust(COLUMN)
        + "p90".rjust(COLUMN)
        + " │"
        + "support hours".center(2 * COLUMN),
        "dim",
    )
    return Content("\n").join([heading, *(stats_row(label, found) for label, found in rows)])


class BoardFlow(Vertical):
    """A board's section of the metrics screen; `show` repaints it."""

    DEFAULT_CSS = """
    BoardFlow { height: auto; border: round $panel-lighten-2; border-title-color: $foreground;
                padding: 0 1; }
    BoardFlow .metrics-label { color: $text-muted; }
    BoardFlow > Static { height: auto; }
    """

    def __init__(self, board: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="metrics-section")
        self.board = board
        self.counts = Static("", classes="board-counts")
        self.bars = WeekBars((RAISED, RESOLVED), classes="board-bars")
        self.gauge = PromiseGauge(classes="board-gauge")
        self.acknowledge_label = Static("", classes="metrics-label")
        self.durations = Static("", classes="board-durations")

    def compose(self) -> ComposeResult:
        self.border_title = content(self.board or "(no board)", "bold", single_line=True, limit=NAME_LIMIT)
        yield self.counts
        yield self.bars
        yield self.acknowledge_label
        yield self.gauge
        yield self.durations

    def show(self, figures: BoardFigures, promise: timedelta) -> None:
        total = figures.total
        self.counts.update(
            Content.assemble(
                (str(total.raised), "bold"), " raised · ", (str(total.resolved), "bold"), " resolved"
            )
        )
        self.bars.show([(week, (f.raised, f.resolved)) for week, f in figures.weeks])
        self.acknowledge_label.update(
            Content.assemble("Time to acknowledge ", ("(support hours) ┃ the promise", "dim"))
        )
        acknowledge = total.time_to_acknowledge.working
        self.gauge.show(
            acknowledge.median,
            acknowledge.p90,
            promise,
            breaches=total.acknowledge_breaches,
            raised=total.raised,
        )
        self.durations.update(
            stats_table(
                [
                    ("Resolution", total.time_to_resolution),
                    ("In To Do", total.time_in_todo),
                    ("In Progress", total.time_in_progress),
                ]
            )
        )
