"""Pilot tests of the postmortem screen (`P`) and its improvement form, driven by keys on a tiny host app.

The screen is given fake callbacks (a `Desk` that records what it was told) and a render function that
echoes the improvements as they are, so what the screen shows, what it asks and what it reports can be
checked without the incident desk. The hostile corpus goes through the title, the actions, the owners,
the people, the boards and the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from textual.widgets import Input, Markdown, Select

from duty_tui.rules.postmortem import Improvement
from duty_tui.views.comment import DiscardScreen
from duty_tui.views.improvement import DiscardImprovementScreen, ImprovementScreen
from duty_tui.views.postmortem import BoardScreen, DeleteImprovementScreen, PostmortemScreen
from tests.app.test_incident_views import CONTROL_LADEN, incident
from tests.app.test_views import LARGE, Host, showing
from tests.support import (
    MARKUP_LIKE,
    MARKUP_SAMPLE,
    assert_screen_clean,
    probe,
    screen_text,
    settle,
)

PEOPLE = [("acc-sam", "Sam Duty"), ("acc-priya", "Priya Patel"), ("acc-ben", "Ben Carter")]
BOARDS = [(1, "LAA Ops"), (2, "LM Ops")]
TITLE = "CCMS is down"


def render(improvements: Sequence[Improvement]) -> str:
    """The draft as the desk would make it, minus the escaping: whatever the screen gets, it must show."""
    lines = ["# Postmortem draft", "", "**Improvements**", ""]
    lines += [
        f"{n}. {i.action} / {i.owner} / {i.priority} / {i.status}" for n, i in enumerate(improvements, 1)
    ]
    return "\n".join(lines)


class Desk:
    """The callbacks, recording what the screen said."""

    def __init__(self) -> None:
        self.changes: list[list[Improvement]] = []
        self.exports: list[list[Improvement]] = []
        self.raises: list[tuple[Improvement, int]] = []
        self.accept = True  # whether the desk takes a raise (False: read-only, no such board)

    def raise_ticket(self, improvement: Improvement, board: int) -> bool:
        self.raises.append((improvement, board))
        return self.accept

    def screen(
        self,
        improvements: Sequence[Improvement] = (),
        *,
        title: str = TITLE,
        boards: Sequence[tuple[int, str]] = BOARDS,
        people: Sequence[tuple[str, str]] = PEOPLE,
        exported_to: str | None = None,
    ) -> PostmortemScreen:
        return PostmortemScreen(
            incident("inc-1", title),
            improvements,
            render=render,
            people=people,
            boards=boards,
            on_change=self.changes.append,
            on_export=self.exports.append,
            on_raise=self.raise_ticket,
            exported_to=exported_to,
        )


def one(action: str, key: str, **fields: object) -> Improvement:
    values: dict[str, object] = {"owner": "Sam Duty", "priority": "medium", "owner_account": "acc-sam"}
    values.update(fields)
    return Improvement(action, id=key, **values)  # type: ignore[arg-type]


TWO = [
    one("Alarm on DB connections", "i1"),
    one("Runbook for failover", "i2", owner="Priya Patel", owner_account="acc-priya", priority="high"),
]


def cells(screen: PostmortemScreen, key: str) -> list[str]:
    return [cell.plain for cell in screen.table.row_text(key)]


def draft(screen: PostmortemScreen) -> str:
    return str(screen.draft.content)


async def form(app: Host, pilot: object) -> ImprovementScreen:
    await settle(pilot, lambda: isinstance(app.screen, ImprovementScreen))  # type: ignore[arg-type]
    assert isinstance(app.screen, ImprovementScreen)
    return app.screen


# -- adding, editing, ordering ----------------------------------------------------------------------


async def test_add_two_improvements_with_owner_and_priority() -> None:
    desk = Desk()
    screen = desk.screen()
    async with showing(screen, LARGE) as (app, pilot):
        shown = screen_text(app)
        assert TITLE in shown and "No improvements yet" in shown and "Not exported yet" in shown
        assert screen.table.has_focus

        await pilot.press("a")
        added = await form(app, pilot)
        assert added.action_input.has_focus
        assert added.priority.value == "medium" and added.owner.value is Select.NULL
        assert added.status.value == "outstanding"
        await pilot.press(*"Alarm on DB connections", "enter")  # Enter: on to the owner
        assert added.owner.has_focus
        added.owner.value = "acc-priya"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen)

        await pilot.press("a")
        second = await form(app, pilot)
        await pilot.press(*"Runbook for failover")
        second.owner.value = "acc-ben"
        second.priority.value = "high"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen)

        assert len(desk.changes) == 2
        first_item, second_item = desk.changes[-1]
        assert desk.changes[0] == [first_item]
        assert (first_item.action, first_item.owner, first_item.owner_account) == (
            "Alarm on DB connections",
            "Priya Patel",
            "acc-priya",
        )
        assert (first_item.priority, first_item.status, first_item.ticket) == ("medium", "outstanding", None)
        assert (second_item.owner, second_item.owner_account, second_item.priority) == (
            "Ben Carter",
            "acc-ben",
            "high",
        )
        assert len(first_item.id) == 32 and first_item.id != second_item.id  # uuid4 hex each
        assert screen.improvements == desk.changes[-1]
        assert screen.table.row_keys() == [first_item.id, second_item.id]
        assert screen.table.cursor_key == second_item.id  # on the one just added
        assert cells(screen, first_item.id) == [
            "1",
            "Alarm on DB connections",
            "Priya Patel",
            "medium",
            "outstanding",
            "—",
        ]
        assert cells(screen, second_item.id) == [
            "2",
            "Runbook for failover",
            "Ben Carter",
            "high",
            "outstanding",
            "—",
        ]
        assert "1. Alarm on DB connections / Priya Patel / medium / outstanding" in draft(screen)
        assert "2. Runbook for failover / Ben Carter / high / outstanding" in draft(screen)
        assert "Runbook for failover" in screen_text(app) and "Improvements (2, 0 raised" in screen_text(app)


async def test_the_form_needs_an_action_and_can_leave_the_owner_empty() -> None:
    desk = Desk()
    screen = desk.screen()
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press("a")
        added = await form(app, pilot)
        await pilot.press("space", "ctrl+s")
        await settle(pilot, lambda: "An improvement needs an action" in screen_text(app))
        assert app.screen is added and desk.changes == [] and added.action_input.has_focus
        await pilot.press(*"Write it down", "ctrl+s")
        await settle(pilot, lambda: app.screen is screen)
        (item,) = desk.changes[-1]
        assert (item.action, item.owner, item.owner_account, item.priority) == (
            "Write it down",
            "",
            None,
            "medium",
        )
        assert cells(screen, item.id)[2] == "—"


async def test_the_form_escape_closes_at_once_when_untouched_and_asks_when_edited() -> None:
    screen = ImprovementScreen(None, PEOPLE, incident_title=TITLE)
    async with showing(screen) as (app, pilot):
        assert "Add an improvement" in screen_text(app) and TITLE in screen_text(app)
        await pilot.press("escape")
        assert app.results == [None]

    screen = ImprovementScreen(None, PEOPLE)
    async with showing(screen) as (app, pilot):
        screen.status.value = "done"  # a changed choice is an edit too
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardScreen))
        asked = app.screen
        assert isinstance(asked, DiscardImprovementScreen)
        assert "Discard this improvement? y/n" in screen_text(app)
        await pilot.press("n")
        assert app.results == []
        assert app.screen is screen and screen.action_input.has_focus
        await pilot.press("escape", "y")
        await settle(pilot, lambda: app.results == [None])


async def test_editing_prefills_keeps_id_ticket_and_place() -> None:
    items = [*TWO, one("Ask AWS about limits", "i3", owner="", owner_account=None, priority="low")]
    desk = Desk()
    screen = desk.screen(items)
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press("j", "enter")
        edit = await form(app, pilot)
        assert "Edit the improvement" in screen_text(app)
        assert edit.action_input.value == "Runbook for failover"
        assert edit.owner.value == "acc-priya"  # preselected by the Jira account
        assert (edit.priority.value, edit.status.value) == ("high", "outstanding")
        await pilot.press("escape")  # untouched: straight back
        await settle(pilot, lambda: app.screen is screen)
        assert desk.changes == []

        await pilot.press("enter")
        edit = await form(app, pilot)
        await pilot.press("end", *" and drill")
        edit.owner.value = "acc-ben"
        edit.priority.value = "low"
        edit.status.value = "done"
        # Its ticket arrives while the form is open: the edit must not throw it away.
        screen.show([items[0], replace(items[1], ticket="LAA-42"), items[2]])
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen)

        assert desk.changes[-1] == [
            items[0],
            Improvement(
                "Runbook for failover and drill",
                "Ben Carter",
                "low",
                "done",
                ticket="LAA-42",
                owner_account="acc-ben",
                id="i2",
            ),
            items[2],
        ]
        assert screen.table.cursor_key == "i2"
        assert cells(screen, "i2") == [
            "2",
            "Runbook for failover and drill",
            "Ben Carter",
            "low",
            "done",
            "LAA-42",
        ]

        # An owner without a Jira account (from before accounts were kept) is offered and kept as it was.
        legacy = one("Old action", "i9", owner="U123SLACK", owner_account=None)
        form_screen = ImprovementScreen(legacy, PEOPLE)
        app.push_screen(form_screen, app.results.append)
        await settle(pilot, lambda: app.screen is form_screen)
        assert form_screen.owner.value == ""
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen)
        assert app.results[-1] == legacy


async def test_move_up_and_down_the_priority_order() -> None:
    items = [*TWO, one("Ask AWS about limits", "i3")]
    desk = Desk()
    screen = desk.screen(items)
    async with showing(screen, LARGE) as (_app, pilot):
        await pilot.press("j", "K")
        assert [i.id for i in desk.changes[-1]] == ["i2", "i1", "i3"]
        assert screen.table.row_keys() == ["i2", "i1", "i3"] and screen.table.cursor_key == "i2"
        assert cells(screen, "i2")[0] == "1" and cells(screen, "i1")[0] == "2"
        assert draft(screen).index("1. Runbook for failover") < draft(screen).index("2. Alarm on DB")
        await pilot.press("K")  # already first: nothing changes, nothing is reported
        assert len(desk.changes) == 1
        await pilot.press("J", "J")
        assert [i.id for i in desk.changes[-1]] == ["i1", "i3", "i2"]
        assert screen.table.cursor_key == "i2" and cells(screen, "i2")[0] == "3"
        await pilot.press("J")
        assert len(desk.changes) == 3


async def test_status_cycles_outstanding_done_wont_do() -> None:
    desk = Desk()
    screen = desk.screen(TWO)
    async with showing(screen, LARGE) as (_app, pilot):
        shown: list[tuple[str, str]] = []
        for _ in range(3):
            await pilot.press("s")
            shown.append((desk.changes[-1][0].status, cells(screen, "i1")[4]))
        assert shown == [("done", "done"), ("won't do", "won't do"), ("outstanding", "outstanding")]
        assert [i.status for i in desk.changes[0]] == ["done", "outstanding"]  # only the highlighted one
        assert len(desk.changes) == 3 and screen.table.cursor_key == "i1"
        await pilot.press("s")
        assert "/ done" in draft(screen)


async def test_delete_asks_first() -> None:
    desk = Desk()
    screen = desk.screen(TWO)
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, DeleteImprovementScreen))
        shown = screen_text(app)
        assert "Delete this improvement? y/n" in shown and "Alarm on DB connections" in shown
        await pilot.press("n")
        await settle(pilot, lambda: app.screen is screen)
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, DeleteImprovementScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert desk.changes == [] and screen.table.row_keys() == ["i1", "i2"]

        await pilot.press("d", "y")
        await settle(pilot, lambda: desk.changes != [])
        assert desk.changes == [[TWO[1]]]
        assert screen.table.row_keys() == ["i2"] and screen.table.cursor_key == "i2"
        assert cells(screen, "i2")[0] == "1" and "Alarm on DB" not in draft(screen)
        await pilot.press("d", "y")
        await settle(pilot, lambda: len(desk.changes) == 2)
        assert desk.changes[-1] == [] and "No improvements yet" in screen_text(app)
        await pilot.press("d", "enter", "s", "K", "t")  # nothing highlighted: nothing happens
        await pilot.pause()
        assert len(desk.changes) == 2 and desk.raises == [] and app.screen is screen


# -- raising tickets ---------------------------------------------------------------------------------


async def test_raise_picks_a_board_then_reports_the_improvement() -> None:
    items = [
        *TWO,
        one("No owner yet", "i3", owner="", owner_account=None),
        one("Named but no account", "i4", owner="Someone", owner_account=None),
        one("Raised", "i5", ticket="LAA-7"),
        one("On its way", "i6", raising=True),
    ]
    desk = Desk()
    screen = desk.screen(items)
    async with showing(screen, LARGE) as (app, pilot):
        assert cells(screen, "i5")[5] == "LAA-7" and cells(screen, "i6")[5] == "raising…"
        await pilot.press("j", "t")  # i2: two boards, so the picker
        await settle(pilot, lambda: isinstance(app.screen, BoardScreen))
        assert "LAA Ops" in screen_text(app) and "LM Ops" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert desk.raises == []

        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, BoardScreen))
        await pilot.press("j", "enter")
        await settle(pilot, lambda: app.screen is screen)
        assert desk.raises == [(TWO[1], 2)]
        assert cells(screen, "i2")[5] == "raising…"
        assert desk.changes == []  # raising is the desk's to record
        await pilot.press("t")  # asked for already: not twice
        await settle(pilot, lambda: "already being raised" in screen_text(app))
        assert desk.raises == [(TWO[1], 2)] and app.screen is screen

        for key_presses, message in (
            (("j", "t"), "Give it an owner first"),  # i3
            (("j", "t"), "Give it an owner first"),  # i4: a name, but no Jira account to assign
            (("j", "t"), "It already has a ticket: LAA-7"),  # i5
            (("j", "t"), "Its ticket is already being raised"),  # i6
        ):
            app.clear_notifications()
            await pilot.press(*key_presses)
            await settle(pilot, lambda m=message: m in screen_text(app))  # type: ignore[misc]
            assert app.screen is screen
        assert len(desk.raises) == 1

        # The desk's word: its ticket is being raised, then it has a key; the cursor stays put.
        screen.show([*items[:1], replace(items[1], raising=True), *items[2:]])
        assert cells(screen, "i2")[5] == "raising…"
        await pilot.press("k", "k", "k", "k")
        assert screen.table.cursor_key == "i2"
        # The store's word only sets tickets: the list as edited here stays (an edit made since the
        # store was read is never lost), so an item the store knows and this screen does not is ignored.
        screen.show(
            [one("Not on this screen", "i0"), *items[:1], replace(items[1], ticket="LAA-42"), *items[2:]]
        )
        await pilot.pause()
        assert screen.table.cursor_key == "i2" and "i0" not in screen.table.row_keys()
        assert cells(screen, "i2") == [
            "2",
            "Runbook for failover",
            "Priya Patel",
            "high",
            "outstanding",
            "LAA-42",
        ]
        assert "LAA-42" in screen_text(app) and "Improvements (6, 2 raised" in screen_text(app)
        assert desk.changes == []  # show() is the desk's news, not a change to report back


async def test_raise_with_one_board_needs_no_picker() -> None:
    desk = Desk()
    screen = desk.screen(TWO, boards=[(7, "LAA Ops")])
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press("t")
        await pilot.pause()
        assert app.screen is screen and desk.raises == [(TWO[0], 7)]

    desk = Desk()
    screen = desk.screen(TWO, boards=[])
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press("t")
        await settle(pilot, lambda: "No Jira board" in screen_text(app))
        assert desk.raises == []


# -- export, show, close --------------------------------------------------------------------------------


async def test_export_reports_the_list_and_show_says_where_it_went() -> None:
    desk = Desk()
    screen = desk.screen(TWO)
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press("j", "x")
        assert desk.exports == [TWO] and desk.changes == []
        screen.show(TWO, exported_to="/home/duty/postmortems/2026-11-26-ccms-is-down.md")
        await pilot.pause()
        assert "Last exported to /home/duty/postmortems/2026-11-26-ccms-is-down.md" in screen_text(app)
        assert screen.table.cursor_key == "i2"
        # No path given: still the last one. The store's status is not taken over the one edited here.
        screen.show([replace(TWO[0], status="done", ticket="LAA-9"), TWO[1]])
        await pilot.pause()
        assert "2026-11-26-ccms-is-down.md" in screen_text(app) and "/ done" not in draft(screen)
        assert cells(screen, "i1")[5] == "LAA-9"
        await pilot.press("escape")
        assert app.results == [None]

    screen = Desk().screen(TWO, exported_to="/tmp/earlier.md")
    async with showing(screen, LARGE) as (app, _pilot):
        assert "Last exported to /tmp/earlier.md" in screen_text(app)


async def test_the_draft_is_literal_text_not_markdown() -> None:
    desk = Desk()
    screen = desk.screen([one("[link](https://evil.example) **bold** <b>x</b>", "i1")])
    async with showing(screen, LARGE) as (app, _pilot):
        shown = screen_text(app)
        assert "# Postmortem draft" in shown and "**Improvements**" in shown
        assert "[link](https://evil.example) **bold** <b>x</b>" in draft(screen)
        assert not screen.query(Markdown) and not screen.query(Input)


# -- hostile text ---------------------------------------------------------------------------------------


async def test_hostile_title_actions_owners_people_and_boards_are_shown_literally() -> None:
    app = Host()
    async with app.run_test(size=LARGE, notifications=True) as pilot:
        for value in [*MARKUP_SAMPLE, CONTROL_LADEN]:
            evil = [
                one(value, "e1", owner=value, owner_account="acc-evil", ticket=value),
                one(value, "e2", owner=value, owner_account="acc-evil", priority=value),
            ]
            desk = Desk()
            screen = desk.screen(
                evil,
                title=value,
                people=[("acc-evil", value)],
                boards=[(1, value), (2, value)],
                exported_to=value,
            )
            app.push_screen(screen)
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            shown = assert_screen_clean(app)
            if value in MARKUP_LIKE and probe(value):
                assert probe(value) in shown
                assert cells(screen, "e1")[1].startswith(probe(value))
                assert probe(value) in draft(screen)

            await pilot.press("j", "enter")  # the form, prefilled with the hostile improvement
            edit = await form(app, pilot)
            shown = assert_screen_clean(app)
            if value in MARKUP_LIKE and probe(value):
                assert probe(value) in shown
            assert edit.owner.value == "acc-evil"
            await pilot.press("ctrl+s")
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            if value.strip():
                assert desk.changes[-1][1].owner == value  # the owner's name, as the people list has it

            await pilot.press("t")  # the board picker
            await settle(pilot, lambda: isinstance(app.screen, BoardScreen))
            shown = assert_screen_clean(app)
            if value in MARKUP_LIKE and probe(value):
                assert probe(value) in shown
            await pilot.press("escape")
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]

            await pilot.press("d")  # the delete confirmation quotes the action
            await settle(pilot, lambda: isinstance(app.screen, DeleteImprovementScreen))
            assert_screen_clean(app)
            await pilot.press("n")
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            await pilot.press("escape")
            await settle(pilot, lambda s=screen: app.screen is not s)  # type: ignore[misc]
        assert app.is_running  # "[@click=app.quit]" never became an action


async def test_typed_markup_comes_back_exactly() -> None:
    desk = Desk()
    screen = desk.screen()
    async with showing(screen, LARGE) as (app, pilot):
        typed = " ".join(MARKUP_LIKE[:4])
        await pilot.press("a")
        await form(app, pilot)
        await pilot.press(*typed)
        assert_screen_clean(app)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen)
        assert desk.changes[-1][0].action == typed
        assert probe(typed) in assert_screen_clean(app)
