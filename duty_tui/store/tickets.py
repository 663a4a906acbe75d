"""The cached tickets, which configured boards list them, and the boards' own settings.

A ticket is read as the engineer should see it: the stored state plus the effect of their writes
still in the outbox (the optimistic view). A poll is stored board by board; what it changed in the
set of listed tickets is worked out in the same transaction, so the UI is told exactly that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from duty_tui.models import BoardInfo, Service, Ticket, Write
from duty_tui.rules.actions import Reached, effects, with_writes
from duty_tui.store.db import Database
from duty_tui.store.outbox import Outbox
from duty_tui.store.rows import (
    board_from_row,
    board_row,
    ticket_columns,
    ticket_fingerprint,
    ticket_from_row,
    ticket_row,
)

CONFIRMED_WINDOW = timedelta(hours=1)  # how long a confirmed write can outrank a lagging search
Listed = Callable[[Ticket], bool]


@dataclass(frozen=True, slots=True)
class TicketChanges:
    """What one board poll changed in the listed tickets."""

    changed: tuple[Ticket, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)


class Tickets:
    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox

    # -- boards ---------------------------------------------------------------------------------

    def board_info(self, board_id: int) -> BoardInfo | None:
        rows = self.db.rows("SELECT * FROM boards WHERE id = ?", [board_id])
        return board_from_row(rows[0]) if rows else None

    def save_board_info(self, info: BoardInfo, fetched_at: datetime) -> None:
        with self.db.write() as db:
            db.table("boards").upsert(board_row(info, fetched_at), pk="id")

    # -- reading --------------------------------------------------------------------------------

    def on_list(self) -> list[Ticket]:
        """Every ticket that at least one configured board lists, with its board names."""
        rows = self.db.rows(
            "SELECT t.*, group_concat(b.name, char(31)) AS board_names FROM tickets t "
            "JOIN board_tickets bt ON bt.key = t.key JOIN boards b ON b.id = bt.board_id "
            "GROUP BY t.key"
        )
        return self._overlay([ticket_from_row(row) for row in rows])

    def get(self, key: str) -> Ticket | None:
        rows = self.db.rows(
            "SELECT t.*, (SELECT group_concat(b.name, char(31)) FROM board_tickets bt "
            "JOIN boards b ON b.id = bt.board_id WHERE bt.key = t.key) AS board_names "
            "FROM tickets t WHERE t.key = ?",
            [key],
        )
        return self._overlay([ticket_from_row(rows[0])])[0] if rows else None

    def dated(self, keys: Iterable[str]) -> tuple[dict[str, Ticket | None], int]:
        """Each key's ticket as `get` reads it, and the store's version they were read at (one reading)."""
        with self.db.lock:
            return {key: self.get(key) for key in keys}, self.db.version

    def _overlay(self, tickets: list[Ticket]) -> list[Ticket]:
        """Tickets as the engineer should see them: the stored state plus their pending writes."""
        if not tickets:
            return tickets
        pending: dict[str, list[Write]] = {}
        for write in self.outbox.pending():
            if write.service is Service.JIRA:  # tickets are Jira's; a Slack write is not on a ticket
                pending.setdefault(write.key, []).append(write)
        if not pending:
            return tickets
        return [with_writes(t, pending[t.key]) if t.key in pending else t for t in tickets]

    # -- a poll ---------------------------------------------------------------------------------

    def save_board_poll(
        self,
        board_id: int,
        tickets: Sequence[Ticket],
        *,
        full: bool,
        listed: Listed,
        seen_at: datetime,
    ) -> TicketChanges:
        """Store one board's poll and work out what changed in the listed set.

        `full` polls (reconciles) list the whole board, so anything not in them leaves it;
        incremental polls only say something about the tickets they return.
        """
        with self.db.write() as db:
            incoming = self._keep_acknowledgements({t.key: t for t in tickets})
            incoming = self._keep_confirmed(incoming, seen_at - CONFIRMED_WINDOW)
            before_members = {
                r[0] for r in self.db.rows("SELECT key FROM board_tickets WHERE board_id = ?", [board_id])
            }
            fresh_members = {key for key, t in incoming.items() if listed(t)}
            after_members = fresh_members if full else (before_members - incoming.keys()) | fresh_members
            affected = set(incoming) | (before_members - after_members)
            old_boards = self._boards_of(affected)
            old_prints = self._fingerprints(incoming)
            rows = [
                ticket_row(t, seen_at)
                for t in incoming.values()
                if old_prints.get(t.key) != ticket_fingerprint(t)
            ]
            if rows:
                db.table("tickets").upsert_all(rows, pk="key")
            gone = before_members - after_members
            self.db.conn.executemany(
                "DELETE FROM board_tickets WHERE board_id = ? AND key = ?", [(board_id, k) for k in gone]
            )
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO board_tickets (board_id, key) VALUES (?, ?)",
                [(board_id, k) for k in after_members - before_members],
            )
            new_boards = self._boards_of(affected)
        changed_keys = [
            key
            for key in affected
            if new_boards.get(key)
            and (
                new_boards.get(key) != old_boards.get(key)
                or old_prints.get(key) != ticket_fingerprint(incoming[key])
            )
        ]
        removed = tuple(sorted(key for key in affected if old_boards.get(key) and not new_boards.get(key)))
        changed = tuple(t for key in sorted(changed_keys) if (t := self.get(key)) is not None)
        return TicketChanges(changed=changed, removed=removed)

    def _boards_of(self, keys: Iterable[str]) -> dict[str, frozenset[int]]:
        result: dict[str, set[int]] = {}
        for key, board_id in self.db.rows_in(
            "SELECT key, board_id FROM board_tickets WHERE key IN ({})", keys
        ):
            result.setdefault(key, set()).add(board_id)
        return {key: frozenset(ids) for key, ids in result.items()}

    def _keep_acknowledgements(self, incoming: dict[str, Ticket]) -> dict[str, Ticket]:
        """A ticket stays acknowledged at its earliest known acknowledgement, whatever a poll says."""
        sql = (
            "SELECT key, acknowledged_at, acknowledged_by FROM tickets "
            "WHERE key IN ({}) AND acknowledged_at IS NOT NULL"
        )
        for key, at, by in self.db.rows_in(sql, incoming):
            stored = datetime.fromisoformat(at)
            ticket = incoming[key]
            if ticket.acknowledged_at is None or stored < ticket.acknowledged_at:
                incoming[key] = replace(ticket, acknowledged_at=stored, acknowledged_by=by)
        return incoming

    def _keep_confirmed(self, incoming: dict[str, Ticket], since: datetime) -> dict[str, Ticket]:
        """Polled tickets, with the writes Jira confirmed re-applied where the poll's data predates them.

        Jira's search index lags behind its writes (and a poll may have read Jira just before the
        outbox wrote): without this a confirmed take would flicker back to "unassigned, To Do" and
        invite a second one. A write stays applied while the polled `updated` is not newer than the
        ticket's `updated` just before the write, both on Jira's clock.
        """
        for write, reached in self.outbox.confirmed_since(Service.JIRA, list(incoming), since):
            ticket = incoming[write.key]
            if reached.before_updated is not None and ticket.updated <= reached.before_updated:
                incoming[write.key] = replace(ticket, **effects(write, ticket, ticket.updated, reached))
        return incoming

    def _fingerprints(self, keys: Iterable[str]) -> dict[str, str]:
        return {
            row[0]: row[1]
            for row in self.db.rows_in("SELECT key, fingerprint FROM tickets WHERE key IN ({})", keys)
        }

    # -- a confirmed write ------------------------------------------------------------------------

    def confirm(self, write: Write, at: datetime, listed: Listed, reached: Reached | None = None) -> None:
        """Jira has the write: apply it to the cached ticket, so the row does not flicker back before
        the next poll, and take the ticket off the boards' lists if it no longer belongs there."""
        with self.db.write():
            row = self.db.conn.execute("SELECT * FROM tickets WHERE key = ?", [write.key]).fetchone()
            if row is None:
                return
            values = ticket_columns(effects(write, ticket_from_row(row), at, reached))
            if values:
                sets = ", ".join(f"{column} = ?" for column in values)
                update = f"UPDATE tickets SET {sets} WHERE key = ?"  # noqa: S608 - column names are ours
                self.db.conn.execute(update, [*values.values(), write.key])
            ticket = self.get(write.key)
            if ticket is not None and not listed(ticket):
                self.db.conn.execute("DELETE FROM board_tickets WHERE key = ?", [write.key])

    # -- retention --------------------------------------------------------------------------------

    def forget_unlisted_before(self, cutoff: datetime) -> int:
        """Delete tickets no board lists that were last seen before `cutoff`; returns how many."""
        with self.db.write():
            deleted = self.db.conn.execute(
                "DELETE FROM tickets WHERE seen_at < ? AND key NOT IN (SELECT key FROM board_tickets)",
                [cutoff.isoformat()],
            ).rowcount
        return int(deleted)
