"""The one loop base: a daemon thread that steps, waits, wakes early on request and never dies; and the
one back-off.

Every background loop (a poller, the outbox writer) is a `Loop`: `step()` does one unit of work and
says how long to wait before the next; `wake()` cuts the wait short (a refresh, a new write), unless
the service asked for a pause with `Retry-After` (`hold`), which a refresh must not cut short. A step
that raises is logged and the loop restarts after a pause, so a bug never ends polling or sending for
the rest of the day. The waits are on events, never `time.sleep`, so `stop()` ends them at once.

Why daemon threads and not Textual thread workers: on Python 3.11 the event loop's executor is
joined at exit, so a worker inside a slow HTTP request would hold quitting hostage for up to the
request timeout. A daemon thread is simply abandoned; every unit of work here is written so that
one cut off half-way writes nothing (a poll) or is checked before it is resent (a write).
Nothing here imports Textual.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300.0
CRASH_PAUSE_SECONDS = 5.0


def backoff(failures: int, base: float, retry_after: float | None = None) -> float:
    """Seconds to wait after the `failures`-th failure in a row: doubling from `base`, at most five
    minutes; what the service asked for (`Retry-After`, at least a second) when it asked."""
    if retry_after is not None:
        return max(float(retry_after), 1.0)
    return float(min(base * 2.0 ** (max(failures, 1) - 1), MAX_BACKOFF_SECONDS))


class Loop:
    """A daemon thread that runs `step()` until stopped. Subclasses implement `step`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._finished = threading.Event()
        self._hold_until = 0.0  # monotonic: a Retry-After that a wake must not cut short

    def step(self) -> float:
        """Do one unit of work; return the seconds to wait before the next."""
        raise NotImplementedError

    # -- control (any thread) ---------------------------------------------------------------------

    def start(self) -> None:
        threading.Thread(target=self._run_forever, name=self.name, daemon=True).start()

    def wake(self) -> None:
        """Step now instead of waiting out the delay (unless a `hold` is in force)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def wait_finished(self, timeout: float) -> bool:
        """Wait for the thread to end after `stop()`; True if it did within `timeout` seconds."""
        return self._finished.wait(timeout)

    # -- the thread -------------------------------------------------------------------------------

    def hold(self, seconds: float) -> None:
        """The service asked for a pause: no wake may end the next wait before it is over."""
        self._hold_until = time.monotonic() + seconds

    def release(self) -> None:
        self._hold_until = 0.0

    def run(self) -> None:
        while not self.stopping:
            delay = self.step()
            if self._stopping.is_set():  # stopped while stepping
                return
            self.wait(delay)

    def wait(self, delay: float) -> None:
        deadline = time.monotonic() + delay
        while not self.stopping:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            woken = self._wake.wait(remaining)
            self._wake.clear()
            if woken and time.monotonic() >= self._hold_until:
                return

    def _run_forever(self) -> None:
        try:
            while not self.stopping:
                try:
                    self.run()
                except Exception:  # never let a bug end the loop for the rest of the day
                    log.exception("%s crashed; restarting it", self.name)
                    self._stopping.wait(CRASH_PAUSE_SECONDS)
        finally:
            self._finished.set()
