"""A channel message in full, with its thread: Enter on a row of the #laa-ops pane.

The parent comes from the pane at once; the replies are read from Slack on a background thread
(`views.fetch`) (they are not cached), so a slow or failing Slack never blocks the screen: it says so in
place of the replies. `reload` reads the thread again (the desk calls it when a poll shows the thread
changed) and updates it in place, keyed by ts, so the reader keeps their place.
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
from textual.widgets import Static

from duty_tui import text
from duty_tui.models import ChatMessage
from duty_tui.text.timefmt import day_clock
from duty_tui.views.dialog import Dialog
from duty_tui.views.fetch import fetch
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.key_bar import KeyBar


class ThreadScreen(Dialog[None]):
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
        self.parent_view = Static(self.render_message(message), classes="message")
        self.reply_views: dict[str, Static] = {}  # by ts
        self.generation = 0  # which load is the latest: an older answer arriving late is dropped

    def compose(self) -> ComposeResult:
        with self.body:
            yield self.parent_view
            yield self.replies_state
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        self.body.border_title = Content.assemble(("Thread", "bold"), " · #laa-ops")
        self.body.border_subtitle = "Esc closes"
        if self.message.reply_count and self.load is not None:
            self.load_replies(self.load)

    def reload(self) -> None:
        """Read the thread again and update it in place (the parent too: edits, reactions)."""
        if self.load is not None:
            self.load_replies(self.load)

    def render_message(self, message: ChatMessage) -> Content:
        author = self.directory.user_name(message.user_id) if message.user_id else None
        header = Content.assemble(
            content(author or message.bot_name or message.user_id or "(unknown)").stylize("bold"),
            (f"  {day_clock(message.sent_at, self.now(), self.zone)}", "dim"),
            (" (edited)" if message.edited else "", "dim"),
        )
        body = Content.from_rich_text(text.slack_text(message.text, self.directory, zone=self.zone))
        reactions = "  ".join(f":{r.name}: {r.count}" for r in message.reactions)
        parts: list[str | Content] = [header, "\n", body]
        if reactions:
            parts += ["\n", Content.from_rich_text(text.slack_text(reactions, self.directory)).stylize("dim")]
        return Content.assemble(*parts)

    def load_replies(self, load: Callable[[], list[ChatMessage]]) -> None:
        self.generation += 1
        generation = self.generation

        def done(thread: list[ChatMessage]) -> None:
            if generation == self.generation:
                self.show_thread(thread)

        def failed(error: BaseException) -> None:
            if generation == self.generation:
                self.show_failure(error)

        fetch(self, load, done, failed)

    def show_thread(self, thread: list[ChatMessage]) -> None:
        """The parent first, then the replies; each reply's view is updated, added or removed by ts."""
        if thread and thread[0].ts == self.message.ts:
            self.message, thread = thread[0], thread[1:]
            self.parent_view.update(self.render_message(self.message))
        self.show_replies(thread)

    def show_replies(self, replies: list[ChatMessage]) -> None:
        # At the bottom (following the thread), stay there as replies arrive; anywhere else, stay put. The
        # first answer opens the thread at its top, where the parent is.
        following = bool(self.reply_views) and self.body.scroll_y >= self.body.max_scroll_y
        count = f"{len(replies)} {'reply' if len(replies) == 1 else 'replies'}"
        self.replies_state.update(Content.assemble((count, "bold")) if replies else Content("No replies."))
        fresh = {reply.ts: reply for reply in replies}
        for ts in [ts for ts in self.reply_views if ts not in fresh]:  # deleted in Slack
            self.reply_views.pop(ts).remove()
        previous: Static = self.replies_state
        for reply in replies:
            view = self.reply_views.get(reply.ts)
            if view is None:
                view = self.reply_views[reply.ts] = Static(self.render_message(reply), classes="message")
                self.body.mount(view, after=previous)
            else:
                view.update(self.render_message(reply))
            previous = view
        if following:
            self.call_after_refresh(self.body.scroll_end, animate=False, immediate=True)

    def show_failure(self, error: BaseException) -> None:
        self.replies_state.update(
            Content.assemble(("Could not load the replies: ", "bold"), content(text.error_sentence(error)))
        )

    def action_close(self) -> None:
        self.dismiss(None)
