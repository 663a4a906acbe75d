"""The happiness asks duty-tui knows of: the replies carrying `duty_tui_happiness` metadata, as Slack last
showed them (their reactions are the answers).

They are kept in the messages table, like every message, but under a key of their own (`<channel>:asks`
instead of the channel id): the channel's own rows are its top-level messages, which the pane, the
history poll's cursor and the deletion check all read, and a thread reply among them would be taken
for one. Kept as long as the channel's messages (`[store] keep_messages_days`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from duty_tui.models import ChatMessage
from duty_tui.rules.happiness import ASK_METADATA, HappinessAsk
from duty_tui.rules.happiness_asks import ask_from_message
from duty_tui.store.db import Database
from duty_tui.store.messages import Messages
from duty_tui.store.rows import message_from_row

ASKS_SUFFIX = ":asks"


def asks_key(channel: str) -> str:
    """Where a channel's asks are kept in the messages table."""
    return channel + ASKS_SUFFIX


def _ts(moment: datetime) -> str:
    return f"{int(moment.timestamp()):010d}"


class Happiness:
    def __init__(self, db: Database, messages: Messages) -> None:
        self.db = db
        self.messages = messages

    def save(self, channel: str, asks: Sequence[ChatMessage]) -> int:
        """Store the ask replies as Slack showed them (others are ignored); returns how many changed."""
        kept = [replace(m, channel=asks_key(channel)) for m in asks if ask_from_message(m) is not None]
        return len(self.messages.save(kept))

    def asks(self, since: datetime) -> list[HappinessAsk]:
        """Every ask posted since `since`, with its reactions, oldest first."""
        rows = self.db.rows(
            "SELECT * FROM messages WHERE metadata_type = ? AND ts >= ? AND channel LIKE ? ORDER BY ts",
            [ASK_METADATA, _ts(since), "%" + ASKS_SUFFIX],
        )
        found = (ask_from_message(message_from_row(row)) for row in rows)
        return [ask for ask in found if ask is not None and ask.asked_at >= since]

    def threads(self, channel: str, since: datetime) -> dict[str, str]:
        """Request ts → its ask's ts (the earliest, if two dashboards both asked), for the asks posted in
        the channel since `since`."""
        rows = self.db.rows(
            "SELECT thread_ts, ts FROM messages WHERE channel = ? AND metadata_type = ? AND ts >= ? "
            "ORDER BY ts DESC",
            [asks_key(channel), ASK_METADATA, _ts(since)],
        )
        return {thread: ts for thread, ts in rows if thread}

    def asked(self, channel: str, request_tss: Iterable[str]) -> set[str]:
        """Which of these requests have an ask stored."""
        sql = (
            "SELECT DISTINCT thread_ts FROM messages WHERE channel = ? AND metadata_type = ? "
            "AND thread_ts IN ({})"
        )
        return {row[0] for row in self.db.rows_in(sql, list(request_tss), [asks_key(channel), ASK_METADATA])}
