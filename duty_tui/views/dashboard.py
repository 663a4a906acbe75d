"""`DashboardScreen`: the screen the dashboard lives on, which a dialog opens over without a second frame.

Textual's `push_screen` asks the screen going under a new one to repaint itself whole (`refresh()`,
no regions). The dashboard under a dialog is painted through the dialog's dimmed background, so that
repaint reaches the dialog as a second full frame of the whole terminal, right after its first: over
a third of the UI time of opening a dialog over 5,000 tickets (110 → 69 ms median, the incident
declare dialog, both ways alternating in one process).

Nothing on the dashboard changes by going under: the first frame already painted it as it is, and
whatever changes under the dialog later (a poll, the clock) still reaches it region by region. So
that one bare `refresh()`, the first made while `push_screen` runs (`going_under`), is skipped. Every
other refresh, and a dialog pushed over a dialog, is Textual's as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from textual.geometry import Region
from textual.screen import Screen

from duty_tui.views import cropping_compositor

DEFAULT_SCREEN_ID = "_default"  # the id Textual gives the screen an app composes into


class DashboardScreen(Screen[None]):
    _going_under = False  # a class default: Screen.__init__ may refresh before ours runs

    def __init__(self) -> None:
        super().__init__(id=DEFAULT_SCREEN_ID)
        if cropping_compositor.FITS:  # a partial update renders only what it can show
            self._compositor = cropping_compositor.CroppingCompositor()

    @contextmanager
    def going_under(self) -> Iterator[None]:
        """While Textual pushes a screen over this one."""
        self._going_under = True
        try:
            yield
        finally:
            self._going_under = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if self._going_under and not regions and repaint and not layout and not recompose:
            self._going_under = False  # that one call only: any later one is someone else's
            return self  # the second frame (see the module's docstring)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
