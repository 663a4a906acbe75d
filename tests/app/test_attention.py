"""What needs the engineer now, against the simulated Jira and Slack: the bell rings once for a new
unassigned ticket after a poll, never for the backlog, never for a ticket the engineer raised, never twice."""

from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot

from duty_tui.app import DutyApp
from duty_tui.widgets.status import StatusBar
from tests.support import Harness, both_polled, screen_text, settle

SIZE = (160, 35)


def ring_counter(app: DutyApp) -> list[int]:
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    return rings


async def poll_jira_now(app: DutyApp, pilot: Pilot[None]) -> None:
    """`r`, and wait until Jira's answer has been applied (the status bar's refresh comes with it)."""
    await pilot.press("r")
    await settle(pilot, lambda: "jira" not in app.refreshing)


async def test_a_new_unassigned_ticket_rings_the_bell_once_and_not_for_the_engineers_own(h: Harness) -> None:
    app = h.app()
    rings = ring_counter(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await settle(pilot, lambda: {"jira", "slack"} <= app.attention.settled)
        assert app.attention.rang == []  # the backlog at start is counted, not rung
        counted = app.attention.attention.count
        assert counted > 0
        before = len(rings)

        world = h.world.jira.world
        h.clock.advance(timedelta(minutes=1))
        mine = world.create_issue("LAA", "Rotate the CCMS certificates", priority="Medium")  # the engineer's
        await poll_jira_now(app, pilot)
        await settle(pilot, lambda: mine in app.tickets.table.row_keys())
        assert len(rings) == before and app.attention.rang == []  # listed, but never rung for
        assert f"ticket-new:{mine}" in {item.key for item in app.attention.attention.items}

        lucy = h.world.cast.jira["lucy"]
        theirs = world.create_issue("LAA", "Payments page returns 500", priority="High", reporter=lucy)
        await poll_jira_now(app, pilot)
        await settle(pilot, lambda: theirs in app.tickets.table.row_keys())
        assert len(rings) == before + 1 and app.attention.rang == [f"ticket-new:{theirs}"]

        await poll_jira_now(app, pilot)  # the next poll: still there, not new
        h.clock.advance(timedelta(minutes=1))
        app.on_clock_tick()
        await pilot.pause()
        assert len(rings) == before + 1 and app.attention.rang == [f"ticket-new:{theirs}"]
        assert app.attention.attention.count == counted + 2
        assert f"⚑ {counted + 2} need you" in screen_text(app)


async def test_a_restart_does_not_ring_for_what_arrived_while_it_was_closed(h: Harness) -> None:
    first = h.app()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(first))
    h.clock.advance(timedelta(minutes=5))
    lucy = h.world.cast.jira["lucy"]
    arrived = h.world.jira.world.create_issue("LAA", "Arrived while closed", reporter=lucy)
    second = h.app()
    rings = ring_counter(second)
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: arrived in second.tickets.table.row_keys())
        await settle(pilot, lambda: {"jira", "slack"} <= second.attention.settled)
        assert f"ticket-new:{arrived}" in {item.key for item in second.attention.attention.items}
        assert second.attention.rang == [] and rings == []


async def test_the_status_bar_shows_the_count_and_the_most_urgent(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        count, words = app.attention.attention.summary()
        assert count > 0 and words is not None
        assert isinstance(app.status_bar, StatusBar)
        shown = screen_text(app).splitlines()[0]
        assert f"⚑ {count} need" in shown
