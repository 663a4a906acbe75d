"""Simulated service health endpoints on 127.0.0.1, for the availability probes in the demo and tests.

`HealthSim` serves `GET /health/<name>` for each endpoint it hosts. What an endpoint answers follows its
schedule, a cycle of phases read against the simulator's clock (so a test's fixed clock fixes the
answer and the demo's real clock moves it):

- `up`: 200 with `{"status":"UP"}`
- `down`: 503 with `{"status":"DOWN"}`
- `slow`: the `up` answer after `slow_seconds` of real time (longer than a probe's timeout)
- `wrong-status`: the phase's status (500 by default; a 3xx carries a Location on another host)
- `wrong-text`: 200 with `{"status":"DEGRADED"}`, without the text a check looks for

`force(name, mode)` overrides the schedule until `force(name, None)`. Every answer sets a cookie, so a
test can see that probes do not send it back. Besides the server's request log (which never records
credentials), the service keeps `heard`: each request's header names (never their values) and its
User-Agent, so a test can assert that no Authorization or Cookie header ever arrived.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from duty_sim.clock import Clock, SystemClock
from duty_sim.server import HostedService, SimRequest, SimResponse, SimServer

PREFIX = "/health/"
UP_BODY = b'{"status":"UP"}'
UP_TEXT = '"status":"UP"'  # what a check of a simulated endpoint looks for
DOWN_BODY = b'{"status":"DOWN"}'
DEGRADED_BODY = b'{"status":"DEGRADED","detail":"database connections exhausted"}'
ELSEWHERE = "https://maintenance.example.invalid/"  # where a redirecting endpoint points


class Mode(StrEnum):
    UP = "up"
    DOWN = "down"
    SLOW = "slow"
    WRONG_STATUS = "wrong-status"
    WRONG_TEXT = "wrong-text"


@dataclass(frozen=True, slots=True)
class Phase:
    """One stretch of an endpoint's schedule."""

    mode: Mode
    minutes: float = 1.0
    status: int = 500  # WRONG_STATUS only


def always(mode: Mode, status: int = 500) -> tuple[Phase, ...]:
    return (Phase(mode, 1.0, status),)


# The demo's services: each an hour's cycle, mostly up, failing early enough to be seen.
DEMO_SCHEDULES: Mapping[str, tuple[Phase, ...]] = {
    "ccms": (
        Phase(Mode.UP, 4),
        Phase(Mode.DOWN, 5),
        Phase(Mode.UP, 30),
        Phase(Mode.SLOW, 3),
        Phase(Mode.UP, 18),
    ),
    "cwa": (
        Phase(Mode.UP, 15),
        Phase(Mode.WRONG_TEXT, 3),
        Phase(Mode.UP, 25),
        Phase(Mode.WRONG_STATUS, 2, status=500),
        Phase(Mode.UP, 15),
    ),
    "mi": (
        Phase(Mode.UP, 35),
        Phase(Mode.WRONG_STATUS, 3, status=302),
        Phase(Mode.UP, 22),
    ),
}


@dataclass(frozen=True, slots=True)
class HeardRequest:
    """What a health endpoint was sent: the path, the header names (lower case) and the User-Agent."""

    path: str
    header_names: frozenset[str]
    user_agent: str | None
    at: datetime


class HealthSim(HostedService):
    """Health endpoints on a schedule. Use as a context manager, or start() / stop()."""

    def __init__(
        self,
        clock: Clock | None = None,
        schedules: Mapping[str, Sequence[Phase]] | None = None,
        *,
        slow_seconds: float = 15.0,
        port: int = 0,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.epoch = self.clock.now()  # schedules start here
        self.slow_seconds = slow_seconds
        self.server = SimServer(self, port=port)
        self._lock = threading.Lock()
        self._schedules: dict[str, tuple[Phase, ...]] = {}
        self._forced: dict[str, Mode] = {}
        self._heard: list[HeardRequest] = []
        self._stopping = threading.Event()
        for name, phases in (DEMO_SCHEDULES if schedules is None else schedules).items():
            self.add(name, phases)

    # -- what tests and the demo call ---------------------------------------------------------------

    def add(self, name: str, phases: Sequence[Phase]) -> str:
        """Host an endpoint (or replace its schedule); returns its URL once started."""
        if not phases or any(phase.minutes <= 0 for phase in phases):
            raise ValueError("a schedule needs phases of positive length")
        with self._lock:
            self._schedules[name] = tuple(phases)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"{self.server.base_url}{PREFIX}{name}"

    def force(self, name: str, mode: Mode | None) -> None:
        """Answer in `mode` regardless of the schedule (None: follow the schedule again)."""
        with self._lock:
            if mode is None:
                self._forced.pop(name, None)
            else:
                self._forced[name] = mode

    def phase(self, name: str) -> Phase:
        """What the endpoint answers now."""
        with self._lock:
            phases = self._schedules[name]
            forced = self._forced.get(name)
        if forced is not None:
            current = next((p for p in phases if p.mode is forced), Phase(forced))
            return current
        cycle = sum(phase.minutes for phase in phases)
        elapsed = (self.clock.now() - self.epoch) / timedelta(minutes=1) % cycle
        for phase in phases:
            if elapsed < phase.minutes:
                return phase
            elapsed -= phase.minutes
        return phases[-1]

    @property
    def heard(self) -> list[HeardRequest]:
        with self._lock:
            return list(self._heard)

    def stop(self) -> None:
        self._stopping.set()  # slow answers end at once
        super().stop()

    def started(self) -> None:
        self._stopping.clear()

    # -- the service --------------------------------------------------------------------------------

    def handle(self, request: SimRequest) -> SimResponse:
        heard = HeardRequest(
            path=request.path,
            header_names=frozenset(name.lower() for name in request.headers),
            user_agent=request.header("User-Agent"),
            at=self.clock.now(),
        )
        with self._lock:
            self._heard.append(heard)
            known = request.path.startswith(PREFIX) and request.path[len(PREFIX) :] in self._schedules
        if request.method not in ("GET", "HEAD"):
            return _answer(405, b'{"error":"method not allowed"}')
        if not known:
            return _answer(404, b'{"error":"no such endpoint"}')
        phase = self.phase(request.path[len(PREFIX) :])
        match phase.mode:
            case Mode.UP:
                return _answer(200, UP_BODY)
            case Mode.DOWN:
                return _answer(503, DOWN_BODY)
            case Mode.SLOW:
                if self._stopping.wait(self.slow_seconds):
                    return _answer(503, DOWN_BODY)
                return _answer(200, UP_BODY)
            case Mode.WRONG_TEXT:
                return _answer(200, DEGRADED_BODY)
            case Mode.WRONG_STATUS:
                headers = {"Location": ELSEWHERE} if 300 <= phase.status < 400 else {}
                return _answer(phase.status, b"", headers)

    def error_response(self, status: int) -> SimResponse:
        return _answer(status, b'{"error":"fault"}')

    def rate_limited_response(self, retry_after: int) -> SimResponse:
        return _answer(429, b'{"error":"rate limited"}', {"Retry-After": str(retry_after)})


def _answer(status: int, body: bytes, headers: Mapping[str, str] | None = None) -> SimResponse:
    return SimResponse(
        status,
        body,
        {
            "Content-Type": "application/json",
            "Set-Cookie": "health-session=sim; Path=/; HttpOnly",
            "Cache-Control": "no-store",
            **(headers or {}),
        },
    )
