"""The checklist pane driven by keys against the simulators: ticks by role, `enter` to the place of an
item, the tick offered where the dashboard can see the work done, past days, the day's offers on the
Harness clock, and the engineer's own list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from duty_tui.app import DutyApp
from duty_tui.config.checklist import ChecklistConfig
from duty_tui.demo.scenario import CHANNEL
from duty_tui.desks.checklist import END_OFFERED, START_OFFERED
from duty_tui.widgets.tickets import MINE, UNACKNOWLEDGED, UNASSIGNED
from tests.conftest import MORNING
from tests.support import Harness, both_polled, screen_text, settle

SIZE = (140, 45)
THURSDAY = MORNING.date()


def notices(app: DutyApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every toast the app raises, as its text (recorded before the run starts)."""
    said: list[str] = []
    notify = app.notify

    def record(message: str, **options: Any) -> None:
        said.append(message)
        notify(message, **options)

    monkeypatch.setattr(app, "notify", record)
    return said


def highlight(app: DutyApp, item_id: str) -> None:
    app.checklist.list.highlighted = app.checklist.list.get_option_index(item_id)


def highlighted(app: DutyApp) -> str | None:
    index = app.checklist.list.highlighted
    return None if index is None else app.checklist.list.get_option_at_index(index).id


def row(app: DutyApp, option_id: str) -> str:
    """A checklist row's text as the pane renders it (wrapped on screen, whole here)."""
    return app.checklist.list.get_option(option_id).prompt.plain  # type: ignore[union-attr]


def marked(app: DutyApp) -> list[str]:
    """The rows flagged ⚠ or offering their tick."""
    rows = [row(app, item.id) for section in app.checklist.sections for item in section.items]
    return [text for text in rows if text.startswith("⚠") or "done?" in text]


def london(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime(2026, 11, 26 + days, hour, minute, tzinfo=UTC)  # GMT in November: London = UTC


async def test_items_grouped_by_role_ticked_and_a_past_day_shown_with_brackets(h: Harness) -> None:
    first = h.app()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(first))
        assert [row(first, f"section:{s.id}") for s in first.checklist.sections] == [
            "Start of day · AWS Ops engineer  0/5",
            "Start of day · 6DG Ops engineer / duty consultant  0/6",
            "Support hours · at least one engineer  0/2",
            "The whole support team  0/3",
            "Before ending the day · at least one engineer  0/3",
        ]
        assert "Start of day · AWS Ops engineer  0/5" in screen_text(first)
        assert row(first, "aws-board").startswith("⚠ Check the AWS Ops board")  # open at 10:30: flagged
        assert row(first, "during-board").startswith("☐ ")  # only the start-of-day lists are
        await pilot.press("4", "space")
        await settle(pilot, lambda: bool(first.runtime.store.checklist.of_day(THURSDAY)))
        assert "Start of day · AWS Ops engineer  1/5" in screen_text(first)
    h.clock.advance(timedelta(days=1))  # Friday
    second = h.app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: second.painted and second.checklist.day is not None)
        assert not second.checklist.ticks and "0/19 · Fri 27 Nov" in screen_text(second)
        await pilot.press("4", "left_square_bracket")
        await settle(pilot, lambda: second.checklist.viewing == THURSDAY)
        text = screen_text(second)
        assert "1/19 · Thu 26 Nov (past)" in text and "read-only · ] back to today" in text
        assert "Priya Shah" in text
        assert not marked(second)  # a past day has no flags and no offers
        await pilot.press("space")  # refused: a past day is a record
        await pilot.pause()
        assert set(second.checklist.past_ticks) == {"aws-channel"} and not second.checklist.ticks
        assert set(second.runtime.store.checklist.of_day(THURSDAY)) == {"aws-channel"}
        assert not second.runtime.store.checklist.of_day(THURSDAY + timedelta(days=1))
        await pilot.press("left_square_bracket")  # Wednesday: nothing was ticked
        await settle(pilot, lambda: second.checklist.viewing == THURSDAY - timedelta(days=1))
        assert "0/19 · Wed 25 Nov (past)" in screen_text(second)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot, lambda: second.checklist.viewing is None)
        assert "0/19 · Fri 27 Nov" in screen_text(second)
        await pilot.press("space")  # today ticks again
        await settle(pilot, lambda: "aws-channel" in second.checklist.ticks)


