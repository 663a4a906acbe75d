"""Reply in a message's thread: the message replied to, a multi-line editor, and "also send to #laa-ops".

ctrl+s posts (dismisses a ReplyDraft; the caller escapes the text for Slack and queues the write),
ctrl+b ticks or unticks the broadcast box without leaving the editor, Esc cancels. As in the comment
editor, Esc never throws typed words away without asking.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Checkbox, Static

from duty_tui import text
from duty_tui.models import ReplyDraft
from duty_tui.views.comment import DiscardScreen, cancel_editing
from duty_tui.views.dialog import Dialog
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainTextArea
from duty_tui.widgets.key_bar import KeyBar

AUTHOR_LIMIT = 80
PREVIEW_LINES = 3
HINT = "ctrl+s posts · ctrl+b also to #laa-ops · Esc cancels"


def safe_content(
    value: Content | Text | str, *, single_line: bool = False, limit: int | None = None
) -> Content:
    """Whatever a caller hands a dialog to show, as literal Content with nothing a terminal acts on.

    A str goes through ``content``; a rich Text keeps its styles with its characters sanitized
    (``text.assemble``); a Content is trusted only if it is already clean, else shown as plain text.
    """
    if isinstance(value, str):
        return content(value, single_line=single_line, limit=limit)
    if isinstance(value, Text):
        return Content.from_rich_text(text.assemble(value))
    if text.sanitize(value.plain) == value.plain:
        return value
    return content(value.plain, single_line=single_line, limit=limit)


class DiscardReplyScreen(DiscardScreen):
    """ "Discard this reply? y/n", with the comment editor's keys and answers."""

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Discard this reply? ", "bold"), ("y/n", "$text-warning")))
        yield KeyBar()


class ReplyScreen(Dialog[ReplyDraft | None]):
    """The reply editor. Dismisses a ReplyDraft (text stripped) on ctrl+s, None when cancelled."""

    DEFAULT_CSS = f"""
    ReplyScreen {{ align: center middle; }}
    ReplyScreen > Vertical {{ width: 90; max-width: 95%; height: 70%; border: round $accent;
                             background: $surface; padding: 0 1; }}
    ReplyScreen #reply-author {{ height: 1; }}
    ReplyScreen #reply-preview {{ height: auto; max-height: {PREVIEW_LINES}; overflow: hidden hidden;
                                 color: $text-muted; margin-bottom: 1; }}
    ReplyScreen #reply-text {{ height: 1fr; }}
    ReplyScreen #reply-broadcast {{ height: auto; }}
    ReplyScreen #reply-hint {{ height: 1; color: $text-muted; }}
    """
    AUTO_FOCUS = "#reply-text"
    BINDINGS: ClassVar[list[BindingType]] = bindings("reply.post", "reply.broadcast", "reply.cancel")

    def __init__(
        self, message_preview: Text | Content, author: str, initial: ReplyDraft | None = None
    ) -> None:
        super().__init__()
        self.preview = safe_content(message_preview)
        self.author = author
        # A saved draft may hold pasted text: a TextArea draws what it holds, escapes included.
        draft = text.sanitize(initial.text) if initial else ""
        self.editor = PlainTextArea(draft, soft_wrap=True, show_line_numbers=False, id="reply-text")
        self.broadcast = Checkbox(
            Content("Also send to #laa-ops"), initial.broadcast if initial else False, id="reply-broadcast"
        )

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content.assemble(("Reply in thread", "bold"), " · #laa-ops")
            yield Static(
                content(self.author or "(unknown)", "bold", single_line=True, limit=AUTHOR_LIMIT),
                id="reply-author",
            )
            yield Static(self.preview, id="reply-preview")  # folded: CSS caps it at PREVIEW_LINES
            yield self.editor
            yield self.broadcast
            yield Static(HINT, id="reply-hint", markup=False)
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        self.editor.move_cursor(self.editor.document.end)  # continue a draft, not prepend to it

    def action_toggle_broadcast(self) -> None:
        self.broadcast.toggle()

    def action_post(self) -> None:
        body = self.editor.text.strip()
        if not body:
            self.notify("Write something first", severity="warning", markup=False)
            return
        self.dismiss(ReplyDraft(body, self.broadcast.value))

    def action_cancel(self) -> None:
        edited = bool(self.editor.text.strip())
        cancel_editing(self, edited=edited, ask=DiscardReplyScreen(), back_to=self.editor)
