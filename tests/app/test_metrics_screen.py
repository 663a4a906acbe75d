"""The metrics screen (`5`): it opens at once, fills in from Jira's history off the UI thread, follows the
period keys, shows the last figures at once when reopened, and says so when Jira fails (the cache's figures
stay). Driven by keys against the simulators; the charts' pieces are checked on their own, and the hostile
corpus goes through every name the screen shows."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from duty_tui.app import DutyApp
from duty_tui.config import Config
from duty_tui.config.availability import AvailabilityConfig
from duty_tui.demo.scenario import COMPONENT, SIXDG_BOARD, WorldTicker
from duty_tui.desks.metrics import daily_uptime
from duty_tui.models import IncidentEvent, IncidentEventKind, IncidentPriority, IncidentStatus
from duty_tui.reports.metrics import MetricsInputs, MetricsReport, compute
from duty_tui.rules.availability import HealthCheck, ProbeError, ProbeResult
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.flow_history import AssigneeItem, HistoryEntry, Period, Status, StatusItem, TicketHistory
from duty_tui.rules.flow_history import report_period as period_of
from duty_tui.rules.happiness import HappinessAsk
from duty_tui.rules.incidents import fold
from duty_tui.store import Store
from duty_tui.sync.history import HistoryFetch, HistoryFetched
from duty_tui.views.metrics import MetricsScreen, fetching_words
from duty_tui.widgets.uptime_strips import merged, percent
from duty_tui.widgets.week_bars import bar_cells, week_label
from tests.app.test_views import showing
from tests.conftest import MORNING
from tests.support import MARKUP_SAMPLE, Harness, assert_screen_clean, both_polled, probe, screen_text, settle

LONDON = ZoneInfo("Europe/London")
CALENDAR = SupportCalendar(LONDON)
TODO = Status("10000", "To Do", "new")
IN_PROGRESS = Status("3", "In Progress", "indeterminate")
DONE = Status("10001", "Done", "done")


def figures_in(screen: object) -> bool:
    """The metrics screen shows figures, and nothing more is on its way."""
    return (
        isinstance(screen, MetricsScreen)
        and screen.report is not None
        and not screen.fetching
        and not screen.working
    )


def board_counts(screen: MetricsScreen) -> dict[str, tuple[int, int]]:
    """Board → (raised, resolved), as the board sections show them."""
    found = {}
    for flow in screen.flows:
        counts = re.match(r"(\d+) raised · (\d+) resolved", str(flow.counts.content))
        assert counts is not None, str(flow.counts.content)
        found[flow.board] = (int(counts[1]), int(counts[2]))
    return found


def incidents_declared(screen: MetricsScreen) -> int:
    counts = re.match(r"(\d+) declared", str(screen.incident_counts.content))
    assert counts is not None
    return int(counts[1])


async def open_metrics(pilot: Any, app: Any) -> MetricsScreen:
    await pilot.press("5")
    screen = app.screen
    assert isinstance(screen, MetricsScreen)  # at once, before anything is worked out
    await pilot.pause()
    return screen


class SpyFetch:
    """The runtime's history fetch, recording which thread runs it (and optionally holding it)."""

    def __init__(self, fetch: HistoryFetch) -> None:
        self.fetch = fetch
        self.threads: list[int] = []
        self.gate = threading.Event()
        self.gate.set()

    def run(self, progress: Any = None, cancelled: Callable[[], bool] = lambda: False) -> HistoryFetched:
        self.threads.append(threading.get_ident())
        self.gate.wait(10)
        return self.fetch.run(progress=progress, cancelled=cancelled)


# -- against the simulators ---------------------------------------------------------------------------


def hourly_checks(h: Harness) -> Config:
    """The demo's config with its health checks probed hourly: a month of results is then a few hundred
    rows (`seed_probes`), and the loop probes once while a test runs."""
    config = h.config()
    checks = tuple(replace(check, interval=3600) for check in config.availability.checks)
    return replace(config, availability=AvailabilityConfig(checks))


