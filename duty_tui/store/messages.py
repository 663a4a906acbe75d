"""The channel's cached messages (top-level, with their thread summaries) and the Slack user directory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from duty_tui.models import ChatMessage, ChatUser
from duty_tui.store.db import Database
from duty_tui.store.rows import (
    chat_user_from_row,
    chat_user_row,
    message_fingerprint,
    message_from_row,
    message_row,
)


class Messages:
    def __init__(self, db: Database) -> None:
        self.db = db

    def newest_ts(self, channel: str) -> str | None:
        rows = self.db.rows("SELECT max(ts) FROM messages WHERE channel = ?", [channel])
        return rows[0][0] if rows and rows[0][0] else None

    def save(self, messages: Sequence[ChatMessage]) -> tuple[ChatMessage, ...]:
        """Upsert messages; returns those that are new or differ from the stored copy."""
        if not messages:
            return ()
        with self.db.write() as db:
            stored: dict[tuple[str, str], str] = {}
            for channel in {m.channel for m in messages}:
                tss = [m.ts for m in messages if m.channel == channel]
                sql = "SELECT ts, fingerprint FROM messages WHERE channel = ? AND ts IN ({})"
                for ts, fingerprint in self.db.rows_in(sql, tss, [channel]):
                    stored[(channel, ts)] = fingerprint
            changed = [m for m in messages if stored.get((m.channel, m.ts)) != message_fingerprint(m)]
            if changed:
                db.table("messages").upsert_all((message_row(m) for m in changed), pk=("channel", "ts"))
        return tuple(changed)

    def recent(self, channel: str, *, limit: int, before_ts: str | None = None) -> list[ChatMessage]:
        """The newest `limit` messages (older than `before_ts` when given), oldest first."""
        if before_ts is None:
            rows = self.db.rows(
                "SELECT * FROM messages WHERE channel = ? ORDER BY ts DESC LIMIT ?", [channel, limit]
            )
        else:
            rows = self.db.rows(
                "SELECT * FROM messages WHERE channel = ? AND ts < ? ORDER BY ts DESC LIMIT ?",
                [channel, before_ts, limit],
            )
        return [message_from_row(row) for row in reversed(rows)]

    def get(self, channel: str, ts: str) -> ChatMessage | None:
        rows = self.db.rows("SELECT * FROM messages WHERE channel = ? AND ts = ?", [channel, ts])
        return message_from_row(rows[0]) if rows else None

    def mentioning(self, channel: str, key: str, *, limit: int = 20) -> list[ChatMessage]:
        """Cached messages whose text holds `key` (the caller checks it is the key, not a longer one),
        newest `limit`, oldest first."""
        rows = self.db.rows(
            "SELECT * FROM messages WHERE channel = ? AND instr(text, ?) > 0 ORDER BY ts DESC LIMIT ?",
            [channel, key, limit],
        )
        return [message_from_row(row) for row in reversed(rows)]

    def handover_candidates(self, channel: str, *, limit: int) -> list[ChatMessage]:
        """Cached messages that may be handovers (duty-tui's metadata, or "handover" in the first 200
        characters), newest `limit`; `rules.handover.is_handover` decides."""
        rows = self.db.rows(
            "SELECT * FROM messages WHERE channel = ? AND (metadata_type = 'duty_tui_handover' OR "
            "instr(lower(substr(text, 1, 200)), 'handover') > 0) ORDER BY ts DESC LIMIT ?",
            [channel, limit],
        )
        return [message_from_row(row) for row in rows]

    def ts_between(self, channel: str, first: str, last: str) -> list[str]:
        rows = self.db.rows(
            "SELECT ts FROM messages WHERE channel = ? AND ts >= ? AND ts <= ? ORDER BY ts",
            [channel, first, last],
        )
        return [row[0] for row in rows]

    def delete(self, channel: str, tss: Sequence[str]) -> None:
        if tss:
            with self.db.write():
                self.db.conn.executemany(
                    "DELETE FROM messages WHERE channel = ? AND ts = ?", [(channel, ts) for ts in tss]
                )

    def count(self, channel: str) -> int:
        return int(self.db.rows("SELECT count(*) FROM messages WHERE channel = ?", [channel])[0][0])

    def forget_before(self, cutoff: datetime) -> int:
        """Delete messages older than `cutoff`; returns how many."""
        ts = f"{int(cutoff.timestamp()):010d}"
        with self.db.write():
            return int(self.db.conn.execute("DELETE FROM messages WHERE ts < ?", [ts]).rowcount)


class ChatUsers:
    """Slack user id → name, warmed once from users.list and kept up to date by the poller."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, users: Iterable[ChatUser], fetched_at: datetime) -> None:
        rows = [chat_user_row(u, fetched_at) for u in users]
        if rows:
            with self.db.write() as db:
                db.table("chat_users").upsert_all(rows, pk="id")

    def all(self) -> dict[str, ChatUser]:
        return {row["id"]: chat_user_from_row(row) for row in self.db.rows("SELECT * FROM chat_users")}
