"""A PROD health check failing twice in a row needs the engineer: against the demo's simulated health
endpoints (`duty_sim.health.HealthSim`), probed by the app's own probe loop. Two failed probes of CCMS
PROD → it is on the attention list (the status bar names it, the bell rings once) → `I` opens the
declare form filled in from it → Esc; the endpoint answers again → the next probe → the item goes. After
a restart the last stored results count once a fresh probe confirms them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from duty_sim.health import Mode
from duty_tui.app import DutyApp
from duty_tui.desks.attention import DAY, AttentionDesk, HealthWatch
from duty_tui.rules.attention import Kind, Situation
from duty_tui.rules.availability import HealthCheck, ProbeResult
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.sync import probes as probes_module
from duty_tui.views.comment import DiscardScreen
from duty_tui.views.declare_incident import HIGH_LABEL, DeclareScreen
from tests.conftest import MORNING
from tests.desks.test_attention import FakeUI
from tests.support import Harness, both_polled, screen_text, settle

SIZE = (160, 40)
CCMS = "CCMS PROD"


def failing_items(app: DutyApp) -> list[str]:
    return [item.key for item in app.attention.attention.items if item.kind is Kind.CHECK_FAILING]


def ring_counter(app: DutyApp) -> list[int]:
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    return rings


def probed(app: DutyApp, h: Harness, count: int) -> bool:
    """The store holds at least `count` results of CCMS PROD (the app hears of them just after)."""
    return (
        sum(r.check == CCMS for r in app.runtime.store.probes.since(h.clock.now() - timedelta(hours=1)))
        >= count
    )


class ShiftedTime:
    """The probe loop's monotonic clock (`duty_tui.sync.probes.time`): the real one, plus what the test
    moved it on by. The loop's waits (`sync.loop`) still run on real time."""

    def __init__(self) -> None:
        self.shift = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.shift


@pytest.fixture(autouse=True)
def probe_time(monkeypatch: pytest.MonkeyPatch) -> ShiftedTime:
    shifted = ShiftedTime()
    monkeypatch.setattr(probes_module, "time", shifted)
    return shifted


async def probe_again(app: DutyApp, pilot: Pilot[Any], h: Harness, count: int) -> None:
    """Let every check's interval pass and wake the loop, which probes them all (its own schedule, its
    normal step); wait until CCMS PROD's `count`th result is stored."""
    probes = app.probes
    assert probes is not None and isinstance(probes_module.time, ShiftedTime)
    probes_module.time.shift += max(check.interval for check in probes.checks)
    probes.wake()
    await settle(pilot, lambda: probed(app, h, count))


