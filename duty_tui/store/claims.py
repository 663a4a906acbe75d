"""Who claimed which channel request and when, and which tickets were raised from which messages.

The shared facts live in Slack (a 👀 from a team member is a claim; duty-tui's reply in the thread
names the ticket). Slack does not say *when* a reaction was added, so the time a claim was first seen
(or made, for the engineer's own) is kept here; so is the ticket a message led to, learned when this
engineer raised it or when a thread was read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from duty_tui.store.db import Database


class Claims:
    def __init__(self, db: Database) -> None:
        self.db = db

    def seen(self, channel: str, claims: Iterable[tuple[str, str]], at: datetime) -> None:
        """Record (ts, user) claims at `at`, keeping the earliest time already known for each."""
        rows = [(channel, ts, user, at.isoformat()) for ts, user in claims]
        if rows:
            with self.db.write():
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO message_claims (channel, ts, user_id, at) VALUES (?, ?, ?, ?)",
                    rows,
                )

    def forget(self, channel: str, ts: str, user: str) -> None:
        """A claim that did not happen (Slack refused the 👀)."""
        with self.db.write():
            self.db.conn.execute(
                "DELETE FROM message_claims WHERE channel = ? AND ts = ? AND user_id = ?", [channel, ts, user]
            )

    def of(self, channel: str, since_ts: str) -> dict[str, dict[str, datetime]]:
        """ts → {user id → when claimed} for messages from `since_ts` on."""
        found: dict[str, dict[str, datetime]] = {}
        for ts, user, at in self.db.rows(
            "SELECT ts, user_id, at FROM message_claims WHERE channel = ? AND ts >= ?", [channel, since_ts]
        ):
            found.setdefault(ts, {})[user] = datetime.fromisoformat(at)
        return found


class RaisedTickets:
    def __init__(self, db: Database) -> None:
        self.db = db

    def link(self, channel: str, ts: str, key: str, at: datetime) -> None:
        with self.db.write():
            self.db.conn.execute(
                "INSERT OR IGNORE INTO message_tickets (channel, ts, key, at) VALUES (?, ?, ?, ?)",
                [channel, ts, key, at.isoformat()],
            )

    def of(self, channel: str, since_ts: str) -> Mapping[str, tuple[str, ...]]:
        """ts → the keys of the tickets raised from it."""
        found: dict[str, list[str]] = {}
        for ts, key in self.db.rows(
            "SELECT ts, key FROM message_tickets WHERE channel = ? AND ts >= ? ORDER BY at",
            [channel, since_ts],
        ):
            found.setdefault(ts, []).append(key)
        return {ts: tuple(keys) for ts, keys in found.items()}

    def messages_of(self, key: str) -> list[tuple[str, str]]:
        """(channel, ts) of the messages a ticket was raised from."""
        return [
            (c, t) for c, t in self.db.rows("SELECT channel, ts FROM message_tickets WHERE key = ?", [key])
        ]
