"""Move a ticket through its workflow: a picker of the transitions Jira offers now (the `m` key).

Transitions are read from Jira on a background thread (`views.fetch`) (they depend on the ticket's
current status and the engineer's permissions, so they are not cached). Each is labelled by where it
goes, "→ In Progress", with the transition's own name dimmed after it: workflows name transitions freely
("Start work", "Reopen and start"), and the team chooses by the target status, never by the name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from duty_tui import text
from duty_tui.models import StatusCategory, Transition
from duty_tui.views.dialog import Dialog
from duty_tui.views.fetch import fetch
from duty_tui.views.kept import keep_installed
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.key_bar import KeyBar

# Jira's own order of status categories, with the colours its boards use (grey, blue, green).
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    (StatusCategory.TODO, "To Do", "$text-secondary"),
    (StatusCategory.IN_PROGRESS, "In Progress", "$text-primary"),
    (StatusCategory.DONE, "Done", "$text-success"),
)
OTHER = ("", "Other", "$foreground")
NAME_LIMIT = 50


def grouped(transitions: Sequence[Transition]) -> list[tuple[str, str, list[Transition]]]:
    """(heading, style, transitions) per target category in workflow order; empty groups left out."""
    known = {key for key, _, _ in CATEGORIES}
    groups = [
        (heading, style, [t for t in transitions if t.to_category == key])
        for key, heading, style in CATEGORIES
    ]
    groups.append((OTHER[1], OTHER[2], [t for t in transitions if t.to_category not in known]))
    return [group for group in groups if group[2]]


class MoveScreen(Dialog[Transition | None]):
    """Pick a transition. Enter moves the ticket (dismisses the transition), Esc cancels (None)."""

    DEFAULT_CSS = """
    MoveScreen { align: center middle; }
    MoveScreen > Vertical { width: 72; max-width: 95%; height: auto; max-height: 80%;
                            border: round $accent; background: $surface; padding: 0 1; }
    MoveScreen #move-transitions { height: auto; max-height: 20; border: none; padding: 0;
                                   background: $surface; }
    MoveScreen #move-state { height: auto; color: $text-muted; }
    """
    AUTO_FOCUS = "#move-transitions"
    # Priority for enter: the focused OptionList binds it too, and this id is the one users remap.
    BINDINGS: ClassVar[list[BindingType]] = bindings("move.pick", "move.down", "move.up", "move.cancel")

    def __init__(
        self, ticket_key: str, current_status: str, load: Callable[[], Sequence[Transition]]
    ) -> None:
        super().__init__()
        self.ticket_key = ticket_key
        self.current_status = current_status
        self.load = load
        self.by_index: dict[int, Transition] = {}
        self.options = OptionList(id="move-transitions")
        self.state = Static("Loading transitions…", id="move-state")
        self.box = Vertical()
        self.opening = 0  # how many times the dialog was opened: a load for an earlier ticket is dropped

    def compose(self) -> ComposeResult:
        with self.box:
            self.box.border_title = self.title_for()
            self.box.border_subtitle = "Enter moves · Esc cancels"
            yield self.state
            yield self.options
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def title_for(self) -> Content:
        return Content.assemble(
            ("Move ", "bold"),
            content(self.ticket_key, "bold"),
            " from ",
            content(self.current_status or "—", single_line=True, limit=NAME_LIMIT),
        )

    def on_mount(self) -> None:
        keep_installed(self)
        self.options.display = False
        self.read_transitions(self.load)

    def reopen(self, ticket_key: str, current_status: str, load: Callable[[], Sequence[Transition]]) -> None:
        """The kept dialog (`views.kept`) opened again for another ticket, as a new one would open."""
        self.ticket_key, self.current_status, self.load = ticket_key, current_status, load
        self.opening += 1
        self.by_index = {}
        self.box.border_title = self.title_for()
        self.options.clear_options()
        self.options.display = False
        self.state.update("Loading transitions…")
        self.state.display = True
        self.set_focus(None)  # as it shows, Textual focuses AUTO_FOCUS, as for a new dialog
        self.read_transitions(load)

    def read_transitions(self, load: Callable[[], Sequence[Transition]]) -> None:
        opening = self.opening

        def shown(transitions: Sequence[Transition]) -> None:
            if opening == self.opening:
                self.show(transitions)

        def failed(error: BaseException) -> None:
            if opening == self.opening:
                self.show_failure(error)

        fetch(self, lambda: list(load()), shown, failed)

    def show_failure(self, error: BaseException) -> None:
        self.state.update(
            Content.assemble(
                ("Could not load the transitions: ", "$text-error"), content(text.error_sentence(error))
            )
        )

    def show(self, transitions: Sequence[Transition]) -> None:
        if not transitions:
            self.state.update(
                Content.assemble(
                    "No transitions are available from ",
                    content(self.current_status or "this status", single_line=True, limit=NAME_LIMIT),
                    ".",
                )
            )
            return
        options: list[Option | None] = []
        self.by_index = {}
        count = 0  # option indexes: the None dividers are not options
        for heading, style, group in grouped(transitions):
            if options:
                options.append(None)  # a divider between categories
            options.append(Option(Content.assemble((heading, f"bold {style}")), disabled=True))
            count += 1
            for transition in group:
                self.by_index[count] = transition
                options.append(Option(self.label(transition, style)))
                count += 1
        self.options.set_options(options)
        self.options.highlighted = min(self.by_index)
        self.state.display = False
        self.options.display = True

    def label(self, transition: Transition, style: str) -> Content:
        target = content(transition.to_name or "(unnamed status)", single_line=True, limit=NAME_LIMIT)
        parts: list[Content | str | tuple[str, str]] = [("→ ", style), target.stylize(f"bold {style}")]
        if transition.name.strip():
            parts += ["  ", content(transition.name, "dim", single_line=True, limit=NAME_LIMIT)]
        if transition.to_name == self.current_status:
            parts += ["  ", ("(current status)", "dim italic")]
        return Content.assemble(*parts)

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()

    def action_pick(self) -> None:
        index = self.options.highlighted
        if self.options.display and index is not None and index in self.by_index:
            self.dismiss(self.by_index[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a mouse click on a row
        if event.option_index in self.by_index:
            self.dismiss(self.by_index[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