async def test_a_prod_check_failing_twice_needs_you_offers_a_filled_in_incident_and_goes_when_it_recovers(
    h: Harness,
) -> None:
    h.world.health.force("ccms", Mode.DOWN)  # 503 {"status":"DOWN"}
    app = h.app()
    rings = ring_counter(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, both_polled(app))
        await settle(pilot, lambda: probed(app, h, 1))  # the first probe, on start: one failure is no outage
        await pilot.pause()
        assert failing_items(app) == []
        before = len(rings)

        await probe_again(app, pilot, h, 2)
        await settle(pilot, lambda: bool(failing_items(app)))
        [key] = failing_items(app)
        assert key.startswith(f"check-failing:{CCMS}:")
        count, most_urgent = app.attention.attention.summary()
        assert most_urgent is not None and most_urgent.startswith(f"{CCMS} failing for 0m: HTTP 503")
        bar = screen_text(app).splitlines()[0]
        assert f"⚑ {count} need" in bar and f"{CCMS} failing" in bar
        assert app.attention.rang[-1] == key and len(rings) == before + 1  # announced once
        toasts = [n.message for n in app._notifications]
        assert any(
            CCMS in message and "I declares an incident, the form filled in" in message for message in toasts
        )

        await probe_again(app, pilot, h, 3)  # still down: the same outage, not news again
        await settle(pilot, lambda: app.probe_watch.failing(h.clock.now())[0].failures == 3)
        assert failing_items(app) == [key] and app.attention.rang.count(key) == 1 and len(rings) == before + 1

        await pilot.press("I")
        await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
        form = app.screen
        assert isinstance(form, DeclareScreen)
        assert form.title_input.value == "CCMS PROD unavailable: health check failing"
        assert form.services_input.value == "CCMS"
        assert form.environment.value == "PROD"
        assert form.impact.text.startswith(
            "The CCMS PROD health check has failed 3 times in a row since 10:30"
        )
        assert "HTTP 503" in form.impact.text and form.impact.text.endswith(
            "Users may be unable to use CCMS PROD."
        )
        assert form.boxes[0].value and not any(box.value for box in form.boxes[1:])
        assert HIGH_LABEL in screen_text(app)
        await pilot.press("escape")  # as it came: closes at once
        await settle(pilot, lambda: not isinstance(app.screen, DeclareScreen))
        assert app.incident_desk.incidents == []

        await pilot.press("I")  # edited, Esc asks first, like any form
        await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
        await pilot.press("end", *" (EU)")
        assert app.screen.title_input.value.endswith("failing (EU)")  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardScreen))
        await pilot.press("y")
        await settle(pilot, lambda: not app.screen.is_modal)

        h.world.health.force("ccms", Mode.UP)
        await probe_again(app, pilot, h, 4)
        await settle(pilot, lambda: failing_items(app) == [])
        assert f"{CCMS} failing" not in screen_text(app).splitlines()[0]

        await pilot.press("I")  # nothing failing: the form as always
        await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
        form = app.screen
        assert isinstance(form, DeclareScreen)
        assert form.title_input.value == "" and form.services_input.value == ""
        assert form.environment.value == "unknown" and not any(box.value for box in form.boxes)
        await pilot.press("escape")
        await settle(pilot, lambda: not app.screen.is_modal)

        h.clock.advance(timedelta(minutes=1))
        h.world.health.force("ccms", Mode.DOWN)  # down again: a new outage, a new item, announced again
        await probe_again(app, pilot, h, 5)
        await probe_again(app, pilot, h, 6)
        await settle(pilot, lambda: bool(failing_items(app)))
        [again] = failing_items(app)
        assert again != key and app.attention.rang[-2:] == [key, again] and len(rings) == before + 2


async def test_after_a_restart_the_last_failures_count_once_a_fresh_probe_confirms_them(h: Harness) -> None:
    h.world.health.force("ccms", Mode.DOWN)
    first = h.app()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: probed(first, h, 1))
        await probe_again(first, pilot, h, 2)
        await settle(pilot, lambda: bool(failing_items(first)))
        started = first.probe_watch.failing(h.clock.now())[0].since

    h.clock.advance(timedelta(minutes=10))  # closed for longer than a probe holds: the last two are stale
    second = h.app()
    async with second.run_test(size=SIZE) as pilot:
        # The stored two come first, then the start-up probe confirms them: on the list at once.
        await settle(pilot, lambda: probed(second, h, 3) and bool(failing_items(second)))
        [failing] = second.probe_watch.failing(h.clock.now())
        assert failing.failures == 3 and failing.since == started  # the same outage, from its first failure


async def test_stale_results_at_start_raise_nothing_while_the_check_answers(h: Harness) -> None:
    h.world.health.force("ccms", Mode.DOWN)
    first = h.app()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: probed(first, h, 1))
        await probe_again(first, pilot, h, 2)
        await settle(pilot, lambda: bool(failing_items(first)))

    h.clock.advance(timedelta(minutes=10))
    h.world.health.force("ccms", Mode.UP)  # it came back while duty-tui was closed
    second = h.app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: probed(second, h, 3))
        await settle(pilot, lambda: CCMS not in second.probe_watch._rows)
        assert failing_items(second) == [] and second.probe_watch.failing(h.clock.now()) == ()


# -- the watch, without the app ---------------------------------------------------------------------

