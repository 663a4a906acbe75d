"""Sync bookkeeping: settings learnt from the services (`meta`), where each poll left off (`cursors`),
and how each source's polling is going (`source_status`)."""

from __future__ import annotations

from duty_tui.models import SourceStatus
from duty_tui.store.db import Database
from duty_tui.store.rows import status_from_row, status_row


class Meta:
    """Small values the sources learnt and the store keeps between runs (the engineer's Jira account,
    the channel's name, status categories), by key."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str) -> str | None:
        rows = self.db.rows("SELECT value FROM meta WHERE key = ?", [key])
        return str(rows[0][0]) if rows else None

    def set(self, key: str, value: str) -> None:
        with self.db.write() as db:
            db.table("meta").upsert({"key": key, "value": value}, pk="key")


class Cursors:
    """Where each poll left off, by name (e.g. a board's last poll time)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, name: str) -> str | None:
        rows = self.db.rows("SELECT value FROM cursors WHERE name = ?", [name])
        return str(rows[0][0]) if rows else None

    def set(self, name: str, value: str) -> None:
        with self.db.write() as db:
            db.table("cursors").upsert({"name": name, "value": value}, pk="name")


class SourceStatuses:
    """Each source's last success, error and next try, so a restart shows them at once."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, status: SourceStatus) -> None:
        with self.db.write() as db:
            db.table("source_status").upsert(status_row(status), pk="source")

    def all(self) -> dict[str, SourceStatus]:
        return {row["source"]: status_from_row(row) for row in self.db.rows("SELECT * FROM source_status")}
