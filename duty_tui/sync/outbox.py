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
from pathlib import Path
from typing import TextIO

from duty_tui.clock import Clock
from duty_tui.models import Ticket, Write, WriteKind
from duty_tui.rules.actions import Reached
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.writes import IssueState, JiraWriter, choose_transition
from duty_tui.store.core import Store

log = logging.getLogger(__name__)

IDLE_SECONDS = 300.0  # nothing to send: sleep until woken by a new write
MAX_BACKOFF_SECONDS = 300.0
CRASH_PAUSE_SECONDS = 5.0
STUCK_AFTER_ATTEMPTS = 5
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
    stuck: bool = False  # it has failed many times: tell the engineer (once) instead of retrying quietly


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
        self._stuck: set[str] = set()  # writes already reported as stuck (reported once each)
        self._lock_handle: TextIO | None = None

    # -- the loop ---------------------------------------------------------------------------

    def start(self, lock_path: Path | None = None) -> bool:
        """Send on a daemon thread of its own: quitting never waits for Jira, and a write cut off
        mid-flight is exactly what the resend checks are for. With `lock_path`, only one process
        per data dir sends (two would both resend an unanswered comment); False if another does."""
        if lock_path is not None and not self._lock(lock_path):
            return False
        threading.Thread(target=self._run_forever, name="outbox", daemon=True).start()
        return True

    def _lock(self, path: Path) -> bool:
        try:
            import fcntl
        except ImportError:  # no flock on this platform: run unlocked
            return True
        handle = path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_handle = handle  # held (and the lock with it) for the life of the process
        return True

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

    def send_now(self) -> None:
        """Jira answers again (or the engineer pressed refresh): stop waiting out back-offs."""
        self.store.send_now(self.clock.now())
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._lock_handle is not None:  # let the next writer on this data dir start
            self._lock_handle.close()
            self._lock_handle = None

    def step(self) -> float:
        """Send one keypress's writes. Returns how long to wait before the next step.

        Order is kept per ticket (a ticket's writes go in the order made), not across tickets:
        one ticket Jira keeps refusing to touch must not hold up all the others.
        """
        pending = self.store.pending_writes()
        if not pending:
            return IDLE_SECONDS
        heads: dict[str, Write] = {}
        for write in pending:
            heads.setdefault(write.key, write)
        now = self.clock.now()
        due = [w for w in heads.values() if w.next_attempt_at is None or w.next_attempt_at <= now]
        if not due:
            return min((w.next_attempt_at - now).total_seconds() for w in heads.values() if w.next_attempt_at)
        # Longest-waiting first: a ticket that keeps failing takes its turn behind the others.
        head = min(due, key=lambda w: (w.next_attempt_at or w.created_at, w.id or 0))
        self._send_batch([w for w in pending if w.key == head.key and w.batch == head.batch])
        return 0.0

    def _send_batch(self, batch: list[Write]) -> None:
        state: IssueState | None = None
        before = None
        for stored in batch:
            write = self.store.record_attempt(stored)
            try:
                state = self.deliver(write, state)
            except SourceError as error:
                self._failed(write, error)
                return
            except Exception as error:  # a bug must not lose the write: keep it and retry later
                log.exception("outbox: unexpected error sending %s", write.describe())
                self._failed(
                    write, SourceError(f"Unexpected error ({error.__class__.__name__}); see the log.")
                )
                return
            before = before or (state.updated if state else None)
            reached = Reached(state.status_id, state.status, state.status_category, before) if state else None
            self.store.complete(write, self.clock.now(), self.listed, reached)
            self._stuck.discard(write.uid)
            self.emit(OutboxProgress(write, self.store.ticket(write.key), self.store.count_pending()))

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
        moved = (
            (state.status_id != write.expected_status_id)
            if write.expected_status_id
            else (write.expected_status is not None and state.status != write.expected_status)
        )
        if moved:
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

    def _failed(self, write: Write, error: SourceError) -> None:
        now = self.clock.now()
        # Rejected credentials say nothing about the write: keep it until Jira accepts them again.
        if error.permanent and not error.auth:
            cancelled = self.store.fail(write, error.message, now)
            log.warning("outbox: %s refused: %s", write.describe(), error.message)
            self._stuck.discard(write.uid)
            self.emit(
                OutboxProgress(
                    write,
                    self.store.ticket(write.key),
                    self.store.count_pending(),
                    failure=error.message,
                    cancelled=tuple(cancelled),
                )
            )
            return
        delay = min(2.0 * 2.0 ** (write.attempts - 1), MAX_BACKOFF_SECONDS)
        if error.retry_after is not None:
            delay = max(float(error.retry_after), 1.0)
        self.store.retry_later(write, error.message, now + timedelta(seconds=delay))
        log.info("outbox: %s will be retried in %.0fs: %s", write.describe(), delay, error.message)
        stuck = write.attempts >= STUCK_AFTER_ATTEMPTS and write.uid not in self._stuck
        if stuck:
            self._stuck.add(write.uid)
        self.emit(
            OutboxProgress(
                write,
                self.store.ticket(write.key),
                self.store.count_pending(),
                retrying=error.message,
                stuck=stuck,
            )
        )
