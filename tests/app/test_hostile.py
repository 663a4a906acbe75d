"""Hostile text through every pane: rendered literally, nothing crashes, nothing runs.

The corpus (in tests/support.py) holds markup, `[@click=…]` actions, `$variables`, unclosed brackets,
CSI/OSC escapes, bidi overrides, zero-width characters and a 20,000-character message. It goes
in through the simulators, exactly where real data would come from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from duty_tui.config import TicketsConfig
from duty_tui.demo.scenario import CHANNEL
from duty_tui.views.ticket import TicketScreen
from tests.conftest import MORNING
from tests.support import (
    HOSTILE,
    HOSTILE_BY_ID,
    MARKUP_LIKE,
    Harness,
    assert_screen_clean,
    both_polled,
    make_harness,
    probe,
    screen_text,
    settle,
)

SIZE = (120, 35)


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    harness = make_harness(tmp_path, MORNING)
    jira, slack = harness.world.jira.world, harness.world.slack.world
    villain = HOSTILE_BY_ID["click-quit"]
    # The engineer's own Jira name is shown beside checklist ticks.
    me = jira.add_user(villain + " \x1b[31mPriya", email="villain@example.com")
    jira.set_api_user(me)
    author = slack.add_user("mallory", villain, display_name="[b]Mallory[/b] \x1b]0;pwned\x07")
    for n, value in enumerate(HOSTILE):
        jira.create_issue(
            "LAA",
            value or "(empty)",
            priority="Highest",
            reporter=me,
            created=MORNING - timedelta(minutes=n),
            labels=["hostile"],
        )
        slack.post(CHANNEL, author, value or "(empty)", at=MORNING - timedelta(seconds=len(HOSTILE) - n))
    slack.post(
        CHANNEL,
        None,
        "bot says [@click=app.quit]hi[/]",
        subtype="bot_message",
        bot_id="B0EVIL",
        username="[@click=app.bell]bot[/] $accent",
    )
    slack.add_channel(CHANNEL, "[laa-ops] $text \x1b[2J")
    yield harness
    harness.close()


def hostile_keys(h: Harness) -> dict[str, str]:
    world = h.world.jira.world
    return {world.issue(k)["fields"]["summary"]: k for k in world.issue_keys() if k.startswith("LAA-")}


async def test_every_pane_renders_hostile_text_literally(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await settle(pilot, lambda: app.channel.table.row_count > len(HOSTILE))
        assert app.is_running
        keys = hostile_keys(h)
        table = app.tickets.table
        for value in MARKUP_LIKE:
            summary = table.cell(keys[value], "summary").plain
            assert probe(value) in summary, (value, summary)
        messages = {m.text: m.ts for m in app.channel.table.items()}
        for value in MARKUP_LIKE:
            rendered = app.channel.table.cell(messages[value], "text").plain
            assert probe(value, 8) in rendered, (value, rendered)
        author = app.channel.table.cell(messages[MARKUP_LIKE[0]], "author").plain
        assert author.startswith("[b]Mallory[/b]") and "\x1b" not in author
        assert "#[laa-ops] $text" in screen_text(app)
        # Page through both tables so every row is painted, and check each frame.
        for _ in range(6):
            assert_screen_clean(app)
            await pilot.press("pagedown")
        await pilot.press("2")
        for _ in range(6):
            assert_screen_clean(app)
            await pilot.press("pageup")
        assert app.is_running and app.return_code is None


async def test_clicking_an_action_in_text_runs_nothing(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        table = app.tickets.table
        key = hostile_keys(h)[HOSTILE_BY_ID["click-quit"]]
        assert table.move_cursor_to(key)
        row = table.row_keys().index(key) - int(table.scroll_offset.y) + 1
        await pilot.click(table, offset=(40, row), times=2)  # a double click opens the ticket
        assert isinstance(app.screen, TicketScreen)
        assert HOSTILE_BY_ID["click-quit"] in screen_text(app)
        await pilot.click("#ticket-body", offset=(2, 0))
        await pilot.press("escape", "2", "end")
        await pilot.click(app.channel.table, offset=(30, 1))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert "bot says [@click=app.q" in screen_text(app)  # literal (cut to the column's width)
        rows = app.channel.table
        assert any(rows.cell(k, "text").plain == "bot says [@click=app.quit]hi[/]" for k in rows.row_keys())


async def test_checklist_shows_a_hostile_name_literally(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("4", "space")
        await settle(pilot, lambda: bool(app.checklist.ticks))
        assert app.checklist.ticks["aws-channel"].by.startswith("[@click=app.quit]")
        assert_screen_clean(app)


async def test_a_hostile_error_from_a_service_is_shown_literally(h: Harness) -> None:
    h.world.slack.inject_error(
        "[@click=app.quit]boom[/] \x1b]52;c;aGFjaw==\x07", method="conversations.history", n=5
    )
    config = h.config()
    boards = tuple(
        replace(b, component="[/x] $accent \x1b[31m") if b.component else b for b in config.jira.boards
    )
    app = h.app(replace(config, jira=replace(config.jira, boards=boards)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(
            pilot, lambda: app.statuses.get("slack", None) is not None and bool(app.statuses["slack"].error)
        )
        await settle(pilot, lambda: bool(app.statuses.get("jira")) and bool(app.statuses["jira"].error))
        text = screen_text(app)
        assert "[@click=app.quit]boom[/]" in text
        assert "[/x] $accent" in text
        assert_screen_clean(app)
        assert app.is_running


async def test_a_take_posts_other_peoples_text_escaped_for_jira(h: Harness) -> None:
    config = h.config()
    template = "Thanks {reporter}: {engineer} has {key} ({summary}) and replies within {within}."
    workflow = replace(config.workflow, tickets=TicketsConfig(template))
    app = h.app(replace(config, workflow=workflow))
    summary = "[~accountid:5b10a2844c20165700ede21g] !https://t.example/p.png! {html}<b>hi</b>{html}"
    key = h.world.jira.world.create_issue("LAA", summary, priority="Highest", created=MORNING)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.tickets.table.item(key) is not None)
        assert app.tickets.table.move_cursor_to(key)
        await pilot.press("t")
        await settle(pilot, lambda: bool(h.world.jira.world.comments(key)))
    body = h.world.jira.world.comments(key)[-1]["body"]
    assert body.startswith(r"Thanks \[@click=app.quit\]x\[/\]: \[@click=app.quit\]x\[/\] ")  # names
    assert (
        r"(\[~accountid:5b10a2844c20165700ede21g\] \!https://t.example/p.png\! \{html\}<b>hi</b>\{html\})"
        in body
    )
    assert body.endswith(" and replies within 2 hours.")  # the promise, as the one duration formatter says it
    assert "\x1b" not in body
