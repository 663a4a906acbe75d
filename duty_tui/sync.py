"""Pollers and the poll loop: the services layer between the sources, the store and the UI.

A poller does one cycle (fetch what changed → write it to the store in one transaction → return
one outcome holding the changed models). `PollLoop` runs a poller forever in a worker thread:
it records the source's status, hands every outcome to `emit` (one message per poll), backs off
on failure, honours Retry-After, and wakes early when asked to refresh. Nothing here imports
Textual; the app wraps `PollLoop.run` in a thread worker.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from duty_tui.clock import Clock
from duty_tui.config import BoardConfig, JiraConfig, SlackConfig, StoreConfig
from duty_tui.duty.sla import Event, first_acknowledgement
from duty_tui.duty.triage import awaiting_triage
from duty_tui.models import ChatMessage, ChatUser, SourceStatus, Ticket
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira import JiraSource, JiraUser, board_jql
from duty_tui.sources.slack import SlackSource, mentioned_users
from duty_tui.store import Store, TicketChanges

log = logging.getLogger(__name__)

INCREMENTAL_OVERLAP_MINUTES = 2
BOARD_INFO_MAX_AGE = timedelta(hours=1)
PRUNE_EVERY = timedelta(hours=1)
MAX_BACKOFF_SECONDS = 300.0


# -- outcomes (what one poll hands to the UI) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class TicketsPolled:
    changed: tuple[Ticket, ...]
    removed: tuple[str, ...]
    full: bool
    status: SourceStatus


@dataclass(frozen=True, slots=True)
class MessagesPolled:
    channel: str
    changed: tuple[ChatMessage, ...]
    removed: tuple[str, ...]
    users: tuple[ChatUser, ...]
    status: SourceStatus
    channel_name: str | None = None


@dataclass(frozen=True, slots=True)
class PollFailed:
    status: SourceStatus
    error: SourceError
    # No poll of this source has succeeded since the app started: an auth error now means the
    # configuration is wrong, not that something broke mid-day.
    never_succeeded: bool


PollOutcome = TicketsPolled | MessagesPolled | PollFailed


class Poller(Protocol):
    source: str

    def poll(self, status: SourceStatus) -> TicketsPolled | MessagesPolled: ...


# -- Jira -----------------------------------------------------------------------------------------


class JiraPoller:
    """Unassigned, not-done tickets of every configured board.

    Each cycle runs one search per board: incremental (updated in the last N minutes, N measured
    from the previous successful poll plus an overlap) or, on the first cycle and then every
    `reconcile_minutes`, a full listing that also drops tickets that left the board elsewhere.
    """

    source = "jira"

    def __init__(
        self,
        jira: JiraSource,
        store: Store,
        config: JiraConfig,
        clock: Clock,
        store_config: StoreConfig,
        *,
        team: frozenset[str] = frozenset(),
    ) -> None:
        self.jira = jira
        self.store = store
        self.config = config
        self.clock = clock
        self.store_config = store_config
        self.team = team
        self._last_full: datetime | None = None
        self._last_prune: datetime | None = None
        self._me: JiraUser | None = None

    @property
    def _me_key(self) -> str:
        return f"jira.myself:{self.config.url}:{self.config.email}"

    def cached_me(self) -> JiraUser | None:
        """The API user if known, without a network call."""
        if self._me is None:
            cached = self.store.get_meta(self._me_key)
            if cached:
                self._me = JiraUser.from_json(cached)
        return self._me

    def me(self) -> JiraUser:
        """The API user, fetched once and cached in the store per site and account."""
        me = self.cached_me()
        if me is None:
            me = self._me = self.jira.myself()
            self.store.set_meta(self._me_key, me.to_json())
        return me

    def poll(self, status: SourceStatus) -> TicketsPolled:
        now = self.clock.now()
        full = self._last_full is None or now - self._last_full >= timedelta(
            minutes=self.config.reconcile_minutes
        )
        self.me()
        changed: dict[str, Ticket] = {}
        removed: set[str] = set()
        for board in self.config.boards:
            changes = self._poll_board(board, now, full)
            for ticket in changes.changed:
                changed[ticket.key] = ticket
            removed.update(changes.removed)
        if full:
            self._last_full = now
        removed -= changed.keys()  # still listed through another board
        self._maybe_prune(now)
        return TicketsPolled(
            tuple(changed.values()), tuple(sorted(removed)), full, replace(status, last_success=now)
        )

    def _poll_board(self, board: BoardConfig, now: datetime, full: bool) -> TicketChanges:
        info = self.store.board_info(board.id)
        if info is None or (full and self._board_info_stale(board.id, now)):
            info = self.jira.board_info(board)
            self.store.save_board_info(info, now)
            self.store.set_meta(f"jira.board.{board.id}.info_at", now.isoformat())
        cursor_name = f"jira.board.{board.id}.polled_at"
        cursor = self.store.get_cursor(cursor_name)
        incremental = not full and cursor is not None
        if incremental:
            assert cursor is not None
            minutes = math.ceil((now - datetime.fromisoformat(cursor)).total_seconds() / 60)
            jql = board_jql(info, board, updated_since=f"-{max(minutes, 0) + INCREMENTAL_OVERLAP_MINUTES}m")
        else:
            jql = board_jql(info, board)
        tickets = self.jira.search(jql, self.acknowledgement, self._categories(now))
        changes = self.store.save_board_poll(
            board.id, tickets, full=not incremental, listed=self.listed, seen_at=now
        )
        self.store.set_cursor(cursor_name, now.isoformat())
        return changes

    def listed(self, ticket: Ticket) -> bool:
        """On the pane: waiting for triage, or the engineer's own (the "mine" view)."""
        me = self.cached_me()
        return awaiting_triage(ticket) or (
            me is not None and ticket.assignee_id == me.account_id and not ticket.is_done
        )

    def acknowledgement(self, events: list[Event]) -> Event | None:
        """The team's first acknowledgement; the engineer using duty-tui always counts as team."""
        me = self.cached_me()
        return first_acknowledgement(events, self.team | ({me.account_id} if me else set()))

    def _categories(self, now: datetime) -> dict[str, str]:
        """Status id → category, fetched with the board settings and cached in the store."""
        key = "jira.status_categories"
        cached = self.store.get_meta(key)
        fetched = self.store.get_meta(key + ".at")
        if cached is None or fetched is None or now - datetime.fromisoformat(fetched) >= BOARD_INFO_MAX_AGE:
            categories = self.jira.status_categories()
            self.store.set_meta(key, json.dumps(categories))
            self.store.set_meta(key + ".at", now.isoformat())
            return categories
        return dict(json.loads(cached))

    def _board_info_stale(self, board_id: int, now: datetime) -> bool:
        fetched = self.store.get_meta(f"jira.board.{board_id}.info_at")
        return fetched is None or now - datetime.fromisoformat(fetched) >= BOARD_INFO_MAX_AGE

    def _maybe_prune(self, now: datetime) -> None:
        if self._last_prune is None or now - self._last_prune >= PRUNE_EVERY:
            self.store.prune(
                now,
                keep_messages_days=self.store_config.keep_messages_days,
                keep_tickets_days=self.store_config.keep_tickets_days,
            )
            self._last_prune = now


