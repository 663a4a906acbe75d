"""Write a comment on a ticket: a multi-line editor (the `c` key of the tickets pane).

ctrl+s posts (dismisses the text; the caller queues the write), Esc cancels. Esc never throws away
words silently: with text in the editor it asks first, in a tiny confirm box, because a duty
engineer's carefully worded reply to a service team is worth a keypress to keep.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from duty_tui import text
from duty_tui.views.dialog import Dialog
from duty_tui.views.kept import keep_installed
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainTextArea
from duty_tui.widgets.key_bar import KeyBar

SUMMARY_LIMIT = 200


class DiscardScreen(Dialog[bool]):
    """ "Discard this comment? y/n": y discards (True); n or Esc goes back to the editor (False)."""

    DEFAULT_CSS = """
    DiscardScreen { align: center middle; }
    DiscardScreen > Static { width: auto; height: auto; border: round $warning; background: $surface;
                             padding: 0 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings("comment.discard", "comment.keep")

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Discard this comment? ", "bold"), ("y/n", "$text-warning")))
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


def cancel_editing(
    screen: ModalScreen[Any], *, edited: bool, ask: ModalScreen[bool], back_to: Widget | None = None
) -> None:
    """Esc in an editor: close at once when nothing was written, else ask first (`ask`), and on "keep
    writing" go back to `back_to`. Words are never thrown away without a keypress that says so."""
    if not edited:
        screen.dismiss(None)
        return

    def answered(discard: bool | None) -> None:
        if discard:
            screen.dismiss(None)
        elif back_to is not None:
            back_to.focus()

    screen.app.push_screen(ask, answered)


class CommentScreen(Dialog[str | None]):
    """The comment editor. Dismisses the stripped text on ctrl+s, None when cancelled."""

    DEFAULT_CSS = """
    CommentScreen { align: center middle; }
    CommentScreen > Vertical { width: 90; max-width: 95%; height: 70%; border: round $accent;
                               background: $surface; padding: 0 1; }
    CommentScreen #comment-summary { height: auto; max-height: 3; margin-bottom: 1; }
    CommentScreen #comment-text { height: 1fr; }
    CommentScreen #comment-hint { height: 1; color: $text-muted; }
    """
    AUTO_FOCUS = "#comment-text"
    BINDINGS: ClassVar[list[BindingType]] = bindings("comment.post", "comment.cancel")

    def __init__(self, ticket_key: str, summary: str, initial: str = "") -> None:
        super().__init__()
        self.ticket_key = ticket_key
        self.summary = summary
        self.editor = PlainTextArea(initial, soft_wrap=True, show_line_numbers=False, id="comment-text")
        self.box = Vertical()
        self.summary_line = Static(self.summary_shown(), id="comment-summary")

    def compose(self) -> ComposeResult:
        with self.box:
            self.box.border_title = self.title_for()
            yield self.summary_line
            yield self.editor
            yield Static("ctrl+s posts · Esc cancels", id="comment-hint", markup=False)
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def title_for(self) -> Content:
        return Content.assemble(("Comment on ", "bold"), content(self.ticket_key, "bold"))

    def summary_shown(self) -> Content:
        return content(self.summary or "(no summary)", "bold", single_line=True, limit=SUMMARY_LIMIT)

    def on_mount(self) -> None:
        keep_installed(self)
        self.editor.move_cursor(self.editor.document.end)  # continue an initial draft, not prepend to it

    def reopen(self, ticket_key: str, summary: str, initial: str = "") -> None:
        """The kept editor (`views.kept`) opened again for another comment, as a new one would open."""
        self.ticket_key, self.summary = ticket_key, summary
        self.box.border_title = self.title_for()
        self.summary_line.update(self.summary_shown())
        self.editor.load_text(text.sanitize(initial))  # the last comment's words and undo history go
        self.editor.move_cursor(self.editor.document.end)
        self.set_focus(None)  # as it shows, Textual focuses AUTO_FOCUS, as for a new dialog

    def action_post(self) -> None:
        body = self.editor.text.strip()
        if not body:
            self.notify("Write something first", severity="warning", markup=False)
            return
        self.dismiss(body)

    def action_cancel(self) -> None:
        cancel_editing(self, edited=bool(self.editor.text.strip()), ask=DiscardScreen(), back_to=self.editor)
