"""Availability at a glance: one strip per health check, one cell per day (today on the right), its height
and colour saying how much of the day's observed time the check was up; then uptime today, over 7 and 30
days, and latency p50 / p95.

    CCMS PROD   ██████████▇█████████▂███████  today 100%  7 d 99.62%  30 d 99.9%  p50 120 ms  p95 480 ms

When the figures do not fit beside the strip they go on the line under it; when the strip does not fit
the width, each cell stands for several days (the legend says how many). Check names and failure reasons
are untrusted: they go through `content`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget

from duty_tui.widgets.content import content

NAME_LIMIT = 24
REASON_LIMIT = 80
LEVELS: tuple[tuple[float, str, str, str], ...] = (  # (at least, glyph, style, legend)
    (0.999, "█", "$success", "≥99.9%"),
    (0.99, "▇", "$warning", "≥99%"),
    (0.95, "▅", "$warning", "≥95%"),
    (0.0, "▂", "$error", "<95%"),
)
UNKNOWN = ("·", "dim")


@dataclass(frozen=True, slots=True)
class StripRow:
    """One check as the strip shows it."""

    name: str
    days: tuple[float | None, ...]  # uptime share per day, oldest first; None: no probe that day
    today: float | None
    week: float | None
    month: float | None
    p50_ms: float | None
    p95_ms: float | None
    down_now: str | None = None  # why the latest probe failed, while it does


def percent(share: float | None) -> str:
    """ "100%", "99.62%", "97.4%", "—": rounded down, so 99.996% never reads 100%."""
    if share is None:
        return "—"
    if share >= 1:
        return "100%"
    if share >= 0.99:
        return f"{math.floor(share * 10000) / 100:.2f}%"
    return f"{math.floor(share * 1000) / 10:.1f}%"


def cell(share: float | None) -> tuple[str, str]:
    if share is None:
        return UNKNOWN
    return next((glyph, style) for floor, glyph, style, _ in LEVELS if share >= floor)


def merged(days: Sequence[float | None], per_cell: int) -> list[float | None]:
    """Days taken `per_cell` at a time (the newest cell whole): the worst day of each."""
    cells: list[float | None] = []
    end = len(days)
    while end > 0:
        known = [d for d in days[max(0, end - per_cell) : end] if d is not None]
        cells.append(min(known) if known else None)
        end -= per_cell
    return cells[::-1]


def latency(p50: float | None, p95: float | None) -> str:
    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f} ms"

    return f"p50 {ms(p50)}  p95 {ms(p95)}"


class UptimeStrips(Widget):
    DEFAULT_CSS = """
    UptimeStrips { height: auto; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: tuple[StripRow, ...] = ()

    def show(self, rows: Sequence[StripRow]) -> None:
        self.rows = tuple(rows)
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.size.width or 80))

    def lines(self, width: int) -> list[Content]:
        if not self.rows:
            return [Content.styled("No health checks: add [[availability.checks]] to the config.", "dim")]
        names = [content(row.name, "bold", single_line=True, limit=NAME_LIMIT) for row in self.rows]
        name_width = max(n.cell_length for n in names) + 2
        days = max(len(row.days) for row in self.rows)
        figures = [self.figures(row) for row in self.rows]
        figures_width = max(f.cell_length for f in figures) + 2
        beside = width - name_width - figures_width
        per_cell = 1
        if days > beside:  # the strip goes under the name, as wide as the line
            room = max(1, width - 2)
            per_cell = max(1, math.ceil(days / room))
        lines: list[Content] = []
        for row, name, found in zip(self.rows, names, figures, strict=True):
            strip = Content.assemble(*(cell(share) for share in merged(row.days, per_cell)))
            if days <= beside:
                lines.append(
                    Content.assemble(name.pad_right(name_width - name.cell_length), strip, "  ", found)
                )
            else:
                lines.append(Content.assemble(name, "  ", found))
                lines.append(Content.assemble("  ", strip))
            if row.down_now is not None:
                lines.append(
                    Content.assemble(
                        " " * 2,
                        ("down now: ", "bold $error"),
                        content(row.down_now, "$error", single_line=True, limit=REASON_LIMIT),
                    )
                )
        lines.append(self.legend(per_cell))
        return lines

    def figures(self, row: StripRow) -> Content:
        return Content.assemble(
            ("today ", "dim"),
            (percent(row.today), "bold"),
            ("  7 d ", "dim"),
            (percent(row.week), "bold"),
            ("  30 d ", "dim"),
            (percent(row.month), "bold"),
            "  ",
            (latency(row.p50_ms, row.p95_ms), ""),
        )

    def legend(self, per_cell: int) -> Content:
        parts: list[str | tuple[str, str]] = []
        for _, glyph, style, label in LEVELS:
            parts += [(glyph, style), f" {label}  "]
        parts += [UNKNOWN, " no probes  "]
        unit = "day" if per_cell == 1 else f"{per_cell} days (the worst)"
        parts.append((f"one cell per {unit}, today on the right", "dim"))
        return Content.assemble(*parts)