# -- Slack ----------------------------------------------------------------------------------------


class SlackPoller:
    """New channel messages since the newest stored one, plus a periodic rescan of the recent past
    (new thread replies, edits, deletions), resolving names through the cached directory."""

    source = "slack"

    def __init__(
        self, slack: SlackSource, store: Store, config: SlackConfig, clock: Clock, *, backfill_days: float = 4
    ) -> None:
        self.slack = slack
        self.store = store
        self.config = config
        self.clock = clock
        self.backfill = timedelta(days=backfill_days)
        self._last_rescan: datetime | None = None
        self._directory: dict[str, ChatUser] | None = None

    def poll(self, status: SourceStatus) -> MessagesPolled:
        now = self.clock.now()
        channel = self.config.channel
        new_users = self._warm_directory(now)
        channel_name = self._channel_name()
        newest = self.store.newest_ts(channel)
        oldest = newest or _ts(now - self.backfill)
        messages = self.slack.history(oldest)
        removed: tuple[str, ...] = ()
        if self._last_rescan is None or now - self._last_rescan >= timedelta(
            minutes=self.config.rescan_minutes
        ):
            window_start = _ts(now - timedelta(hours=self.config.rescan_hours))
            window = self.slack.history(window_start, inclusive=True)
            removed = self._deleted_since(window_start, window, newest)
            known = {m.ts for m in messages}
            messages = [*messages, *(m for m in window if m.ts not in known)]
            self._last_rescan = now
        changed = self.store.save_messages(messages)
        new_users += self._resolve_names(list(changed), now)
        return MessagesPolled(
            channel, changed, removed, tuple(new_users), replace(status, last_success=now), channel_name
        )

    def _warm_directory(self, now: datetime) -> list[ChatUser]:
        if self._directory is None:
            self._directory = self.store.chat_users()
            if not self._directory:
                users = self.slack.users()
                self.store.save_chat_users(users, now)
                self._directory = {u.id: u for u in users}
                return users
        return []

    def _resolve_names(self, messages: list[ChatMessage], now: datetime) -> list[ChatUser]:
        assert self._directory is not None
        found: list[ChatUser] = []
        for user_id in sorted(mentioned_users(messages) - self._directory.keys()):
            user = self.slack.user(user_id)
            if user is not None:
                found.append(user)
                self._directory[user.id] = user
        self.store.save_chat_users(found, now)
        return found

    def _channel_name(self) -> str | None:
        key = f"slack.channel_name:{self.config.channel}"
        name = self.store.get_meta(key)
        if name is None:
            name = self.slack.channel_name()
            self.store.set_meta(key, name)
            return name
        return None

    def _deleted_since(
        self, window_start: str, window: Sequence[ChatMessage], newest: str | None
    ) -> tuple[str, ...]:
        """Stored messages inside the rescanned window that Slack no longer has."""
        if newest is None:
            return ()
        present = {m.ts for m in window}
        stored = self.store.message_ts_between(self.config.channel, window_start, newest)
        gone = tuple(ts for ts in stored if ts not in present)
        self.store.delete_messages(self.config.channel, gone)
        return gone


