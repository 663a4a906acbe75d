"""The ticket keys end to end: keypress → optimistic row → outbox → the simulated Jira's request log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from duty_tui.app import DutyApp
from duty_tui.views.assign import SEARCH_DELAY, AssignScreen
from duty_tui.views.comment import CommentScreen
from duty_tui.views.move import MoveScreen
from tests.support import Harness, both_polled, screen_text, settle

SIZE = (120, 35)
KEY = "LAA-6"  # UAT: restore yesterday's RDS snapshot (Medium, To Do, unassigned, 1h 20m left)


async def ready(pilot: Pilot[Any], app: DutyApp, key: str = KEY) -> None:
    await settle(pilot, both_polled(app))
    assert app.tickets.table.move_cursor_to(key)


def writes(h: Harness, key: str = KEY) -> list[str]:
    """The Jira requests duty-tui made about one ticket, in order."""
    return [f"{e.method} {e.path.rsplit(key, 1)[-1] or '/'}" for e in h.world.jira.log if f"/{key}" in e.path]


def delivered(app: DutyApp) -> bool:
    return app.pending_writes == 0 and not any(t.pending for t in app.tickets.table.items())


async def test_t_takes_a_ticket_with_one_state_check_and_three_writes(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        h.world.jira.log.clear()
        h.world.jira.faults.hold(match="PUT")  # Jira is slow to answer: the row must not wait
        await pilot.press("t")
        row = app.tickets.table.item(KEY)
        assert (
            row is not None and row.pending and row.assignee == "Priya Shah"
        )  # at once, before Jira answers
        h.world.jira.faults.release()
        await settle(pilot, lambda: delivered(app))
        assert writes(h) == ["GET /", "PUT /assignee", "POST /transitions", "POST /comment"]
        log = [e for e in h.world.jira.log if f"/{KEY}" in e.path]
        assert log[1].json() == {"accountId": h.world.jira.myself_account_id}
        assert log[2].json()["transition"]["id"] == "21"  # "Start work", the transition to In Progress
        comment = log[3].json()["body"]
        assert comment.startswith("Thanks Raj: Priya Shah from LAA Ops has picked this up")
        issue = h.world.jira.world.issue(KEY)["fields"]
        assert issue["assignee"]["displayName"] == "Priya Shah" and issue["status"]["name"] == "In Progress"
        assert KEY not in app.tickets.table.row_keys()  # no longer waiting...
        await pilot.press("v")
        assert KEY in app.tickets.table.row_keys()  # ...it is mine
        assert "My tickets" in screen_text(app)


async def test_a_colleague_who_took_it_first_is_named_and_not_overwritten(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        tom = h.world.cast.jira["tom"]
        h.world.jira.world.assign(KEY, tom, by=tom)  # in the browser, after duty-tui listed it
        h.world.jira.log.clear()
        await pilot.press("t")
        await settle(pilot, lambda: "did not overwrite" in screen_text(app))
        assert "assigned to Tom Hargreaves" in screen_text(app)
        assert writes(h) == ["GET /"]
        assert h.world.jira.world.issue(KEY)["fields"]["assignee"]["accountId"] == tom
        row = app.tickets.table.item(KEY)
        assert row is not None and not row.pending and row.assignee_id is None  # undone, until the next poll


async def test_a_assigns_through_the_picker(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("a")
        assert isinstance(app.screen, AssignScreen)
        await settle(pilot, lambda: "Aisha Bello" in screen_text(app))  # fetched from Jira in the background
        await pilot.press(*"aisha", "enter")
        await settle(pilot, lambda: delivered(app))
        put = next(e for e in h.world.jira.log if e.method == "PUT" and e.path.endswith(f"{KEY}/assignee"))
        assert put.json() == {"accountId": h.world.cast.jira["aisha"]}
        assert h.world.jira.log.find("GET", "/user/assignable/search")
        assert KEY not in app.tickets.table.row_keys()
        people = app.ticket_desk.people
        assert people and people[0].name == "Aisha Bello"  # recently used comes first next time


async def test_a_search_typed_then_cancelled_is_never_sent(h: Harness) -> None:
    """The picker is kept between openings: closing it must stop the search it was about to send."""
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("a")
        await settle(pilot, lambda: "Aisha Bello" in screen_text(app))
        searches = len(h.world.jira.log.find("GET", "/user/assignable/search"))
        await pilot.press(*"ab", "escape")  # within the pause the picker waits for before asking Jira
        assert not isinstance(app.screen, AssignScreen)
        await pilot.pause(SEARCH_DELAY * 2)
        assert len(h.world.jira.log.find("GET", "/user/assignable/search")) == searches


async def test_u_unassigns_my_ticket(h: Harness) -> None:
    me = h.world.jira.myself_account_id
    h.world.jira.world.assign(KEY, me, by=me)
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("v")
        assert app.tickets.table.move_cursor_to(KEY)
        await pilot.press("u")
        await settle(pilot, lambda: delivered(app))
        put = next(e for e in h.world.jira.log if e.method == "PUT" and e.path.endswith(f"{KEY}/assignee"))
        assert put.json() == {"accountId": None}
        await pilot.press("v")
        assert KEY in app.tickets.table.row_keys()  # back with the unassigned tickets


async def test_K_acknowledges_with_a_comment_only(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        h.world.jira.log.clear()
        await pilot.press("K")
        await settle(pilot, lambda: delivered(app))
        assert writes(h) == ["POST /comment"]
        assert app.tickets.table.cell(KEY, "ack").plain == "✓ ack"
        assert h.world.jira.world.issue(KEY)["fields"]["assignee"] is None


async def test_m_moves_by_target_status(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("m")
        assert isinstance(app.screen, MoveScreen)
        await settle(pilot, lambda: "→ Done" in screen_text(app))
        assert "Resolve" in screen_text(app)  # the transition's own name, shown beside its target
        screen = app.screen
        assert isinstance(screen, MoveScreen)
        for _ in range(6):  # down the list by keys to "→ Done"
            highlighted = screen.by_index.get(screen.options.highlighted or -1)
            if highlighted is not None and highlighted.to_name == "Done":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot, lambda: delivered(app))
        post = next(
            e for e in h.world.jira.log if e.method == "POST" and e.path.endswith(f"{KEY}/transitions")
        )
        assert post.json()["transition"]["id"] == "31"
        assert KEY not in app.tickets.table.row_keys()


async def test_c_comments(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("c")
        assert isinstance(app.screen, CommentScreen)
        await pilot.press(*"Snapshot restore started [b]now[/b]", "ctrl+s")
        await settle(pilot, lambda: delivered(app))
        assert [c["body"] for c in h.world.jira.world.comments(KEY)][
            -1
        ] == "Snapshot restore started [b]now[/b]"


async def test_writes_retry_after_500_and_429_and_are_never_duplicated(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        h.world.jira.faults.fail_next(1, status=500, match=f"PUT .*{KEY}/assignee")
        h.world.jira.faults.rate_limit_next(1, retry_after=30, match=f"POST .*{KEY}/transitions")
        h.world.jira.faults.drop_next(1, match=f"POST .*{KEY}/comment")  # Jira keeps it, the answer is lost
        await pilot.press("t")
        for _ in range(6):  # each retry waits for the (fixed) clock to pass its back-off
            await settle(pilot, lambda: app.pending_writes == 0 or "pending" in screen_text(app))
            h.clock.advance(timedelta(seconds=60))
            assert app.outbox is not None
            app.outbox.wake()
            await pilot.pause(0.2)
            if delivered(app):
                break
        await settle(pilot, lambda: delivered(app))
        assert len(h.world.jira.world.comments(KEY)) == 1
        history = h.world.jira.world.changelog(KEY)
        assert [i["field"] for x in history for i in x["items"]].count("assignee") == 1


async def test_writes_pending_when_the_app_stops_are_delivered_once_after_a_restart(h: Harness) -> None:
    first = h.app()
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot, first)
        h.world.jira.faults.fail_next(1000, status=503, match=f"{KEY}")  # Jira is down for writes
        await pilot.press("t")
        await settle(pilot, lambda: first.runtime.store.outbox.count_pending() == 3)
        assert "3 writes pending" in screen_text(first)
    h.world.jira.faults.clear()
    h.clock.advance(timedelta(minutes=5))  # the restart comes later: past the writes' back-off
    second = h.app()  # the same data dir: the outbox survived
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: second.painted and second.runtime.store.outbox.count_pending() == 0)
        await settle(pilot, lambda: delivered(second))
    assert len(h.world.jira.world.comments(KEY)) == 1
    assert h.world.jira.world.issue(KEY)["fields"]["status"]["name"] == "In Progress"


async def test_read_only_turns_the_write_keys_off_and_says_why(h: Harness) -> None:
    app = h.app(read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot, app)
        assert "Read-only: writes off" in screen_text(app)
        h.world.jira.log.clear()
        await pilot.press("t", "K", "exclamation_mark")
        await pilot.pause(0.2)
        assert writes(h) == [] and app.pending_writes == 0
        assert "--read-only" in screen_text(app)


async def test_v_and_b_switch_views_and_boards(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        total = app.tickets.table.row_count
        await pilot.press("b")
        assert app.tickets.table.row_keys() and all(
            k.startswith("LAA-") for k in app.tickets.table.row_keys()
        )
        assert "board: AWS" in screen_text(app)
        await pilot.press("b")
        assert all(k.startswith("LM-") for k in app.tickets.table.row_keys())
        await pilot.press("b")
        assert app.tickets.table.row_count == total
        await pilot.press("v")
        assert app.tickets.table.row_count == 0 and "No tickets assigned to you." in screen_text(app)


async def test_a_take_repaints_the_title_line_of_the_pane_not_the_whole_pane(
    h: Harness, monkeypatch: Any
) -> None:
    """The take changes the count in the pane's title: that border line is repainted, not the pane
    with every line of the table under it."""
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        pane = app.tickets
        title_before = str(pane.border_title)
        asked: list[tuple[Region, ...]] = []
        original = Widget.refresh

        def spy(widget: Widget, *regions: Region, **options: Any) -> Any:
            if widget is pane:
                asked.append(regions)
            return original(widget, *regions, **options)

        monkeypatch.setattr(Widget, "refresh", spy)
        await pilot.press("t")
        await pilot.pause()
        assert str(pane.border_title) != title_before  # one fewer waiting on the AWS board
        offset = pane.content_offset
        assert asked == [(Region(-offset.x, -offset.y, pane.outer_size.width, 1),)]
        width = pane.outer_size.width
        top = "".join(segment.text for segment in pane.render_lines(Region(0, 0, width, 1))[0])
        assert f"1 Tickets · {pane.counts} " in top  # the new count is what the line shows


def key_bar_line(app: DutyApp) -> str:
    return screen_text(app).rstrip("\n").rsplit("\n", 1)[-1]


async def test_the_key_bar_follows_focus_and_comes_back_after_a_dialog(h: Harness) -> None:
    """The bar repaints only when the keys it shows change: it must still change when they do."""
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert "Take" in key_bar_line(app) and "React" not in key_bar_line(app)
        await pilot.press("2")  # the channel: its keys
        assert "React" in key_bar_line(app) and "Take" not in key_bar_line(app)
        await pilot.press("1")
        assert "Take" in key_bar_line(app)
        await pilot.press("m")
        await settle(pilot, lambda: isinstance(app.screen, MoveScreen) and app.screen.options.display)
        assert "Take" not in key_bar_line(app)  # the dialog's own keys
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.is_modal and "Take" in key_bar_line(app) and "Assign" in key_bar_line(app)


async def test_the_write_dialogs_are_kept_and_open_again_fresh_for_the_next_ticket(h: Harness) -> None:
    """Closing a dialog does not remove it (that would lay the dashboard out again): the same screen
    opens for the next ticket, saying which, with nothing left over from the last one."""
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        other = next(k for k in app.tickets.table.row_keys() if k not in (KEY, "LAA-2"))
        opened: dict[type, object] = {}
        for key in (KEY, other):
            assert app.tickets.table.move_cursor_to(key)
            app.tickets.forget_landing()
            await pilot.press("c")
            await settle(
                pilot, lambda: isinstance(app.screen, CommentScreen) and app.screen.focused is not None
            )
            editor = app.screen
            assert isinstance(editor, CommentScreen) and opened.setdefault(CommentScreen, editor) is editor
            assert editor.editor.text == "" and f"Comment on {key}" in screen_text(app)
            await pilot.press(*f"about {key}", "ctrl+s")
            await settle(pilot, lambda: not app.screen.is_modal)
            await pilot.press("m")
            await settle(pilot, lambda: isinstance(app.screen, MoveScreen) and app.screen.options.display)
            move = app.screen
            assert isinstance(move, MoveScreen) and opened.setdefault(MoveScreen, move) is move
            assert f"Move {key} from" in screen_text(app) and "→ Done" in screen_text(app)
            await pilot.press("escape")
            await pilot.press("a")
            await settle(pilot, lambda: isinstance(app.screen, AssignScreen) and not app.screen.refreshing)
            picker = app.screen
            assert isinstance(picker, AssignScreen) and opened.setdefault(AssignScreen, picker) is picker
            assert picker.query_input.value == "" and f"Assign {key}" in screen_text(app)
            await pilot.press(*"zz")  # a search that matches no one, left behind for the next opening
            await pilot.press("escape")
            await settle(pilot, lambda: not app.screen.is_modal)
        await settle(pilot, lambda: delivered(app))
        for key in (KEY, other):  # each comment went to the ticket its editor was opened for
            assert [c["body"] for c in h.world.jira.world.comments(key)][-1] == f"about {key}"
