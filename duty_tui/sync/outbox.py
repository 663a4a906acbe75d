"""The outbox writer: sends the engineer's stored writes, each to the service it names, each once.

One loop on one daemon thread, for every service. It takes the oldest due write of a target and the
rest of its keypress (take = assign + move + comment) and hands them, in order, to the `Delivery` of
their service (`sync.jira_delivery.JiraDelivery`, `sync.slack_delivery.SlackDelivery`), which checks what
the service already has before sending, so a resend after a dropped connection never doubles a write.
Order is kept per target, not across targets: one ticket the service keeps refusing holds up only its
own writes. Transient failures (network, 5xx, 429) wait with back-off or Retry-After and keep the order;
a permanent one (a 4xx other than 429, a conflict) fails the write, cancels the rest of its keypress and
undoes their optimistic changes. Rejected credentials keep the writes until the service accepts them
again. A store that will not take a write (the disk is full, the file system read-only: `StoreFault`)
stops the sending, never a write: nothing goes out whose attempt is not recorded first, and a write the
service took but the store could not mark sent is kept here and marked sent once the store takes it
again, never resent (after a restart in between, the attempt recorded before sending makes the resend
look for it first). Each retry says the store's sentence, as a write kept for later does. Nothing here
imports Textual.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TextIO

from duty_tui.clock import Clock
from duty_tui.models import Service, Ticket, Write, WriteKind
from duty_tui.rules.actions import Reached
from duty_tui.sources.errors import SourceError
from duty_tui.store import Store
from duty_tui.store.db import StoreFault
from duty_tui.sync.loop import Loop, backoff

log = logging.getLogger(__name__)

IDLE_SECONDS = 300.0  # nothing to send: sleep until woken by a new write
FIRST_RETRY_SECONDS = 2.0
STUCK_AFTER_ATTEMPTS = 5
CREATE_RETRY_SECONDS = 30.0
STORE_RETRY_SECONDS = 5.0  # the store refused a write (full disk, read-only): try it again this often


@dataclass(frozen=True, slots=True)
class Delivered:
    """What sending one write left behind."""

    carry: object | None = None  # what the next write of the same keypress may reuse (Jira: the state)
    reached: Reached | None = None  # where the service says the write took its target
    result: str | None = None  # what the service made: a created ticket's key, a reply's ts


class Delivery(Protocol):
    """How one service's writes reach it."""

    def deliver(self, write: Write, carry: object | None) -> Delivered:
        """Send `write` unless the service already has it; raise `SourceError` when it cannot."""
        ...

    def confirmed(self, write: Write, delivered: Delivered, at: datetime) -> None:
        """Make the cache show what the service now has (runs in the transaction that marks it sent)."""
        ...

    def shown(self, write: Write) -> Ticket | None:
        """The write's target as the engineer should now see it, if the UI shows it as a ticket."""
        ...


@dataclass(frozen=True, slots=True)
class OutboxProgress:
    """What one delivery did, for the UI: the target as now shown, and a failure to explain."""

    write: Write
    ticket: Ticket | None
    pending: int
    failure: str | None = None  # set when the service refused the write for good
    retrying: str | None = None  # why it will try again later: a clause, the messages end the sentence
    cancelled: tuple[Write, ...] = ()
    stuck: bool = False  # it has failed many times: tell the engineer (once) instead of retrying quietly
    version: int = 0  # the store's version `ticket` was read at (`Database.version`)


