"""Write an SVG of every screen of duty-tui from the demo data on a fixed clock.

    .venv/bin/python screens/capture.py        (or: make screens)

The simulators run in-process, the real clients talk to them over HTTP, and the clock is fixed at
Thursday 26 November 2026, 10:30 in London, so the pictures are the same on every machine.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from duty_tui.app import DutyApp  # noqa: E402 - after the path tweak, so a source checkout works
from duty_tui.clock import ManualClock  # noqa: E402
from duty_tui.demo import DemoWorld  # noqa: E402
from duty_tui.demo.scenario import CHANNEL  # noqa: E402
from duty_tui.runtime import build_runtime  # noqa: E402

OUT = ROOT / "screens"
NOW = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
Step = Callable[[Pilot[Any], DutyApp, DemoWorld], Awaitable[None]]


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            break
        await pilot.pause(0.02)
    await pilot.pause(0.1)


async def first_polls(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    await wait_for(
        pilot,
        lambda: (
            all(s in app.statuses and app.statuses[s].last_attempt for s in ("jira", "slack"))
            and app.tickets.table.row_count > 0
            and app.channel.table.row_count > 0
        ),
    )


async def nothing(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    return None


async def filtered(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    await pilot.press("slash", *"prod")


async def help_screen(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    await pilot.press("question_mark")


async def palette(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    await pilot.press("ctrl+p", *"go to")
    await pilot.pause(0.5)


async def checklist(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    await pilot.press("4", "space", "j", "space", "j", "j", "space")
    await wait_for(pilot, lambda: len(app.checklist.ticks) == 3)


async def ticket_detail(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    app.tickets.table.move_cursor_to("LM-1")
    await pilot.press("enter")
    await wait_for(pilot, lambda: "Loading" not in str(app.screen.query("#ticket-body").first().render()))


async def assign_picker(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    app.tickets.table.move_cursor_to("LAA-6")
    await pilot.press("a")
    await pilot.pause(0.5)
    await pilot.press(*"a")


async def move_picker(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    app.tickets.table.move_cursor_to("LAA-6")
    await pilot.press("m")
    await pilot.pause(0.5)


async def comment_editor(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    app.tickets.table.move_cursor_to("LAA-6")
    await pilot.press("c", *"Snapshot restore started; I'll post here when UAT is back.")


async def take_pending(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    world.jira.faults.fail_next(100, status=503, match="LAA-6")  # Jira is slow to take writes: they wait
    app.tickets.table.move_cursor_to("LAA-6")
    await pilot.press("t")
    await wait_for(pilot, lambda: app.runtime.store.outbox.count_pending() == 3)


async def jira_down(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    world.jira.server.go_down()
    await pilot.press("r")
    await wait_for(pilot, lambda: app.statuses["jira"].error is not None)
    world.jira.server.come_up()


def _ts_of(world: DemoWorld, handle: str) -> str:
    user = world.cast.slack[handle]
    return [str(m["ts"]) for m in world.slack.world.history(CHANNEL) if m.get("user") == user][-1]


async def channel_at_work(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    """Pane 2 mid-morning: my claim past the triage time, a colleague's claim, a reply on its way."""
    await pilot.press("2")
    app.channel.table.move_cursor_to(_ts_of(world, "hannah"))
    await pilot.press("t")
    await wait_for(pilot, lambda: app.runtime.store.outbox.count_pending() == 0)
    world.slack.world.react(CHANNEL, _ts_of(world, "dan"), "eyes", world.cast.slack["grace"])
    world.slack.faults.fail_next(100, status=503, match="chat.postMessage")  # Slack is slow to take posts
    app.channel.table.move_cursor_to(_ts_of(world, "lucy"))
    await pilot.press("c", *"Providers confirm logins work again; closing this off.", "ctrl+s")
    world.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    app.runtime.slack_poller.rescan_soon()
    await pilot.press("r")
    await wait_for(pilot, lambda: "👀 Grace" in app.channel.table.cell(_ts_of(world, "dan"), "request").plain)
    app.on_clock_tick()
    app.channel.table.move_cursor_to(_ts_of(world, "hannah"))


