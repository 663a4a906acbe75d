"""Ticket histories (`rules.flow_history.TicketHistory`), the cache the flow metrics are worked out from:
one row per ticket, upserted by key as the history fetch (`sync.history`) reads them from Jira.

A row is the ticket's key, board and last update (for forgetting), and the rest as one compact JSON
document: the metrics always read every ticket whole, so there is nothing to gain from a table per
entry, and one document per ticket loads 5,000 tickets of 20 entries each in a fraction of a second.
In the document, times are UTC ISO 8601 to the microsecond (exact both ways, and the fastest to read
back), each ticket's statuses are listed once and referred to by position, and an entry leaves out its
trailing empty parts; the `updated` column is microseconds since the epoch, for `forget_before`.
Statuses and moves are shared between tickets as they are read back, so a large cache holds a few of
them, not one per entry.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from duty_tui.collector import collector_paused
from duty_tui.rules.flow_history import (
    AssigneeItem,
    BoardItem,
    CommentEntry,
    HistoryEntry,
    Status,
    StatusItem,
    TicketHistory,
)
from duty_tui.store.db import Database

FORMAT = 1  # the document's layout; a row of another layout is skipped (refetched by the next fetch)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


GENERATION = "history.generation"  # meta: bumped by every change to the table, by any process


class TicketHistories:
    def __init__(self, db: Database) -> None:
        self.db = db
        # The last histories read back, with the generation they were read at: switching the metrics
        # screen's period reads them again, and reading 5,000 tickets back costs half a second.
        self._read: tuple[str, list[TicketHistory]] | None = None
        self._lock = threading.Lock()

    def tickets(self) -> list[TicketHistory]:
        """Every cached ticket history, by key (read again only when the table changed since the last read,
        here or in another duty-tui on the same data dir)."""
        with self._lock:
            generation = self._generation()
            if self._read is not None and self._read[0] == generation:
                return list(self._read[1])
            rows = self.db.rows("SELECT key, board, data FROM ticket_histories ORDER BY key")
            reader = _Reader()
            with collector_paused():
                found = [
                    t for t in (reader.ticket(key, board, data) for key, board, data in rows) if t is not None
                ]
            self._read = (generation, found)
            return list(found)

    def _generation(self) -> str:
        rows = self.db.rows("SELECT value FROM meta WHERE key = ?", [GENERATION])
        return str(rows[0][0]) if rows else ""

    def _bump(self) -> None:
        """Inside a write: the table changed (a fresh random token: two processes never agree by chance)."""
        self.db.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [GENERATION, uuid.uuid4().hex],
        )

    def save(self, histories: Iterable[TicketHistory], fetched_at: datetime) -> None:
        """Insert or replace each ticket's history (by key), all in one transaction."""
        stamp = fetched_at.isoformat()
        rows = [
            (t.key, t.board, _micros(max(t.updates())), stamp, int(t.history_complete), _pack(t))
            for t in histories
        ]
        if not rows:
            return
        with self.db.write():
            self.db.conn.executemany(
                "INSERT INTO ticket_histories (key, board, updated, fetched_at, complete, data) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET board = excluded.board, "
                "updated = excluded.updated, fetched_at = excluded.fetched_at, "
                "complete = excluded.complete, data = excluded.data",
                rows,
            )
            self._bump()

    def forget_before(self, moment: datetime) -> int:
        """Forget the tickets last updated (created, a history, a comment) before `moment`; how many."""
        with self.db.write():
            cursor = self.db.conn.execute("DELETE FROM ticket_histories WHERE updated < ?", [_micros(moment)])
            if cursor.rowcount:
                self._bump()
            return cursor.rowcount

    def count(self) -> int:
        return int(self.db.rows("SELECT count(*) FROM ticket_histories")[0][0])


