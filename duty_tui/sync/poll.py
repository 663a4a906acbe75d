"""The poll loop and what a poll hands to the UI: the services layer between sources, store and app.

A poller (`poll_jira.JiraPoller`, `poll_slack.SlackPoller`) does one cycle: fetch what changed,
write it to the store in one transaction, return one outcome holding the changed models.
`PollLoop` runs a poller on its own daemon thread until stopped: it records the source's status,
hands every outcome to `emit` (one message per poll), backs off on failure, honours Retry-After
(even when the engineer asks for a refresh), and wakes early for a refresh.

Why daemon threads and not Textual thread workers: on Python 3.11 the event loop's executor is
joined at exit, so a worker inside a slow HTTP request would hold quitting hostage for up to the
request timeout. A daemon thread is simply abandoned; its unfinished cycle writes nothing.
Nothing here imports Textual.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Protocol

from duty_tui.clock import Clock
from duty_tui.models import ChatMessage, ChatUser, SourceStatus, Ticket
from duty_tui.sources.errors import PollCancelled, SourceError
from duty_tui.store.core import Store

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300.0
CRASH_PAUSE_SECONDS = 5.0


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

    def poll(
        self, status: SourceStatus, cancelled: Callable[[], bool] = ...
    ) -> TicketsPolled | MessagesPolled: ...


# -- the loop -------------------------------------------------------------------------------------


class PollLoop:
    """Runs one poller until stopped: poll, record status, emit, wait (or wake early)."""

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
        self._hold_until = 0.0  # monotonic: a service's Retry-After, which a refresh must not cut short
        self._failures = 0
        self._succeeded = False
        self._thread: threading.Thread | None = None
        self.status = store.statuses().get(poller.source) or SourceStatus(poller.source)

    @property
    def source(self) -> str:
        return self.poller.source

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start(self) -> None:
        """Poll on a daemon thread of its own."""
        self._thread = threading.Thread(target=self._run_forever, name=f"poll {self.source}", daemon=True)
        self._thread.start()

    def _run_forever(self) -> None:
        while not self.stopping:
            try:
                self.run()
            except Exception:  # never let a bug end polling for the rest of the day
                log.exception("%s poll loop crashed; restarting it", self.source)
                self._stopping.wait(CRASH_PAUSE_SECONDS)

    def run(self) -> None:
        while not self.stopping:
            delay = self.cycle()
            self._wait(delay)

    def _wait(self, delay: float) -> None:
        deadline = time.monotonic() + delay
        while not self.stopping:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            woken = self._wake.wait(remaining)
            self._wake.clear()
            if woken and time.monotonic() >= self._hold_until:
                return  # a refresh: poll now, unless the service asked us to wait

    def cycle(self) -> float:
        """One poll. Returns how long to wait before the next one. Never raises."""
        started = self.clock.now()
        attempt = replace(self.status, last_attempt=started)
        try:
            outcome = self.poller.poll(attempt, lambda: self.stopping)
            self._failures = 0
            self._succeeded = True
            self._hold_until = 0.0
            self.status = replace(outcome.status, error=None, failing_since=None, next_try=None)
            self._save_status()
            self._emit(replace(outcome, status=self.status))
            return self.interval
        except PollCancelled:
            return 0.0
        except SourceError as error:
            return self._failed(attempt, error)
        except Exception as error:  # a bug, or the store failing (locked, disk full): report, keep going
            log.exception("%s poll failed unexpectedly", self.source)
            return self._failed(
                attempt,
                SourceError(
                    f"Unexpected error in the {self.source} poller: {error.__class__.__name__}; see the log."
                ),
            )

    def _failed(self, attempt: SourceStatus, error: SourceError) -> float:
        self._failures += 1
        delay: float = min(self.interval * 2.0 ** (self._failures - 1), MAX_BACKOFF_SECONDS)
        if error.retry_after is not None:
            delay = max(float(error.retry_after), 1.0)
            self._hold_until = time.monotonic() + delay
        now = self.clock.now()
        self.status = replace(
            attempt,
            error=error.message,
            failing_since=attempt.failing_since or now,
            next_try=now + timedelta(seconds=delay),
        )
        log.warning("%s poll failed: %s (next try in %.0fs)", self.source, error.message, delay)
        self._save_status()
        self._emit(PollFailed(self.status, error, never_succeeded=not self._succeeded))
        return delay

    def _save_status(self) -> None:
        try:
            self.store.save_status(self.status)
        except Exception:  # the status is shown anyway; a locked store must not stop polling
            log.exception("could not record %s status", self.source)

    def _emit(self, outcome: PollOutcome) -> None:
        if not self.stopping:
            self.emit(outcome)

    def wake(self) -> None:
        """Poll now (the engineer pressed refresh), unless the service asked us to wait."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
