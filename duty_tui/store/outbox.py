"""The outbox: every write the engineer makes, stored before it is sent, until Jira confirms it.

The optimistic change is not stored separately: it is derived from the pending writes whenever
tickets are read (`overlay`), so recording a write and its optimistic effect is one insert, and
undoing a refused write is marking it failed. When Jira confirms a write, its effect is applied
to the cached ticket, so the row does not flicker back before the next poll.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from duty_tui.models import Person, Ticket, Write, WriteKind, WriteState
from duty_tui.rules.actions import Reached, effects, with_writes

if TYPE_CHECKING:
    import sqlite_utils

PAYLOAD_FIELDS = (
    "actor_id", "actor", "assignee_id", "assignee", "to_status_id", "to_status", "to_category", "body",
    "expected_assignee_id", "expected_status", "expected_status_id",
)  # fmt: skip


class OutboxTables:
    """Outbox and people-cache methods of `Store` (a mixin: it uses the store's lock and connection)."""

    if TYPE_CHECKING:
        _lock: threading.RLock
        _conn: sqlite3.Connection

        def _write(self) -> AbstractContextManager[sqlite_utils.Database]: ...

        def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...

        def _boards_of(self, keys: Iterable[str]) -> dict[str, frozenset[int]]: ...

        def ticket(self, key: str) -> Ticket | None: ...

        def _select_in(
            self, sql: str, values: Iterable[str], params: Sequence[Any] = ()
        ) -> Iterator[sqlite3.Row]: ...

    # -- queueing -------------------------------------------------------------------------------

    def enqueue(self, writes: Sequence[Write]) -> list[Write]:
        """Store writes (one keypress) in one transaction, before anything is sent."""
        stored: list[Write] = []
        with self._write():
            for write in writes:
                cursor = self._conn.execute(
                    "INSERT INTO outbox (uid, batch, kind, key, payload, state, attempts, next_attempt_at, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    [
                        write.uid,
                        write.batch,
                        write.kind.value,
                        write.key,
                        _payload(write),
                        WriteState.PENDING.value,
                        write.created_at.isoformat(),
                        write.created_at.isoformat(),
                    ],
                )
                stored.append(replace(write, id=cursor.lastrowid, next_attempt_at=write.created_at))
        return stored

    def pending_writes(self, key: str | None = None) -> list[Write]:
        if key is None:
            rows = self._rows("SELECT * FROM outbox WHERE state = ? ORDER BY id", [WriteState.PENDING.value])
        else:
            rows = self._rows(
                "SELECT * FROM outbox WHERE state = ? AND key = ? ORDER BY id",
                [WriteState.PENDING.value, key],
            )
        return [_write_from(row) for row in rows]

    def next_write(self) -> Write | None:
        """The oldest pending write: writes go out in the order the engineer made them."""
        rows = self._rows(
            "SELECT * FROM outbox WHERE state = ? ORDER BY id LIMIT 1", [WriteState.PENDING.value]
        )
        return _write_from(rows[0]) if rows else None

    def count_pending(self) -> int:
        return int(
            self._rows("SELECT count(*) FROM outbox WHERE state = ?", [WriteState.PENDING.value])[0][0]
        )

    def write(self, uid: str) -> Write | None:
        rows = self._rows("SELECT * FROM outbox WHERE uid = ?", [uid])
        return _write_from(rows[0]) if rows else None

    # -- progress -------------------------------------------------------------------------------

    def record_attempt(self, write: Write) -> Write:
        """Count the attempt before sending: after a crash, attempts > 0 means "check Jira first"."""
        with self._write():
            self._conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", [write.id])
        return replace(write, attempts=write.attempts + 1)

    def retry_later(self, write: Write, error: str, at: datetime) -> Write:
        with self._write():
            self._conn.execute(
                "UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?",
                [error, at.isoformat(), write.id],
            )
        return replace(write, last_error=error, next_attempt_at=at)

    def complete(
        self, write: Write, at: datetime, listed: Callable[[Ticket], bool], reached: Reached | None = None
    ) -> None:
        """Jira has the write: mark it sent and apply it to the cached ticket in one transaction."""
        with self._write():
            self._conn.execute(
                "UPDATE outbox SET state = ?, done_at = ?, last_error = NULL, reached = ? WHERE id = ?",
                [WriteState.SENT.value, at.isoformat(), _reached_json(reached), write.id],
            )
            row = self._conn.execute("SELECT * FROM tickets WHERE key = ?", [write.key]).fetchone()
            if row is None:
                return
            values = _confirmed_effect(write, row, at, reached)
            if values:
                sets = ", ".join(f"{column} = ?" for column in values)
                self._conn.execute(f"UPDATE tickets SET {sets} WHERE key = ?", [*values.values(), write.key])  # noqa: S608 - column names are ours
            ticket = self.ticket(write.key)
            if ticket is not None and not listed(ticket):
                self._conn.execute("DELETE FROM board_tickets WHERE key = ?", [write.key])

    def fail(self, write: Write, reason: str, at: datetime) -> list[Write]:
        """Jira refused the write for good: fail it, and cancel what assumed it would land.

        That is the rest of its keypress, and any later assignment or move of the same ticket (each
        was checked against the state this write would have made); later comments still go.
        """
        with self._write():
            self._conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?, done_at = ? WHERE id = ?",
                [WriteState.FAILED.value, reason, at.isoformat(), write.id],
            )
            rows = self._conn.execute(
                "SELECT * FROM outbox WHERE state = ? AND id > ? AND (batch = ? OR (key = ? AND kind != ?)) "
                "ORDER BY id",
                [WriteState.PENDING.value, write.id, write.batch, write.key, WriteKind.COMMENT.value],
            ).fetchall()
            self._conn.executemany(
                "UPDATE outbox SET state = ?, last_error = ?, done_at = ? WHERE id = ?",
                [
                    (WriteState.CANCELLED.value, f"not sent: {reason}", at.isoformat(), row["id"])
                    for row in rows
                ],
            )
        return [_write_from(row) for row in rows]

    def send_now(self, at: datetime) -> None:
        """Bring every waiting write forward (Jira is back, or the engineer pressed refresh)."""
        with self._write():
            self._conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE state = ? AND next_attempt_at > ?",
                [at.isoformat(), WriteState.PENDING.value, at.isoformat()],
            )

    # -- the optimistic view --------------------------------------------------------------------

    def overlay(self, tickets: list[Ticket]) -> list[Ticket]:
        """Tickets as the engineer should see them: the stored state plus their pending writes."""
        if not tickets:
            return tickets
        pending: dict[str, list[Write]] = {}
        for write in self.pending_writes():
            pending.setdefault(write.key, []).append(write)
        if not pending:
            return tickets
        return [with_writes(t, pending[t.key]) if t.key in pending else t for t in tickets]

    def keep_confirmed(self, incoming: dict[str, Ticket], since: datetime) -> dict[str, Ticket]:
        """Polled tickets, with the writes Jira confirmed re-applied where the poll's data predates them.

        Jira's search index lags behind its writes (and a poll may have read Jira just before the
        outbox wrote): without this a confirmed take would flicker back to "unassigned, To Do" and
        invite a second one. A write stays applied while the polled `updated` is not newer than the
        ticket's `updated` just before the write, both on Jira's clock.
        """
        sql = (
            "SELECT * FROM outbox WHERE state = ? AND done_at >= ? AND reached IS NOT NULL "
            "AND key IN ({}) ORDER BY id"
        )
        for row in self._select_in(sql, list(incoming), [WriteState.SENT.value, since.isoformat()]):
            write, reached = _write_from(row), _reached_from(row["reached"])
            ticket = incoming[write.key]
            if (
                reached is not None
                and reached.before_updated is not None
                and ticket.updated <= reached.before_updated
            ):
                incoming[write.key] = replace(ticket, **effects(write, ticket, ticket.updated, reached))
        return incoming

    # -- people (the assign picker's cache) -------------------------------------------------------

    def save_people(self, people: Iterable[Person], fetched_at: datetime) -> None:
        rows = [(p.account_id, p.name, p.email, fetched_at.isoformat()) for p in people]
        if not rows:
            return
        with self._write():
            self._conn.executemany(
                "INSERT INTO jira_people (account_id, name, email, fetched_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(account_id) DO UPDATE SET name = excluded.name, email = excluded.email, "
                "fetched_at = excluded.fetched_at",
                rows,
            )

    def people(self, team: frozenset[str] = frozenset()) -> list[Person]:
        return [
            Person(
                account_id=row["account_id"],
                name=row["name"],
                email=row["email"],
                is_team=row["account_id"] in team,
                last_used=datetime.fromisoformat(row["last_used"]) if row["last_used"] else None,
            )
            for row in self._rows("SELECT * FROM jira_people ORDER BY name")
        ]

    def mark_used(self, person: Person, at: datetime) -> None:
        with self._write():
            self._conn.execute(
                "INSERT INTO jira_people (account_id, name, email, last_used, fetched_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET last_used = excluded.last_used",
                [person.account_id, person.name, person.email, at.isoformat(), at.isoformat()],
            )


