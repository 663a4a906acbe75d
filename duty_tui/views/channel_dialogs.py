"""The dialogs the channel desk opens, built here so the desk never imports a view."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.content import Content
from textual.screen import Screen

from duty_tui import text
from duty_tui.models import ChatMessage, NewTicket, ReplyDraft
from duty_tui.rules.channel_actions import Board
from duty_tui.text import NameLookup
from duty_tui.widgets.content import content

PREVIEW_LIMIT = 600


class ChannelDialogs:
    def __init__(self, now: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.now = now
        self.zone = zone

    def thread(
        self, message: ChatMessage, names: NameLookup, load: Callable[[], list[ChatMessage]] | None
    ) -> Screen[None]:
        from duty_tui.views.thread import ThreadScreen

        return ThreadScreen(message, names, load, self.now, self.zone)

    def reply(
        self, message: ChatMessage, names: NameLookup, author: str, initial: ReplyDraft | None
    ) -> Screen[ReplyDraft | None]:
        from duty_tui.views.reply import ReplyScreen

        preview = text.slack_text(message.text, names, limit=PREVIEW_LIMIT)
        return ReplyScreen(preview, author, initial)

    def react(self, message: ChatMessage, names: NameLookup, already: Iterable[str]) -> Screen[str | None]:
        from duty_tui.views.react import ReactionPicker

        title = Content.assemble(
            ("React to ", "bold"),
            content(text.slack_text(message.text, names, single_line=True, limit=60).plain),
        )
        return ReactionPicker(title, already)

    def raise_ticket(
        self,
        boards: Sequence[Board],
        summary: str,
        description: str,
        priority: str,
        load_description: Callable[[], str] | None,
    ) -> Screen[NewTicket | None]:
        from duty_tui.views.raise_ticket import RaiseTicketScreen

        return RaiseTicketScreen(
            [(board.id, board.name) for board in boards],
            summary,
            description,
            default_priority=priority,
            load_description=load_description,
        )
