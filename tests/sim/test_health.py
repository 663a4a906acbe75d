"""The simulated health endpoints: each answers as its schedule says at the simulator's clock, a test can
force a mode, and the service hears header names (never values) so tests can check what probes send."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from duty_sim.health import DEMO_SCHEDULES, ELSEWHERE, UP_BODY, HealthSim, Mode, Phase
from duty_tui.clock import ManualClock
from tests.conftest import MORNING

START = MORNING


@pytest.fixture
def sim() -> Iterator[tuple[HealthSim, ManualClock]]:
    clock = ManualClock(START)
    schedule = (
        Phase(Mode.UP, 2),
        Phase(Mode.DOWN, 1),
        Phase(Mode.WRONG_STATUS, 1, status=302),
        Phase(Mode.UP, 1),
    )
    with HealthSim(clock, {"ccms": schedule}, slow_seconds=0.2) as health:
        yield health, clock


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=5, follow_redirects=False)


def test_an_endpoint_follows_its_schedule_on_the_simulator_clock(sim: tuple[HealthSim, ManualClock]) -> None:
    health, clock = sim
    url = health.url("ccms")
    seen = []
    for _ in range(6):  # one answer a minute: up, up, down, 302, up, and round again: up
        seen.append(get(url).status_code)
        clock.advance(timedelta(minutes=1))
    assert seen == [200, 200, 503, 302, 200, 200]
    assert get(url).status_code == 200 and get(url).content == UP_BODY


def test_a_redirect_points_at_another_host(sim: tuple[HealthSim, ManualClock]) -> None:
    health, clock = sim
    clock.advance(timedelta(minutes=3, seconds=30))
    answer = get(health.url("ccms"))
    assert answer.status_code == 302 and answer.headers["Location"] == ELSEWHERE


def test_forcing_a_mode_overrides_the_schedule_until_released(sim: tuple[HealthSim, ManualClock]) -> None:
    health, _ = sim
    url = health.url("ccms")
    health.force("ccms", Mode.WRONG_TEXT)
    answer = get(url)
    assert answer.status_code == 200 and b'"status":"UP"' not in answer.content
    health.force("ccms", Mode.SLOW)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, timeout=0.05)
    health.force("ccms", None)
    assert get(url).status_code == 200


def test_unknown_endpoints_and_methods(sim: tuple[HealthSim, ManualClock]) -> None:
    health, _ = sim
    assert get(health.url("nope")).status_code == 404
    assert httpx.post(health.url("ccms"), timeout=5).status_code == 405


def test_it_hears_header_names_never_values(sim: tuple[HealthSim, ManualClock]) -> None:
    health, _ = sim
    httpx.get(health.url("ccms"), headers={"Authorization": "Bearer s3cret", "User-Agent": "t"}, timeout=5)
    (heard,) = health.heard
    assert "authorization" in heard.header_names and heard.user_agent == "t"
    assert "s3cret" not in repr(heard)


def test_the_demo_services_each_fail_within_the_hour_and_are_mostly_up() -> None:
    assert set(DEMO_SCHEDULES) == {"ccms", "cwa", "mi"}
    for phases in DEMO_SCHEDULES.values():
        total = sum(p.minutes for p in phases)
        up = sum(p.minutes for p in phases if p.mode is Mode.UP)
        assert total == 60 and up / total >= 0.85 and any(p.mode is not Mode.UP for p in phases)
