"""The Jira poller: the unassigned (and the engineer's own) not-done tickets of every configured board.

Each cycle runs one search per board: incremental (updated in the last N minutes, N measured from
the previous successful poll plus an overlap, evaluated on Jira's clock) or, on the first cycle
and then every `reconcile_minutes`, a full listing that also drops tickets that left the board.
Everything is fetched first and written in one transaction, so a cycle that fails half-way
writes nothing and the next one starts from the same place.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from duty_tui.clock import Clock
from duty_tui.config import BoardConfig, JiraConfig, StoreConfig
from duty_tui.models import BoardInfo, Service, SourceStatus, Ticket
from duty_tui.rules.listing import listed
from duty_tui.rules.sla import Event, first_acknowledgement
from duty_tui.sources.errors import PollCancelled
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.jira.jql import board_jql
from duty_tui.store import Store
from duty_tui.sync.account import JiraAccount
from duty_tui.sync.outcomes import TicketsPolled

INCREMENTAL_OVERLAP_MINUTES = 2
BOARD_INFO_MAX_AGE = timedelta(hours=1)
PRUNE_EVERY = timedelta(hours=1)


class JiraPoller:
    source = Service.JIRA

    def __init__(
        self,
        jira: JiraSource,
        account: JiraAccount,
        store: Store,
        config: JiraConfig,
        clock: Clock,
        *,
        store_config: StoreConfig,
        team: frozenset[str] = frozenset(),
    ) -> None:
        self.jira = jira
        self.account = account
        self.store = store
        self.config = config
        self.clock = clock
        self.store_config = store_config
        self.team = team
        self._last_full: datetime | None = None
        self._last_prune: datetime | None = None

    # -- a cycle ----------------------------------------------------------------------------------

    def poll(self, status: SourceStatus, cancelled: Callable[[], bool] = lambda: False) -> TicketsPolled:
        now = self.clock.now()
        full = self._last_full is None or now - self._last_full >= timedelta(
            minutes=self.config.reconcile_minutes
        )
        self.account.fetch()
        categories = self._categories(now)
        fetched: list[tuple[BoardConfig, list[Ticket], bool]] = []
        for board in self.config.boards:
            if cancelled():
                raise PollCancelled
            info = self._board_info(board, now, full)
            jql, incremental = self._query(board, info, now, full)
            fetched.append(
                (board, self.jira.search(jql, self.acknowledgement, categories, cancelled), incremental)
            )
        changed: dict[str, Ticket] = {}
        removed: set[str] = set()
        with self.store.transaction():  # the whole cycle, or nothing
            for board, tickets, incremental in fetched:
                changes = self.store.tickets.save_board_poll(
                    board.id, tickets, full=not incremental, listed=self.listed, seen_at=now
                )
                self.store.cursors.set(self._cursor_name(board), now.isoformat())
                changed.update((t.key, t) for t in changes.changed)
                removed.update(changes.removed)
        if full:
            self._last_full = now
        self._maybe_prune(now)
        removed -= changed.keys()  # still listed through another board
        resolved = {t.key for _, tickets, _ in fetched for t in tickets if t.is_done}
        return TicketsPolled(
            tuple(changed.values()),
            tuple(sorted(removed)),
            full,
            replace(status, last_success=now),
            resolved=tuple(sorted(resolved)),
        )

    def _cursor_name(self, board: BoardConfig) -> str:
        return f"jira.board.{board.id}.polled_at"

    def _board_info(self, board: BoardConfig, now: datetime, full: bool) -> BoardInfo:
        info = self.store.tickets.board_info(board.id)
        if info is None or (full and self._stale(f"jira.board.{board.id}.info_at", now)):
            info = self.jira.board_info(board)
            self.store.tickets.save_board_info(info, now)  # a cache of settings, not news: safe to keep alone
            self.store.meta.set(f"jira.board.{board.id}.info_at", now.isoformat())
        return info

    def _query(self, board: BoardConfig, info: BoardInfo, now: datetime, full: bool) -> tuple[str, bool]:
        cursor = self.store.cursors.get(self._cursor_name(board))
        if full or cursor is None:
            return board_jql(info, board), False
        minutes = math.ceil((now - datetime.fromisoformat(cursor)).total_seconds() / 60)
        return board_jql(
            info, board, updated_since=f"-{max(minutes, 0) + INCREMENTAL_OVERLAP_MINUTES}m"
        ), True

    # -- rules the store and the outbox share -------------------------------------------------------

    def listed(self, ticket: Ticket) -> bool:
        """`rules.listing.listed` for the engineer whose account this is."""
        return listed(ticket, self.account.cached_id())

    def acknowledgement(self, events: list[Event]) -> Event | None:
        """The team's first acknowledgement; the engineer using duty-tui always counts as team."""
        me = self.account.cached_id()
        return first_acknowledgement(events, self.team | ({me} if me else set()))

    # -- caches -------------------------------------------------------------------------------------

    def _categories(self, now: datetime) -> dict[str, str]:
        """Status id → category, fetched with the board settings and cached in the store."""
        key = "jira.status_categories"
        cached = self.store.meta.get(key)
        if cached is None or self._stale(key + ".at", now):
            categories = self.jira.status_categories()
            self.store.meta.set(key, json.dumps(categories))
            self.store.meta.set(key + ".at", now.isoformat())
            return categories
        return dict(json.loads(cached))

    def _stale(self, meta_key: str, now: datetime) -> bool:
        fetched = self.store.meta.get(meta_key)
        return fetched is None or now - datetime.fromisoformat(fetched) >= BOARD_INFO_MAX_AGE

    def _maybe_prune(self, now: datetime) -> None:
        if self._last_prune is None or now - self._last_prune >= PRUNE_EVERY:
            self.store.prune(
                now,
                keep_messages_days=self.store_config.keep_messages_days,
                keep_tickets_days=self.store_config.keep_tickets_days,
            )
            self._last_prune = now
