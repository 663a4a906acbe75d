"""`Dialog`: the modal screen every duty-tui dialog is, over the dashboard dimmed at the cost of a lookup.

A Textual `ModalScreen` has a translucent background, so it paints the screen beneath through
`BackgroundScreen`, which works the tint out afresh for every segment of the whole terminal: up to
two colour blends and three new styles per segment, over a thousand segments for a 200×50
dashboard, on the first frame of every dialog. The soak benchmark saw that first frame as most of
its UI-thread stalls over 50 ms (an incident update opened over a busy dashboard: 60–150 ms).

The dashboard uses a few dozen distinct styles, so `DimmedBackground` keeps each style's tint once
worked out (Textual's own rule, asked one segment at a time) and looks it up after that. Same look,
same segments. Measured alone (the declare dialog over 5,000 tickets, both ways alternating in one
process): 127–137 → 107–122 ms median UI time to open, about a tenth; the larger share of that first
frame was a second frame of the whole terminal, which `views/dashboard.py` removes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")

TINTS_KEPT = 4_096  # distinct (style, tint) pairs; a theme change or a long day starts the table again
_tints: dict[tuple[Style | None, Color], Style] = {}


class DimmedBackground(BackgroundScreen):
    """Textual's background screen, with each style's tint worked out once."""

    @classmethod
    def process_segments(cls, segments: Iterable[Segment], color: Color) -> Iterable[Segment]:
        tints = _tints
        tint_of = super().process_segments
        for segment in segments:
            text, style, control = segment
            if control:  # as Textual's own: a control segment goes through as it is
                yield segment
                continue
            key = (style, color)
            tinted = tints.get(key)
            if tinted is None:
                if len(tints) >= TINTS_KEPT:
                    tints.clear()
                (sample,) = tint_of([Segment(" ", style)], color)
                tinted = tints[key] = sample.style or Style()
            yield Segment(text, tinted, control)


class Dialog(ModalScreen[ResultType]):
    """A modal screen over the dimmed dashboard (see the module's docstring)."""

    def render(self) -> RenderableType:
        rendered = super().render()
        if type(rendered) is BackgroundScreen:
            return DimmedBackground(rendered.screen, rendered.color)
        return rendered
