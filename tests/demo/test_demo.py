"""The demo: a populated world that keeps moving, and a throwaway store that is cleaned up."""

from __future__ import annotations

from collections import Counter

from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.demo import DemoWorld, build_demo_runtime
from duty_tui.demo.scenario import CHANNEL, WorldTicker
from tests.conftest import MORNING
from tests.support import both_polled, settle


def claimed(world: DemoWorld) -> int:
    history = world.slack.world.history(CHANNEL)
    return sum(1 for m in history if any(r["name"] == "eyes" for r in m.get("reactions", [])))


def test_the_world_moves_new_tickets_messages_and_colleagues() -> None:
    clock = ManualClock(MORNING)
    world = DemoWorld(clock)
    try:
        tickets_before = len(world.jira.world.issue_keys())
        messages_before = len(world.slack.world.messages(CHANNEL))
        claims_before = claimed(world)
        ticker = WorldTicker(world.jira, world.slack, world.cast, clock, seed=3)
        happened = Counter(ticker.happen() for _ in range(60))
        assert {"message", "reply", "ticket", "taken", "request", "claim"} <= set(happened)
        assert len(world.jira.world.issue_keys()) == tickets_before + happened["ticket"]
        assert (
            len(world.slack.world.messages(CHANNEL))
            == messages_before + happened["message"] + happened["reply"] + happened["request"]
        )
        assert claimed(world) == claims_before + happened["claim"]  # each claim 👀 a request not yet claimed
    finally:
        world.stop()


async def test_demo_runtime_runs_the_dashboard_and_cleans_up() -> None:
    runtime = build_demo_runtime()
    data_dir = runtime.data_dir
    app = DutyApp(runtime)
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            await settle(pilot, both_polled(app))
            assert app.tickets.table.row_count >= 10 and app.channel.table.row_count >= 10
            assert "DEMO" in str(app.status_bar.render())
    finally:
        runtime.close()
    assert not data_dir.exists()
