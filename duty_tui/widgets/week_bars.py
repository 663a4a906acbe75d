"""Weekly bars: one group of upright bars per ISO week, one bar per series (raised and resolved, incidents
and high-priority ones, 👍 and 👎), in the series' colours, with the weeks under them and a legend with
each series' total.

The bars are drawn in eighth blocks (▁▂▃▄▅▆▇█) on a scale from 0 to the largest value, which is written at
the top left. They are as wide as the room allows (three cells, then two, then one); when even one-cell
bars do not fit, the oldest weeks are left out and the legend says so. Labels and series names are the
caller's (trusted); nothing here is untrusted text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget

EIGHTHS = " ▁▂▃▄▅▆▇█"
GAP = 1  # cells between two weeks


@dataclass(frozen=True, slots=True)
class Series:
    """One kind of bar: its name in the legend and its (trusted) style, e.g. "$accent"."""

    label: str
    style: str


def week_label(week: str) -> str:
    """ "2026-W48" → "W48"."""
    return week.rsplit("-", 1)[-1]


def bar_cells(value: int, top: int, rows: int) -> list[str]:
    """The bar of `value` on a scale to `top`, `rows` high, as one character per row, top row first.
    A value above 0 always shows (at least ▁)."""
    if top <= 0 or value <= 0:
        return [" "] * rows
    eighths = max(1, round(value / top * rows * 8))
    return [EIGHTHS[max(0, min(8, eighths - 8 * (rows - 1 - row)))] for row in range(rows)]


class WeekBars(Widget):
    """Bars per week for some series; `show` gives the weeks and, per week, one value per series."""

    DEFAULT_CSS = """
    WeekBars { height: auto; width: 1fr; }
    """

    def __init__(
        self, series: Sequence[Series], *, rows: int = 4, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.series = tuple(series)
        self.rows = rows
        self.weeks: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def show(self, weeks: Sequence[tuple[str, Sequence[int]]]) -> None:
        """`weeks`: (ISO week, one value per series), oldest first."""
        self.weeks = tuple((week, tuple(values)) for week, values in weeks)
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return self.rows + 2  # the bars, the week labels, the legend

    def totals(self) -> list[int]:
        return [sum(values[index] for _, values in self.weeks) for index in range(len(self.series))]

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.size.width or 80))

    def lines(self, width: int) -> list[Content]:
        """The chart in `width` cells: the rows of bars, the week labels, the legend."""
        top = max((v for _, values in self.weeks for v in values), default=0)
        axis = len(str(top)) + 1
        room = max(0, width - axis)
        count = len(self.series) or 1
        bar = next((w for w in (3, 2, 1) if len(self.weeks) * (count * w + GAP) <= room), 1)
        group = count * bar + GAP
        shown = self.weeks[-max(1, room // group) :] if self.weeks else ()
        columns = [[bar_cells(v, top, self.rows) for v in values] for _, values in shown]
        lines: list[Content] = []
        for row in range(self.rows):
            label = "0" if row == self.rows - 1 else (str(top) if row == 0 and top else "")
            parts: list[str | tuple[str, str] | Content] = [(f"{label:>{axis - 1}} ", "dim")]
            for week_bars in columns:
                for index, cells in enumerate(week_bars):
                    parts.append((cells[row] * bar, self.series[index].style if index < count else ""))
                parts.append(" " * GAP)
            lines.append(Content.assemble(*parts))
        labels = "".join(week_label(week)[-(group - GAP) :].ljust(group) for week, _ in shown)
        lines.append(Content.styled(" " * axis + labels, "dim"))
        legend: list[str | tuple[str, str] | Content] = []
        for series, total in zip(self.series, self.totals(), strict=True):
            legend += [("■ ", series.style), f"{series.label} {total}  "]
        if len(shown) < len(self.weeks):
            legend.append((f"(latest {len(shown)} of {len(self.weeks)} weeks)", "dim"))
        lines.append(Content.assemble(*legend).rstrip())
        return lines