def seed_probes(store: Store, checks: Sequence[HealthCheck], now: datetime, days: int = 30) -> None:
    """A month of hourly results before `now`: the first check always up, the second down for three hours
    four days ago, the third failing an hour now and then. Latency is 120 ms, one in eight 480 ms, so one
    more probe (the loop's own, whatever its latency) never moves p50 or p95."""
    results = []
    for index, check in enumerate(checks):
        for hour in range(1, 24 * days):
            down = (index == 1 and 96 <= hour < 99) or (index == 2 and hour % 53 == 7)
            results.append(
                ProbeResult(
                    check.name,
                    now - timedelta(hours=hour),
                    ok=not down,
                    status=503 if down else 200,
                    latency_ms=None if down else (480 if hour % 8 == 0 else 120),
                    error=ProbeError.STATUS if down else None,
                    reason="HTTP 503 (expected 200)" if down else "",
                )
            )
    store.probes.record(results)


def probed(app: DutyApp) -> bool:
    """The probe loop has stored its first result of every check."""
    names = [check.name for check in app.config.availability.checks]
    latest = app.runtime.store.probes.latest(names, 1)
    return all(latest.get(name) and latest[name][0].at >= app.runtime.now() for name in names)


def add_tickets(h: Harness, start: datetime) -> None:
    """Three AWS Ops tickets raised after `start`, two of them resolved; one 6DG Ops ticket (with the
    component); one in the 6DG project without it (on no board)."""
    jira, cast = h.world.jira.world, h.world.cast
    engineer = next(iter(h.config().workflow.team.members))
    for minutes, resolve in ((5, True), (10, True), (15, False)):
        created = start + timedelta(minutes=minutes)
        key = jira.create_issue(cast.projects["aws"], f"Metrics test {minutes}", created=created)
        jira.assign(key, engineer, by=engineer, at=created + timedelta(minutes=10))
        jira.transition_to(key, "In Progress", by=engineer, at=created + timedelta(minutes=11))
        if resolve:
            jira.transition_to(key, "Done", by=engineer, at=created + timedelta(minutes=40))
    jira.create_issue(
        cast.projects["6dg"],
        "Metrics test 6DG",
        created=start + timedelta(minutes=20),
        components=[COMPONENT],
    )
    jira.create_issue(cast.projects["6dg"], "Not on the board", created=start + timedelta(minutes=25))


async def test_opens_at_once_fills_in_and_follows_jira(h: Harness) -> None:
    app = h.app()
    spy = SpyFetch(app.runtime.history)
    app.runtime.history = spy  # type: ignore[assignment]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, both_polled(app))
        screen = await open_metrics(pilot, app)
        assert "Working out the figures" in screen_text(app) or screen.report is not None
        await settle(pilot, lambda: figures_in(screen))
        shown = screen_text(app)
        for name in ("AWS Ops", "6DG Ops", "Incidents", "Happiness", "Availability", "CCMS PROD"):
            assert name in shown
        assert "the last 30 days" not in shown and "worked out 10:30" in shown
        before = board_counts(screen)
        incidents_before = incidents_declared(screen)
        assert set(before) == {"AWS Ops", SIXDG_BOARD[1]}
        await pilot.press("escape")
        assert not isinstance(app.screen, MetricsScreen)

        # An hour on: tickets raised and resolved in it, and a colleague's incident in #laa-ops.
        start = MORNING
        h.clock.advance(timedelta(hours=1))
        add_tickets(h, start)
        WorldTicker(h.world.jira, h.world.slack, h.world.cast, h.clock).colleague_incident()
        h.clock.advance(timedelta(minutes=1))  # the period ends now: what happens at its end is after it
        app.runtime.slack_poller.rescan_soon()
        await pilot.press("r")
        await settle(pilot, lambda: any(i.declared_at > start for i in app.incident_desk.incidents))

        spy.gate.clear()  # Jira is slow to answer
        screen = await open_metrics(pilot, app)
        assert board_counts(screen) == before  # the last figures, at once
        assert "fetching history" in screen_text(app)
        spy.gate.set()
        await settle(pilot, lambda: figures_in(screen) and board_counts(screen) != before)
        after = board_counts(screen)
        aws_raised, aws_resolved = before["AWS Ops"]
        sixdg_raised, sixdg_resolved = before["6DG Ops"]
        assert after["AWS Ops"] == (aws_raised + 3, aws_resolved + 2)
        assert after["6DG Ops"] == (sixdg_raised + 1, sixdg_resolved)
        assert incidents_declared(screen) == incidents_before + 1
        assert "worked out 11:31" in screen_text(app)


