"""The postmortem of one incident (the `P` key): its prioritised improvements and the Markdown draft.

Top: the improvements in priority order, a table (#, action, owner, priority, status, ticket). `a` adds
one, Enter edits the highlighted one, `d` deletes it (after a y/n), `K`/`J` move it up or down the
order, `s` cycles its status, `t` raises it as a Jira ticket (assigned to its owner; a board picker
first when there are several boards), `x` exports the draft, Esc closes. Below: the draft as the desk
renders it, shown as literal text (never Markdown widgets, never markup), and where it was last exported.

The screen owns the list while it is open: after every change it calls `on_change(new list)`, and
repaints. The desk pushes its own news in with `show` (a ticket key arrived, an export finished); the
cursor stays on the same improvement (by id) through every update. Titles, actions and names are
untrusted: every cell is built through `duty_tui.text`, every label through `content`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import ClassVar, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from duty_tui import text
from duty_tui.models import Incident
from duty_tui.rules.postmortem import IMPROVEMENT_STATUSES, Improvement
from duty_tui.views.dialog import Dialog
from duty_tui.views.improvement import ImprovementScreen
from duty_tui.views.picker import OptionPicker
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.key_bar import KeyBar
from duty_tui.widgets.keyed_table import Column, KeyedTable

TITLE_LIMIT = 150
CELL_LIMIT = 300
NAME_LIMIT = 60
BOARD_LIMIT = 60
RAISING = "raising…"
NO_TICKET = "—"
NOBODY = "—"
COLUMNS = (
    Column("number", "#", width=3, justify="right"),
    Column("action", "Action", min_width=12),
    Column("owner", "Owner", width=18, hide_below=60),
    Column("priority", "Priority", width=8),
    Column("status", "Status", width=11),
    Column("ticket", "Ticket", width=12),
)
PRIORITY_STYLES = {"high": "bold red", "low": "dim"}
STATUS_STYLES = {"done": "green", "won't do": "dim"}


class Row(NamedTuple):
    """One table row: its key (the improvement's id, or its place when it has none), place and item."""

    key: str
    position: int
    improvement: Improvement


def row_keys(improvements: Sequence[Improvement]) -> list[str]:
    """A unique key per improvement: its id, or (no id, or one already used) its place in the list."""
    keys: list[str] = []
    used: set[str] = set()
    for position, improvement in enumerate(improvements):
        key = improvement.id if improvement.id and improvement.id not in used else f"#{position}"
        used.add(key)
        keys.append(key)
    return keys


class DeleteImprovementScreen(Dialog[bool]):
    """ "Delete this improvement? y/n": y deletes (True); n or Esc keeps it (False)."""

    DEFAULT_CSS = """
    DeleteImprovementScreen { align: center middle; }
    DeleteImprovementScreen > Static { width: auto; max-width: 90%; height: auto; border: round $warning;
                                       background: $surface; padding: 0 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings("postmortem.delete_yes", "postmortem.delete_no")

    def __init__(self, action: str) -> None:
        super().__init__()
        self.improvement_action = action

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                ("Delete this improvement? ", "bold"),
                ("y/n", "$text-warning"),
                "\n",
                content(self.improvement_action or "(no action)", single_line=True, limit=CELL_LIMIT),
            )
        )
        yield KeyBar()  # this screen's keys, not the postmortem's underneath

    def action_answer(self, delete: bool) -> None:
        self.dismiss(delete)


class BoardScreen(OptionPicker, Dialog[int | None]):
    """Which Jira board the improvement's ticket goes to: Enter picks (dismisses its id), Esc cancels."""

    DEFAULT_CSS = """
    BoardScreen { align: center middle; }
    BoardScreen > Vertical { width: 60; max-width: 95%; height: auto; max-height: 80%;
                             border: round $accent; background: $surface; padding: 0 1; }
    BoardScreen #board-options { height: auto; max-height: 16; border: none; padding: 0;
                                 background: $surface; }
    """
    AUTO_FOCUS = "#board-options"
    # Priority for enter: the focused OptionList binds it too, and this id is the one users remap.
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "postmortem.board_pick", "postmortem.board_down", "postmortem.board_up", "postmortem.board_cancel"
    )

    def __init__(self, boards: Sequence[tuple[int, str]], action: str = "") -> None:
        super().__init__()
        self.shown = list(boards)
        self.improvement_action = action
        self.options = OptionList(
            *[
                Option(content(name or str(board_id), single_line=True, limit=BOARD_LIMIT))
                for board_id, name in self.shown
            ],
            id="board-options",
        )

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content.assemble(
                ("Raise a ticket for ", "bold"),
                content(self.improvement_action or "(no action)", single_line=True, limit=NAME_LIMIT),
            )
            box.border_subtitle = "Enter picks the board · Esc cancels"
            yield self.options
        yield KeyBar()  # this screen's keys, not the postmortem's underneath

    def on_mount(self) -> None:
        if self.shown:
            self.options.highlighted = 0

    def picked(self, item: tuple[int, str]) -> int:
        return item[0]