async def test_enter_on_an_item_lands_in_the_right_pane_and_view(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = h.app()
    ran: list[str] = []
    monkeypatch.setattr(app, "action_latest_handover", lambda: ran.append("latest_handover"))
    monkeypatch.setattr(app, "action_handover", lambda: ran.append("handover"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        new = h.world.slack.world.post(
            CHANNEL, h.world.cast.slack["oliver"], "Is the CIS test interface down?"
        )
        await pilot.press("r")
        await settle(pilot, lambda: app.channel.message(new) is not None)
        app.channel.table.move_cursor_to(app.channel.table.row_keys()[0])
        tickets = app.tickets
        boards = {ticket.key: ticket.boards for ticket in tickets.table.items()}

        async def go(item_id: str) -> None:
            await pilot.press("4")
            highlight(app, item_id)
            await pilot.press("enter")
            await pilot.pause()

        await go("aws-channel")  # the channel, at the unread marker
        assert app.focused is app.channel.table and app.channel.table.cursor_key == new

        await go("aws-board")
        assert app.focused is tickets.table and (tickets.view, tickets.board) == (UNASSIGNED, "AWS Ops")
        assert tickets.table.row_keys() and all("AWS Ops" in boards[k] for k in tickets.table.row_keys())
        assert "board: AWS" in screen_text(app)

        await go("6dg-board")
        assert tickets.board == "6DG Ops"
        assert all(k.startswith("LM-") for k in tickets.table.row_keys())

        await go("6dg-acknowledge")  # the unacknowledged ones, soonest deadline first, every board
        assert (tickets.view, tickets.board) == (UNACKNOWLEDGED, None)
        shown = [tickets.table.item(k) for k in tickets.table.row_keys()]
        assert shown and all(t is not None and t.acknowledged_at is None for t in shown)
        deadlines = [tickets.facts(t).deadline for t in shown if t is not None]
        assert deadlines == sorted(deadlines)
        waiting = {
            t.key for t in tickets.table.items() if t.assignee_id is None and t.acknowledged_at is None
        }
        assert set(tickets.table.row_keys()) == waiting
        assert "1 Unacknowledged · " in screen_text(app) and "soonest deadline first" in screen_text(app)
        await pilot.press("v")  # the tickets' own key goes back to the unassigned view
        assert tickets.view in (UNASSIGNED, MINE) and tickets.view != UNACKNOWLEDGED

        await go("team-incidents")
        assert app.focused is app.incident.table

        await go("aws-handover")  # the handover desk's own actions
        await go("end-handover")
        assert ran == ["latest_handover", "handover"]

        await go("aws-webops")  # opens nothing: the cursor stays in the checklist
        assert app.focused is app.checklist.list and highlighted(app) == "aws-webops"


async def test_the_channel_item_offers_its_tick_once_the_channel_is_read_to_the_end(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("4")
        assert "aws-channel" not in app.checklist.done  # nobody has read the channel yet
        await pilot.press("2", "end", "4")  # read it to the end, come back
        await settle(pilot, lambda: "aws-channel" in app.checklist.done)
        assert {"6dg-channel", "during-channel"} <= app.checklist.done
        assert "done? x ticks" in screen_text(app)
        assert not app.checklist.ticks  # offered, never ticked for the engineer
        h.world.slack.world.post(CHANNEL, h.world.cast.slack["raj"], "One more thing about CWA")
        await pilot.press("r")  # something new to read: the offer goes
        await settle(pilot, lambda: "aws-channel" not in app.checklist.done)
        await pilot.press("2", "4")
        await settle(pilot, lambda: "aws-channel" in app.checklist.done)
        highlight(app, "aws-channel")
        await pilot.press("x")  # the one key that takes the offer
        await settle(pilot, lambda: "aws-channel" in app.runtime.store.checklist.of_day(THURSDAY))
        assert "done? x ticks" not in screen_text(app).split("Start of day · AWS")[1].split("\n")[1]


async def test_the_board_items_offer_their_tick_when_every_waiting_ticket_is_acknowledged(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        assert not {"aws-board", "6dg-board", "6dg-acknowledge"} & app.checklist.done
        world = h.world.jira.world
        for key in list(app.tickets.table.row_keys()):
            ticket = app.tickets.table.item(key)
            if ticket is not None and key.startswith("LM-") and ticket.acknowledged_at is None:
                world.assign(key, h.world.cast.jira["tom"], by=h.world.cast.jira["tom"])
        await pilot.press("r")
        await settle(pilot, lambda: "6dg-board" in app.checklist.done)
        assert "aws-board" not in app.checklist.done and "6dg-acknowledge" not in app.checklist.done


async def test_the_day_offers_its_lists_once_on_the_harness_clock(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = h.app()
    said = notices(app, monkeypatch)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, lambda: any("start-of-day" in s for s in said))
        assert highlighted(app) == "aws-channel"  # the first open start-of-day item
        assert app.focused is app.tickets.table  # the offer never takes the keys
        await settle(pilot, lambda: app.runtime.store.meta.get(START_OFFERED) == "2026-11-26")
        await pilot.press("4", "j", "j")
        h.clock.set(london(17, 29))
        app.on_clock_tick()
        await pilot.pause(0.2)
        assert not any("end-of-day" in s for s in said) and highlighted(app) != "end-handover"
        h.clock.set(london(17, 30))
        app.on_clock_tick()
        await settle(pilot, lambda: any("17:30: time for the end-of-day list" in s for s in said))
        assert highlighted(app) == "end-handover"
        await settle(pilot, lambda: app.runtime.store.meta.get(END_OFFERED) == "2026-11-26")
        h.clock.set(london(17, 45))
        app.on_clock_tick()
        await pilot.pause(0.2)
        assert sum("end-of-day" in s for s in said) == 1  # once a day
    again = h.app()  # a restart the same evening offers nothing again
    said_again = notices(again, monkeypatch)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: again.checklist_desk.facts_read)
        await pilot.pause(0.1)
        assert not any("-of-day" in s for s in said_again)


async def test_no_flags_before_ten_and_the_first_launch_after_half_five_offers_the_end(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h.clock.set(london(9, 30))
    early = h.app()
    async with early.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: early.checklist_desk.facts_read)
        assert not marked(early)
        h.clock.set(london(10, 0))
        early.on_clock_tick()
        await settle(pilot, lambda: "aws-board" in early.checklist.late)
    h.clock.set(london(18, 5, days=1))  # Friday evening, the first launch of that day
    late = h.app()
    said = notices(late, monkeypatch)
    async with late.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: any("end-of-day" in s for s in said))
        assert not any("start-of-day" in s for s in said) and highlighted(late) == "end-handover"


async def test_the_engineers_own_list_keeps_todays_ticks_and_a_bad_one_falls_back(
    h: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = h.app()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(first))
        await pilot.press("4", "space")
        await settle(pilot, lambda: bool(first.runtime.store.checklist.of_day(THURSDAY)))
    mine = tmp_path / "checklists.toml"
    mine.write_text(
        """
[[section]]
id = "morning"
title = "[b]My[/b] morning $accent"
when = "start"
items = [
  { id = "coffee", text = "Coffee [@click=app.quit]x[/]" },
  { id = "aws-channel", text = "Read the channel", opens = "channel" },
]
""",
        encoding="utf-8",
    )
    own = h.app(h.config(checklist=ChecklistConfig(file=mine, explicit=True)))
    async with own.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: own.painted and bool(own.checklist.ticks))
        text = screen_text(own)
        assert "[b]My[/b] morning $accent  1/2" in text and "Coffee [@click=app.quit]x[/]" in text
        assert "Read the channel" in text and "Priya Shah 10:30" in text and "4 Checklist · 1/2" in text
    mine.write_text("[[section]]\nid = 'morning'\n", encoding="utf-8")
    broken = h.app(h.config(checklist=ChecklistConfig(file=mine, explicit=True)))
    said = notices(broken, monkeypatch)
    async with broken.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, lambda: broken.painted and bool(broken.checklist.ticks))
        assert "4 Checklist · 1/19" in screen_text(broken)  # the shipped list, today's tick kept
        warnings = [s for s in said if "is malformed" in s]
        assert len(warnings) == 1 and 'section "morning" is missing its title' in warnings[0]
        assert "using the shipped checklist" in warnings[0]