def _payload(write: Write) -> str:
    values = asdict(write)
    return json.dumps({name: values[name] for name in PAYLOAD_FIELDS}, ensure_ascii=False)


def _write_from(row: sqlite3.Row) -> Write:
    payload = json.loads(row["payload"])
    return Write(
        uid=row["uid"],
        batch=row["batch"],
        kind=WriteKind(row["kind"]),
        key=row["key"],
        created_at=datetime.fromisoformat(row["created_at"]),
        state=WriteState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]),
        last_error=row["last_error"],
        id=row["id"],
        **{name: payload.get(name) for name in PAYLOAD_FIELDS},
    )


def _reached_json(reached: Reached | None) -> str | None:
    if reached is None:
        return None
    values = asdict(reached)
    values["before_updated"] = reached.before_updated.isoformat() if reached.before_updated else None
    return json.dumps(values)


def _reached_from(text: str | None) -> Reached | None:
    if not text:
        return None
    values = json.loads(text)
    before = values.pop("before_updated", None)
    return Reached(**values, before_updated=datetime.fromisoformat(before) if before else None)


def _confirmed_effect(
    write: Write, row: sqlite3.Row, at: datetime, reached: Reached | None
) -> dict[str, Any]:
    """`effects` as column values for the stored ticket row."""
    from duty_tui.store.core import ticket_from_row

    changes = effects(write, ticket_from_row(row), at, reached)
    if "acknowledged_at" in changes:
        changes["acknowledged_at"] = changes["acknowledged_at"].isoformat()
    return changes
