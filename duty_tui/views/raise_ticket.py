"""Raise a Jira ticket from a #laa-ops message: board, summary, priority, description (the `n` key).

The form opens filled in from the message, board list focused (↑↓ choose, Tab on to the fields).
When the caller can add more (the message's permalink and its thread's replies, read from Slack), that
runs on a background thread (`views.fetch`) and replaces the description only if the engineer has not
started editing it: their words always win over the prefill. ctrl+s creates (dismisses a NewTicket;
the caller queues the write), Esc cancels, asking first if anything was changed.

Everything prefilled is untrusted (it comes from Slack): it is sanitized before it enters a field, so
what comes back is what the engineer saw, and nothing in it is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from duty_tui import text
from duty_tui.models import NewTicket
from duty_tui.views.comment import DiscardScreen, cancel_editing
from duty_tui.views.dialog import Dialog
from duty_tui.views.fetch import fetch
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainInput, PlainTextArea
from duty_tui.widgets.key_bar import KeyBar

SUMMARY_LIMIT = 255  # Jira rejects longer summaries
PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
BOARD_LIMIT = 60
LOADING = "Adding the permalink and the thread's replies…"


class DiscardTicketScreen(DiscardScreen):
    """ "Discard this ticket? y/n", with the comment editor's keys and answers."""

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Discard this new ticket? ", "bold"), ("y/n", "$text-warning")))
        yield KeyBar()


class RaiseTicketScreen(Dialog[NewTicket | None]):
    """The new-ticket form. Dismisses a NewTicket on ctrl+s, None when cancelled."""

    DEFAULT_CSS = """
    RaiseTicketScreen { align: center middle; }
    RaiseTicketScreen > Vertical { width: 100; max-width: 95%; height: 90%; border: round $accent;
                                   background: $surface; padding: 0 1; }
    RaiseTicketScreen .label { height: 1; color: $text-muted; }
    RaiseTicketScreen #raise-boards { height: auto; max-height: 5; border: none; padding: 0;
                                      background: $surface; }
    RaiseTicketScreen #raise-description { height: 1fr; min-height: 4; }
    RaiseTicketScreen #raise-state { height: auto; color: $text-muted; }
    """
    AUTO_FOCUS = "#raise-boards"
    BINDINGS: ClassVar[list[BindingType]] = bindings("raise.create", "raise.cancel")

    def __init__(  # noqa: PLR0917 - the optional settings stay positional, as the desk calls them
        self,
        boards: Sequence[tuple[int, str]],
        summary: str,
        description: str,
        priorities: Sequence[str] = PRIORITIES,
        default_priority: str = "Medium",
        load_description: Callable[[], str] | None = None,
    ) -> None:
        super().__init__()
        self.boards = list(boards)
        self.load_description = load_description
        # One line, as Jira keeps it; the cap is Jira's, and the engineer is told when it bit.
        full_summary = text.one_line(summary, None, breaks=False)
        self.summary_cut = len(full_summary) > SUMMARY_LIMIT
        self.initial_summary = full_summary[:SUMMARY_LIMIT]
        self.initial_description = text.sanitize(description)
        self.priorities = list(priorities) or list(PRIORITIES)
        self.default_priority = (
            default_priority if default_priority in self.priorities else self.priorities[0]
        )
        self.board_list = OptionList(
            *(Option(content(name, single_line=True, limit=BOARD_LIMIT)) for _, name in self.boards),
            id="raise-boards",
        )
        self.summary = PlainInput(max_length=SUMMARY_LIMIT, select_on_focus=False, id="raise-summary")
        self.priority = Select(
            [(content(name, single_line=True), name) for name in self.priorities],
            value=self.default_priority,
            allow_blank=False,
            id="raise-priority",
        )
        self.description = PlainTextArea(
            self.initial_description, soft_wrap=True, show_line_numbers=False, id="raise-description"
        )
        self.state = Static("", id="raise-state")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content.assemble(("New Jira ticket from ", "bold"), ("#laa-ops", "bold"))
            box.border_subtitle = "ctrl+s creates · Tab next field · Esc cancels"
            yield Static("Board", classes="label", markup=False)
            yield self.board_list
            yield Static("Summary", classes="label", markup=False)
            yield self.summary
            yield Static("Priority", classes="label", markup=False)
            yield self.priority
            yield Static("Description", classes="label", markup=False)
            yield self.description
            yield self.state
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        # Set here, not in __init__: giving an Input a value needs a running app.
        self.summary.value = self.initial_summary
        self.summary.cursor_position = 0  # the start of the summary shows, not its tail
        if self.boards:
            self.board_list.highlighted = 0
        self.show_state(None)
        if self.summary_cut:
            self.notify(
                f"The summary was cut to Jira's {SUMMARY_LIMIT} characters", severity="warning", markup=False
            )
        if self.load_description is not None:
            self.show_state(Content(LOADING))
            fetch(self, self.load_description, self.description_loaded, self.description_failed)

    # -- the description from Slack -------------------------------------------------------------

    def show_state(self, line: Content | None) -> None:
        self.state.update(line or "")
        self.state.display = line is not None

    def description_loaded(self, loaded: str) -> None:
        self.show_state(None)
        if self.description.text != self.initial_description:
            self.notify(
                "The thread was not added: you had already edited the description",
                severity="warning",
                markup=False,
            )
            return
        self.initial_description = text.sanitize(loaded)
        self.description.load_text(self.initial_description)

    def description_failed(self, error: BaseException) -> None:
        sentence = content(text.error_sentence(error))
        self.show_state(Content.assemble(("Could not add the thread: ", "$text-error"), sentence))

    # -- keys -----------------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter on a board: chosen, on to the summary
        self.summary.focus()

    def edited(self) -> bool:
        return (
            self.summary.value != self.initial_summary
            or self.description.text != self.initial_description
            or self.priority.value != self.default_priority
        )

    def action_create(self) -> None:
        index = self.board_list.highlighted
        if index is None or index >= len(self.boards):
            self.notify("Choose a board first", severity="warning", markup=False)
            self.board_list.focus()
            return
        summary = self.summary.value.strip()
        if not summary:
            self.notify("A ticket needs a summary", severity="warning", markup=False)
            self.summary.focus()
            return
        priority = self.priority.value
        self.dismiss(
            NewTicket(
                board_id=self.boards[index][0],
                summary=summary,
                priority=priority if isinstance(priority, str) else self.default_priority,
                description=self.description.text,
            )
        )

    def action_cancel(self) -> None:
        cancel_editing(self, edited=self.edited(), ask=DiscardTicketScreen())
