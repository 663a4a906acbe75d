"""Snapshots of the main screens on fixed demo data and a fixed clock.

Review a failure in snapshot_report.html before running `pytest --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tests.support import Harness, both_polled, settle


def after_first_polls(h: Harness, app: Any, *keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, both_polled(app))
        await settle(pilot, lambda: app.channel.table.row_count == len(h.channel_ts()))
        if keys:
            await pilot.press(*keys)
        await pilot.pause(0.1)

    return run_before


def test_dashboard(h: Harness, snap_compare: Any) -> None:
    app = h.app()
    assert snap_compare(app, terminal_size=(120, 35), run_before=after_first_polls(h, app))


def test_dashboard_at_100_by_30(h: Harness, snap_compare: Any) -> None:
    app = h.app()
    assert snap_compare(app, terminal_size=(100, 30), run_before=after_first_polls(h, app, "j", "j"))


def test_help(h: Harness, snap_compare: Any) -> None:
    app = h.app()
    assert snap_compare(app, terminal_size=(120, 35), run_before=after_first_polls(h, app, "question_mark"))


def test_metrics(h: Harness, snap_compare: Any) -> None:
    """The metrics screen over 30 days of the demo's history, with a month of seeded health probes."""
    from tests.app.test_metrics_screen import figures_in, hourly_checks, probed, seed_probes

    app = h.app(hourly_checks(h))

    async def run_before(pilot: Pilot[Any]) -> None:
        seed_probes(app.runtime.store, app.config.availability.checks, app.runtime.now())
        await after_first_polls(h, app)(pilot)
        await settle(pilot, lambda: probed(app))
        await pilot.press("5")
        await settle(pilot, lambda: figures_in(app.screen))
        app.clear_notifications()  # the dashboard's start-of-day toasts, timed, would cover the strips
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_jira_failing_with_a_filter(h: Harness, snap_compare: Any) -> None:
    app = h.app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await after_first_polls(h, app)(pilot)
        h.world.jira.faults.fail_next(1, status=500, match="search/jql")  # no Retry-After: stays failed
        await pilot.press("r")
        await settle(pilot, lambda: app.statuses["jira"].error is not None)
        await pilot.press("slash", *"prod")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(120, 35), run_before=run_before)
