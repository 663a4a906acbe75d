"""The probe loop: every check at its own interval on one loop, due checks probed side by side, results
stored and emitted, a failing probe (or store) never stopping it; and the demo runtime's checks reach
the simulated health endpoints without a token."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime

import pytest

from duty_sim.health import HealthSim, Mode, always
from duty_tui.clock import ManualClock
from duty_tui.config.availability import AvailabilityConfig
from duty_tui.rules.availability import HealthCheck, ProbeError, ProbeResult
from duty_tui.store import Store
from duty_tui.sync import probes as probes_module
from duty_tui.sync.probes import ProbeLoop
from tests.conftest import MORNING
from tests.support import Harness

NOW = MORNING


def check(
    name: str, url: str = "http://127.0.0.1:9/", interval: float = 60, timeout: float = 1
) -> HealthCheck:
    return HealthCheck(name, "CCMS", "PROD", url, interval=interval, timeout=timeout)


class FakeTime:
    """The loop's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(probes_module, "time", fake)
    return fake


def recording(calls: list[str]) -> Callable[[HealthCheck, Callable[[], datetime]], ProbeResult]:
    def probe(target: HealthCheck, now: Callable[[], datetime]) -> ProbeResult:
        calls.append(target.name)
        return ProbeResult(target.name, now(), ok=True, status=200, latency_ms=5)

    return probe


def test_each_check_is_probed_at_its_own_interval(store: Store, fake_time: FakeTime) -> None:
    calls: list[str] = []
    loop = ProbeLoop(
        [check("fast", interval=10), check("slow", interval=25)],
        store,
        ManualClock(NOW),
        probe=recording(calls),
    )
    assert loop.step() == 10  # both at once on start; the fast one is next, in 10 s
    assert calls == ["fast", "slow"]
    for _ in range(5):
        fake_time.now += loop.delay()
        loop.step()
    # 10 s: fast; 20 s: fast; 25 s: slow; 30 s: fast; 40 s: fast
    assert calls == ["fast", "slow", "fast", "fast", "slow", "fast", "fast"]
    assert loop.delay() == 10  # slow at 50 s, fast at 50 s


def test_a_late_step_does_not_make_a_check_drift_nor_catch_up_in_a_burst(
    store: Store, fake_time: FakeTime
) -> None:
    calls: list[str] = []
    loop = ProbeLoop([check("a", interval=10)], store, ManualClock(NOW), probe=recording(calls))
    loop.step()
    fake_time.now += 12  # two seconds late: the next is still due at 20 s
    assert loop.step() == pytest.approx(8)
    fake_time.now += 100  # far behind (the machine slept): one probe now, the next an interval later
    assert loop.step() == pytest.approx(10)
    assert len(calls) == 3


def test_results_are_stored_and_emitted_in_one_batch_per_step(store: Store) -> None:
    emitted: list[tuple[ProbeResult, ...]] = []
    calls: list[str] = []
    loop = ProbeLoop(
        [check("a"), check("b")], store, ManualClock(NOW), emitted.append, probe=recording(calls)
    )
    loop.step()
    assert [[r.check for r in batch] for batch in emitted] == [["a", "b"]]
    assert [r.check for r in store.probes.since(NOW)] == ["a", "b"]
    loop.step()  # nothing due: nothing emitted
    assert len(emitted) == 1


def test_a_probe_that_raises_is_a_failed_result_and_the_loop_goes_on(store: Store) -> None:
    def broken(target: HealthCheck, now: Callable[[], datetime]) -> ProbeResult:
        raise RuntimeError("a bug")

    loop = ProbeLoop([check("a")], store, ManualClock(NOW), probe=broken)
    loop.step()
    (result,) = store.probes.since(NOW)
    assert (result.ok, result.error) == (False, ProbeError.OTHER)
    assert result.reason == "unexpected error (RuntimeError); see the log"


def test_a_store_that_fails_does_not_stop_probing(store: Store) -> None:
    emitted: list[tuple[ProbeResult, ...]] = []
    loop = ProbeLoop([check("a", interval=10)], store, ManualClock(NOW), emitted.append, probe=recording([]))
    store.close()
    assert loop.step() == pytest.approx(10, abs=1)  # no exception
    assert len(emitted) == 1  # the results still go out


@pytest.fixture
def health() -> Iterator[HealthSim]:
    schedules = {"up": always(Mode.UP), "down": always(Mode.DOWN), "slow": always(Mode.SLOW)}
    with HealthSim(ManualClock(NOW), schedules, slow_seconds=5) as sim:
        yield sim


def test_due_checks_are_probed_side_by_side(store: Store, health: HealthSim) -> None:
    slow = [check(f"slow {i}", health.url("slow"), timeout=1) for i in range(3)]
    loop = ProbeLoop([*slow, check("up", health.url("up"))], store, ManualClock(NOW))
    started = time.monotonic()
    results = loop.cycle()
    assert time.monotonic() - started < 2.5  # three 1 s timeouts one after the other would take 3 s
    assert [(r.check, r.error) for r in results] == [
        ("slow 0", ProbeError.TIMEOUT),
        ("slow 1", ProbeError.TIMEOUT),
        ("slow 2", ProbeError.TIMEOUT),
        ("up", None),
    ]


def test_the_loop_thread_probes_until_stopped(store: Store, health: HealthSim) -> None:
    emitted = threading.Event()
    loop = ProbeLoop(
        [check("up", health.url("up"), interval=10), check("down", health.url("down"), interval=10)],
        store,
        ManualClock(NOW),
        lambda _results: emitted.set(),
    )
    loop.start()
    try:
        assert emitted.wait(10)
    finally:
        loop.stop()
    assert loop.wait_finished(5)
    assert {(r.check, r.ok) for r in store.probes.since(NOW)} == {("up", True), ("down", False)}


def test_the_demo_runtime_probes_its_checks_without_a_token(h: Harness) -> None:
    runtime = h.runtime()
    loop = runtime.probe_loop()
    assert loop is not None
    assert [(c.name, c.service, c.environment) for c in loop.checks] == [
        ("CCMS PROD", "CCMS", "PROD"),
        ("CWA PROD", "CWA", "PROD"),
        ("MI PROD", "MI", "PROD"),
    ]
    loop.step()
    assert [(r.check, r.ok) for r in runtime.store.probes.since(h.clock.now())] == [
        ("CCMS PROD", True),
        ("CWA PROD", True),
        ("MI PROD", True),
    ]
    heard = h.world.health.heard
    assert len(heard) == 3
    for request in heard:
        assert "authorization" not in request.header_names and "cookie" not in request.header_names
        assert request.user_agent == "duty-tui probe"


def test_no_checks_no_loop(h: Harness) -> None:
    runtime = h.runtime(config=replace(h.config(), availability=AvailabilityConfig()))
    assert runtime.probe_loop() is None