async def test_period_keys_and_a_second_open(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, both_polled(app))
        screen = await open_metrics(pilot, app)
        await settle(pilot, lambda: figures_in(screen))
        assert screen.days == 30 and "27 Oct – 26 Nov 2026" in screen_text(app)
        for key, days, dates in (
            ("9", 90, "28 Aug – 26 Nov 2026"),
            ("7", 7, "19 Nov – 26 Nov 2026"),
            ("3", 30, "27 Oct – 26 Nov 2026"),
            ("p", 90, "28 Aug – 26 Nov 2026"),
        ):
            await pilot.press(key)
            assert screen.days == days
            await settle(pilot, lambda: figures_in(screen))
            assert dates in screen_text(app)
            assert screen.report is not None
            period, zone = screen.report.period, screen.report.calendar.zone
            # Calendar days on London's clock (90 days back cross the clock change: 90 days and an hour).
            assert period.until.astimezone(zone).date() - period.since.astimezone(zone).date() == timedelta(
                days
            )
        await pilot.press("q")
        assert not isinstance(app.screen, MetricsScreen)

        h.world.jira.faults.hold(match="search/jql")  # the refresh's fetch waits on Jira
        try:
            screen = await open_metrics(pilot, app)
            assert screen.days == 90 and screen.report is not None  # the last figures, before any fetch
            assert "28 Aug – 26 Nov 2026" in screen_text(app)
            await settle(pilot, lambda: screen.fetching)
            assert "fetching history" in screen_text(app)
        finally:
            h.world.jira.faults.release()
        await settle(pilot, lambda: figures_in(screen))


async def test_worked_out_off_the_ui_thread(h: Harness) -> None:
    app = h.app()
    spy = SpyFetch(app.runtime.history)
    app.runtime.history = spy  # type: ignore[assignment]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, both_polled(app))
        spy.gate.clear()  # the fetch is held
        try:
            screen = await open_metrics(pilot, app)
            await settle(pilot, lambda: bool(spy.threads))
            assert spy.threads[0] != threading.get_ident()
            workers = [w for w in app.workers if w.group.startswith("metrics")]
            assert workers and all(w._thread_worker for w in workers)
            # The UI goes on answering keys while the fetch is held: a period key, and the figures from the
            # cache are worked out meanwhile (on another thread too).
            await pilot.press("7")
            assert screen.days == 7
            await settle(pilot, lambda: "19 Nov – 26 Nov 2026" in screen_text(app))
            assert screen.fetching and "fetching history" in screen_text(app)
        finally:
            spy.gate.set()
        await settle(pilot, lambda: figures_in(screen))
        assert "19 Nov – 26 Nov 2026" in screen_text(app)


async def test_a_jira_failure_says_so_and_keeps_the_cached_figures(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, both_polled(app))
        screen = await open_metrics(pilot, app)
        await settle(pilot, lambda: figures_in(screen))
        cached = board_counts(screen)
        await pilot.press("escape")

        h.world.jira.faults.fail_next(20, status=500, match="search/jql")
        try:
            screen = await open_metrics(pilot, app)
            assert board_counts(screen) == cached
            await settle(pilot, lambda: figures_in(screen) and screen.failure is not None)
        finally:
            h.world.jira.faults.clear()
        shown = screen_text(app)
        assert "Jira's history could not be fetched (Jira had a server error (500)" in shown
        assert screen.failure is not None and screen.failure.endswith(
            "the figures are from the cache of 10:30."
        )
        assert board_counts(screen) == cached
        assert "AWS Ops" in shown and "6DG Ops" in shown

        await pilot.press("r")  # Jira is back: the failure goes
        await settle(pilot, lambda: figures_in(screen) and screen.failure is None)
        assert "could not be fetched" not in screen_text(app)


