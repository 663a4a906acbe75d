"""The messages the channel desk's workers post back to it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from textual.message import Message

from duty_tui.models import ChatMessage, Write
from duty_tui.rules.channel_actions import Board, MessageAction


class ChannelCached(Message):
    """What the store knew about the channel's work at start."""

    def __init__(
        self,
        *,
        claims: Mapping[str, Mapping[str, datetime]],
        tickets: Mapping[str, tuple[str, ...]],
        pending: list[Write],
        seen_ts: str | None,
        me: str | None,
        boards: list[Board],
    ) -> None:
        super().__init__()
        self.claims = claims
        self.tickets = tickets
        self.pending = pending
        self.seen_ts = seen_ts
        self.me = me
        self.boards = boards


class PermalinkFound(Message):
    """Slack gave a message's link (or could not: `error`), for open or copy."""

    def __init__(
        self, message: ChatMessage, action: MessageAction, url: str | None, error: str | None
    ) -> None:
        super().__init__()
        self.message = message
        self.action = action
        self.url = url
        self.error = error


class BoardsLoaded(Message):
    """The boards tickets can be raised on, read from the store (for a raise on message `ts`, if set)."""

    def __init__(self, boards: list[Board], ts: str | None) -> None:
        super().__init__()
        self.boards = boards
        self.ts = ts


class MessageReloaded(Message):
    """A message as the store has it after one of the engineer's writes to it was confirmed."""

    def __init__(self, message: ChatMessage) -> None:
        super().__init__()
        self.message = message
