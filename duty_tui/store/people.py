"""The people a ticket can be assigned to, as Jira last listed them, and whom the engineer chose when
(the assign picker puts recent choices first)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from duty_tui.models import Person
from duty_tui.store.db import Database
from duty_tui.store.rows import person_from_row


class People:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, people: Iterable[Person], fetched_at: datetime) -> None:
        rows = [(p.account_id, p.name, p.email, fetched_at.isoformat()) for p in people]
        if not rows:
            return
        with self.db.write():
            self.db.conn.executemany(
                "INSERT INTO jira_people (account_id, name, email, fetched_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(account_id) DO UPDATE SET name = excluded.name, email = excluded.email, "
                "fetched_at = excluded.fetched_at",
                rows,
            )

    def all(self, team: frozenset[str] = frozenset()) -> list[Person]:
        """Everyone known, by name; `team` marks the team's members."""
        return [person_from_row(row, team) for row in self.db.rows("SELECT * FROM jira_people ORDER BY name")]

    def mark_used(self, person: Person, at: datetime) -> None:
        with self.db.write():
            self.db.conn.execute(
                "INSERT INTO jira_people (account_id, name, email, last_used, fetched_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET last_used = excluded.last_used",
                [person.account_id, person.name, person.email, at.isoformat(), at.isoformat()],
            )