class ImprovementTable(KeyedTable[Row]):
    """The improvements, in the list's order, keyed by id."""


class PostmortemScreen(Dialog[None]):
    """The postmortem of one incident: its improvements (edited here) and the draft (rendered by the
    desk). Calls back; never writes anything itself."""

    DEFAULT_CSS = """
    PostmortemScreen { align: center middle; }
    PostmortemScreen > Vertical { width: 95%; height: 95%; border: round $accent; background: $surface;
                                  padding: 0 1; }
    PostmortemScreen #postmortem-title { height: auto; text-style: bold; }
    PostmortemScreen .label { height: 1; color: $text-muted; margin-top: 1; }
    PostmortemScreen #postmortem-improvements { height: 2fr; min-height: 4; }
    PostmortemScreen #postmortem-draft { height: 3fr; min-height: 4; border: round $panel; }
    PostmortemScreen #postmortem-exported { height: auto; color: $text-muted; }
    """
    AUTO_FOCUS = "#postmortem-improvements"
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "postmortem.add",
        "postmortem.edit",
        "postmortem.delete",
        "postmortem.move_up",
        "postmortem.move_down",
        "postmortem.status",
        "postmortem.raise",
        "postmortem.export",
        "postmortem.close",
    )

    def __init__(
        self,
        incident: Incident,
        improvements: Sequence[Improvement],
        *,
        render: Callable[[Sequence[Improvement]], str],
        people: Sequence[tuple[str, str]],
        boards: Sequence[tuple[int, str]],
        on_change: Callable[[list[Improvement]], None],
        on_export: Callable[[list[Improvement]], None],
        on_raise: Callable[[Improvement, int], bool],
        exported_to: str | None = None,
    ) -> None:
        super().__init__()
        self.incident = incident
        self.improvements: list[Improvement] = list(improvements)
        self.render_draft = render
        self.people = list(people)
        self.boards = list(boards)
        self.on_change = on_change
        self.on_export = on_export
        self.on_raise = on_raise
        self.exported_to = exported_to
        # Keys whose ticket was asked for here and that the desk has not yet shown as raising or raised:
        # shown as "raising…", and not asked for twice.
        self.requested: set[str] = set()
        self.keys: list[str] = row_keys(self.improvements)
        self.title_line = Static(
            Content.assemble(
                ("Postmortem · ", "bold"),
                content(incident.title or "(untitled)", "bold", single_line=True, limit=TITLE_LIMIT),
            ),
            id="postmortem-title",
        )
        self.count_line = Static("", classes="label")
        self.table = ImprovementTable(
            COLUMNS,
            key=lambda row: row.key,
            cells=self.cells,
            sort_key=lambda row: row.position,
            search_text=lambda row: row.improvement.action,
            empty_text="No improvements yet: a adds one.",
            id="postmortem-improvements",
        )
        self.draft = Static("", id="postmortem-draft-text")
        self.draft_scroll = VerticalScroll(self.draft, id="postmortem-draft")
        self.exported_line = Static("", id="postmortem-exported")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.title_line
            yield self.count_line
            yield self.table
            yield Static("Draft (Markdown, as it will be exported)", classes="label", markup=False)
            yield self.draft_scroll
            yield self.exported_line
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        self.repaint()

    # -- what is shown ------------------------------------------------------------------------------

    def cells(self, row: Row) -> list[Text]:
        item = row.improvement
        if item.ticket:
            ticket = text.plain(item.ticket, "bold", single_line=True, limit=40)
        elif item.raising or row.key in self.requested:
            ticket = text.plain(RAISING, "italic")
        else:
            ticket = Text(NO_TICKET)
        return [
            Text(str(row.position + 1)),
            text.plain(item.action, single_line=True, limit=CELL_LIMIT),
            text.plain(item.owner or NOBODY, single_line=True, limit=NAME_LIMIT),
            text.plain(item.priority or "—", PRIORITY_STYLES.get(item.priority), single_line=True, limit=20),
            text.plain(item.status, STATUS_STYLES.get(item.status), single_line=True, limit=20),
            ticket,
        ]

    def rows(self) -> list[Row]:
        return [
            Row(key, position, item)
            for position, (key, item) in enumerate(zip(self.keys, self.improvements, strict=True))
        ]

    def repaint(self) -> None:
        """The table, the count, the draft and the export line, from `self.improvements`."""
        self.table.set_rows(self.rows())
        count = len(self.improvements)
        raised = sum(1 for item in self.improvements if item.ticket)
        self.count_line.update(
            Content(
                f"Improvements ({count}, {raised} raised as tickets) · in priority order"
                if count
                else "Improvements · in priority order"
            )
        )
        try:
            draft = self.render_draft(list(self.improvements))
        except Exception as error:  # a draft that cannot be made must not take the screen down
            self.draft.update(
                Content.assemble(
                    ("Could not make the draft: ", "$text-error"), content(text.error_sentence(error))
                )
            )
        else:
            self.draft.update(content(draft))
        if self.exported_to:
            self.exported_line.update(
                Content.assemble("Last exported to ", content(self.exported_to, single_line=True))
            )
        else:
            self.exported_line.update(Content("Not exported yet · x exports the draft"))

    def show(self, improvements: Sequence[Improvement], exported_to: str | None = None) -> None:
        """The desk's news (a ticket key arrived, an export finished): each improvement's ticket and
        whether one is being raised, as the store has them, merged into the list as edited here (an edit
        made since the store was read is kept); and where the draft was exported (None: unchanged). The
        cursor stays on the same improvement."""
        stored = {item.id: item for item in improvements if item.id}
        if self.improvements and stored:
            self.improvements = [
                replace(item, ticket=known.ticket, raising=known.raising)
                if (known := stored.get(item.id)) is not None
                else item
                for item in self.improvements
            ]
        else:
            self.improvements = list(improvements)
        self.keys = row_keys(self.improvements)
        for key, item in zip(self.keys, self.improvements, strict=True):
            if item.ticket or item.raising:
                self.requested.discard(key)  # the desk knows: its own state says so from now on
        self.requested &= set(self.keys)
        if exported_to is not None:
            self.exported_to = exported_to
        if self.is_mounted:
            self.repaint()

    def changed(self, improvements: list[Improvement], keys: list[str], cursor: str | None = None) -> None:
        """A change made here: keep it, tell the desk, repaint, and put the cursor on `cursor`."""
        self.improvements = improvements
        self.keys = keys
        self.on_change(list(improvements))
        self.repaint()
        if cursor is not None:
            self.table.move_cursor_to(cursor)

    # -- the highlighted improvement ----------------------------------------------------------------

    def highlighted(self) -> tuple[int, str, Improvement] | None:
        """(place, key, improvement) under the cursor, or None with an empty list."""
        key = self.table.cursor_key
        if key is None or key not in self.keys:
            return None
        position = self.keys.index(key)
        return position, key, self.improvements[position]

    def find(self, key: str) -> tuple[int, Improvement] | None:
        if key not in self.keys:
            return None
        position = self.keys.index(key)
        return position, self.improvements[position]

    def _say(self, message: str, severity: SeverityLevel = "information") -> None:
        self.notify(message, severity=severity, markup=False)

    def _nothing(self) -> None:
        self._say("No improvement highlighted: a adds one", "warning")

    # -- keys ---------------------------------------------------------------------------------------

    def action_add(self) -> None:
        def added(improvement: Improvement | None) -> None:
            if improvement is None:
                return
            items = [*self.improvements, improvement]
            self.changed(items, row_keys(items), row_keys(items)[-1])

        self.app.push_screen(ImprovementScreen(None, self.people, incident_title=self.incident.title), added)

    def action_edit(self) -> None:
        found = self.highlighted()
        if found is None:
            self._nothing()
            return
        _, key, item = found

        def edited(result: Improvement | None) -> None:
            if result is None:
                return
            now = self.find(key)
            items = list(self.improvements)
            if now is None:  # gone meanwhile: keep what was written
                items.append(result)
                self.changed(items, row_keys(items), row_keys(items)[-1])
                return
            position, current = now
            # The form's fields; the ticket as it is now (it may have arrived while the form was open).
            items[position] = replace(
                current,
                action=result.action,
                owner=result.owner,
                owner_account=result.owner_account,
                priority=result.priority,
                status=result.status,
            )
            self.changed(items, list(self.keys), key)

        self.app.push_screen(ImprovementScreen(item, self.people, incident_title=self.incident.title), edited)

    def action_delete(self) -> None:
        found = self.highlighted()
        if found is None:
            self._nothing()
            return
        _, key, item = found

        def answered(delete: bool | None) -> None:
            now = self.find(key)
            if not delete or now is None:
                return
            position, _ = now
            items = [*self.improvements[:position], *self.improvements[position + 1 :]]
            keys = [*self.keys[:position], *self.keys[position + 1 :]]
            self.changed(items, keys)

        self.app.push_screen(DeleteImprovementScreen(item.action), answered)

    def action_move(self, step: int) -> None:
        found = self.highlighted()
        if found is None:
            self._nothing()
            return
        position, key, _ = found
        target = position + step
        if not 0 <= target < len(self.improvements):
            return  # already first (or last)
        items = list(self.improvements)
        keys = list(self.keys)
        items[position], items[target] = items[target], items[position]
        keys[position], keys[target] = keys[target], keys[position]
        self.changed(items, keys, key)

    def action_cycle_status(self) -> None:
        found = self.highlighted()
        if found is None:
            self._nothing()
            return
        position, key, item = found
        statuses = IMPROVEMENT_STATUSES
        following = (statuses.index(item.status) + 1) % len(statuses) if item.status in statuses else 0
        items = list(self.improvements)
        items[position] = replace(item, status=statuses[following])
        self.changed(items, list(self.keys), key)

    def action_raise_ticket(self) -> None:
        found = self.highlighted()
        if found is None:
            self._nothing()
            return
        _, key, item = found
        if not self._can_raise(key, item):
            return
        if not self.boards:
            self._say("No Jira board to raise it on: add one to [jira] boards in the config", "warning")
            return
        if len(self.boards) == 1:
            self._raise(key, self.boards[0][0])
            return

        def picked(board_id: int | None) -> None:
            if board_id is not None:
                self._raise(key, board_id)

        self.app.push_screen(BoardScreen(self.boards, item.action), picked)

    def _can_raise(self, key: str, item: Improvement) -> bool:
        if item.ticket:
            self._say(f"It already has a ticket: {text.one_line(item.ticket, 40)}")
            return False
        if item.raising or key in self.requested:
            self._say("Its ticket is already being raised")
            return False
        if not item.owner_account:
            self._say("Give it an owner first (Enter edits): its ticket is assigned to them", "warning")
            return False
        return True

    def _raise(self, key: str, board_id: int) -> None:
        now = self.find(key)
        if now is None:
            return
        _, item = now
        if not self._can_raise(key, item):  # the list may have changed while the picker was open
            return
        if not self.on_raise(item, board_id):  # refused (read-only, no such board): it says why
            return
        self.requested.add(key)
        self.table.invalidate()  # "raising…" at once

    def action_export(self) -> None:
        self.on_export(list(self.improvements))

    def action_close(self) -> None:
        self.dismiss(None)