def _ts(moment: datetime) -> str:
    return f"{int(moment.timestamp())}.000000"


# -- the loop -------------------------------------------------------------------------------------


class PollLoop:
    """Runs one poller until cancelled: poll, record status, emit, wait (or wake early)."""

    def __init__(
        self, poller: Poller, store: Store, clock: Clock, interval: float, emit: Callable[[PollOutcome], None]
    ) -> None:
        self.poller = poller
        self.store = store
        self.clock = clock
        self.interval = interval
        self.emit = emit
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._failures = 0
        self._succeeded = False
        self.status = store.statuses().get(poller.source) or SourceStatus(poller.source)

    @property
    def source(self) -> str:
        return self.poller.source

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        while not cancelled() and not self._stopping.is_set():
            delay = self.cycle()
            if cancelled() or self._stopping.is_set():
                return
            self._wake.wait(delay)
            self._wake.clear()

    def cycle(self) -> float:
        """One poll. Returns how long to wait before the next one."""
        started = self.clock.now()
        attempt = replace(self.status, last_attempt=started)
        try:
            outcome = self.poller.poll(attempt)
        except SourceError as error:
            return self._failed(attempt, error)
        except Exception as error:  # a bug must not end polling: report it and keep going
            log.exception("%s poll failed unexpectedly", self.source)
            return self._failed(
                attempt,
                SourceError(
                    f"Unexpected error in the {self.source} poller: {error.__class__.__name__}; see the log."
                ),
            )
        self._failures = 0
        self._succeeded = True
        self.status = replace(outcome.status, error=None, failing_since=None, next_try=None)
        self.store.save_status(self.status)
        self.emit(replace(outcome, status=self.status))
        return self.interval

    def _failed(self, attempt: SourceStatus, error: SourceError) -> float:
        self._failures += 1
        delay: float = min(self.interval * 2.0 ** (self._failures - 1), MAX_BACKOFF_SECONDS)
        if error.retry_after is not None:
            delay = max(float(error.retry_after), 1.0)
        now = self.clock.now()
        self.status = replace(
            attempt,
            error=error.message,
            failing_since=attempt.failing_since or now,
            next_try=now + timedelta(seconds=delay),
        )
        log.warning("%s poll failed: %s (next try in %.0fs)", self.source, error.message, delay)
        try:
            self.store.save_status(self.status)
        except Exception:
            log.exception("could not record %s status", self.source)
        self.emit(PollFailed(self.status, error, never_succeeded=not self._succeeded))
        return delay

    def wake(self) -> None:
        """Poll now (the engineer pressed refresh)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
