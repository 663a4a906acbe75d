"""Add a reaction: type to search emoji names, Enter picks (the `e` key of the channel pane).

With nothing typed, the duty engineer's usual answers come first, 👀 ("on it") highlighted. Typing
searches every emoji name Slack-style (``white_check_mark``, ``+1``): names starting with the text
before names containing it. The index is built once per process (``text.reaction_names``), so each
keystroke is a scan of about two thousand short strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from duty_tui import text
from duty_tui.views.dialog import Dialog
from duty_tui.views.picker import OptionPicker
from duty_tui.views.reply import safe_content
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainInput
from duty_tui.widgets.key_bar import KeyBar

# The usual answers in #laa-ops: on it, done, ok, thanks; then a few common ones.
FAVOURITES = (
    "eyes",
    "white_check_mark",
    "+1",
    "pray",
    "heavy_check_mark",
    "raised_hands",
    "tada",
    "thinking_face",
    "x",
    "warning",
    "rotating_light",
    "hourglass_flowing_sand",
    "heart",
    "fire",
)
SHOWN_LIMIT = 200  # matches listed; a short query matches hundreds and nobody scrolls that far
TITLE_LIMIT = 120


@cache
def glyphs() -> dict[str, str]:
    """Emoji name → glyph, built once (the package's tables are large; a keystroke must stay cheap)."""
    return dict(text.reaction_names())


def search(query: str, limit: int = SHOWN_LIMIT) -> list[str]:
    """Emoji names for ``query`` (colons and case ignored): prefix matches, then substring, A–Z each."""
    needle = query.strip().strip(":").lower()
    names = glyphs()
    if not needle:
        return [name for name in FAVOURITES if name in names]
    starts = [name for name in names if name.startswith(needle)]
    if len(starts) >= limit:
        return starts[:limit]
    contains = [name for name in names if needle in name and not name.startswith(needle)]
    return [*starts, *contains][:limit]


class ReactionPicker(OptionPicker, Dialog[str | None]):
    """Pick an emoji. Enter dismisses the highlighted name (no colons), Esc dismisses None."""

    DEFAULT_CSS = """
    ReactionPicker { align: center middle; }
    ReactionPicker > Vertical { width: 60; max-width: 95%; height: 70%; border: round $accent;
                                background: $surface; padding: 0 1; }
    ReactionPicker #react-title { height: auto; max-height: 2; margin-bottom: 1; }
    ReactionPicker #react-emoji { height: 1fr; border: none; padding: 0; background: $surface; }
    ReactionPicker #react-state { height: auto; color: $text-muted; }
    """
    AUTO_FOCUS = "#react-query"
    # Priority: the Input has focus (typing is the point) and binds enter and ctrl+k itself.
    BINDINGS: ClassVar[list[BindingType]] = bindings("react.pick", "react.down", "react.up", "react.cancel")

    def __init__(self, title: Content | Text | str, already: Iterable[str] = ()) -> None:
        super().__init__()
        self.title_content = safe_content(title, single_line=True, limit=TITLE_LIMIT)
        self.already = frozenset(already)
        self.shown: list[str] = []
        self.query_input = PlainInput(placeholder="Search emoji, e.g. check", id="react-query")
        self.options = OptionList(id="react-emoji")
        self.options.can_focus = False  # focus stays in the Input; the keys above move the highlight
        self.state = Static("", id="react-state")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content.assemble(("React", "bold"))
            box.border_subtitle = "Enter reacts · ↑↓ move · Esc cancels"
            yield Static(self.title_content, id="react-title")
            yield self.query_input
            yield self.state
            yield self.options
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        query = self.query_input.value
        self.shown = search(query)
        self.options.set_options(Option(self.prompt(name, glyphs()[name]), id=name) for name in self.shown)
        if self.shown:
            self.options.highlighted = 0
        self.state.display = not self.shown
        if not self.shown:
            self.state.update(Content.assemble("No emoji matches “", content(query, single_line=True), "”."))

    def prompt(self, name: str, glyph: str) -> Content:
        parts: list[Content | str | tuple[str, str]] = [glyph, "  ", f":{name}:"]
        if name in self.already:
            parts += ["  ", ("(added)", "$text-success")]
        return Content.assemble(*parts)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show()

    def highlighted_name(self) -> str | None:
        name: str | None = self.highlighted_item()
        return name
