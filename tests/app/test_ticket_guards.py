"""The ticket keys when the engineer is quick, repeats themself, or the store or Jira says no."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from duty_tui.desks import queueing
from duty_tui.rules.sla import Band
from duty_tui.views.comment import CommentScreen
from duty_tui.views.ticket import TicketScreen
from tests.app.test_tickets import KEY, SIZE, delivered, ready, writes
from tests.support import Harness, screen_text, settle


def posts(h: Harness, key: str = KEY) -> int:
    return sum(1 for e in h.world.jira.log if e.method == "POST" and e.path.endswith(f"/{key}/comment"))


async def test_t_twice_takes_once_and_says_it_is_already_yours(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        h.world.jira.log.clear()
        h.world.jira.faults.hold(match="GET")  # the first take is still on its way
        await pilot.press("t", "t")
        assert f"{KEY} is already yours" in screen_text(app)
        h.world.jira.faults.release()
        await settle(pilot, lambda: delivered(app))
        assert writes(h).count("PUT /assignee") == 1 and posts(h) == 1


async def test_a_key_pressed_as_the_row_leaves_does_not_land_on_the_next_one(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        keys = app.tickets.table.row_keys()
        following = keys[keys.index(KEY) + 1]
        await pilot.press("t")
        await settle(pilot, lambda: delivered(app) and KEY not in app.tickets.table.row_keys())
        underneath = app.tickets.table.cursor_key
        assert underneath == following  # the row kept its place until it left; the next slid up
        assert [k for k in app.tickets.table.row_keys()] == [k for k in keys if k != KEY]
        h.world.jira.log.clear()
        await pilot.press("t")  # meant for the row that just left
        await pilot.pause(0.1)
        assert "The list just changed under the cursor" in screen_text(app)
        assert writes(h, underneath) == []


async def test_K_on_an_acknowledged_ticket_asks_before_a_second_comment(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        done = next(t for t in app.tickets.table.items() if t.acknowledged_at and t.assignee_id is None)
        assert app.tickets.table.move_cursor_to(done.key)
        h.world.jira.log.clear()
        await pilot.press("K")
        await pilot.pause(0.2)
        assert "already acknowledged" in screen_text(app) and "Press K again" in screen_text(app)
        assert posts(h, done.key) == 0
        await pilot.press("K")
        await settle(pilot, lambda: delivered(app))
        assert posts(h, done.key) == 1


async def test_an_acknowledgement_on_its_way_still_counts_as_breached_until_jira_has_it(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        pane = app.tickets
        late = [t.key for t in pane.table.items() if pane.clock(t).band is Band.BREACHED]
        assert len(late) == 2 and "2 breached" in pane.counts
        assert pane.table.move_cursor_to(late[0])
        h.world.jira.faults.hold(match="POST")
        await pilot.press("K")
        label = pane.table.cell(late[0], "ack").plain
        assert label.startswith("⟳") and "2 breached" in pane.counts  # not yet: Jira has not got it
        h.world.jira.faults.release()
        await settle(pilot, lambda: delivered(app))
        assert pane.table.cell(late[0], "ack").plain == "✓ late" and "1 breached" in pane.counts


async def test_writes_the_store_cannot_take_are_undone_and_said(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queueing, "STORE_RETRY_SECONDS", 0.05)  # the same four tries, in 0.35 s, not 3.5 s
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        app.runtime.store.db.set_busy_timeout(0.05)  # give up at once, not after 10 s a try
        blocker = sqlite3.connect(app.runtime.store.db.path, timeout=0)
        blocker.execute("BEGIN EXCLUSIVE")  # another process holds the store for longer than we wait
        try:
            await pilot.press("t")
            row = app.tickets.table.item(KEY)
            assert row is not None and row.pending  # shown at once, as always
            await settle(pilot, lambda: "Not saved" in screen_text(app))
            assert "nothing was sent to Jira" in screen_text(app)
            row = app.tickets.table.item(KEY)
            assert row is not None and not row.pending and row.assignee_id is None
            assert app.pending_writes == 0 and writes(h) == [w for w in writes(h) if w.startswith("GET")]
        finally:
            blocker.rollback()
            blocker.close()
        await pilot.press("t")  # the store is free again: the same key works
        await settle(pilot, lambda: delivered(app) and KEY not in app.tickets.table.row_keys())
        assert h.world.jira.world.issue(KEY)["fields"]["assignee"] is not None


async def test_a_refused_comment_comes_back_in_the_editor(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        h.world.jira.faults.fail_next(1, status=400, match=f"POST .*{KEY}/comment")
        await pilot.press("c", *"Restore finished", "ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, CommentScreen))
        screen = app.screen
        assert isinstance(screen, CommentScreen) and screen.editor.text == "Restore finished"
        await pilot.press("ctrl+s")  # post it again as it is
        await settle(pilot, lambda: delivered(app) and not isinstance(app.screen, CommentScreen))
        assert [c["body"] for c in h.world.jira.world.comments(KEY)][-1] == "Restore finished"


async def test_r_sends_writes_waiting_out_a_back_off(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        h.world.jira.faults.fail_next(1, status=503, match=f"POST .*{KEY}/comment")
        await pilot.press("K")
        await settle(
            pilot,
            lambda: (
                app.runtime.store.outbox.pending() != []
                and app.runtime.store.outbox.pending()[0].attempts == 1
            ),
        )
        await pilot.pause(0.3)
        assert posts(h) == 1 and app.pending_writes == 1  # waiting; the test clock never moves on
        await pilot.press("r")
        await settle(pilot, lambda: delivered(app))
        assert len(h.world.jira.world.comments(KEY)) == 1 and posts(h) == 2


async def test_t_takes_a_ticket_whose_assignment_to_a_colleague_is_still_on_its_way(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        h.world.jira.faults.hold(match="PUT")
        await pilot.press("a")
        await settle(pilot, lambda: "Aisha Bello" in screen_text(app))
        await pilot.press(*"aisha", "enter")
        row = app.tickets.table.item(KEY)
        assert row is not None and "assign" in row.pending and row.assignee == "Aisha Bello"
        await pilot.press("t")  # changed my mind: I take it
        assert "already yours" not in screen_text(app)
        h.world.jira.faults.release()
        await settle(pilot, lambda: delivered(app))
        assignee = h.world.jira.world.issue(KEY)["fields"]["assignee"]
        assert assignee["accountId"] == h.world.jira.myself_account_id


async def test_a_comment_refused_while_a_dialog_is_open_comes_back_when_it_closes(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        h.world.jira.faults.fail_next(1, status=400, match=f"POST .*{KEY}/comment")
        h.world.jira.faults.set_latency(1.0, match="POST")
        await pilot.press("c", *"Restore finished", "ctrl+s")
        await pilot.press("enter")  # reading the ticket while Jira answers
        await settle(pilot, lambda: isinstance(app.screen, TicketScreen))
        await settle(pilot, lambda: app.pending_writes == 0)  # refused
        await pilot.pause(0.6)
        assert isinstance(app.screen, TicketScreen)  # not pushed over what the engineer is doing
        h.world.jira.faults.set_latency(0)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CommentScreen))
        screen = app.screen
        assert isinstance(screen, CommentScreen) and screen.editor.text == "Restore finished"


async def test_the_title_counts_move_on_with_the_clock_without_a_poll(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert "2 breached" in app.tickets.counts and "1 due <30m" in app.tickets.counts
        h.clock.advance(timedelta(minutes=30))  # the one due within 30 minutes is now late
        app.on_clock_tick()
        assert "3 breached" in app.tickets.counts


async def test_a_second_duty_tui_on_the_data_dir_neither_sends_nor_hurries_the_writes(h: Harness) -> None:
    """The process holding the outbox owns its back-offs: another one must not bring them forward."""
    import fcntl

    h.data_dir.mkdir(parents=True, exist_ok=True)
    with (h.data_dir / "outbox.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # "the other duty-tui"
        app = h.app()
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await ready(pilot, app)
            assert app.outbox is None and app.ticket_desk.sender is None
            await pilot.press("t")
            store = app.runtime.store
            await settle(pilot, lambda: len(store.outbox.pending()) == 3)
            later = h.clock.now() + timedelta(minutes=5)
            for write in store.outbox.pending():
                store.outbox.retry_later(write, "waiting out a 429", later)  # the owner's back-off
            h.world.jira.log.clear()
            await pilot.press("r")
            await settle(pilot, lambda: "jira" not in app.refreshing)
            await pilot.pause(0.2)
            assert {w.next_attempt_at for w in store.outbox.pending()} == {later}
            assert not [e for e in h.world.jira.log if e.method in ("PUT", "POST")]
            assert "Another duty-tui is running on the same data directory" in screen_text(app)
