"""KeyBar: the keys that work here, on the bottom line, painted as one widget.

Textual's `Footer` recomposes on every change of focus or bindings: it mounts one widget per key
(about 25 on the dashboard) and styles each with CSS. On the dashboard that cost ~250 ms of the
first frame and most of the time a pane key (`1`, `2`) took. This bar shows the same thing — each
shown binding once per action, disabled ones dimmed, the command palette's key on the right —
from one `Content` line, repainted (not recomposed) when the screen's bindings change. A click
on a key presses it, as in the Footer.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import events
from textual.app import RenderResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

PALETTE_RULE = "▏"
# The shown bindings (each with whether it is enabled), and the command palette's, if shown.
Keys = tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]


class Shown(NamedTuple):
    """One key on the bar: where it is painted, for clicks."""

    start: int
    end: int
    key: str


class KeyBar(Widget, can_focus=False):
    """The screen's shown bindings, one line, docked at the bottom."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        self.shown: list[Shown] = []  # the keys painted last, left to right
        self._painted: Keys | None = None  # what `keys` said when the bar was last painted

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # While the terminal is unfocused the bindings flicker (as the Footer knows): keep the bar.
        # Textual says so on every focus change, twice as a dialog closes, mostly with the same keys as
        # before: repainting the bar then costs more than asking which keys show.
        if (
            screen.app.app_focus
            and self.is_attached
            and screen is self.screen
            and self.keys() != self._painted
        ):
            self.refresh()

    # -- what it shows ----------------------------------------------------------------------------

    def keys(self) -> Keys:
        """The shown bindings, one per action in the screen's order, and the palette's (if shown)."""
        active = self.screen.active_bindings
        seen: set[str] = set()
        shown: list[tuple[Binding, bool]] = []
        for _, binding, enabled, _ in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                shown.append((binding, enabled))
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                palette = (found.binding, found.enabled)
        return shown, palette

    def render(self) -> RenderResult:
        key_style = self.get_visual_style("key-bar--key")
        description_style = self.get_visual_style("key-bar--description")
        shown, palette = self._painted = self.keys()
        parts: list[Content] = []
        painted: list[Shown] = []
        at = 0
        for binding, enabled in shown:
            key = Content.styled(f" {self.app.get_key_display(binding)} ", key_style)
            item = key + Content.styled(f"{binding.description} ", description_style)
            if not enabled:
                item = item.stylize("dim")
            painted.append(Shown(at, at + item.cell_length, binding.key))
            parts.append(item)
            at += item.cell_length
        line = Content("").join(parts)
        if palette is not None:
            binding, enabled = palette
            tail = Content.assemble(
                (PALETTE_RULE, "dim"),
                Content.styled(self.app.get_key_display(binding), key_style),
                Content.styled(f" {binding.description} ", description_style),
            )
            room = self.size.width - tail.cell_length
            if line.cell_length > room:  # the palette's key stays; the bar's end gives way
                line = line.truncate(max(room, 0))
                painted = [item for item in painted if item.end <= room]
            start = max(room, line.cell_length)
            line = line.pad_right(start - line.cell_length) + tail
            painted.append(Shown(start, start + tail.cell_length, binding.key))
        self.shown = painted
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self.shown:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