class OutboxWriter(Loop):
    def __init__(
        self,
        store: Store,
        deliveries: Mapping[Service, Delivery],
        clock: Clock,
        emit: Callable[[OutboxProgress], None],
    ) -> None:
        super().__init__("outbox")
        self.store = store
        self.deliveries = dict(deliveries)
        self.clock = clock
        self.emit = emit
        self._stuck: set[str] = set()  # writes already reported as stuck (reported once each)
        self._lock_handle: TextIO | None = None
        # Writes the service has that the store could not mark sent yet (oldest first): marked before
        # anything else is sent, never sent again.
        self._unrecorded: list[_Unrecorded] = []
        self._store_fault: str | None = None  # what the store said while it refuses writes

    # -- control ------------------------------------------------------------------------------

    def start_locked(self, lock_path: Path) -> bool:
        """Send on a daemon thread of its own (quitting never waits for a service; a write cut off
        mid-flight is exactly what the resend checks are for), if no other process sends from this
        data dir: two would both resend an unanswered comment. False if another one does."""
        if not self._lock(lock_path):
            return False
        self.start()
        return True

    def _lock(self, path: Path) -> bool:
        try:
            import fcntl
        except ImportError:  # no flock on this platform: run unlocked
            return True
        handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_handle = handle  # held (and the lock with it) for the life of the process
        return True

    def send_now(self) -> None:
        """The service answers again (or the engineer pressed refresh): stop waiting out back-offs."""
        try:
            self.store.outbox.send_now(self.clock.now())
        except StoreFault as fault:  # the writer itself says so, at its next step
            log.warning("outbox: could not bring the writes forward: %s", fault)
        self.wake()

    def stop(self) -> None:
        super().stop()
        if self._lock_handle is not None:  # let the next writer on this data dir start
            self._lock_handle.close()
            self._lock_handle = None

    # -- a step -------------------------------------------------------------------------------

    def step(self) -> float:
        """Send one keypress's writes. Returns how long to wait before the next step."""
        try:
            self._record_unrecorded()
            wait = self._step()
        except StoreFault as fault:
            return self._store_refused(fault)
        self._store_fault = None
        return wait

    def _step(self) -> float:
        pending = self.store.outbox.pending()
        if not pending:
            return IDLE_SECONDS
        now = self.clock.now()
        firsts: dict[tuple[Service, str], Write] = {}  # a target is a key in one service
        batches: dict[str, list[Write]] = {}
        for write in pending:
            firsts.setdefault(_target(write), write)
            batches.setdefault(write.batch, []).append(write)
        # A keypress can go when its first write is due and nothing older waits for the same target:
        # so writes to one target keep their order, across keypresses and services.
        ready = [
            writes[0]
            for writes in batches.values()
            if firsts[_target(writes[0])] is writes[0] and _due(writes[0], now)
        ]
        if not ready:  # the oldest write waits out a back-off (it is always first of its target and keypress)
            waits = [(w.next_attempt_at - now).total_seconds() for w in pending if w.next_attempt_at]
            return max(0.05, min((wait for wait in waits if wait > 0), default=FIRST_RETRY_SECONDS))
        # Longest-waiting first: a target that keeps failing takes its turn behind the others.
        head = min(ready, key=lambda w: (w.next_attempt_at or w.created_at, w.id or 0))
        self._send_batch(batches[head.batch], pending, now)
        return 0.0

    def _send_batch(self, batch: list[Write], pending: list[Write], now: datetime) -> None:
        """Send the keypress's writes in order, each only when it is due and nothing older for its
        target is still waiting (a raise touches two targets: the ticket's and the thread's); the first
        that must wait stops the run, and a later step goes on from there."""
        carry: object | None = None
        sent: set[int] = set()
        for stored in batch:
            earlier = [w for w in pending if _target(w) == _target(stored) and (w.id or 0) < (stored.id or 0)]
            if not _due(stored, now) or any((w.id or 0) not in sent for w in earlier):
                return
            write = self.store.outbox.record_attempt(stored)
            delivery = self.deliveries.get(write.service)
            try:
                if delivery is None:
                    raise SourceError(f"duty-tui cannot send writes to {write.service} yet.", permanent=True)
                delivered = delivery.deliver(write, carry)
            except SourceError as error:
                self._failed(write, error, delivery)
                return
            except StoreFault:  # the delivery could not read or keep what it needs: later, checked first
                raise
            except Exception as error:  # a bug must not lose the write: keep it and retry later
                log.exception("outbox: unexpected error sending %s", write.describe())
                self._failed(
                    write,
                    SourceError(f"Unexpected error ({error.__class__.__name__}); see the log."),
                    delivery,
                )
                return
            carry = delivered.carry
            write = replace(write, result=delivered.result)  # the UI learns what it made (a new key)
            sent.add(write.id or 0)
            unrecorded = _Unrecorded(write, delivered, delivery, self.clock.now())
            self._unrecorded.append(unrecorded)  # until the store has it: sent, so never sent again
            self._record(unrecorded)

    def _record_unrecorded(self) -> None:
        """Mark sent what the service took while the store refused to record it, oldest first."""
        while self._unrecorded:
            self._record(self._unrecorded[0])

    def _record(self, unrecorded: _Unrecorded) -> None:
        """Mark one delivered write sent and show its effect, in one transaction (raises `StoreFault`
        while the store refuses, keeping it for the next step)."""
        write, delivery = unrecorded.write, unrecorded.delivery
        with self.store.transaction():
            self.store.outbox.mark_sent(write, unrecorded.at, unrecorded.delivered.reached, write.result)
            delivery.confirmed(write, unrecorded.delivered, unrecorded.at)
        self._unrecorded.remove(unrecorded)
        self._stuck.discard(write.uid)
        shown, version = self._shown(delivery, write)
        self.emit(OutboxProgress(write, shown, self.store.outbox.count_pending(), version=version))

    def _store_refused(self, fault: StoreFault) -> float:
        """The store would not take a write: send nothing more until it does, and say why (a toast once,
        then the status line) about the write that waits."""
        first_time = self._store_fault != fault.sentence
        self._store_fault = fault.sentence
        if first_time:
            log.warning("outbox: sending paused: %s", fault.sentence)
        try:
            pending = self.store.outbox.pending()
            waiting = self._unrecorded[0].write if self._unrecorded else (pending[0] if pending else None)
            if waiting is not None:
                shown, version = self._shown(self.deliveries.get(waiting.service), waiting)
                self.emit(
                    OutboxProgress(
                        waiting,
                        shown,
                        len(pending),
                        retrying=fault.sentence.rstrip("."),
                        stuck=first_time,
                        version=version,
                    )
                )
        except sqlite3.Error:  # the store cannot even be read: the next step tries again
            log.exception("outbox: could not read the store")
        return STORE_RETRY_SECONDS

    def _shown(self, delivery: Delivery | None, write: Write) -> tuple[Ticket | None, int]:
        """The write's target as now shown, and the store's version it was read at (one reading: the UI
        drops a reading older than the one a row shows, `desks.ticket_readings`)."""
        with self.store.db.lock:
            return (delivery.shown(write) if delivery is not None else None), self.store.db.version

    def _failed(self, write: Write, error: SourceError, delivery: Delivery | None) -> None:
        now = self.clock.now()
        # Rejected credentials say nothing about the write: keep it until the service accepts them again.
        if error.permanent and not error.auth:
            cancelled = self.store.outbox.fail(write, error.message, now)
            log.warning("outbox: %s refused: %s", write.describe(), error.message)
            self._stuck.discard(write.uid)
            # Read after the failure: the optimistic change is undone.
            shown, version = self._shown(delivery, write)
            self.emit(
                OutboxProgress(
                    write,
                    shown,
                    self.store.outbox.count_pending(),
                    failure=error.message,
                    cancelled=tuple(cancelled),
                    version=version,
                )
            )
            return
        delay = backoff(write.attempts, FIRST_RETRY_SECONDS, error.retry_after)
        if write.kind is WriteKind.CREATE:
            # The resend looks for the ticket in Jira's search, which lags behind a creation: give it time.
            delay = max(delay, CREATE_RETRY_SECONDS)
        self.store.outbox.retry_later(write, error.message, now + timedelta(seconds=delay))
        log.info("outbox: %s will be retried in %.0fs: %s", write.describe(), delay, error.message)
        stuck = write.attempts >= STUCK_AFTER_ATTEMPTS and write.uid not in self._stuck
        if stuck:
            self._stuck.add(write.uid)
        shown, version = self._shown(delivery, write)
        self.emit(
            OutboxProgress(
                write,
                shown,
                self.store.outbox.count_pending(),
                retrying=error.message.rstrip("."),
                stuck=stuck,
                version=version,
            )
        )


@dataclass(frozen=True, slots=True)
class _Unrecorded:
    """A write the service has, not yet marked sent in the store."""

    write: Write
    delivered: Delivered
    delivery: Delivery
    at: datetime


def _target(write: Write) -> tuple[Service, str]:
    return write.service, write.key


def _due(write: Write, now: datetime) -> bool:
    return write.next_attempt_at is None or write.next_attempt_at <= now