async def test_from_the_command_palette_and_at_80_by_24(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("ctrl+p", *"Metrics")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, MetricsScreen))
        screen = app.screen
        assert isinstance(screen, MetricsScreen)
        await settle(pilot, lambda: figures_in(screen))
        assert screen.has_class("narrow")
        shown = screen_text(app)
        assert "Metrics" in shown and "AWS Ops" in shown and "Recompute" in shown
        await pilot.press("5")  # over the screen, 5 opens nothing more
        assert app.screen is screen


# -- the screen on its own: hostile names ----------------------------------------------------------------


def ticket(key: str, board: str, created: datetime, resolved: bool, ack_minutes: int = 30) -> TicketHistory:
    ack = created + timedelta(minutes=ack_minutes)
    history = [
        HistoryEntry(ack, by="acc-team", assignee=AssigneeItem(None, "acc-team")),
        HistoryEntry(ack, by="acc-team", status=StatusItem(TODO, IN_PROGRESS)),
    ]
    if resolved:
        history.append(
            HistoryEntry(ack + timedelta(hours=3), by="acc-team", status=StatusItem(IN_PROGRESS, DONE))
        )
    return TicketHistory(key, board, created, DONE if resolved else IN_PROGRESS, tuple(history))


def synthetic_inputs(boards: Sequence[str], checks: Sequence[str], services: Sequence[str]) -> MetricsInputs:
    now = MORNING
    tickets = [
        ticket(f"T-{n}", boards[n % len(boards)], now - timedelta(days=n, hours=2), resolved=n % 3 != 0)
        for n in range(20)
    ]
    health = [HealthCheck(name, "S", "PROD", "https://example.invalid", interval=3600) for name in checks]
    probes = [
        ProbeResult(
            check.name,
            now - timedelta(hours=hour),
            ok=hour % 17 != 3,
            status=200 if hour % 17 != 3 else 503,
            latency_ms=120,
            error=None if hour % 17 != 3 else ProbeError.STATUS,
            reason="" if hour % 17 != 3 else check.name,
        )
        for check in health
        for hour in range(0, 24 * 10)
    ]
    events = [
        IncidentEvent(
            f"inc-{n}",
            IncidentEventKind.DECLARED,
            now - timedelta(days=n * 3, hours=1),
            "U1",
            title=f"incident {n}",
            priority=IncidentPriority.HIGH if n % 2 else IncidentPriority.NORMAL,
            status=IncidentStatus.INVESTIGATING,
            services=(services[n % len(services)],),
        )
        for n in range(4)
    ]
    asks = [
        HappinessAsk(f"{n}.5", f"{n}.0", "U9", now - timedelta(days=n), (("+1" if n % 4 else "-1", ("U9",)),))
        for n in range(8)
    ]
    return MetricsInputs(
        tickets=tickets,
        boards=list(boards),
        team=frozenset({"acc-team"}),
        incidents=fold(events),
        exported=(),
        checks=health,
        probes=probes,
        asks=asks,
    )


def worked_out(inputs: MetricsInputs, days: int = 30) -> tuple[MetricsReport, Period]:
    period = period_of(timedelta(days=days), None, MORNING, LONDON)
    return compute(inputs, period, CALENDAR), period


