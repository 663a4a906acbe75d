"""Incidents end to end: keys → outbox → the simulated #laa-ops (posts with metadata) → every dashboard,
asserting on the simulator's state. Real clients over HTTP; a second app on its own data dir is the
colleague's machine."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox

from duty_tui.app import DutyApp
from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import IncidentEventKind, IncidentPriority, IncidentStatus
from duty_tui.views.declare_incident import DeclareScreen
from duty_tui.views.incident_update import ResolveScreen, UpdateScreen
from tests.support import Harness, both_polled, incidents_settled, screen_text, settle, until_settled

SIZE = (140, 40)


def incident_posts(h: Harness) -> list[dict[str, Any]]:
    """Every #laa-ops message carrying incident metadata, replies included, oldest first."""
    return [
        m
        for m in h.world.slack.world.messages(CHANNEL)
        if m.get("metadata", {}).get("event_type") == "duty_tui_incident"
    ]


async def declare(pilot: Pilot[Any], app: DutyApp, title: str, *, high: bool = False) -> None:
    await pilot.press("I")
    await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
    await pilot.press(*title)
    if high:
        app.screen.query_one("#declare-criterion-0", Checkbox).value = True
    await pilot.press("ctrl+s")


async def test_declare_posts_the_announcement_with_metadata_and_shows_the_incident(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await declare(pilot, app, "CCMS logins failing", high=True)
        await settle(pilot, lambda: bool(app.incident_desk.incidents))  # at once, before Slack has it
        await settle(pilot, lambda: incidents_settled(app))
        [post] = incident_posts(h)
        payload = post["metadata"]["event_payload"]
        assert payload["event"] == "declared" and payload["title"] == "CCMS logins failing"
        assert payload["priority"] == "high" and payload["status"] == "investigating"
        assert payload["lead"] == h.world.cast.slack["priya"] and payload["next_update"]
        assert "Incident in progress" in post["text"] and "bot_id" in post  # the shared bot posts it
        [incident] = app.incident_desk.incidents
        assert incident.thread_ts == post["ts"] and incident.priority is IncidentPriority.HIGH
        assert "1 incident open" in screen_text(app) and "CCMS" in screen_text(app)
        assert app.incident.table.cell(incident.id, "priority").plain == "HIGH"


async def test_a_colleagues_dashboard_sees_it_and_its_update_comes_back(h: Harness, tmp_path: Path) -> None:
    mine = h.app()
    async with mine.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(mine))
        await declare(pilot, mine, "MI database slow")
        await settle(pilot, lambda: incidents_settled(mine) and bool(incident_posts(h)))
    colleague = DutyApp(h.runtime(tmp_path / "colleague"))
    async with colleague.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(colleague))
        await settle(pilot, lambda: len(colleague.incident_desk.incidents) == 1)
        assert colleague.incident_desk.incidents[0].title == "MI database slow"
        await pilot.press("U")
        await settle(pilot, lambda: isinstance(colleague.screen, UpdateScreen))
        screen = colleague.screen
        assert isinstance(screen, UpdateScreen)
        screen.editor.text = "What we know: the index rebuild overran."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: incidents_settled(colleague) and len(incident_posts(h)) == 2)
    again = h.app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(again))
        await settle(pilot, lambda: bool(again.incident_desk.incidents))
        kinds = [e.kind for e in again.incident_desk.incidents[0].events]
        assert kinds == [IncidentEventKind.DECLARED, IncidentEventKind.UPDATED]


async def test_an_update_falls_due_then_overdue_and_resolve_tells_the_channel(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, both_polled(app))
        await declare(pilot, app, "Portal disk filling up")
        await settle(pilot, lambda: incidents_settled(app))
        h.clock.advance(timedelta(minutes=61))  # normal priority: an update every 60 minutes
        app.on_clock_tick()
        await pilot.pause()
        assert "Incident update due" in screen_text(app) and "update overdue" in screen_text(app)
        await pilot.press("X")
        await settle(pilot, lambda: isinstance(app.screen, ResolveScreen))
        await pilot.press(*"Old logs cleared, alarm back to OK", "ctrl+s")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 2)
        resolved = incident_posts(h)[-1]
        assert resolved["metadata"]["event_payload"]["event"] == "resolved"
        assert resolved.get("subtype") == "thread_broadcast"  # also in the channel, as the process says
        [incident] = app.incident_desk.incidents
        assert incident.status is IncidentStatus.RESOLVED and "incident open" not in screen_text(app)


async def test_declared_while_slack_is_down_it_is_posted_once_when_slack_returns(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        h.world.slack.server.go_down()
        await declare(pilot, app, "Apply 502s")
        await settle(pilot, lambda: bool(app.incident_desk.incidents))
        assert app.incident_desk.incidents[0].pending and not incident_posts(h)
        h.world.slack.server.come_up()
        await until_settled(pilot, app, h, done=lambda: incidents_settled(app))
        assert len(incident_posts(h)) == 1 and incidents_settled(app)
        assert app.runtime.store.outbox.pending() == []


async def test_read_only_shows_incidents_but_declares_nothing(h: Harness) -> None:
    app = h.app(read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("I")
        await pilot.pause()
        assert not isinstance(app.screen, DeclareScreen) and "--read-only" in screen_text(app)
