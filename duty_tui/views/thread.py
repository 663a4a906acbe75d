"""A channel message in full, with its thread: Enter on a row of the #laa-ops pane.

The parent comes from the pane at once; the replies are read from Slack on a background thread
(`views.fetch`) (they are not cached), so a slow or failing Slack never blocks the screen: it says so in
place of the replies.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from duty_tui import text
from duty_tui.models import ChatMessage
from duty_tui.text.timefmt import day_clock
from duty_tui.views.fetch import fetch
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content


class ThreadScreen(ModalScreen[None]):
    """One message and its replies. Esc closes."""

    DEFAULT_CSS = """
    ThreadScreen { align: center middle; }
    ThreadScreen > VerticalScroll { width: 100; max-width: 95%; height: 85%; border: round $accent;
                                    background: $surface; padding: 0 1; }
    ThreadScreen .message { margin-bottom: 1; }
    ThreadScreen #replies-state { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings("view.close")

    def __init__(
        self,
        message: ChatMessage,
        directory: text.NameLookup,
        load: Callable[[], list[ChatMessage]] | None,
        now: Callable[[], datetime],
        zone: ZoneInfo,
    ) -> None:
        super().__init__()
        self.message = message
        self.directory = directory
        self.load = load  # the thread, parent first, from Slack (called off the UI thread)
        self.now = now
        self.zone = zone
        self.replies_state = Static(
            "Loading replies…" if message.reply_count else "No replies.", id="replies-state"
        )
        self.body = VerticalScroll()

    def compose(self) -> ComposeResult:
        with self.body:
            yield Static(self.render_message(self.message), classes="message")
            yield self.replies_state
        yield Footer()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        self.body.border_title = Content.assemble(("Thread", "bold"), " · #laa-ops")
        self.body.border_subtitle = "Esc closes"
        if self.message.reply_count and self.load is not None:
            self.load_replies(self.load)

    def render_message(self, message: ChatMessage) -> Content:
        author = self.directory.user_name(message.user_id) if message.user_id else None
        header = Content.assemble(
            content(author or message.bot_name or message.user_id or "(unknown)").stylize("bold"),
            (f"  {day_clock(message.sent_at, self.now(), self.zone)}", "dim"),
            (" (edited)" if message.edited else "", "dim"),
        )
        body = Content.from_rich_text(text.slack_text(message.text, self.directory))
        reactions = "  ".join(f":{r.name}: {r.count}" for r in message.reactions)
        parts: list[str | Content] = [header, "\n", body]
        if reactions:
            parts += ["\n", Content.from_rich_text(text.slack_text(reactions, self.directory)).stylize("dim")]
        return Content.assemble(*parts)

    def load_replies(self, load: Callable[[], list[ChatMessage]]) -> None:
        fetch(self, lambda: load()[1:], self.show_replies, self.show_failure)

    def show_replies(self, replies: list[ChatMessage]) -> None:
        if not replies:
            self.replies_state.update("No replies.")
            return
        self.replies_state.update(Content.assemble((f"{len(replies)} replies", "bold")))
        self.body.mount_all(Static(self.render_message(r), classes="message") for r in replies)

    def show_failure(self, error: BaseException) -> None:
        self.replies_state.update(
            Content.assemble(("Could not load the replies: ", "bold"), content(text.error_sentence(error)))
        )

    def action_close(self) -> None:
        self.dismiss(None)
