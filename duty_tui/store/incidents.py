"""Incident events as this dashboard knows them: from #laa-ops posts (keyed by their ts, so a post read
twice is one event), and this engineer's own entries and posts not yet confirmed (keyed by their outbox
id); plus local state per incident (a snoozed reminder, the postmortem draft and its export).

The shared truth is the channel: delete the store and the incidents come back from #laa-ops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from duty_tui.models import IncidentEvent
from duty_tui.rules.postmortem import Improvement
from duty_tui.store.db import Database
from duty_tui.store.rows import improvement_from_row, incident_event_from_row, incident_event_row


class IncidentEvents:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, events: Iterable[tuple[str, IncidentEvent]]) -> None:
        """Upsert (key, event) pairs; a confirmed post replaces the pending copy saved under its outbox id
        when the caller passes that key."""
        rows = [incident_event_row(key, event) for key, event in events]
        if rows:
            with self.db.write() as db:
                db.table("incident_events").upsert_all(rows, pk="key")

    def drop(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            with self.db.write():
                self.db.conn.executemany("DELETE FROM incident_events WHERE key = ?", [(k,) for k in keys])

    def thread_of(self, incident_id: str) -> str | None:
        """The ts of the incident's announcement (its thread), once Slack has it."""
        rows = self.db.rows(
            "SELECT ts FROM incident_events WHERE incident_id = ? AND kind = 'declared' AND ts IS NOT NULL "
            "AND pending = 0 ORDER BY at LIMIT 1",
            [incident_id],
        )
        return str(rows[0][0]) if rows else None

    def confirm(self, outbox_uid: str, ts: str) -> None:
        """A post from here reached Slack: its pending copy becomes the event Slack has, keyed by ts."""
        rows = self.db.rows("SELECT * FROM incident_events WHERE key = ?", [outbox_uid])
        if not rows:
            return
        event = replace(incident_event_from_row(rows[0]), ts=ts, pending=False)
        with self.db.write() as db:
            self.db.conn.execute("DELETE FROM incident_events WHERE key = ?", [outbox_uid])
            db.table("incident_events").upsert(incident_event_row(ts, event), pk="key")

    def all(self, since: datetime | None = None) -> list[IncidentEvent]:
        if since is None:
            rows = self.db.rows("SELECT * FROM incident_events ORDER BY at")
        else:
            rows = self.db.rows(
                "SELECT * FROM incident_events WHERE incident_id IN "
                "(SELECT incident_id FROM incident_events WHERE at >= ?) ORDER BY at",
                [since.isoformat()],
            )
        return [incident_event_from_row(row) for row in rows]

    def snooze(self, incident_id: str, until: datetime | None) -> None:
        with self.db.write():
            self.db.conn.execute(
                "INSERT INTO incident_local (incident_id, snoozed_until) VALUES (?, ?) "
                "ON CONFLICT (incident_id) DO UPDATE SET snoozed_until = excluded.snoozed_until",
                [incident_id, until.isoformat() if until else None],
            )

    def snoozes(self) -> dict[str, datetime]:
        rows = self.db.rows(
            "SELECT incident_id, snoozed_until FROM incident_local WHERE snoozed_until IS NOT NULL"
        )
        return {row[0]: datetime.fromisoformat(row[1]) for row in rows}

    def exported(self) -> set[str]:
        rows = self.db.rows("SELECT incident_id FROM incident_local WHERE exported_at IS NOT NULL")
        return {row[0] for row in rows}

    def mark_exported(self, incident_id: str, at: datetime) -> None:
        with self.db.write():
            self.db.conn.execute(
                "INSERT INTO incident_local (incident_id, exported_at) VALUES (?, ?) "
                "ON CONFLICT (incident_id) DO UPDATE SET exported_at = excluded.exported_at",
                [incident_id, at.isoformat()],
            )

    # -- a postmortem's improvements ------------------------------------------------------------------

    def improvements(self, incident_id: str) -> list[Improvement]:
        rows = self.db.rows(
            "SELECT * FROM incident_improvements WHERE incident_id = ? ORDER BY position", [incident_id]
        )
        return [improvement_from_row(row) for row in rows]

    def save_improvements(self, incident_id: str, improvements: Sequence[Improvement]) -> None:
        """The list as the engineer left it, in its order. A ticket key or a creation on its way that the
        store knows and the list does not (the key arrived while the list was being edited) is kept."""
        with self.db.write():
            known = {
                row["id"]: (row["ticket"], row["raising"])
                for row in self.db.rows(
                    "SELECT id, ticket, raising FROM incident_improvements WHERE incident_id = ?",
                    [incident_id],
                )
            }
            self.db.conn.execute("DELETE FROM incident_improvements WHERE incident_id = ?", [incident_id])
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO incident_improvements (id, incident_id, position, action, owner, "
                "owner_account, priority, status, ticket, raising) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        item.id,
                        incident_id,
                        position,
                        item.action,
                        item.owner,
                        item.owner_account,
                        item.priority,
                        item.status,
                        item.ticket or known.get(item.id, (None, None))[0],
                        known.get(item.id, (None, None))[1] if item.raising else None,
                    )
                    for position, item in enumerate(improvements)
                ],
            )

    def raising(self, improvement_id: str, outbox_uid: str | None) -> None:
        """Its ticket's creation is in the outbox (or, None: it is not any more)."""
        with self.db.write():
            self.db.conn.execute(
                "UPDATE incident_improvements SET raising = ? WHERE id = ?", [outbox_uid, improvement_id]
            )

    def raised(self, improvement_id: str, key: str) -> None:
        """Jira created its ticket."""
        with self.db.write():
            self.db.conn.execute(
                "UPDATE incident_improvements SET ticket = ?, raising = NULL WHERE id = ?",
                [key, improvement_id],
            )

    def incident_of_improvement(self, improvement_id: str) -> str | None:
        rows = self.db.rows("SELECT incident_id FROM incident_improvements WHERE id = ?", [improvement_id])
        return str(rows[0][0]) if rows else None

    def incidents_of_ticket(self, key: str) -> list[str]:
        """The incidents a ticket is linked to (their ids)."""
        rows = self.db.rows(
            "SELECT DISTINCT incident_id FROM incident_events WHERE kind = 'link' "
            "AND json_extract(body, '$.subject') = ? AND json_extract(body, '$.vendor') IS NULL",
            [key],
        )
        return [row[0] for row in rows]