async def reply_editor(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    await pilot.press("2")
    app.channel.table.move_cursor_to(_ts_of(world, "dan"))
    await pilot.press("c", *"Hi Dan, happy to sort that: which two accounts? I'll raise a ticket.")


async def reaction_picker(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    await pilot.press("2")
    app.channel.table.move_cursor_to(_ts_of(world, "hannah"))
    await pilot.press("e")


async def raise_ticket(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    await pilot.press("2")
    app.channel.table.move_cursor_to(_ts_of(world, "raj"))
    await pilot.press("n")
    await wait_for(pilot, lambda: "Slack: https://" in getattr(app.screen, "description", None).text)  # type: ignore[union-attr]
    await pilot.press("down")


async def incidents(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    """Pane 3 with two incidents: a high one whose update is overdue, and a normal one."""
    from textual.widgets import Checkbox

    for title, high in (("CCMS PROD: providers get 504s on login", True), ("MI reporting DB slow", False)):
        await pilot.press("I", *title)
        if high:
            app.screen.query_one("#declare-criterion-0", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.runtime.store.outbox.count_pending() == 0)
    world.clock.advance(timedelta(minutes=35))  # type: ignore[attr-defined]
    app.on_clock_tick()
    await pilot.press("3")


async def declare_form(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    from textual.widgets import Checkbox

    await pilot.press("I", *"CCMS PROD: providers get 504s on login")
    app.screen.query_one("#declare-criterion-0", Checkbox).value = True


async def incident_view(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    """The high incident in full, with the CloudWatch alarm pinned, a ticket linked and an AWS case."""
    from textual.widgets import Input

    await incidents(pilot, app, world)
    high = app.incident.selected_id
    await pilot.press("2")
    app.channel.table.move_cursor_to(_ts_of(world, "alerts"))
    await pilot.press("p")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ChoiceScreen")
    await pilot.press("enter")  # the high one is highlighted (selected in pane 3)
    await pilot.press("1", "i")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ChoiceScreen")
    await pilot.press("enter")
    await pilot.press("3")
    app.incident.table.move_cursor_to(high or "")
    await pilot.press("enter", "c")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "CaseScreen")
    app.screen.query_one(Input).value = "AWS 176543210"
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.runtime.store.outbox.count_pending() == 0)
    await wait_for(pilot, lambda: "AWS 176543210" in str(app.screen.query_one("#incident-fields").render()))


async def postmortem(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    """The resolved high incident's postmortem: two improvements, one raised as a ticket."""
    await incidents(pilot, app, world)
    await pilot.press("X", *"Rolled back the login service to 4.11.2; 504s stopped at 10:52", "ctrl+s")
    await wait_for(pilot, lambda: app.runtime.store.outbox.count_pending() == 0)
    await pilot.press("3", "P")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "PostmortemScreen")
    agreed = (("Alert on login 5xx rate before users notice", "priya"), ("Canary the login service", "tom"))
    for action, owner in agreed:
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ImprovementScreen")
        await pilot.press(*action)
        app.screen.owner.value = world.cast.jira[owner]  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PostmortemScreen")
    await pilot.press("up", "t")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "BoardScreen")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.runtime.store.outbox.count_pending() == 0)
    await wait_for(pilot, lambda: any(i.ticket for i in getattr(app.screen, "improvements", [])))


async def handover(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    """The handover composer, assembled from the dashboard, an incident open."""
    await incidents(pilot, app, world)
    await pilot.press("H")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "HandoverScreen")
    await pilot.press(*"LAA-2: EBS resize booked for 19:00 with the DBA; watch the disk alarm.")


async def cover_form(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    """`D`: today's sub-team and who is on #laa-ops in each period, lunch split between two people."""
    await pilot.press("D")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "CoverScreen")
    screen: Any = app.screen
    slack = world.cast.slack
    for name, handle in (("engineer", "aisha"), ("dba", "sam"), ("duty_consultant", "ewan")):
        screen.roles[name].value = slack[handle]
    for select, handle in zip(screen.slots, ("aisha", "tom", "grace", "aisha"), strict=True):
        select.value = slack[handle]


async def cover_status(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    """The cover saved and posted: the status bar says who is on the channel, the post is in #laa-ops."""
    await cover_form(pilot, app, world)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: app.runtime.store.outbox.count_pending() == 0)
    app.runtime.slack_poller.rescan_soon()
    await pilot.press("r")
    await wait_for(pilot, lambda: not app.refreshing)
    await pilot.press("2", "end")


async def metrics(pilot: Pilot[Any], app: DutyApp, world: DemoWorld) -> None:
    """The metrics screen (`5`): the demo's last 30 days, once worked out."""
    await pilot.press("5")
    screen: Any = app.screen
    await wait_for(pilot, lambda: screen.report is not None and not screen.fetching and not screen.working)
    app.clear_notifications()  # the dashboard's start-of-day toasts


SCREENS: list[tuple[str, tuple[int, int], Step]] = [
    ("dashboard", (120, 35), nothing),
    ("dashboard-100x30", (100, 30), nothing),
    ("filter", (120, 35), filtered),
    ("checklist", (120, 35), checklist),
    ("jira-offline", (120, 35), jira_down),
    ("take-pending", (120, 35), take_pending),
    ("ticket-detail", (120, 35), ticket_detail),
    ("assign-picker", (120, 35), assign_picker),
    ("move-picker", (120, 35), move_picker),
    ("comment-editor", (120, 35), comment_editor),
    ("channel-at-work", (140, 40), channel_at_work),
    ("reply-editor", (120, 35), reply_editor),
    ("reaction-picker", (120, 35), reaction_picker),
    ("raise-ticket", (120, 35), raise_ticket),
    ("incidents", (140, 40), incidents),
    ("declare-incident", (120, 35), declare_form),
    ("incident-view", (120, 35), incident_view),
    ("postmortem", (120, 35), postmortem),
    ("handover", (120, 35), handover),
    ("cover-form", (120, 35), cover_form),
    ("cover-status", (160, 40), cover_status),
    ("metrics", (120, 40), metrics),
    ("help", (120, 35), help_screen),
    ("command-palette", (120, 35), palette),
]


# Screens that show the demo's past month (the channel's past incidents and asks, a month of probe results).
WITH_PAST = frozenset({"metrics"})


async def capture(name: str, size: tuple[int, int], step: Step) -> Path:
    clock = ManualClock(NOW)
    world = DemoWorld(clock, channel_history=name in WITH_PAST)
    with tempfile.TemporaryDirectory() as data_dir:
        config = world.config(poll_seconds=3600)  # poll once at start, so nothing moves mid-capture
        runtime = build_runtime(config, world.secrets(), Path(data_dir), clock, demo=True)
        if name in WITH_PAST:
            world.seed_store(runtime)
        app = DutyApp(runtime)
        try:
            async with app.run_test(size=size) as pilot:
                await first_polls(pilot, app, world)
                await step(pilot, app, world)
                await pilot.pause(0.2)
                path = Path(app.save_screenshot(f"{name}.svg", path=str(OUT)))
        finally:
            runtime.close()
            world.stop()
    return path


async def main(only: list[str]) -> None:
    """Every screen, or only those named on the command line (`python screens/capture.py metrics`)."""
    for name, size, step in SCREENS:
        if only and name not in only:
            continue
        path = await capture(name, size, step)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
