"""The outbox writer: sends the engineer's stored writes to Jira in order, each taking effect once.

One loop in one worker thread. It takes the oldest pending write and the rest of its keypress
(take = assign + move + comment) and sends them after one state check of the ticket:
- an assignment is skipped if Jira already has it, and refused if a colleague changed the
  assignee since the engineer acted (it says who, and does not overwrite);
- a move is skipped if the ticket already has the target status, and refused if someone moved it
  elsewhere meanwhile; the transition is chosen by target status, never by name;
- a comment that may have landed before a dropped connection is looked up by its outbox id first.
Transient failures (network, 5xx, 429) wait with back-off or Retry-After and keep the order; a
permanent one (400/403/404/409, a conflict) fails the write, cancels the rest of its keypress and
undoes their optimistic changes. Nothing here imports Textual.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from duty_tui.clock import Clock
from duty_tui.models import Ticket, Write, WriteKind
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira_writes import IssueState, JiraWriter, choose_transition
from duty_tui.store import Store

log = logging.getLogger(__name__)

IDLE_SECONDS = 300.0  # nothing to send: sleep until woken by a new write
MAX_BACKOFF_SECONDS = 300.0
CRASH_PAUSE_SECONDS = 5.0
PREFERRED_IN_PROGRESS = "In Progress"


@dataclass(frozen=True, slots=True)
class OutboxProgress:
    """What one delivery did, for the UI: the ticket as now shown, and a failure to explain."""

    write: Write
    ticket: Ticket | None
    pending: int
    failure: str | None = None  # set when Jira refused the write for good
    retrying: str | None = None  # set when it will try again later
    cancelled: tuple[Write, ...] = ()


class Conflict(SourceError):
    """Someone else changed the ticket since the engineer acted: refuse rather than overwrite."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, status=409)


class OutboxWriter:
    def __init__(
        self,
        store: Store,
        writer: JiraWriter,
        clock: Clock,
        listed: Callable[[Ticket], bool],
        emit: Callable[[OutboxProgress], None],
    ) -> None:
        self.store = store
        self.writer = writer
        self.clock = clock
        self.listed = listed
        self.emit = emit
        self._wake = threading.Event()
        self._stopping = threading.Event()

    # -- the loop ---------------------------------------------------------------------------

    def start(self) -> None:
        """Send on a daemon thread of its own: quitting never waits for Jira, and a write cut off
        mid-flight is exactly what the resend checks are for."""
        threading.Thread(target=self._run_forever, name="outbox", daemon=True).start()

    def _run_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                self.run()
            except Exception:  # the store failed (locked, disk full): the writes are safe, try again
                log.exception("outbox writer crashed; restarting it")
                self._stopping.wait(CRASH_PAUSE_SECONDS)

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        while not cancelled() and not self._stopping.is_set():
            delay = self.step()
            if cancelled() or self._stopping.is_set():
                return
            if delay > 0:
                self._wake.wait(delay)
                self._wake.clear()

    def wake(self) -> None:
        """A new write was stored: send it now."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def step(self) -> float:
        """Send the oldest pending keypress. Returns how long to wait before the next step."""
        head = self.store.next_write()
        if head is None:
            return IDLE_SECONDS
        now = self.clock.now()
        if head.next_attempt_at is not None and head.next_attempt_at > now:
            return (head.next_attempt_at - now).total_seconds()
        batch = [w for w in self.store.pending_writes(head.key) if w.batch == head.batch]
        state: IssueState | None = None
        for stored in batch:
            write = self.store.record_attempt(stored)
            try:
                state = self.deliver(write, state)
            except SourceError as error:
                return self._failed(write, error)
            except Exception as error:  # a bug must not lose the write: keep it and retry later
                log.exception("outbox: unexpected error sending %s", write.describe())
                return self._failed(
                    write, SourceError(f"Unexpected error ({error.__class__.__name__}); see the log.")
                )
            self.store.complete(write, self.clock.now(), self.listed)
            self.emit(OutboxProgress(write, self.store.ticket(write.key), self.store.count_pending()))
        return 0.0

    # -- one write ---------------------------------------------------------------------------

    def deliver(self, write: Write, state: IssueState | None) -> IssueState | None:
        """Send one write unless Jira already has it. Returns the ticket's state after it."""
        if write.kind is WriteKind.ASSIGN:
            state = state or self.writer.state(write.key)
            if state.assignee_id == write.assignee_id:
                return state  # already so (maybe our own earlier attempt, before the connection dropped)
            if state.assignee_id != write.expected_assignee_id:
                who = state.assignee or "someone"
                raise Conflict(
                    f"{write.key} is now assigned to {who} (not as when you acted); "
                    "duty-tui did not overwrite it."
                    if state.assignee_id
                    else f"{write.key} was unassigned meanwhile; duty-tui did not change it."
                )
            self.writer.assign(write.key, write.assignee_id)
            return replace(state, assignee_id=write.assignee_id, assignee=write.assignee)
        if write.kind is WriteKind.TRANSITION:
            return self._transition(write, state)
        if write.attempts > 1 and self.writer.has_comment(write.key, write.uid):
            return state  # an earlier attempt landed; Jira's answer was lost
        assert write.body is not None
        self.writer.comment(write.key, write.body, write.uid)
        return state

    def _transition(self, write: Write, state: IssueState | None) -> IssueState:
        if state is None or not state.transitions:
            state = self.writer.state(write.key)
        there = (
            (state.status_id == write.to_status_id)
            if write.to_status_id
            else (state.status_category == write.to_category)
        )
        if there:
            return state
        if write.expected_status and state.status != write.expected_status:
            raise Conflict(f"{write.key} was moved to {state.status} meanwhile; duty-tui did not move it.")
        transition = choose_transition(
            state.transitions,
            to_status_id=write.to_status_id,
            to_category=write.to_category,
            preferred=write.to_status or PREFERRED_IN_PROGRESS,
        )
        if transition is None:
            target = write.to_status or write.to_category
            raise Conflict(
                f"{write.key} cannot move from {state.status} to {target}: Jira offers no such transition."
            )
        self.writer.transition(write.key, transition.id)
        return replace(
            state,
            status_id=transition.to_id,
            status=transition.to_name,
            status_category=transition.to_category,
            transitions=(),
        )

    def _failed(self, write: Write, error: SourceError) -> float:
        now = self.clock.now()
        if error.permanent:
            cancelled = self.store.fail(write, error.message, now)
            log.warning("outbox: %s refused: %s", write.describe(), error.message)
            self.emit(
                OutboxProgress(
                    write,
                    self.store.ticket(write.key),
                    self.store.count_pending(),
                    failure=error.message,
                    cancelled=tuple(cancelled),
                )
            )
            return 0.0
        delay = min(2.0 * 2.0 ** (write.attempts - 1), MAX_BACKOFF_SECONDS)
        if error.retry_after is not None:
            delay = max(float(error.retry_after), 1.0)
        self.store.retry_later(write, error.message, now + timedelta(seconds=delay))
        log.info("outbox: %s will be retried in %.0fs: %s", write.describe(), delay, error.message)
        self.emit(
            OutboxProgress(
                write, self.store.ticket(write.key), self.store.count_pending(), retrying=error.message
            )
        )
        return delay
