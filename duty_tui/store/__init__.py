"""The SQLite store: the cache every pane paints from, the sync cursors, the outbox and local state.

What belongs here: reading and writing rows, nothing else. `db` owns the connection, its lock,
transactions and migrations (`schema`); `rows` maps models to rows and back; each other module is
one family of tables (`tickets`, `messages`, `claims`, `incidents`, `outbox`, `checklist`, `cover`,
`people`, `meta`, `probes`, `happiness`, `history`), built on `db` and `rows`, never importing back;
`Store` composes them (the tickets read the outbox's pending writes, for the optimistic view, so `Tickets`
is handed the `Outbox`; `Happiness` is handed `Messages`). The store may import `models`, `rules` (for what
a confirmed write changes) and `collector`; never `sources`, `sync`, desks or Textual (the contracts in
pyproject.toml). What several engineers must agree on never lives only here: it lives in Jira and in
#laa-ops.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from duty_tui.store.checklist import ChecklistTicks
from duty_tui.store.claims import Claims, RaisedTickets
from duty_tui.store.cover import CoverDays
from duty_tui.store.db import Database, StoreError
from duty_tui.store.happiness import Happiness
from duty_tui.store.history import TicketHistories
from duty_tui.store.incidents import RETENTION as INCIDENT_RETENTION
from duty_tui.store.incidents import IncidentEvents
from duty_tui.store.messages import ChatUsers, Messages
from duty_tui.store.meta import SourceStatuses, cursors, meta
from duty_tui.store.outbox import Outbox
from duty_tui.store.people import People
from duty_tui.store.probes import ProbeResults
from duty_tui.store.tickets import CONFIRMED_WINDOW, TicketChanges, Tickets

__all__ = ["STORE_FILE", "Store", "StoreError", "TicketChanges"]

STORE_FILE = "duty-tui.sqlite3"


class Store:
    """duty-tui's store: one file, one connection, a table family per attribute. Safe from any thread."""

    def __init__(self, path: Path) -> None:
        self.db = Database(path)
        self.meta = meta(self.db)
        self.cursors = cursors(self.db)
        self.statuses = SourceStatuses(self.db)
        self.outbox = Outbox(self.db)
        self.tickets = Tickets(self.db, self.outbox)
        self.messages = Messages(self.db)
        self.chat_users = ChatUsers(self.db)
        self.claims = Claims(self.db)
        self.raised = RaisedTickets(self.db)
        self.incidents = IncidentEvents(self.db)
        self.checklist = ChecklistTicks(self.db)
        self.cover = CoverDays(self.db)
        self.people = People(self.db)
        self.probes = ProbeResults(self.db)  # health probe results (availability)
        self.happiness = Happiness(self.db, self.messages)  # the happiness asks and their answers
        self.history = TicketHistories(self.db)  # ticket histories (the flow metrics)

    @classmethod
    def in_dir(cls, data_dir: Path) -> Store:
        return cls(data_dir / STORE_FILE)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside, across table families, commits together or not at all."""
        with self.db.transaction():
            yield

    def prune(self, now: datetime, *, keep_messages_days: int, keep_tickets_days: int) -> int:
        """Forget old messages, tickets no board lists any more, sent writes and settled incidents, in one
        transaction; returns rows deleted.

        A sent write is kept as long as the channel's messages (what most writes replied or reacted to),
        and never less than the hour a confirmed write outranks a lagging Jira search (`CONFIRMED_WINDOW`).
        A settled incident's events are kept `incidents.RETENTION` after its last one (the metrics' window).
        """
        messages_cutoff = now - timedelta(days=keep_messages_days)
        with self.transaction():
            deleted = self.messages.forget_before(messages_cutoff)
            deleted += self.tickets.forget_unlisted_before(now - timedelta(days=keep_tickets_days))
            deleted += self.outbox.forget_sent_before(min(messages_cutoff, now - CONFIRMED_WINDOW))
            return deleted + self.incidents.forget_settled_before(now - INCIDENT_RETENTION)

    def close(self) -> None:
        self.db.close()