NOW = MORNING
PROD = HealthCheck(CCMS, "CCMS", "PROD", "https://ccms.example/health", interval=60, timeout=10)
UAT = HealthCheck("CCMS UAT", "CCMS", "UAT", "https://ccms-uat.example/health", interval=60, timeout=10)


def result(minutes: float, ok: bool, check: HealthCheck = PROD) -> ProbeResult:
    return ProbeResult(
        check.name,
        NOW + timedelta(minutes=minutes),
        ok=ok,
        status=200 if ok else 503,
        reason="" if ok else "HTTP 503 (expected 200)",
    )


def test_the_watch_keeps_an_outage_from_its_first_failure_however_long_it_lasts() -> None:
    watch = HealthWatch([PROD, UAT])
    watch.add([result(0, True), result(1, False)])
    assert watch.failing(NOW + timedelta(minutes=1)) == ()  # once is not twice
    for minute in range(2, 200):
        watch.add([result(minute, False)])
    [failing] = watch.failing(NOW + timedelta(minutes=199))
    assert failing.since == NOW + timedelta(minutes=1) and failing.failures == 199
    assert failing.last.at == NOW + timedelta(minutes=199)
    assert len(watch._rows) == 1  # a row per check, never the results themselves
    watch.add([result(200, True)])
    assert watch.failing(NOW + timedelta(minutes=200)) == ()


def test_the_watch_ignores_other_environments_unknown_checks_older_results_and_stale_rows() -> None:
    watch = HealthWatch([PROD, UAT])
    watch.add(
        [result(0, False, UAT), result(1, False, UAT), result(1, False, HealthCheck("x", "X", "PROD", "u"))]
    )
    assert watch.failing(NOW + timedelta(minutes=1)) == ()  # not PROD, or not configured
    watch.add([result(5, False), result(6, False)])
    watch.add([result(3, True)])  # older than what is known: out of order, ignored
    assert [f.failures for f in watch.failing(NOW + timedelta(minutes=6))] == [2]
    assert watch.failing(NOW + timedelta(minutes=9)) == ()  # no probe within two intervals and the timeout


def test_the_most_recent_outage_is_the_one_that_started_last() -> None:
    cwa = HealthCheck("CWA PROD", "CWA", "PROD", "https://cwa.example/health", interval=60, timeout=10)
    watch = HealthWatch([PROD, cwa])
    watch.add([result(0, False), result(1, False, cwa), result(2, False), result(2, False, cwa)])
    recent = watch.most_recent(NOW + timedelta(minutes=2))
    assert recent is not None and recent.check is cwa
    assert watch.most_recent(NOW + timedelta(minutes=30)) is None


def test_the_desk_offers_the_declare_key_once_per_outage_and_stays_quiet_out_of_hours() -> None:
    calendar = SupportCalendar(ZoneInfo("Europe/London"))
    ui = FakeUI()
    desk = AttentionDesk(ui, calendar, None, declare_key="ctrl+i")
    desk.settle(DAY)
    watch = HealthWatch([PROD])
    watch.add([result(0, False), result(1, False)])
    now = NOW + timedelta(minutes=1)
    assert desk.update(Situation(now, failing=watch.failing(now)))[0] == 1
    assert ui.bells == 1 and ui.toasts == [
        "CCMS PROD failing for 1m: HTTP 503 (expected 200). ctrl+i declares an incident, the form filled in."
    ]
    watch.add([result(2, False)])
    later = NOW + timedelta(minutes=2)
    desk.update(Situation(later, failing=watch.failing(later)))
    assert ui.bells == 1 and len(ui.toasts) == 1  # the same outage

    evening = datetime(2026, 11, 26, 19, 0, tzinfo=UTC)
    night = HealthWatch([PROD])
    night.add([result(500, False), result(510, False)])  # 18:50 and 19:00
    assert desk.update(Situation(evening, failing=night.failing(evening)))[0] == 1
    assert ui.bells == 1 and len(ui.toasts) == 1  # out of hours, no incident open: counted, quiet
