"""Incident events as this dashboard knows them: from #laa-ops posts (keyed by their ts, so a post read
twice is one event), and this engineer's own entries and posts not yet confirmed (keyed by their outbox
id); plus local state per incident (a snoozed reminder, the postmortem draft and its export).

The shared truth is the channel: delete the store and the incidents come back from #laa-ops.

An incident's events are forgotten together, never some of them (without its declaration a timeline
folds with another title, priority and start), once it is settled and quiet (`forget_settled_before`,
run by `Store.prune`); its local state (the export mark, the improvements) is kept, so an incident that
comes back from the channel is not owed again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from duty_tui.models import IMPROVEMENT_KEY, Incident, IncidentEvent, WriteState
from duty_tui.rules.incidents import fold, postmortem_owed
from duty_tui.rules.postmortem import Improvement
from duty_tui.store.db import Database
from duty_tui.store.rows import improvement_from_row, incident_event_from_row, incident_event_row

# How long after its last event a settled incident's timeline is kept: as long as the ticket histories the
# metrics read (`sync.history.KEEP`, their longest period of 90 days plus a margin), so every incident a
# metrics period or report within the history kept can count is still here (it counts by declaration).
RETENTION = timedelta(days=100)


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

    def forget_settled_before(self, cutoff: datetime) -> int:
        """Delete the events of every incident that is settled and whose last event is before `cutoff`;
        returns how many. Kept whatever their age: an open incident, one whose postmortem is owed (high
        priority, never exported: the debt does not lapse, `rules.incident_metrics`), and one a pending
        outbox write still posts to (its updates find their thread here, `thread_of`)."""
        with self.db.write():
            quiet = [
                row[0]
                for row in self.db.conn.execute(
                    "SELECT incident_id FROM incident_events GROUP BY incident_id HAVING max(at) < ? "
                    "AND incident_id NOT IN (SELECT key FROM outbox WHERE state = ?)",
                    [cutoff.isoformat(), WriteState.PENDING.value],
                )
            ]
            if not quiet:
                return 0
            sql = "SELECT * FROM incident_events WHERE incident_id IN ({})"
            events = [incident_event_from_row(row) for row in self.db.rows_in(sql, quiet)]
            exported = self.exported()
            settled = [incident.id for incident in fold(events) if _settled(incident, exported)]
            if not settled:
                return 0
            # executemany's rowcount is the sum over the incidents
            deleted = self.db.conn.executemany(
                "DELETE FROM incident_events WHERE incident_id = ?", [(gone,) for gone in settled]
            ).rowcount
        return int(deleted)

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

    def mark_exported(self, incident_id: str, at: datetime, path: str | None = None) -> None:
        with self.db.write():
            self.db.conn.execute(
                "INSERT INTO incident_local (incident_id, exported_at, postmortem) VALUES (?, ?, ?) "
                "ON CONFLICT (incident_id) DO UPDATE SET exported_at = excluded.exported_at, "
                "postmortem = excluded.postmortem",
                [incident_id, at.isoformat(), path],
            )

    def exported_to(self, incident_id: str) -> str | None:
        """Where its postmortem was last exported (a file path), if it was."""
        rows = self.db.rows("SELECT postmortem FROM incident_local WHERE incident_id = ?", [incident_id])
        return str(rows[0][0]) if rows and rows[0][0] else None

    # -- a postmortem's improvements ------------------------------------------------------------------

    def improvements(self, incident_id: str) -> list[Improvement]:
        # "Raising" is whether its creation is still in the outbox: never a flag that could outlive it.
        rows = self.db.rows(
            "SELECT i.id, i.incident_id, i.position, i.action, i.owner, i.owner_account, i.priority, "
            "i.status, i.ticket, (SELECT o.uid FROM outbox o WHERE o.key = ? || i.id AND o.state = 'pending' "
            "LIMIT 1) AS raising FROM incident_improvements i WHERE i.incident_id = ? ORDER BY i.position",
            [IMPROVEMENT_KEY, incident_id],
        )
        return [improvement_from_row(row) for row in rows]

    def save_improvements(self, incident_id: str, improvements: Sequence[Improvement]) -> None:
        """The list as the engineer left it, in its order. Each one's ticket is the store's own (set only
        by `raised`): a key that arrived while the list was being edited is kept, never cleared."""
        with self.db.write():
            tickets = {
                row["id"]: row["ticket"]
                for row in self.db.rows(
                    "SELECT id, ticket FROM incident_improvements WHERE incident_id = ?", [incident_id]
                )
            }
            self.db.conn.execute("DELETE FROM incident_improvements WHERE incident_id = ?", [incident_id])
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO incident_improvements (id, incident_id, position, action, owner, "
                "owner_account, priority, status, ticket, raising) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
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
                        tickets.get(item.id) or item.ticket,
                    )
                    for position, item in enumerate(improvements)
                ],
            )

    def may_raise(self, improvement_id: str, queuing: str | None = None) -> bool:
        """Whether a ticket may be raised for it now: it has none, and no creation other than `queuing`
        (the outbox id of the one being queued) is in the outbox. Run in the transaction that queues it,
        so two keypresses cannot both pass."""
        rows = self.db.rows(
            "SELECT ticket FROM incident_improvements WHERE id = ? AND ticket IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM outbox WHERE key = ? AND state = 'pending' AND uid IS NOT ?)",
            [improvement_id, IMPROVEMENT_KEY + improvement_id, queuing],
        )
        return bool(rows)

    def raised(self, improvement_id: str, key: str) -> None:
        """Jira created its ticket."""
        with self.db.write():
            self.db.conn.execute(
                "UPDATE incident_improvements SET ticket = ? WHERE id = ?",
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


def _settled(incident: Incident, exported: Collection[str]) -> bool:
    """Nothing left to do with it: resolved, and no postmortem owed (`rules.incidents.postmortem_owed`)."""
    resolved = not incident.is_open
    return resolved and not postmortem_owed(incident.priority, resolved, incident.id in exported)
