"""The dashboard driven by keys against the simulated Jira Cloud and Slack."""

from __future__ import annotations

import time
from datetime import timedelta

from textual.containers import VerticalScroll
from textual.widgets import Static

from duty_tui.demo.scenario import CHANNEL, COMPONENT
from duty_tui.views.help import HelpScreen
from tests.conftest import MORNING
from tests.support import Harness, both_polled, screen_text, settle

SIZE = (120, 35)


async def test_dashboard_shows_both_boards_and_the_channel(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        assert set(app.tickets.table.row_keys()) == h.waiting_keys()
        assert set(app.channel.table.row_keys()) == h.channel_ts()
        first = app.tickets.table.item(app.tickets.table.row_keys()[0])
        assert first is not None and first.priority in ("Highest", "High")  # severity 1-2 first
        text = screen_text(app)
        assert "1 Tickets · AWS 8 · 6DG 7 · 2 breached · 1 due <30m" in text
        assert "2 #laa-ops" in text and "3 Incident" in text and "4 Checklist · 0/19" in text
        assert "● In hours" in text and "Channel: nobody until 18:00" in text  # no cover set in the demo
        assert "Jira ✓ 10:30" in text and "Slack ✓ 10:30" in text
        assert "Morning all 👋" in text  # mrkdwn and emoji rendered
        assert "@here" in text and "<!here>" not in text
        # the 6DG tickets without the laa-6dg-support component, assigned and done tickets never show
        world = h.world.jira.world
        hidden = {k for k in world.issue_keys() if k not in h.waiting_keys()}
        assert hidden and not hidden & set(app.tickets.table.row_keys())
        assert any(
            COMPONENT not in str(world.issue(k)["fields"]["components"]) for k in hidden if k.startswith("LM")
        )


async def test_panes_paint_from_the_store_before_any_network_call(h: Harness) -> None:
    first = h.app()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(first))
    h.world.jira.log.clear()
    h.world.jira.faults.set_latency(2.0)  # the network is slow: the cache must not wait for it
    h.world.slack.faults.set_latency(2.0)
    second = h.app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: second.painted, timeout=1.5)
        assert set(second.tickets.table.row_keys()) == h.waiting_keys()
        assert second.channel.table.row_count == len(h.channel_ts())
        assert len(h.world.jira.log) == 0  # painted, and nothing has come back from Jira yet
        h.world.jira.faults.clear()
        h.world.slack.faults.clear()


