"""A read-only screen of one thing in full (a ticket, an incident) that scrolls by keys: the shared keys.

Subclasses put their content in `self.body` (a VerticalScroll). The keys jump at once rather than
animate, and are the `detail.*` bindings users remap in one place.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.containers import VerticalScroll

from duty_tui.views.dialog import Dialog
from duty_tui.widgets.bindings import bindings


class DetailScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "detail.close",
        "detail.down",
        "detail.up",
        "detail.page_down",
        "detail.page_up",
        "detail.top",
        "detail.bottom",
    )

    body: VerticalScroll

    def action_scroll(self, step: int) -> None:
        self.body.scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        if step > 0:
            self.body.scroll_page_down(animate=False)
        else:
            self.body.scroll_page_up(animate=False)

    def action_edge(self, bottom: int) -> None:
        if bottom:
            self.body.scroll_end(animate=False, immediate=True)
        else:
            self.body.scroll_home(animate=False, immediate=True)

    def action_close(self) -> None:
        self.dismiss(None)
