"""The outbox: every write the engineer makes, stored before it is sent, until its service confirms it.

Writes of every service live here (each names its service); the outbox writer in `duty_tui.sync`
sends them. The optimistic change a write makes on screen is not stored separately: the ticket
tables derive it from the pending writes whenever tickets are read, so recording a write and its
optimistic effect is one insert, and undoing a refused write is marking it failed.

A sent write is kept a while after it was confirmed (`forget_sent_before`, run by `Store.prune`); a
pending, failed or cancelled one is never forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from duty_tui.models import Service, Write, WriteKind, WriteState
from duty_tui.rules.actions import Reached
from duty_tui.store.db import Database
from duty_tui.store.rows import reached_from_json, reached_json, write_from_row, write_payload


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- queueing -------------------------------------------------------------------------------

    def enqueue(self, writes: Sequence[Write]) -> list[Write]:
        """Store writes (one keypress) in one transaction, before anything is sent."""
        stored: list[Write] = []
        with self.db.write():
            for write in writes:
                cursor = self.db.conn.execute(
                    "INSERT INTO outbox (uid, batch, kind, key, service, payload, state, attempts, "
                    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    [
                        write.uid,
                        write.batch,
                        write.kind.value,
                        write.key,
                        write.service.value,
                        write_payload(write),
                        WriteState.PENDING.value,
                        write.created_at.isoformat(),
                        write.created_at.isoformat(),
                    ],
                )
                stored.append(replace(write, id=cursor.lastrowid, next_attempt_at=write.created_at))
        return stored

    def pending(self) -> list[Write]:
        """Writes not yet confirmed, oldest first."""
        rows = self.db.rows("SELECT * FROM outbox WHERE state = ? ORDER BY id", [WriteState.PENDING.value])
        return [write_from_row(row) for row in rows]

    def count_pending(self) -> int:
        return int(
            self.db.rows("SELECT count(*) FROM outbox WHERE state = ?", [WriteState.PENDING.value])[0][0]
        )

    # -- progress -------------------------------------------------------------------------------

    def record_attempt(self, write: Write) -> Write:
        """Count the attempt before sending: after a crash, attempts > 0 means "check the service first"."""
        with self.db.write():
            self.db.conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", [write.id])
        return replace(write, attempts=write.attempts + 1)

    def retry_later(self, write: Write, error: str, at: datetime) -> Write:
        with self.db.write():
            self.db.conn.execute(
                "UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?",
                [error, at.isoformat(), write.id],
            )
        return replace(write, last_error=error, next_attempt_at=at)

    def mark_sent(
        self, write: Write, at: datetime, reached: Reached | None = None, result: str | None = None
    ) -> None:
        """The service has the write (and, for a Jira move, reports where it really took the ticket;
        for a creation, the new key)."""
        with self.db.write():
            self.db.conn.execute(
                "UPDATE outbox SET state = ?, done_at = ?, last_error = NULL, reached = ?, result = ? "
                "WHERE id = ?",
                [WriteState.SENT.value, at.isoformat(), reached_json(reached), result, write.id],
            )

    def created_in(self, batch: str) -> str | None:
        """The key of the ticket a keypress created, once Jira has confirmed it (read after a restart too)."""
        rows = self.db.rows(
            "SELECT result FROM outbox WHERE batch = ? AND kind = ? AND state = ? AND result IS NOT NULL",
            [batch, WriteKind.CREATE.value, WriteState.SENT.value],
        )
        return str(rows[0][0]) if rows else None

    def fail(self, write: Write, reason: str, at: datetime) -> list[Write]:
        """The service refused the write for good: fail it, and cancel what assumed it would land.

        That is the rest of its keypress in the same service (all of it, for a ticket that was not
        created), and any later assignment or move of the same target (each was checked against the
        state this write would have made); later comments, replies and reactions still go.
        """
        with self.db.write():
            self.db.conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?, done_at = ? WHERE id = ?",
                [WriteState.FAILED.value, reason, at.isoformat(), write.id],
            )
            # The rest of the keypress in the same service assumed this write; a new ticket's link and
            # announcement assumed the ticket. Writes to another service stand on their own (a ticket
            # Jira made keeps its link when Slack refuses the announcement).
            whole_batch = write.kind is WriteKind.CREATE
            rows = self.db.conn.execute(
                "SELECT * FROM outbox WHERE state = ? AND id > ? "
                "AND ((batch = ? AND (? OR service = ?)) OR (service = ? AND key = ? AND kind IN (?, ?))) "
                "ORDER BY id",
                [
                    WriteState.PENDING.value,
                    write.id,
                    write.batch,
                    whole_batch,
                    write.service.value,
                    write.service.value,
                    write.key,
                    WriteKind.ASSIGN.value,
                    WriteKind.TRANSITION.value,
                ],
            ).fetchall()
            self.db.conn.executemany(
                "UPDATE outbox SET state = ?, last_error = ?, done_at = ? WHERE id = ?",
                [
                    (WriteState.CANCELLED.value, f"not sent: {reason}", at.isoformat(), row["id"])
                    for row in rows
                ],
            )
        return [write_from_row(row) for row in rows]

    def send_now(self, at: datetime) -> None:
        """Bring every waiting write forward (the service is back, or the engineer pressed refresh)."""
        with self.db.write():
            self.db.conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE state = ? AND next_attempt_at > ?",
                [at.isoformat(), WriteState.PENDING.value, at.isoformat()],
            )

    def confirmed_since(
        self, service: Service, keys: Iterable[str], since: datetime
    ) -> list[tuple[Write, Reached]]:
        """Writes to these targets of `service` confirmed since `since`, with what it reported, oldest
        first."""
        sql = (
            "SELECT * FROM outbox WHERE state = ? AND service = ? AND done_at >= ? AND reached IS NOT NULL "
            "AND key IN ({}) ORDER BY id"
        )
        found: list[tuple[Write, Reached]] = []
        params = [WriteState.SENT.value, service.value, since.isoformat()]
        for row in self.db.rows_in(sql, keys, params):
            reached = reached_from_json(row["reached"])
            if reached is not None:
                found.append((write_from_row(row), reached))
        return found

    # -- retention ------------------------------------------------------------------------------

    def forget_sent_before(self, cutoff: datetime) -> int:
        """Delete writes confirmed before `cutoff` whose keypress has nothing left to send; returns how many.

        Only sent writes go: a pending one (waiting, backing off, or held by rejected credentials) is still
        to be delivered, and a failed or cancelled one is the record of what the engineer was told did not
        happen. A sent write is still read while a later write of its keypress waits (`created_in`: a
        channel ticket's link and announcement need the key its creation made, however long they wait),
        so those stay whatever their age; the caller keeps `cutoff` before the window in which
        `Tickets._keep_confirmed` re-applies confirmed writes (`tickets.CONFIRMED_WINDOW`).
        """
        with self.db.write():
            deleted = self.db.conn.execute(
                "DELETE FROM outbox WHERE state = ? AND done_at < ? "
                "AND batch NOT IN (SELECT batch FROM outbox WHERE state = ?)",
                [WriteState.SENT.value, cutoff.isoformat(), WriteState.PENDING.value],
            ).rowcount
        return int(deleted)
