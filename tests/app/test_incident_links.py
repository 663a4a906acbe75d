"""What an incident is linked to, its reminders and its end, driven by keys against the simulators:
pin a channel message (`p`), link a ticket (`i`), add a third-party case (`c` in the incident view),
snooze the update reminder (`z`), reopen (`R`), and `q` while leading one. Each shared entry must land
in the incident's thread with metadata, so a colleague's dashboard rebuilds it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from duty_tui.app import DutyApp
from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import IncidentEventKind, IncidentPriority, IncidentStatus
from duty_tui.views.declare_incident import DeclareScreen
from duty_tui.views.improvement import ImprovementScreen
from duty_tui.views.incident import IncidentScreen
from duty_tui.views.incident_choice import CaseScreen, ChoiceScreen, QuitWhileLeadingScreen
from duty_tui.views.incident_update import ReopenScreen, ResolveScreen
from duty_tui.views.postmortem import BoardScreen, PostmortemScreen
from tests.app.test_incidents import incident_posts
from tests.support import Harness, both_polled, incidents_settled, screen_text, settle

SIZE = (140, 40)


async def declare(pilot: Pilot[Any], app: DutyApp, title: str) -> None:
    await settle(pilot, both_polled(app))
    await pilot.press("I")
    await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
    await pilot.press(*title, "ctrl+s")
    await settle(pilot, lambda: incidents_settled(app) and bool(app.incident_desk.incidents))


def request_ts(h: Harness) -> str:
    """A top-level message from someone outside the team (the demo's requesters)."""
    raj = h.world.cast.slack["raj"]
    return [str(m["ts"]) for m in h.world.slack.world.history(CHANNEL) if m.get("user") == raj][-1]


async def test_pin_link_and_case_land_in_the_thread_and_a_colleague_sees_them(
    h: Harness, tmp_path: Path
) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await declare(pilot, app, "CWA submissions failing")
        announcement = incident_posts(h)[0]
        # p on a channel message: with one open incident it goes straight there.
        pinned = request_ts(h)
        await pilot.press("2")
        assert app.channel.table.move_cursor_to(pinned)
        await pilot.press("p")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 2)
        pin = incident_posts(h)[-1]
        assert pin["thread_ts"] == announcement["ts"]
        assert pin["metadata"]["event_payload"]["event"] == "pin"
        assert pin["metadata"]["event_payload"]["subject"] == pinned
        assert "Pinned to the timeline" in pin["text"] and "Raj" in pin["text"]
        # i on a ticket: choose the incident.
        await pilot.press("1")
        key = app.tickets.table.cursor_key
        assert key is not None
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("enter")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 3)
        link = incident_posts(h)[-1]["metadata"]["event_payload"]
        assert link["event"] == "link" and link["subject"] == key and link["vendor"] is None
        # c in the incident view: a third-party case, one field.
        await pilot.press("3", "enter")
        await settle(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, CaseScreen))
        app.screen.query_one(Input).value = "aws 1234567890"
        await pilot.press("enter")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 4)
        case = incident_posts(h)[-1]["metadata"]["event_payload"]
        assert (case["vendor"], case["subject"]) == ("AWS", "1234567890")
        await settle(pilot, lambda: "AWS 1234567890" in screen_text(app))  # the open view follows
        shown = screen_text(app)
        assert f"Tickets     {key}" in shown and "pinned a message" in shown
        # The ticket's own view shows the incident it is linked to.
        await pilot.press("escape", "1", "enter")
        await settle(pilot, lambda: "Incidents (1)" in screen_text(app))
        assert "CWA submissions failing" in screen_text(app)
        # Pinning the same message again is refused, not posted twice.
        await pilot.press("escape", "2")
        await pilot.press("p")
        await pilot.pause()
        assert len(incident_posts(h)) == 4 and "already pinned" in screen_text(app)
    colleague = DutyApp(h.runtime(tmp_path / "colleague"))
    async with colleague.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(colleague))
        await settle(pilot, lambda: bool(colleague.incident_desk.incidents))
        [incident] = colleague.incident_desk.incidents
        assert incident.tickets == (key,) and incident.cases == (("AWS", "1234567890"),)
        assert [e.subject for e in incident.events if e.kind is IncidentEventKind.PIN] == [pinned]


