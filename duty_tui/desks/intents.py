"""What the panes ask of the desks: intents, posted by a pane and handled by the desk that owns it.

Kept apart from the desks themselves so a pane can post one without importing what the desk works
with (the store, the sources); each desk handles its own intents and stops them there.
"""

from __future__ import annotations

from textual.message import Message

from duty_tui.rules.actions import TicketAction
from duty_tui.rules.channel_actions import MessageAction


class TicketIntent(Message):
    """The engineer pressed a ticket key on a row: the ticket desk decides what it means and records it."""

    def __init__(self, action: TicketAction, key: str) -> None:
        super().__init__()
        self.action = action
        self.key = key


class MessageIntent(Message):
    """The engineer pressed a channel key on a message: the channel desk decides what it means."""

    def __init__(self, action: MessageAction, ts: str) -> None:
        super().__init__()
        self.action = action
        self.ts = ts


class ThreadWanted(Message):
    """Enter on a channel message: the channel desk opens its thread."""

    def __init__(self, ts: str) -> None:
        super().__init__()
        self.ts = ts


class OlderMessagesWanted(Message):
    """The cursor tried to go above the oldest message shown: the channel desk reads older ones."""

    def __init__(self, before_ts: str) -> None:
        super().__init__()
        self.before_ts = before_ts


class ChannelRead(Message):
    """The engineer left the channel pane having seen everything up to `ts`: the unread marker moves there."""

    def __init__(self, ts: str) -> None:
        super().__init__()
        self.ts = ts