def metrics_screen(days: int = 30) -> MetricsScreen:
    return MetricsScreen(
        days,
        zone=LONDON,
        promise=timedelta(hours=2),
        now=lambda: MORNING,
        on_period=lambda _: None,
        on_refresh=lambda: None,
    )


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_every_name_is_shown_literally(size: tuple[int, int]) -> None:
    boards, checks = MARKUP_SAMPLE[:2], MARKUP_SAMPLE[2:4]
    services = [MARKUP_SAMPLE[4], "\x1b]0;title\x07CCMS"]
    inputs = synthetic_inputs(boards, checks, services)
    report, period = worked_out(inputs)
    screen = metrics_screen()
    async with showing(screen, size) as (app, pilot):
        screen.show_figures(
            report, days=30, computed_at=MORNING, daily=daily_uptime(inputs, period, CALENDAR)
        )
        screen.show_progress(True, (1234, 5000))
        screen.show_state(working=True, failure=f"Jira said {MARKUP_SAMPLE[1]}\x1b[31m")
        await pilot.pause()
        if size[0] >= 120:
            shown = screen_text(app)
            for value in (*boards, *checks, MARKUP_SAMPLE[4]):
                assert probe(value, 8) in shown
            assert "fetching history 1,234/5,000…" in shown and "Jira said" in shown
        else:
            assert screen.has_class("narrow")
        assert_screen_clean(app)


async def test_the_screen_keeps_to_its_period() -> None:
    inputs = synthetic_inputs(["AWS Ops", "6DG Ops"], ["CCMS PROD"], ["CCMS"])
    report, period = worked_out(inputs)
    asked: list[int] = []
    screen = metrics_screen()
    screen.on_period = asked.append
    async with showing(screen, (120, 40)) as (app, pilot):
        screen.show_figures(
            report, days=30, computed_at=MORNING, daily=daily_uptime(inputs, period, CALENDAR)
        )
        await pilot.pause()
        assert board_counts(screen)["AWS Ops"] == (
            report.boards[0].total.raised,
            report.boards[0].total.resolved,
        )
        await pilot.press("9")
        assert asked == [90] and screen.report is None and "Working out the figures" in screen_text(app)
        screen.show_figures(report, days=30, computed_at=MORNING, daily={})  # late, for the old period
        assert screen.report is None


# -- the pieces --------------------------------------------------------------------------------------------


def test_bars_in_eighths() -> None:
    assert bar_cells(0, 10, 2) == [" ", " "]
    assert bar_cells(10, 10, 2) == ["█", "█"]
    assert bar_cells(5, 10, 2) == [" ", "█"]
    assert bar_cells(1, 100, 2) == [" ", "▁"]  # above 0 always shows
    assert bar_cells(3, 8, 1) == ["▃"]
    assert week_label("2026-W48") == "W48"


def test_percentages_never_round_up_to_100() -> None:
    assert percent(None) == "—"
    assert percent(1.0) == "100%"
    assert percent(0.99996) == "99.99%"
    assert percent(0.9962) == "99.62%"
    assert percent(0.9749) == "97.4%"


def test_days_merge_into_cells_from_the_newest() -> None:
    assert merged([1.0, 0.5, None, 0.9, 1.0], 2) == [1.0, 0.5, 0.9]
    assert merged([None, None], 2) == [None]


def test_fetching_words() -> None:
    assert fetching_words(None) == "fetching history…"
    assert fetching_words((1234, 5000)) == "fetching history 1,234/5,000…"


def test_daily_uptime_per_local_day() -> None:
    inputs = synthetic_inputs(["AWS Ops"], ["CCMS PROD"], ["CCMS"])
    period = period_of(timedelta(days=7), None, MORNING, LONDON)
    daily = daily_uptime(inputs, period, CALENDAR)["CCMS PROD"]
    assert len(daily) == 8  # the part of the first day in the period, six whole days, today so far
    assert all(share is not None for share in daily)
    failing_days = {CALENDAR.local_date(r.at) for r in inputs.probes if not r.ok and r.at in period}
    shares = dict(zip((period.since.date() + timedelta(days=n) for n in range(8)), daily, strict=True))
    for day, share in shares.items():
        assert (share is not None and share < 1) == (day in failing_days)
