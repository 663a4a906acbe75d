"""ListPane: the frame shared by the tickets and channel panes.

A bordered pane holding a source banner (shown only while the source fails: stale since when,
the error in one sentence, the next try), a filter bar (shown by `/`) and a KeyedTable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, ClassVar, Self
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Input, Static

from duty_tui.models import SourceStatus
from duty_tui.text.timefmt import day_clock, duration
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainInput
from duty_tui.widgets.keyed_table import KeyedTable


class SourceBanner(Static):
    """One line saying that a source is failing, hidden while it works."""

    DEFAULT_CSS = """
    SourceBanner { display: none; height: auto; max-height: 3; padding: 0 1;
                   background: $error 20%; color: $text; }
    SourceBanner.-failing { display: block; }
    """

    def show_status(self, label: str, status: SourceStatus | None, now: datetime, zone: ZoneInfo) -> None:
        if status is None or status.ok:
            if self.has_class("-failing"):
                self.remove_class("-failing")
                self.update("")
            return
        parts: list[str | tuple[str, str] | Content] = [(f"⚠ {label} ", "bold")]
        if status.last_success is not None:
            parts.append(f"stale since {day_clock(status.last_success, now, zone)}. ")
        else:
            parts.append("not synced yet. ")
        parts.append(content(status.error or "failing"))
        if status.next_try is not None:
            parts.append((f" Next try {duration(status.next_try - now, 'until')}.", "dim"))
        self.update(Content.assemble(*parts))
        self.add_class("-failing")


class FilterBar(PlainInput):
    """The `/` filter of a list: narrows rows as you type; Esc clears it, Enter keeps it."""

    DEFAULT_CSS = """
    FilterBar { display: none; height: 1; border: none; padding: 0 1; background: $boost; }
    FilterBar.-open { display: block; }
    FilterBar:focus { border: none; background-tint: $foreground 5%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings("filter.close")

    def action_clear_filter(self) -> None:
        self.value = ""
        self.remove_class("-open")
        pane = self.parent
        if isinstance(pane, ListPane):
            pane.table.focus()


class ListPane(Vertical):
    """Banner + filter + table, with the pane number and a live count in the border title."""

    DEFAULT_CSS = """
    ListPane { height: 1fr; }
    """
    # Esc in the list clears a filter that Enter kept (in the filter bar, Esc is the bar's own key).
    BINDINGS: ClassVar[list[BindingType]] = bindings("filter.close")
    _border_lines: tuple[Region, ...] | None = None  # see _repainting_only (Textual refreshes in __init__)

    def __init__(self, number: int, title: str, table: KeyedTable[Any], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.number = number
        self.title = title
        self.table = table
        self.banner = SourceBanner()
        # A steady cursor: the bar is one line in a busy screen, and a blink would make snapshots flaky.
        self.filter_bar = FilterBar(placeholder="filter: type words to narrow the list · Esc clears")
        self.filter_bar.cursor_blink = False
        self.counts = ""
        self._titles: tuple[Content, Content | str] | None = None  # as last set: see refresh_title

    def compose(self) -> ComposeResult:
        yield self.banner
        yield self.filter_bar
        yield self.table

    def on_mount(self) -> None:
        self.refresh_title()

    def action_clear_filter(self) -> None:
        self.filter_bar.action_clear_filter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.table.filter_text)  # Esc means nothing here while nothing is filtered
        return True

    def open_filter(self) -> None:
        self.filter_bar.add_class("-open")
        self.filter_bar.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.filter_bar:
            was_filtered = bool(self.table.filter_text)
            self.table.set_filter(event.value)
            self.refresh_title()
            if bool(self.table.filter_text) != was_filtered:
                # Esc's "Clear filter" shows only while a filter is kept (`check_action`): the key bar
                # asks again only when told, and clearing the filter leaves the focus where it was.
                self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.filter_bar:
            if not event.value.strip():
                self.filter_bar.remove_class("-open")
            self.table.focus()

    def refresh_title(self) -> None:
        parts: list[str | tuple[str, str] | Content] = [(f"{self.number} ", "bold"), (self.title, "bold")]
        if self.counts:
            parts.append(f" · {self.counts}")
        title = Content.assemble(*parts)
        subtitle: Content | str = ""
        if self.table.filter_text:
            subtitle = Content.assemble(
                "filter ",
                content(self.table.filter_text),
                f" · {self.table.row_count} of {self.table.total_count}",
            )
        # A poll that changes no count must not repaint anything; one that does repaints one border line.
        if (title, subtitle) == self._titles:
            return
        old_title, old_subtitle = self._titles or (None, None)
        self._titles = (title, subtitle)
        if title != old_title:
            with self._repainting_only(top=True):
                self.border_title = title
        if subtitle != old_subtitle:
            with self._repainting_only(top=False):
                self.border_subtitle = subtitle

    @contextmanager
    def _repainting_only(self, *, top: bool) -> Iterator[None]:
        """Textual's title setters repaint the whole pane, and with it every line of the table under it
        (a take changes a count: 20 lines repainted for one): repaint only the border line instead."""
        width, height = self.outer_size
        offset = self.content_offset  # Textual places a widget's dirty regions from its content's origin
        line = 0 if top else height - 1
        self._border_lines = (Region(-offset.x, line - offset.y, width, 1),) if width and height else None
        try:
            yield
        finally:
            self._border_lines = None

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._border_lines is not None and not regions and repaint and not layout and not recompose:
            regions = self._border_lines  # the whole-pane refresh a title setter asks for: see above
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
