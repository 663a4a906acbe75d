"""`ProbeLoop`: every configured health check, each at its own interval, on one loop-base thread.

Each step probes the checks that are due (at the same time, each on a short-lived daemon thread, so one
slow check does not delay the others; the probe's own timeout bounds the wait), records the results in
the store in one transaction, hands them to `emit`, and waits until the next check is due. A check's
next probe is due one interval after its last was due, so a slow answer does not make it drift. Once an
hour, results older than the store's retention (35 days) are forgotten.

A failed probe is a result like any other (`sources.health.probe` never raises); a store that cannot be
written is logged and probing goes on. Nothing here imports Textual.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from duty_tui.clock import Clock
from duty_tui.rules.availability import HealthCheck, ProbeError, ProbeResult
from duty_tui.sources.health import probe
from duty_tui.store import Store
from duty_tui.store.probes import RETENTION
from duty_tui.sync.loop import Loop

log = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 3600.0
IDLE_SECONDS = 3600.0  # with no checks configured the loop only wakes to see whether it was stopped
GRACE_SECONDS = 5.0  # beyond a probe's timeout, before its thread is given up on

Probe = Callable[[HealthCheck, Callable[[], datetime]], ProbeResult]


class ProbeLoop(Loop):
    """Runs the health checks until stopped. `emit` gets each step's results (on this loop's thread)."""

    def __init__(
        self,
        checks: Sequence[HealthCheck],
        store: Store,
        clock: Clock,
        emit: Callable[[tuple[ProbeResult, ...]], None] | None = None,
        *,
        probe: Probe = probe,
    ) -> None:
        super().__init__("health probes")
        self.checks = tuple(checks)
        self.store = store
        self.clock = clock
        self.emit = emit
        self.probe = probe
        self._due = {check.name: 0.0 for check in self.checks}  # monotonic; 0: probe at once
        self._lock = threading.Lock()
        self._next_prune = 0.0

    def step(self) -> float:
        results = self.cycle()
        if results and not self.stopping:
            self._record(results)
            if self.emit is not None and not self.stopping:
                self.emit(results)
        self._prune()
        return self.delay()

    def cycle(self) -> tuple[ProbeResult, ...]:
        """Probe the checks that are due now and schedule their next probes; the results in the order
        of the checks."""
        now = time.monotonic()
        with self._lock:
            due = [check for check in self.checks if self._due[check.name] <= now]
            for check in due:
                after = self._due[check.name] + check.interval
                self._due[check.name] = after if after > now else now + check.interval
        return self._probe_all(due)

    def delay(self) -> float:
        """Seconds until the next check is due."""
        with self._lock:
            if not self._due:
                return IDLE_SECONDS
            return max(0.0, min(self._due.values()) - time.monotonic())

    # -- probing -----------------------------------------------------------------------------------

    def _probe_all(self, due: list[HealthCheck]) -> tuple[ProbeResult, ...]:
        if len(due) <= 1:
            return tuple(self._probe_one(check) for check in due)
        found: dict[str, ProbeResult] = {}

        def run(check: HealthCheck) -> None:
            found[check.name] = self._probe_one(check)

        threads = [
            # Daemon threads: an abandoned probe must never hold up quitting.
            threading.Thread(target=run, args=(check,), name=f"probe {check.name}", daemon=True)
            for check in due
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + max(check.timeout for check in due) + GRACE_SECONDS
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return tuple(found[check.name] if check.name in found else self._lost(check) for check in due)

    def _probe_one(self, check: HealthCheck) -> ProbeResult:
        try:
            return self.probe(check, self.clock.now)
        except Exception as error:  # a probe failure is data, even a bug's
            log.exception("health probe %s raised", check.name)
            return ProbeResult(
                check.name,
                self.clock.now(),
                ok=False,
                error=ProbeError.OTHER,
                reason=f"unexpected error ({error.__class__.__name__}); see the log",
            )

    def _lost(self, check: HealthCheck) -> ProbeResult:
        return ProbeResult(
            check.name,
            self.clock.now(),
            ok=False,
            error=ProbeError.TIMEOUT,
            reason=f"no answer within {check.timeout:g}s",
        )

    # -- the store ---------------------------------------------------------------------------------

    def _record(self, results: tuple[ProbeResult, ...]) -> None:
        try:
            self.store.probes.record(results)
        except Exception:  # a locked or full store must not stop probing; the results still go out
            log.exception("could not record health probe results")

    def _prune(self) -> None:
        now = time.monotonic()
        if now < self._next_prune or self.stopping:
            return
        self._next_prune = now + PRUNE_EVERY_SECONDS
        try:
            self.store.probes.forget_before(self.clock.now() - RETENTION)
        except Exception:
            log.exception("could not forget old health probe results")
