"""The history fetch: every configured board's tickets of the last 90 days, with their whole changelog and
comments, cached in the store (`store.history`) for the flow metrics, and kept up to date incrementally.

The first run for a board reads 90 days; later runs read only the tickets updated since the previous
successful run, measured on Jira's own clock (a relative "-Nm", as the poller does, so clock skew
cannot lose an update) with a few minutes' overlap for the search index to catch up. Each board has
its own cursor, so a board added to the config gets its 90 days without refetching the others.

Everything is read first and written in one transaction with the cursors, so a run that fails half-way
(Jira down, a 500, rejected credentials) leaves the cache as it was and the next run starts from the
same place; the failure is returned, never raised. Histories not updated for 100 days are forgotten.
Runs are serialised: the screen's worker and the `report` command may both ask for one.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from duty_tui.clock import Clock
from duty_tui.config import BoardConfig, JiraConfig
from duty_tui.models import BoardInfo
from duty_tui.rules.flow_history import TicketHistory
from duty_tui.sources.errors import PollCancelled, SourceError
from duty_tui.sources.jira.changelog import ChangelogReader, HistoryBoard
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.jira.ticket_history import StatusBook
from duty_tui.store import Store

WINDOW = timedelta(days=90)  # the longest period the metrics offer
KEEP = timedelta(days=100)  # a little longer than the window, so a late fetch never loses the edge
OVERLAP_MINUTES = 5  # Jira's search index can lag a write; a few tickets read twice cost nothing
STATUS_LIST_MAX_AGE = timedelta(days=1)  # statuses are renamed or added rarely; a run learns names anyway
STATUS_NAMES = "jira.status_names"  # status id → current name (JSON), read by the reports
STATUS_CATEGORIES = "jira.status_categories"  # status id → category key (JSON), shared with the poller

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class HistoryFetched:
    """What a run did: how many ticket histories it wrote, whether it was a full 90-day read, and why it
    failed (the cache is then as it was)."""

    fetched: int
    first: bool
    error: SourceError | None = None
    cancelled: bool = False  # stopped on request; nothing was written
    forgotten: int = 0  # histories dropped for being older than KEEP


@dataclass
class _Tally:
    """Tickets processed, against the best guess of how many there are: Jira's approximate count for a
    full read, the search pages seen so far otherwise (a count is one more request per board)."""

    report: Progress | None
    done: int = 0
    expected: dict[int, int] = field(default_factory=dict)  # board id → count, or tickets seen
    seen: dict[int, int] = field(default_factory=dict)

    def page(self, board: int, size: int) -> None:
        self.seen[board] = self.seen.get(board, 0) + size

    def step(self) -> None:
        self.done += 1
        self.tell()

    def tell(self) -> None:
        if self.report is not None:
            boards = self.expected.keys() | self.seen.keys()
            total = sum(max(self.expected.get(b, 0), self.seen.get(b, 0)) for b in boards)
            self.report(self.done, max(total, self.done))


class HistoryFetch:
    """Fetches the boards' ticket histories into the store. Safe from any thread (runs one at a time)."""

    def __init__(self, jira: JiraSource, store: Store, config: JiraConfig, clock: Clock) -> None:
        self.jira = jira
        self.store = store
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()

    def run(
        self, progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False
    ) -> HistoryFetched:
        with self._lock:
            now = self.clock.now()
            windows = {board.id: self._window(board, now) for board in self.config.boards}
            first = any(full for _, full in windows.values())
            try:
                book, listed = self._status_book(now)
                boards = [HistoryBoard(board, self._board_info(board, now)) for board in self.config.boards]
                reader = ChangelogReader(self.jira, boards, book)
                found = self._read(reader, windows, _Tally(progress), cancelled)
            except SourceError as error:
                return HistoryFetched(0, first, error)
            except PollCancelled:
                return HistoryFetched(0, first, cancelled=True)
            forgotten = self._save(list(found.values()), book, listed or reader.statuses_read, now)
            return HistoryFetched(len(found), first, forgotten=forgotten)

    def _read(
        self,
        reader: ChangelogReader,
        windows: dict[int, tuple[str, bool]],
        tally: _Tally,
        cancelled: Callable[[], bool],
    ) -> dict[str, TicketHistory]:
        """Every board's tickets, read in precedence order: a ticket two boards list is read once, for the
        board it belongs to (`BoardMoves.precedence`)."""
        boards = sorted(reader.boards, key=lambda b: reader.moves.precedence(b.config.name))
        for board in boards:
            since, full = windows[board.config.id]
            if full and tally.report is not None:
                # Only the progress needs the count: if it fails, the search says what is wrong.
                with suppress(SourceError):
                    tally.expected[board.config.id] = reader.count(board, since)
        tally.tell()
        found: dict[str, TicketHistory] = {}
        for board in boards:
            since, _ = windows[board.config.id]
            for page in reader.pages(board, since, cancelled):
                tally.page(board.config.id, len(page))
                for raw in page:
                    if cancelled():
                        raise PollCancelled
                    key = raw.get("key") if isinstance(raw, dict) else None
                    if key not in found:
                        ticket = reader.ticket(raw, board)
                        if ticket is not None:
                            found[ticket.key] = ticket
                    tally.step()
        return found

    def _save(self, histories: list[TicketHistory], book: StatusBook, listed: bool, now: datetime) -> int:
        with self.store.transaction():  # the histories, the cursors and the status names, or nothing
            self.store.history.save(histories, now)
            for board in self.config.boards:
                self.store.cursors.set(self._cursor(board), now.isoformat())
            if listed or book.changed:
                self.store.meta.set(STATUS_NAMES, json.dumps(book.names, sort_keys=True))
                self.store.meta.set(STATUS_CATEGORIES, json.dumps(book.categories, sort_keys=True))
            if listed:
                self.store.meta.set(STATUS_NAMES + ".at", now.isoformat())
                self.store.meta.set(STATUS_CATEGORIES + ".at", now.isoformat())
            return self.store.history.forget_before(now - KEEP)

    # -- where to start ---------------------------------------------------------------------------

    @staticmethod
    def _cursor(board: BoardConfig) -> str:
        return f"jira.history.{board.id}.fetched_at"

    def _window(self, board: BoardConfig, now: datetime) -> tuple[str, bool]:
        """The JQL's relative "updated since" for this board, and whether it is a full 90-day read."""
        full = f"-{int(WINDOW.total_seconds() // 60)}m"
        cursor = self.store.cursors.get(self._cursor(board))
        if cursor is None:
            return full, True
        try:
            since = now - datetime.fromisoformat(cursor)
        except ValueError:
            return full, True
        if since >= WINDOW or since < timedelta(0):
            # A cursor in the future: this machine's clock stepped back since it was written, so how long ago
            # the last fetch was is unknown; read the whole window rather than miss what changed.
            return full, True
        minutes = math.ceil(since.total_seconds() / 60)
        return f"-{max(minutes, 0) + OVERLAP_MINUTES}m", False

    # -- what the histories are read with ---------------------------------------------------------

    def _board_info(self, board: BoardConfig, now: datetime) -> BoardInfo:
        """The board's settings as the poller caches them; read from Jira only when there are none yet."""
        info = self.store.tickets.board_info(board.id)
        if info is None:
            info = self.jira.board_info(board)
            self.store.tickets.save_board_info(info, now)  # a cache of settings: safe to keep alone
            self.store.meta.set(f"jira.board.{board.id}.info_at", now.isoformat())
        return info

    def _status_book(self, now: datetime) -> tuple[StatusBook, bool]:
        """Status names and categories from the store, or Jira's status list when they are missing or a
        day old; and whether the list was read."""
        names = _json_object(self.store.meta.get(STATUS_NAMES))
        categories = _json_object(self.store.meta.get(STATUS_CATEGORIES))
        book = StatusBook(names, categories)
        listed_at = self.store.meta.get(STATUS_NAMES + ".at")
        if not names or not categories or listed_at is None or _older(listed_at, now, STATUS_LIST_MAX_AGE):
            book.merge(self.jira.statuses())
            return book, True
        return book, False


def _json_object(value: str | None) -> dict[str, str]:
    try:
        loaded: Any = json.loads(value) if value else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def _older(stamp: str, now: datetime, age: timedelta) -> bool:
    try:
        return now - datetime.fromisoformat(stamp) >= age
    except ValueError:
        return True
