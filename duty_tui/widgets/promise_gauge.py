"""Time to acknowledge against the promise (2 support hours): a gauge with a marker at the promise.

    ██████████▒▒▒▒▒▒▒──────┃─────────────────
    0                      2h                4h
    median 42m · p90 1h 50m · breaches 3 of 24 (12.5%)

Solid to the median, shaded from the median to the 90th percentile, on a scale of twice the promise (a
▸ at the end when the 90th percentile is beyond it). Green while the 90th percentile keeps the promise,
amber when only the median does, red when the median breaks it. Durations go through the one duration
formatter; nothing shown here is untrusted text.
"""

from __future__ import annotations

from datetime import timedelta

from textual.content import Content
from textual.widget import Widget

from duty_tui import text

SCALE = 2  # the gauge runs to this many times the promise
MARKER = "┃"


def share(part: int, whole: int) -> str:
    """ "3 of 24 (12.5%)"."""
    if not whole:
        return f"{part} of 0"
    return f"{part} of {whole} ({100 * part / whole:.3g}%)"


class PromiseGauge(Widget):
    DEFAULT_CSS = """
    PromiseGauge { height: 3; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.promise = timedelta(hours=2)
        self.median: timedelta | None = None
        self.p90: timedelta | None = None
        self.breaches = 0
        self.raised = 0

    def show(
        self,
        median: timedelta | None,
        p90: timedelta | None,
        promise: timedelta,
        *,
        breaches: int,
        raised: int,
    ) -> None:
        self.median, self.p90, self.promise = median, p90, promise
        self.breaches, self.raised = breaches, raised
        self.refresh()

    def style(self) -> str:
        if self.median is None:
            return "dim"
        if self.median > self.promise:
            return "$error"
        if self.p90 is not None and self.p90 > self.promise:
            return "$warning"
        return "$success"

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.size.width or 60))

    def lines(self, width: int) -> list[Content]:
        cells = max(8, width - 1)
        scale = self.promise * SCALE

        def at(value: timedelta | None) -> int:
            if value is None or scale <= timedelta(0):
                return 0
            return min(cells, round(value / scale * cells))

        solid, shaded, mark = at(self.median), at(self.p90), min(cells - 1, at(self.promise))
        bar: list[tuple[str, str]] = []
        for cell in range(cells):
            if cell == mark:
                bar.append((MARKER, "bold $text"))
            elif cell < solid:
                bar.append(("█", self.style()))
            elif cell < shaded:
                bar.append(("▒", self.style()))
            else:
                bar.append(("─", "dim"))
        beyond = self.p90 is not None and self.p90 > scale
        bar.append(("▸", self.style()) if beyond else (" ", ""))
        promise_label = text.duration(self.promise, "age")
        scale_label = text.duration(scale, "age")
        ruler = list("0".ljust(cells + 1))
        for offset, label in ((mark, promise_label), (cells + 1 - len(scale_label), scale_label)):
            start = max(0, min(offset, cells + 1 - len(label)))
            ruler[start : start + len(label)] = label
        breaches = Content.assemble(
            " · breaches ", (share(self.breaches, self.raised), "$error" if self.breaches else "")
        )
        if self.median is None:
            figures = Content.assemble(("none acknowledged", "dim"), breaches)
        else:
            p90 = text.duration(self.p90, "span") if self.p90 is not None else "—"
            figures = Content.assemble(
                "median ", (text.duration(self.median, "span"), "bold"), " · p90 ", (p90, "bold"), breaches
            )
        return [Content.assemble(*bar), Content.styled("".join(ruler), "dim"), figures]
