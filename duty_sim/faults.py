"""Fault injection shared by the simulated services, driven from tests and the demo.

A plan is a queue of faults, each optionally limited to requests whose "METHOD path" matches a regular
expression, plus standing conditions: latency, held requests, refused connections and a revoked token.
The server consumes faults in order as matching requests arrive. A fault queued with `n=None` stands:
it applies to every matching request until `clear()`.

What each fault looks like to a client (`duty_sim.server` applies them):

- `refuse` (standing): the service is not listening. With no `match`, every new connection is reset
  as soon as it is accepted, and a request on a connection kept alive from before is reset once its
  request line is read, so a client sees a connection error and nothing reaches the service; with a
  `match`, only matching requests are reset (before their body is read). `clear()` (or `accept()`)
  listens again, on the same port. `refuse_next` does it to the next `n` matching requests.
  (`SimServer.go_down()` closes the listening socket itself, for a true ECONNREFUSED.)
- `fail_next`: an HTTP error status in the service's own error format, without acting.
- `html_error_next`: an error status (502 by default) with an HTML page, as a proxy or load
  balancer in front of the service sends it, without acting.
- `gone_next`: 410 Gone, without acting.
- `rate_limit_next`: 429 + Retry-After, without acting.
- `redirect_next`: a 3xx (302 by default) with a Location, without acting.
- `echo_next`: an error status (500 by default) whose text body echoes the request line and headers
  (credentials included), without acting.
- `drop_next`: accept-then-drop: the service acts, then the connection closes unanswered.
- `malformed_next`: the service acts, then answers 200 with a truncated, unparseable body.
- `set_latency`: each matching request waits that long (e.g. 10 s) before the service acts on it;
  a client whose timeout is shorter gives up, the service still acts. Changing or clearing the
  latency ends the waits at once, so a test can set the real 10 s with a short client timeout and
  never wait it out.
- `hold` / `release`: matching requests wait (unanswered, not yet acted on) until released.
- `revoke_token` / `restore_token`: every request is refused as unauthenticated.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from enum import StrEnum


class FaultKind(StrEnum):
    THROUGH = "through"  # answer normally (lets a fault hit the second matching request, not the first)
    STATUS = "status"  # answer with an HTTP error status, without acting
    RATE_LIMIT = "rate_limit"  # answer 429 + Retry-After, without acting
    DROP = "drop"  # act, then close the connection without answering
    MALFORMED = "malformed"  # act, then answer 200 with a truncated, unparseable body
    HTML = "html"  # answer an error status with a proxy's HTML page, without acting
    REFUSE = "refuse"  # reset the connection once the request line is read, without acting
    REDIRECT = "redirect"  # answer a 3xx with a Location, without acting
    ECHO = "echo"  # answer an error status with the request echoed back, headers and all, without acting


GONE = 410  # the status of `gone_next`


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    status: int = 500
    retry_after: int = 1
    match: re.Pattern[str] | None = None
    standing: bool = False  # applies to every matching request until `clear()`, not only the next
    location: str = ""  # where a REDIRECT points

    def applies_to(self, method: str, path: str) -> bool:
        return self.match is None or self.match.search(f"{method} {path}") is not None


_HOLD_AT_MOST = 30.0  # a test that forgets to release must not hang the server for good
_PROXY_PAGES = {
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


def proxy_page(status: int) -> bytes:
    """The HTML error page a proxy (nginx, a cloud load balancer) sends instead of the service's JSON."""
    reason = _PROXY_PAGES.get(status, "Error")
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