# -- the document ---------------------------------------------------------------------------------------


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _at(moment: datetime) -> str:
    """UTC ISO 8601 to the microsecond: exact, and `datetime.fromisoformat` (C) reads it back fastest."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _pack(ticket: TicketHistory) -> str:
    statuses: dict[Status, int] = {}

    def ref(status: Status) -> int:
        return statuses.setdefault(status, len(statuses))

    current = ref(ticket.status)
    entries: list[list[Any]] = []
    for entry in ticket.history:
        parts: list[Any] = [_at(entry.at), entry.by]
        if entry.status is not None:
            old = entry.status.old
            parts.append([ref(old) if old is not None else None, ref(entry.status.new)])
        else:
            parts.append(None)
        parts.append([entry.assignee.old, entry.assignee.new] if entry.assignee else None)
        parts.append([entry.board.old, entry.board.new] if entry.board else None)
        while parts[-1] is None:
            parts.pop()
        entries.append(parts)
    document = {
        "v": FORMAT,
        "c": _at(ticket.created),
        "s": current,
        "t": [[s.id, s.name, s.category] for s in statuses],
        "h": entries,
        "m": [[_at(c.created), c.author_id] for c in ticket.comments],
        "x": ticket.history_complete,
    }
    return json.dumps(document, separators=(",", ":"))


class _Reader:
    """Reads documents back, sharing equal statuses and items between tickets: a large cache repeats the
    same few moves (To Do → In Progress, assigned to one of a handful of people) thousands of times."""

    def __init__(self) -> None:
        self.statuses: dict[tuple[str, str, str], Status] = {}
        self.moves: dict[tuple[int, int], StatusItem] = {}
        self.assignees: dict[tuple[str | None, str | None], AssigneeItem] = {}
        self.boards: dict[tuple[str, str], BoardItem] = {}

    def ticket(self, key: str, board: str, data: str) -> TicketHistory | None:
        try:
            document = json.loads(data)
            if document.get("v") != FORMAT:
                return None
            table = [self._status(*parts) for parts in document["t"]]
            return TicketHistory(
                key=key,
                board=board,
                created=_fromiso(document["c"]),
                status=table[document["s"]],
                history=tuple([self._entry(parts, table) for parts in document["h"]]),
                comments=tuple([CommentEntry(_fromiso(at), author) for at, author in document["m"]]),
                history_complete=bool(document["x"]),
            )
        except (ValueError, KeyError, IndexError, TypeError):  # damaged: the next full fetch rewrites it
            return None

    def _status(self, status_id: str, name: str, category: str) -> Status:
        key = (status_id, name, category)
        found = self.statuses.get(key)
        if found is None:
            found = self.statuses[key] = Status(status_id, name, category)
        return found

    def _entry(self, parts: list[Any], table: list[Status]) -> HistoryEntry:
        size = len(parts)
        at = _fromiso(parts[0])
        if size <= 2:  # an update that changed nothing the flow reads (the most common)
            return HistoryEntry(at, parts[1] if size == 2 else None)
        status = self._move(table, parts[2]) if parts[2] else None
        assignee = self._assignee(parts[3]) if size > 3 and parts[3] else None
        moved = self._board(parts[4]) if size > 4 and parts[4] else None
        return HistoryEntry(at, parts[1], status, assignee, moved)

    def _move(self, table: list[Status], refs: list[Any]) -> StatusItem:
        old, new = refs  # positions in the ticket's status table; no `old` when Jira named no source
        before, after = (table[old] if old is not None else None), table[new]
        key = (id(before), id(after))  # statuses are shared (`_status`) and kept alive: identity is enough
        found = self.moves.get(key)
        if found is None:
            found = self.moves[key] = StatusItem(before, after)
        return found

    def _assignee(self, pair: list[str | None]) -> AssigneeItem:
        key = (pair[0], pair[1])
        found = self.assignees.get(key)
        if found is None:
            found = self.assignees[key] = AssigneeItem(*key)
        return found

    def _board(self, pair: list[str]) -> BoardItem:
        key = (pair[0], pair[1])
        found = self.boards.get(key)
        if found is None:
            found = self.boards[key] = BoardItem(*key)
        return found


_fromiso = datetime.fromisoformat
