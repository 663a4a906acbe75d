"""The handover: compose one (`H`) and read the latest (the checklist item, "Latest handover" in the palette).

* HandoverScreen: the draft assembled from what the dashboard knows, in an editor, the cursor on the empty
  notes line at the end; ctrl+s posts it (the desk escapes it for Slack), Esc asks before throwing edits
  away.
* HandoverViewScreen: a handover from the channel, as Slack shows it (mrkdwn rendered, never markup), with
  who wrote it and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from duty_tui import text
from duty_tui.models import ChatMessage
from duty_tui.text.timefmt import day_clock
from duty_tui.views.comment import DiscardScreen, cancel_editing
from duty_tui.views.detail import DetailScreen
from duty_tui.views.dialog import Dialog
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainTextArea
from duty_tui.widgets.key_bar import KeyBar

BODY_LIMIT = 20_000
NAME = 60  # characters of the author's name shown


class DiscardHandoverScreen(DiscardScreen):
    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Discard this handover? ", "bold"), ("y/n", "$text-warning")))
        yield KeyBar()


class HandoverScreen(Dialog[str | None]):
    """The handover editor. Dismisses the text as written on ctrl+s, None when cancelled."""

    DEFAULT_CSS = """
    HandoverScreen { align: center middle; }
    HandoverScreen > Vertical { width: 110; max-width: 95%; height: 90%; border: round $accent;
                                background: $surface; padding: 0 1; }
    HandoverScreen TextArea { height: 1fr; }
    HandoverScreen .hint { height: auto; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings("handover.post", "handover.cancel")

    def __init__(self, draft: str, channel_name: str = "#laa-ops") -> None:
        super().__init__()
        self.draft = text.sanitize(draft)
        self.channel_name = channel_name
        self.editor = PlainTextArea(self.draft, soft_wrap=True, show_line_numbers=False, id="handover-text")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content.assemble(("Handover", "bold"), " to the next engineer")
            box.border_subtitle = "ctrl+s posts · Esc cancels"
            yield self.editor
            yield Static(
                Content.assemble(
                    "Change anything; add planned work and what the next engineer must watch on the Notes "
                    f"line. ctrl+s posts it to {self.channel_name} (once, through the outbox).",
                ),
                classes="hint",
            )
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        self.editor.focus()
        self.editor.move_cursor(self.editor.document.end)  # on the empty notes line

    def action_post(self) -> None:
        if not self.editor.text.strip():
            self.notify("The handover is empty", severity="warning", markup=False)
            return
        self.dismiss(self.editor.text)

    def action_cancel(self) -> None:
        edited = self.editor.text != self.draft
        cancel_editing(self, edited=edited, ask=DiscardHandoverScreen(), back_to=self.editor)


class HandoverViewScreen(DetailScreen):
    """The latest handover, read-only. Esc closes; j/k scroll."""

    DEFAULT_CSS = """
    HandoverViewScreen { align: center middle; }
    HandoverViewScreen > VerticalScroll { width: 110; max-width: 95%; height: 90%;
                                          border: round $accent; background: $surface; padding: 0 1; }
    HandoverViewScreen #handover-from { margin-bottom: 1; }
    """

    def __init__(
        self, message: ChatMessage, names: Mapping[str, str], *, now: datetime, zone: ZoneInfo
    ) -> None:
        super().__init__()
        self.message = message
        self.names = text.KnownNames(dict(names))
        self.now = now
        self.zone = zone
        self.body = VerticalScroll()

    def compose(self) -> ComposeResult:
        message = self.message
        author = (self.names.user_name(message.user_id) if message.user_id else None) or message.bot_name
        with self.body:
            yield Static(
                Content.assemble(
                    ("Posted ", "dim"),
                    day_clock(message.sent_at, self.now, self.zone),
                    (" by ", "dim"),
                    content(author or message.user_id or "someone", "bold", single_line=True, limit=NAME),
                ),
                id="handover-from",
            )
            yield Static(Content.from_rich_text(text.slack_text(message.text, self.names, limit=BODY_LIMIT)))
        yield KeyBar()

    def on_mount(self) -> None:
        self.body.border_title = Content.styled("Latest handover", "bold")
        self.body.border_subtitle = "j/k scroll · Esc closes"
        self.body.focus()
