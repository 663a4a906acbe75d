"""The Jira poller: the unassigned (and the engineer's own) not-done tickets of every configured board.

A cycle is incremental or a full reconcile:

- incremental: ONE search for every board, `((board A) OR (board B)) AND updated >= "-Nm"` (N measured
  from the previous successful poll plus an overlap, on Jira's clock). Each ticket it returns is then
  placed on its boards here (`_places`): a ticket off the list (assigned to someone else, done) leaves
  every board; otherwise its own fields rule out the boards whose component or columns it lacks, and a
  board that still might hold it keeps what the store already knows (it is on it, or it was left off
  it with these fields). Only when neither settles it (a new ticket both boards could hold, a component
  just added) does Jira answer, with an id-only `key in (…)` search against that board: a quiet cycle
  is one search, and a busy one pays only for the tickets it cannot place.
- full, on the first cycle and then every `reconcile_minutes`: one listing per board, which also drops
  tickets that left a board (a filter or component change the incremental search cannot see).

Everything is fetched first and written in one transaction, so a cycle that fails half-way writes
nothing and the next one starts from the same place.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from duty_tui.clock import Clock
from duty_tui.config import BoardConfig, JiraConfig, StoreConfig
from duty_tui.models import BoardInfo, Service, SourceStatus, Ticket
from duty_tui.rules.listing import listed
from duty_tui.rules.sla import Event, first_acknowledgement
from duty_tui.sources.errors import PollCancelled
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.jira.jql import board_jql, boards_jql, keys_on_board_jql, may_be_on
from duty_tui.store import Store
from duty_tui.sync.account import JiraAccount
from duty_tui.sync.outcomes import TicketsPolled

INCREMENTAL_OVERLAP_MINUTES = 2
BOARD_INFO_MAX_AGE = timedelta(hours=1)
PRUNE_EVERY = timedelta(hours=1)
CURSOR = "jira.boards.polled_at"  # when every board was last polled (one search serves them all)
KEYS_PER_QUESTION = 50  # tickets per `key in (…)` search that places them on a board

Boards = Sequence[tuple[BoardConfig, BoardInfo]]
Fetched = list[tuple[BoardConfig, list[Ticket]]]


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
        since = self._polled_at()
        full = (
            since is None
            or self._last_full is None
            or now - self._last_full >= timedelta(minutes=self.config.reconcile_minutes)
        )
        self.account.fetch()
        categories = self._categories(now)
        boards: list[tuple[BoardConfig, BoardInfo]] = []
        for board in self.config.boards:
            if cancelled():
                raise PollCancelled
            boards.append((board, self._board_info(board, now, full)))
        if full or since is None:
            fetched = self._full(boards, categories, cancelled)
        else:
            fetched = self._incremental(boards, since, now, categories, cancelled)
        changed: dict[str, Ticket] = {}
        removed: set[str] = set()
        with self.store.transaction():  # the whole cycle, or nothing
            for board, tickets in fetched:
                changes = self.store.tickets.save_board_poll(
                    board.id, tickets, full=full, listed=self.listed, seen_at=now
                )
                for ticket in changes.changed:  # what the last board said is where the ticket ended up
                    changed[ticket.key] = ticket
                    removed.discard(ticket.key)
                for key in changes.removed:
                    removed.add(key)
                    changed.pop(key, None)
            self.store.cursors.set(CURSOR, now.isoformat())
            version = self.store.db.version  # what this transaction commits as: the changed tickets' reading
        if full:
            self._last_full = now
        self._maybe_prune(now)
        resolved = {t.key for _, tickets in fetched for t in tickets if t.is_done}
        return TicketsPolled(
            tuple(changed.values()),
            tuple(sorted(removed)),
            full,
            replace(status, last_success=now),
            resolved=tuple(sorted(resolved)),
            version=version,
        )

    def _full(self, boards: Boards, categories: dict[str, str], cancelled: Callable[[], bool]) -> Fetched:
        """Each board's whole list, one board at a time."""
        fetched: Fetched = []
        for board, info in boards:
            if cancelled():
                raise PollCancelled
            jql = board_jql(info, board)
            fetched.append((board, self.jira.search(jql, self.acknowledgement, categories, cancelled)))
        return fetched

    def _incremental(
        self,
        boards: Boards,
        since: datetime,
        now: datetime,
        categories: dict[str, str],
        cancelled: Callable[[], bool],
    ) -> Fetched:
        """What changed on any board since `since`, in one search, each ticket given to its boards."""
        if not boards:
            return []
        if cancelled():
            raise PollCancelled
        minutes = math.ceil((now - since).total_seconds() / 60)
        window = f"-{max(minutes, 0) + INCREMENTAL_OVERLAP_MINUTES}m"
        jql = boards_jql([(info, board) for board, info in boards], updated_since=window)
        tickets = self.jira.search(jql, self.acknowledgement, categories, cancelled)
        places = self._places(tickets, boards, cancelled)
        return [(board, [t for t in tickets if board.id in places[t.key]]) for board, _ in boards]

    def _places(
        self, tickets: Sequence[Ticket], boards: Boards, cancelled: Callable[[], bool]
    ) -> dict[str, set[int]]:
        """The boards each ticket of an incremental search is on (see the module's docstring)."""
        every = {board.id for board, _ in boards}
        by_id = {board.id: (board, info) for board, info in boards}
        names = Counter(info.name for _, info in boards)
        by_name = {info.name: board.id for board, info in boards if names[info.name] == 1}
        places: dict[str, set[int]] = {}
        unsure: dict[str, set[int]] = {}
        for ticket in tickets:
            if not self.listed(ticket):  # it leaves every list it is on; a board it is not on ignores it
                places[ticket.key] = set(every)
                continue
            possible = {board.id for board, info in boards if may_be_on(info, board, ticket)}
            if len(possible) == 1:  # the search found it on some board, and its fields allow only this one
                places[ticket.key] = possible
                continue
            possible = possible or set(every)  # its fields contradict the search: let Jira say
            stored = self.store.tickets.get(ticket.key)
            on = {by_name[name] for name in stored.boards if name in by_name} if stored else set()
            places[ticket.key] = possible & on
            # A board it was left off with the fields it had then: its saved filter has not changed its mind.
            left_off = {
                board_id
                for board_id in possible - on
                if on and stored is not None and may_be_on(by_id[board_id][1], by_id[board_id][0], stored)
            }
            ask = possible - on - left_off
            if not places[ticket.key] and not ask:  # on none of the boards it can be on: something changed
                ask = possible
            if ask:
                unsure[ticket.key] = ask
        if unsure:
            ids = {t.key: t.id for t in tickets}
            self._ask_jira(unsure, ids, places, boards, cancelled)
        return places

    def _ask_jira(
        self,
        unsure: dict[str, set[int]],
        ids: dict[str, str],
        places: dict[str, set[int]],
        boards: Boards,
        cancelled: Callable[[], bool],
    ) -> None:
        """Settle the boards a ticket's fields and the store cannot, asking each board at most once."""
        for board, info in boards:
            asked: list[str] = []
            for key, left in unsure.items():
                if board.id not in left:
                    continue
                left.discard(board.id)
                if not left and not places[key]:
                    places[key].add(board.id)  # the search found it on a board, and no other holds it
                else:
                    asked.append(key)
            for start in range(0, len(asked), KEYS_PER_QUESTION):
                if cancelled():
                    raise PollCancelled
                chunk = asked[start : start + KEYS_PER_QUESTION]
                found = self.jira.matching_ids(keys_on_board_jql(info, board, chunk), cancelled)
                for key in chunk:
                    if ids[key] in found:
                        places[key].add(board.id)

    def _polled_at(self) -> datetime | None:
        """When the boards were last polled; None when they never were (the cycle reconciles).

        Before one search served every board, each board kept its own cursor: read once, when the shared
        one does not exist yet, the oldest of them loses no update. (A process's first cycle reconciles
        anyway, and a board added to the config comes with a restart, so a shared cursor never hides a
        board that was not polled.)
        """
        value = self.store.cursors.get(CURSOR)
        if value is not None:
            return datetime.fromisoformat(value)
        old = [self.store.cursors.get(f"jira.board.{board.id}.polled_at") for board in self.config.boards]
        if not old or any(v is None for v in old):
            return None
        return min(datetime.fromisoformat(v) for v in old if v is not None)

    def _board_info(self, board: BoardConfig, now: datetime, full: bool) -> BoardInfo:
        info = self.store.tickets.board_info(board.id)
        if info is None or (full and self._stale(f"jira.board.{board.id}.info_at", now)):
            info = self.jira.board_info(board)
            self.store.tickets.save_board_info(info, now)  # a cache of settings, not news: safe to keep alone
            self.store.meta.set(f"jira.board.{board.id}.info_at", now.isoformat())
        return info

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