async def test_snooze_holds_the_reminder_back_and_survives_a_restart(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await declare(pilot, app, "MI reports slow")
        h.clock.advance(timedelta(minutes=61))
        app.on_clock_tick()
        await pilot.pause()
        assert "update overdue" in screen_text(app)
        await pilot.press("3", "z")  # 15 minutes
        await pilot.pause()
        [incident] = app.incident_desk.incidents
        assert "snoozed" in app.incident.table.cell(incident.id, "next").plain
        assert app.incident_desk.overdue() == (1, None)
        await pilot.press("z")  # again: 30 minutes
        await settle(pilot, lambda: incident.id in app.runtime.store.incidents.snoozes())
        until = app.runtime.store.incidents.snoozes()[incident.id]
        assert until == h.clock.now() + timedelta(minutes=30)
    again = h.app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: bool(again.incident_desk.incidents))
        assert again.incident_desk.overdue() == (1, None)  # still held back after a restart
        h.clock.advance(timedelta(minutes=31))
        again.on_clock_tick()
        await pilot.pause()
        assert again.incident_desk.overdue() == (1, "MI reports slow")


async def test_a_resolved_incident_is_reopened_with_a_reason_told_to_the_channel(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await declare(pilot, app, "Portal 502s")
        await pilot.press("X")
        await settle(pilot, lambda: isinstance(app.screen, ResolveScreen))
        await pilot.press(*"Restarted the pods", "ctrl+s")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 2)
        await pilot.press("3", "R")
        await settle(pilot, lambda: isinstance(app.screen, ReopenScreen))
        await pilot.press(*"502s are back", "ctrl+s")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 3)
        reopened = incident_posts(h)[-1]
        assert reopened["metadata"]["event_payload"]["event"] == "reopened"
        assert reopened.get("subtype") == "thread_broadcast" and "502s are back" in reopened["text"]
        [incident] = app.incident_desk.incidents
        assert incident.status is IncidentStatus.INVESTIGATING and incident.next_update is not None
        await pilot.press("R")  # an open incident cannot be reopened
        await pilot.pause()
        assert not isinstance(app.screen, ReopenScreen)


async def test_quitting_while_leading_an_open_incident_asks_first(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await declare(pilot, app, "CCMS batch stuck")  # the lead is me by default
        await pilot.press("q")
        await settle(pilot, lambda: isinstance(app.screen, QuitWhileLeadingScreen))
        assert "CCMS batch stuck" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, QuitWhileLeadingScreen)
        await pilot.press("q")
        await settle(pilot, lambda: isinstance(app.screen, QuitWhileLeadingScreen))
        await pilot.press("y")
        await settle(pilot, lambda: not app.is_running)


async def test_postmortem_improvement_raised_as_an_assigned_ticket_and_exported(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await declare(pilot, app, "CCMS logins failing")
        await pilot.press("X")
        await settle(pilot, lambda: isinstance(app.screen, ResolveScreen))
        await pilot.press(*"Failed over the DB", "ctrl+s")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 2)
        [incident] = app.incident_desk.incidents
        # A postmortem is owed for a high-priority incident only.
        app.incident_desk.incidents = [replace(incident, priority=IncidentPriority.HIGH)]
        app.incident_desk.repaint()
        assert app.incident.table.cell(incident.id, "next").plain == "postmortem owed"
        await pilot.press("P")
        await settle(pilot, lambda: isinstance(app.screen, PostmortemScreen))
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, ImprovementScreen))
        form = app.screen
        assert isinstance(form, ImprovementScreen)
        owner = h.world.cast.jira["tom"]
        await pilot.press(*"Alert on DB failover")
        form.owner.value = owner
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, PostmortemScreen))
        postmortem = app.screen
        assert isinstance(postmortem, PostmortemScreen)
        await settle(pilot, lambda: len(app.runtime.store.incidents.improvements(incident.id)) == 1)
        before = set(h.world.jira.world.issue_keys())
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, BoardScreen))
        await pilot.press("enter")  # the first board: AWS Ops
        await settle(pilot, lambda: bool(set(h.world.jira.world.issue_keys()) - before))
        [key] = set(h.world.jira.world.issue_keys()) - before
        issue = h.world.jira.world.issue(key)["fields"]
        assert issue["summary"] == "Alert on DB failover" and issue["assignee"]["accountId"] == owner
        assert "postmortem" in issue["labels"] and "CCMS logins failing" in issue["description"]
        await settle(pilot, lambda: key in screen_text(app))  # the key shows in the open postmortem
        [kept] = app.runtime.store.incidents.improvements(incident.id)
        assert kept.ticket == key and not kept.raising
        await pilot.press("t")  # raised once: never twice
        await pilot.pause(0.3)
        assert set(h.world.jira.world.issue_keys()) - before == {key}
        await pilot.press("x")
        folder = app.runtime.data_dir / "postmortems"
        await settle(pilot, lambda: any(folder.glob("*.md")))
        [written] = folder.glob("*.md")
        assert written.name.endswith("-ccms-logins-failing.md")
        markdown = written.read_text(encoding="utf-8")
        assert "| 1 | Alert on DB failover |" in markdown and key in markdown and "## Timeline" in markdown
        await pilot.press("escape")
        await settle(pilot, lambda: app.incident.table.cell(incident.id, "next").plain == "")
