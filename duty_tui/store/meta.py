"""Sync bookkeeping, three small tables: settings learnt from the services (`meta`), where each poll
left off (`cursors`), and how each source's polling is going (`source_status`)."""

from __future__ import annotations

from duty_tui.models import SourceStatus
from duty_tui.store.db import Database
from duty_tui.store.rows import status_from_row, status_row


class KeyValues:
    """Small text values by name, in one of the two key-value tables."""

    def __init__(self, db: Database, table: str, key: str) -> None:
        self.db = db
        self.table, self.key = table, key
        self._select = f"SELECT value FROM {table} WHERE {key} = ?"  # noqa: S608 - our own names

    def get(self, name: str) -> str | None:
        rows = self.db.rows(self._select, [name])
        return str(rows[0][0]) if rows else None

    def set(self, name: str, value: str) -> None:
        with self.db.write() as db:
            db.table(self.table).upsert({self.key: name, "value": value}, pk=self.key)


def meta(db: Database) -> KeyValues:
    """Small values the sources learnt and the store keeps between runs (the engineer's Jira account,
    the channel's name, status categories), by key."""
    return KeyValues(db, "meta", "key")


def cursors(db: Database) -> KeyValues:
    """Where each poll left off, by name (e.g. a board's last poll time)."""
    return KeyValues(db, "cursors", "name")


class SourceStatuses:
    """Each source's last success, error and next try, so a restart shows them at once."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, status: SourceStatus) -> None:
        with self.db.write() as db:
            db.table("source_status").upsert(status_row(status), pk="source")

    def all(self) -> dict[str, SourceStatus]:
        return {row["source"]: status_from_row(row) for row in self.db.rows("SELECT * FROM source_status")}
