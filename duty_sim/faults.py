"""Fault injection shared by the simulated services, driven from tests and the demo.

A plan is a queue of one-shot faults (each optionally limited to requests whose "METHOD path"
matches a regular expression), plus standing conditions: latency and a revoked token. The server
consumes faults in order as matching requests arrive.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    THROUGH = "through"  # answer normally (lets a fault hit the second matching request, not the first)
    STATUS = "status"  # answer with an HTTP error status, without acting
    RATE_LIMIT = "rate_limit"  # answer 429 + Retry-After, without acting
    DROP = "drop"  # act, then close the connection without answering
    MALFORMED = "malformed"  # act, then answer 200 with a truncated, unparseable body


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    status: int = 500
    retry_after: int = 1
    match: re.Pattern[str] | None = None

    def applies_to(self, method: str, path: str) -> bool:
        return self.match is None or self.match.search(f"{method} {path}") is not None


_HOLD_AT_MOST = 30.0  # a test that forgets to release must not hang the server for good


class Faults:
    """Thread-safe fault plan for one simulated service."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()
        self._latency = 0.0
        self._latency_match: re.Pattern[str] | None = None
        self._token_revoked = False
        self._gate = threading.Event()
        self._gate.set()
        self._gate_match: re.Pattern[str] | None = None

    # -- what tests call ------------------------------------------------------------------------

    def fail_next(self, n: int = 1, status: int = 500, match: str | None = None, *, after: int = 0) -> None:
        """Fail the next `n` matching requests, once `after` more matching ones have gone through."""
        self._push(after, Fault(FaultKind.THROUGH, match=_compile(match)))
        self._push(n, Fault(FaultKind.STATUS, status=status, match=_compile(match)))

    def rate_limit_next(self, n: int = 1, retry_after: int = 1, match: str | None = None) -> None:
        self._push(n, Fault(FaultKind.RATE_LIMIT, status=429, retry_after=retry_after, match=_compile(match)))

    def drop_next(self, n: int = 1, match: str | None = None) -> None:
        """Accept-then-drop: the service acts on the request, then the connection closes unanswered."""
        self._push(n, Fault(FaultKind.DROP, match=_compile(match)))

    def malformed_next(self, n: int = 1, match: str | None = None) -> None:
        self._push(n, Fault(FaultKind.MALFORMED, match=_compile(match)))

    def set_latency(self, seconds: float, match: str | None = None) -> None:
        with self._lock:
            self._latency = seconds
            self._latency_match = _compile(match)

    def hold(self, match: str | None = None) -> None:
        """Keep matching requests waiting (unanswered, not yet acted on) until `release()`.

        A latency races the test's own steps on a slow machine; a held request waits for the test.
        """
        with self._lock:
            self._gate_match = _compile(match)
            self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    def revoke_token(self) -> None:
        with self._lock:
            self._token_revoked = True

    def restore_token(self) -> None:
        with self._lock:
            self._token_revoked = False

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self._latency = 0.0
            self._latency_match = None
            self._token_revoked = False
        self._gate.set()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    # -- what the server calls ----------------------------------------------------------------

    @property
    def token_revoked(self) -> bool:
        with self._lock:
            return self._token_revoked

    def take(self, method: str, path: str) -> Fault | None:
        """Remove and return the first queued fault that applies to this request."""
        with self._lock:
            for index, fault in enumerate(self._queue):
                if fault.applies_to(method, path):
                    del self._queue[index]
                    return fault
        return None

    def delay(self, method: str, path: str) -> None:
        with self._lock:
            seconds = self._latency
            match = self._latency_match
            gate_match = self._gate_match
        if seconds > 0 and (match is None or match.search(f"{method} {path}")):
            time.sleep(seconds)
        if gate_match is None or gate_match.search(f"{method} {path}"):
            self._gate.wait(timeout=_HOLD_AT_MOST)

    def _push(self, n: int, fault: Fault) -> None:
        with self._lock:
            self._queue.extend([fault] * n)


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


class TokenBucket:
    """Per-key token buckets in real (monotonic) time, because clients really wait Retry-After.

    `rates` maps a key (e.g. a Slack method or a Jira route template) to (capacity, per_seconds):
    `capacity` requests may burst, refilled evenly over `per_seconds`.
    """

    def __init__(self, rates: dict[str, tuple[int, float]] | None = None) -> None:
        self._lock = threading.Lock()
        self._rates = dict(rates or {})
        self._tokens: dict[str, tuple[float, float]] = {}

    def set_rate(self, key: str, capacity: int, per_seconds: float) -> None:
        with self._lock:
            self._rates[key] = (capacity, per_seconds)
            self._tokens.pop(key, None)

    def remove_rate(self, key: str) -> None:
        with self._lock:
            self._rates.pop(key, None)
            self._tokens.pop(key, None)

    def take(self, key: str) -> int | None:
        """Spend one token. Returns None when allowed, else the whole seconds until one is free."""
        with self._lock:
            rate = self._rates.get(key)
            if rate is None:
                return None
            capacity, per_seconds = rate
            refill_per_second = capacity / per_seconds
            now = time.monotonic()
            tokens, last = self._tokens.get(key, (float(capacity), now))
            tokens = min(float(capacity), tokens + (now - last) * refill_per_second)
            if tokens >= 1.0:
                self._tokens[key] = (tokens - 1.0, now)
                return None
            self._tokens[key] = (tokens, now)
            wait = (1.0 - tokens) / refill_per_second
            return max(1, int(wait + 0.999))