class Faults:
    """Thread-safe fault plan for one simulated service."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()
        self._latency = 0.0
        self._latency_match: re.Pattern[str] | None = None
        self._latency_changed = threading.Condition(self._lock)
        self._latency_epoch = 0  # bumped when the latency changes: the requests waiting it out go on
        self._token_revoked = False
        self._refusing = False
        self._refuse_match: re.Pattern[str] | None = None
        self._gate = threading.Event()
        self._gate.set()
        self._gate_match: re.Pattern[str] | None = None

    # -- what tests call ------------------------------------------------------------------------

    # Each `*_next` takes `n`: how many matching requests it hits, or None for all of them until
    # `clear()` (a standing fault).

    def fail_next(
        self, n: int | None = 1, status: int = 500, match: str | None = None, *, after: int = 0
    ) -> None:
        """Fail the next `n` matching requests, once `after` more matching ones have gone through."""
        self._push(after, Fault(FaultKind.THROUGH, match=_compile(match)))
        self._push(n, Fault(FaultKind.STATUS, status=status, match=_compile(match)))

    def html_error_next(self, n: int | None = 1, status: int = 502, match: str | None = None) -> None:
        """Answer with `status` and an HTML error page, as a proxy in front of the service does."""
        self._push(n, Fault(FaultKind.HTML, status=status, match=_compile(match)))

    def gone_next(self, n: int | None = 1, match: str | None = None) -> None:
        """Answer 410 Gone (as for an API that has been removed), in the service's error format."""
        self._push(n, Fault(FaultKind.STATUS, status=GONE, match=_compile(match)))

    def redirect_next(
        self, location: str, n: int | None = 1, status: int = 302, match: str | None = None
    ) -> None:
        """Answer `status` (301, 302, 303, 307, 308) with `Location: location`, without acting: a site
        that moved, a login or maintenance page, or someone wanting the request (and its token) elsewhere."""
        self._push(n, Fault(FaultKind.REDIRECT, status=status, match=_compile(match), location=location))

    def echo_next(self, n: int | None = 1, status: int = 500, match: str | None = None) -> None:
        """Answer `status` with a text page echoing the request line and every header, Authorization
        included, without acting: what a debugging proxy or a careless error page sends."""
        self._push(n, Fault(FaultKind.ECHO, status=status, match=_compile(match)))

    def rate_limit_next(self, n: int | None = 1, retry_after: int = 1, match: str | None = None) -> None:
        self._push(n, Fault(FaultKind.RATE_LIMIT, status=429, retry_after=retry_after, match=_compile(match)))

    def drop_next(self, n: int | None = 1, match: str | None = None) -> None:
        """Accept-then-drop: the service acts on the request, then the connection closes unanswered."""
        self._push(n, Fault(FaultKind.DROP, match=_compile(match)))

    def malformed_next(self, n: int | None = 1, match: str | None = None) -> None:
        self._push(n, Fault(FaultKind.MALFORMED, match=_compile(match)))

    def refuse_next(self, n: int | None = 1, match: str | None = None) -> None:
        """Reset the connection of the next `n` matching requests once their request line is read."""
        self._push(n, Fault(FaultKind.REFUSE, match=_compile(match)))

    def refuse(self, match: str | None = None) -> None:
        """Stop listening (standing, until `accept()` or `clear()`): see the module's notes."""
        with self._lock:
            self._refusing = True
            self._refuse_match = _compile(match)

    def accept(self) -> None:
        """Listen again after `refuse()`."""
        with self._lock:
            self._refusing = False
            self._refuse_match = None

    def set_latency(self, seconds: float, match: str | None = None) -> None:
        """Make matching requests wait `seconds` before the service acts (0 for none). Requests already
        waiting go on at once."""
        with self._lock:
            self._latency = seconds
            self._latency_match = _compile(match)
            self._latency_epoch += 1
            self._latency_changed.notify_all()

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
        """End every fault: the queue, latency (waiting requests go on), holds, refusals, the token."""
        with self._lock:
            self._queue.clear()
            self._latency = 0.0
            self._latency_match = None
            self._latency_epoch += 1
            self._latency_changed.notify_all()
            self._token_revoked = False
            self._refusing = False
            self._refuse_match = None
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

    @property
    def refusing_all(self) -> bool:
        """Whether every new connection is refused (`refuse()` without a match)."""
        with self._lock:
            return self._refusing and self._refuse_match is None

    def refuses(self, method: str, path: str) -> bool:
        """Whether this request's connection is to be reset before the service sees it (a standing
        refusal, or a queued `refuse_next`, which this consumes)."""
        with self._lock:
            if self._refusing and (
                self._refuse_match is None or self._refuse_match.search(f"{method} {path}")
            ):
                return True
            for index, fault in enumerate(self._queue):
                if fault.applies_to(method, path):
                    if fault.kind is not FaultKind.REFUSE:
                        return False  # an earlier fault for this request comes first
                    if not fault.standing:
                        del self._queue[index]
                    return True
        return False

    def take(self, method: str, path: str) -> Fault | None:
        """Remove and return the first queued fault that applies to this request (a standing one stays)."""
        with self._lock:
            for index, fault in enumerate(self._queue):
                if fault.applies_to(method, path):
                    if not fault.standing:
                        del self._queue[index]
                    return fault
        return None

    def delay(self, method: str, path: str) -> None:
        with self._lock:
            seconds = self._latency
            match = self._latency_match
            gate_match = self._gate_match
            if seconds > 0 and (match is None or match.search(f"{method} {path}")):
                epoch = self._latency_epoch
                self._latency_changed.wait_for(lambda: self._latency_epoch != epoch, timeout=seconds)
        if gate_match is None or gate_match.search(f"{method} {path}"):
            self._gate.wait(timeout=_HOLD_AT_MOST)

    def _push(self, n: int | None, fault: Fault) -> None:
        with self._lock:
            if n is None:
                self._queue.append(replace(fault, standing=True))
            else:
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