async def test_number_keys_focus_panes_and_j_k_move(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        table = app.tickets.table
        keys = table.row_keys()
        assert app.focused is table and table.cursor_key == keys[0]
        await pilot.press("j", "j", "down")
        assert table.cursor_key == keys[3]
        await pilot.press("k")
        assert table.cursor_key == keys[2]
        await pilot.press("2")
        assert app.focused is app.channel.table
        await pilot.press("4")
        assert app.focused is app.checklist.list
        await pilot.press("3")
        assert app.focused is app.incident.table
        await pilot.press("1")
        assert app.focused is table and table.cursor_key == keys[2]


async def test_slash_filters_the_focused_list(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        total = app.tickets.table.row_count
        await pilot.press("slash", *"ccms prod")
        shown = [app.tickets.table.item(k) for k in app.tickets.table.row_keys()]
        assert 0 < len(shown) < total
        # the words match the key, summary, board, environment or service (here: CCMS, PROD / Pre-Prod)
        assert all(
            t and {"ccms", "prod"} <= set(app.tickets.search_text(t).lower().replace("-", " ").split())
            for t in shown
        )
        assert "LAA-1" in app.tickets.table.row_keys()  # CCMS PROD: providers get 504
        assert f"{len(shown)} of {total}" in screen_text(app)
        await pilot.press("escape")
        assert app.tickets.table.row_count == total and app.focused is app.tickets.table
        await pilot.press("2", "slash", *"raj")
        assert all(
            m and m.user_id == h.world.cast.slack["raj"]
            for m in map(app.channel.table.item, app.channel.table.row_keys())
        )
        await pilot.press("enter")
        assert app.focused is app.channel.table and app.channel.table.filter_text == "raj"


async def test_r_polls_now_and_new_work_appears_without_moving_the_cursor(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        table = app.tickets.table
        await pilot.press("j", "j", "j", "j")
        watched = table.cursor_key
        assert watched is not None
        screen_row = table.row_keys().index(watched) - int(table.scroll_offset.y)
        world = h.world.jira.world
        h.clock.advance(timedelta(minutes=1))
        # Raised three hours ago (it reached the board late): breached, so it sorts above the cursor.
        urgent = world.create_issue(
            "LAA",
            "CCMS PROD down for everyone",
            priority="Highest",
            created=h.clock.now() - timedelta(hours=3),
        )
        world.set_labels(urgent, ["prod"])  # its last update is now, as for any issue that just appeared
        taken = table.row_keys()[-1]  # a colleague takes one below the cursor
        world.assign(taken, h.world.cast.jira["tom"], by=h.world.cast.jira["tom"])
        h.world.slack.world.post(CHANNEL, h.world.cast.slack["lucy"], "Is CCMS down?")
        searches = len(h.world.jira.log.find("GET", "/search/jql"))
        await pilot.press("r")
        await settle(pilot, lambda: urgent in table.row_keys() and taken not in table.row_keys())
        assert len(h.world.jira.log.find("GET", "/search/jql")) > searches
        assert table.row_keys()[0] == urgent
        assert table.cursor_key == watched  # the cursor stays on its ticket...
        assert table.row_keys().index(watched) - int(table.scroll_offset.y) == screen_row  # ...on its line
        await settle(pilot, lambda: any((m.text == "Is CCMS down?") for m in app.channel.table.items()))


async def test_checklist_tick_survives_a_restart_and_a_new_day_starts_unticked(h: Harness) -> None:
    first = h.app()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(first))
        await pilot.press("4", "space", "j", "j", "space", "space")  # tick, tick, untick
        await settle(pilot, lambda: len(first.checklist.ticks) == 1)
        assert "aws-channel" in first.checklist.ticks
    second = h.app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: second.painted and bool(second.checklist.ticks))
        tick = second.checklist.ticks["aws-channel"]
        assert tick.by == "Priya Shah" and tick.at == MORNING
        assert "Priya Shah 10:30" in screen_text(second) and "1/19" in screen_text(second)
        h.clock.advance(timedelta(days=1))
        second.on_clock_tick()
        await settle(pilot, lambda: not second.checklist.ticks)
        assert "0/19 · Fri 27 Nov" in screen_text(second)


async def test_help_lists_every_binding_and_closes(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Poll Jira and Slack now" in text and "[app.refresh]" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_is_kept_and_shown_again_from_the_top(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        first = app.screen
        assert isinstance(first, HelpScreen)
        scroll = first.query_one(VerticalScroll)
        scroll.scroll_end(animate=False)
        await pilot.pause()
        assert scroll.scroll_y > 0 and "[app.refresh]" not in screen_text(app)
        await pilot.press("escape")
        first.reopen(app.current_keys(), first.support)
        assert scroll.scroll_y == 0  # at once: its first frame shows the top, not where it was left
        scroll.scroll_end(animate=False, immediate=True)
        await pilot.press("question_mark")
        assert app.screen is first and scroll.scroll_y == 0  # the same screen, from the top again
        assert "[app.refresh]" in screen_text(app)
        body = first.query_one("#help-body", Static)
        assert "f5" not in str(body.content).lower()
        first.reopen({**app.current_keys(), "app.refresh": "f5"}, first.support)  # what it says is made again
        assert "f5" in str(body.content).lower()


async def test_keys_can_be_remapped_by_binding_id(h: Harness) -> None:
    app = h.app(h.config(keys={"app.refresh": "f5", "app.focus_channel": "f2"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        before = len(h.world.slack.log.find(path="conversations.history"))
        await pilot.press("f5")
        await settle(pilot, lambda: len(h.world.slack.log.find(path="conversations.history")) > before)
        await pilot.press("f2")
        assert app.focused is app.channel.table
        await pilot.press("question_mark")
        assert "F5" in screen_text(app) or "f5" in screen_text(app)


async def test_q_quits(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert all(loop._stopping.is_set() for loop in app.loops)


async def test_usable_at_100x30(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, both_polled(app))
        text = screen_text(app)
        for title in ("1 Tickets", "2 #laa-ops", "3 Incident", "4 Checklist"):
            assert title in text
        assert "LM-1" in text and "Highest" in text


async def test_enter_opens_a_thread_with_its_replies_and_a_ticket_in_full(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("2")
        table = app.channel.table
        parent = next(m for m in table.items() if m.reply_count == 3)
        table.move_cursor_to(parent.ts)
        await pilot.press("enter")
        await settle(pilot, lambda: "3 replies" in screen_text(app))
        text = screen_text(app)
        assert "Re-running it manually." in text and "Brilliant, thank you!" in text
        assert h.world.slack.log.find(path="conversations.replies")
        await pilot.press("escape", "1")
        assert app.tickets.table.move_cursor_to("LM-1")
        await pilot.press("enter")
        await settle(
            pilot, lambda: "The 02:00 batch shows no run" in screen_text(app)
        )  # the description, fetched
        text = screen_text(app)
        assert (
            "LM-1" in text and "Submit claims batch' did not run at 02:00" in text
        )  # the summary, not cut short
        assert "laa-6dg-support" in text and "Raj Patel" in text and "PROD" in text


async def test_a_thread_says_so_when_slack_cannot_give_the_replies(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        h.world.slack.faults.fail_next(1, status=500, match="conversations.replies")
        await pilot.press("2")
        parent = next(m for m in app.channel.table.items() if m.reply_count)
        app.channel.table.move_cursor_to(parent.ts)
        await pilot.press("enter")
        await settle(pilot, lambda: "Could not load the replies" in screen_text(app))
        assert "server error (500)" in screen_text(app)


async def test_quitting_does_not_wait_for_a_slow_service(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        h.world.jira.faults.set_latency(8.0, match="search/jql")
        await pilot.press("r")
        await pilot.pause(0.3)  # a search is now in flight, for 8 seconds
        started = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - started < 2.0
    h.world.jira.faults.clear()


async def test_quick_tick_untick_is_stored_in_order_even_while_the_store_is_busy(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        store = app.runtime.store
        store.db.lock.acquire()  # a long reconcile holds the store...
        try:
            await pilot.press("4", "space", "space")  # ...while the engineer ticks and unticks
            assert "aws-channel" not in app.checklist.ticks  # shown at once, whatever the store is doing
        finally:
            store.db.lock.release()
        await settle(pilot, lambda: len(store.db.rows("SELECT * FROM checklist_history")) == 2)
        history = [
            (r["item_id"], r["ticked"]) for r in store.db.rows("SELECT * FROM checklist_history ORDER BY id")
        ]
        assert history == [("aws-channel", 1), ("aws-channel", 0)]
        assert store.checklist.of_day(app.day) == {}


async def test_escape_in_the_list_clears_a_kept_filter(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        total = app.tickets.table.row_count
        assert "Clear filter" not in screen_text(app).splitlines()[-1]  # the key bar: nothing to clear
        await pilot.press("slash", *"zzzz", "enter")
        assert app.tickets.table.row_count == 0
        assert "Nothing matches; Esc clears the filter." in screen_text(app)
        assert "esc Clear filter" in screen_text(app).splitlines()[-1]
        await pilot.press("escape")
        assert app.tickets.table.row_count == total and app.tickets.table.filter_text == ""
        await pilot.pause()
        assert "Clear filter" not in screen_text(app).splitlines()[-1]  # gone with the filter


async def test_status_bar_keeps_every_source_and_read_only_at_100_columns(h: Harness) -> None:
    h.world.jira.faults.fail_next(1, status=500)
    h.world.slack.faults.fail_next(1, status=500)
    app = h.app(read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.painted and "jira" in app.statuses and "slack" in app.statuses)
        await settle(pilot, lambda: bool(app.statuses["jira"].error) and bool(app.statuses["slack"].error))
        top = screen_text(app).splitlines()[0]
        assert "READ-ONLY" in top and "Jira ✗" in top and "Slack ✗" in top


async def test_scrolling_above_the_oldest_message_reads_older_ones_from_the_store(h: Harness) -> None:
    """The pane keeps a window of the newest messages; going above its first row asks the channel desk,
    which reads the next older page from the store (not from Slack) and the cursor stays put."""
    from duty_tui.models import ChatMessage
    from duty_tui.widgets.channel import WINDOW

    runtime = h.runtime()
    two_days_ago = int((MORNING - timedelta(days=2)).timestamp())  # outside the poller's rescan window
    history = [
        ChatMessage(ts=f"{two_days_ago + n}.000100", channel=CHANNEL, user_id=None, text=f"old note {n}")
        for n in range(WINDOW + 50)
    ]
    runtime.store.messages.save(history)
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        table = app.channel.table
        assert history[0].ts not in table.row_keys()  # only the newest WINDOW are in the pane
        shown = table.total_count
        await pilot.press("2", "home")
        top = table.cursor_key
        h.world.slack.log.clear()
        await pilot.press("up")
        await settle(pilot, lambda: table.total_count > shown)
        assert history[0].ts in table.row_keys() and table.cursor_key == top
        assert not h.world.slack.log.find(path="conversations.history")  # from the store, not Slack
