"""`PollLoop`: one source's poller run on the loop base, until stopped.

A poller (`sync.jira_poll.JiraPoller`, `sync.slack_poll.SlackPoller`) does one cycle: fetch what changed,
write it to the store in one transaction, return one outcome holding the changed models. The loop
records the source's status, hands every outcome to `emit` (one message per poll), backs off on
failure and honours Retry-After (even when the engineer asks for a refresh).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from duty_tui.clock import Clock
from duty_tui.models import SourceStatus
from duty_tui.sources.errors import PollCancelled, SourceError
from duty_tui.store import Store
from duty_tui.store.db import StoreFault
from duty_tui.sync.loop import Loop, backoff
from duty_tui.sync.outcomes import Poller, PollFailed, PollOutcome

log = logging.getLogger(__name__)


class PollLoop(Loop):
    """Runs one poller until stopped: poll, record status, emit, wait (or wake early)."""

    def __init__(
        self, poller: Poller, store: Store, clock: Clock, interval: float, emit: Callable[[PollOutcome], None]
    ) -> None:
        super().__init__(f"poll {poller.source}")
        self.poller = poller
        self.store = store
        self.clock = clock
        self.interval = interval
        self.emit = emit
        self._failures = 0
        self._succeeded = False
        self.status = store.statuses.all().get(poller.source) or SourceStatus(poller.source)

    @property
    def source(self) -> str:
        return self.poller.source

    def step(self) -> float:
        return self.cycle()

    def cycle(self) -> float:
        """One poll. Returns how long to wait before the next one. Never raises."""
        started = self.clock.now()
        attempt = replace(self.status, last_attempt=started)
        try:
            outcome = self.poller.poll(attempt, lambda: self.stopping)
            self._failures = 0
            self._succeeded = True
            self.release()
            self.status = replace(outcome.status, error=None, failing_since=None, next_try=None)
            self._save_status()
            self._emit(replace(outcome, status=self.status))
            return self.interval
        except PollCancelled:
            return 0.0
        except SourceError as error:
            return self._failed(attempt, error)
        except StoreFault as fault:  # the source answered; the store would not keep it (full, read-only)
            return self._failed(attempt, SourceError(fault.sentence))
        except Exception as error:  # a bug, or the store failing (locked): report, keep going
            log.exception("%s poll failed unexpectedly", self.source)
            return self._failed(
                attempt,
                SourceError(
                    f"Unexpected error in the {self.source} poller: {error.__class__.__name__}; see the log."
                ),
            )

    def _failed(self, attempt: SourceStatus, error: SourceError) -> float:
        self._failures += 1
        delay = backoff(self._failures, self.interval, error.retry_after)
        if error.retry_after is not None:
            self.hold(delay)
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
            self.store.statuses.save(self.status)
        except Exception:  # the status is shown anyway; a locked store must not stop polling
            log.exception("could not record %s status", self.source)

    def _emit(self, outcome: PollOutcome) -> None:
        if not self.stopping:
            self.emit(outcome)
