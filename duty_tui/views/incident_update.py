"""The dialogs that run an open incident: post an update (`U`), resolve (`X`), note (`N`), hand over (`L`).

* UpdateScreen: the update's text first (focused, prefilled with the what we know / what we are doing /
  what we need template), then the status (investigating → identified → monitoring, the current one
  preselected) and "also send to #laa-ops". ctrl+s posts; a template left as it was is refused.
* ResolveScreen: a resolution summary (focused); ctrl+s resolves.
* NoteScreen: a note for the timeline (kept here, not posted); ctrl+s adds it.
* ReopenScreen: why a resolved incident is open again; ctrl+s reopens it.
* LeadScreen: the team, type to search, Enter hands the lead to the highlighted person.

Esc in an editor never throws typed words away without asking (`cancel_editing`). The incident's title
and people's names are untrusted: shown as literal Content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Checkbox, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from duty_tui import text
from duty_tui.models import IncidentStatus
from duty_tui.views.assign import MATCH_STYLE, fuzzy
from duty_tui.views.comment import DiscardScreen, cancel_editing
from duty_tui.views.dialog import Dialog
from duty_tui.views.kept import keep_installed
from duty_tui.views.picker import OptionPicker
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainInput, PlainTextArea
from duty_tui.widgets.key_bar import KeyBar

TITLE_LIMIT = 120
NAME_LIMIT = 60
TEMPLATE = "What we know:\n\nWhat we are doing:\n\nWhat we need:\n"
UPDATE_STATUSES = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING)
UPDATE_HINT = "ctrl+s posts in the incident's thread · ctrl+b also to #laa-ops · Esc cancels"


@dataclass(frozen=True, slots=True)
class UpdateDraft:
    """An update as written: the text (stripped), the status it sets, and whether the channel gets it too."""

    text: str
    status: IncidentStatus
    broadcast: bool = False


def _heading(action: str, incident_title: str) -> Content:
    return Content.assemble(
        (action, "bold"), " · ", content(incident_title or "(untitled)", single_line=True, limit=TITLE_LIMIT)
    )


class _Discard(DiscardScreen):
    """ "Discard this …? y/n", with the comment editor's keys and answers."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble((f"Discard this {self.what}? ", "bold"), ("y/n", "$text-warning")))
        yield KeyBar()


class UpdateScreen(Dialog[UpdateDraft | None]):
    """The update editor. Dismisses an UpdateDraft on ctrl+s, None when cancelled."""

    DEFAULT_CSS = """
    UpdateScreen { align: center middle; }
    UpdateScreen > Vertical { width: 90; max-width: 95%; height: 80%; border: round $accent;
                              background: $surface; padding: 0 1; }
    UpdateScreen #update-text { height: 1fr; min-height: 6; }
    UpdateScreen .label { height: 1; color: $text-muted; margin-top: 1; }
    UpdateScreen #update-broadcast { height: auto; }
    UpdateScreen #update-hint { height: 1; color: $text-muted; }
    """
    AUTO_FOCUS = "#update-text"
    BINDINGS: ClassVar[list[BindingType]] = bindings("update.post", "update.broadcast", "update.cancel")

    def __init__(self, incident_title: str, status: IncidentStatus, broadcast: bool = False) -> None:
        super().__init__()
        self._for_incident(incident_title, status, broadcast)
        self.editor = PlainTextArea(TEMPLATE, soft_wrap=True, show_line_numbers=False, id="update-text")
        self.status = Select(
            [(Content(s.value), s.value) for s in UPDATE_STATUSES],
            value=self.initial_status.value,
            allow_blank=False,
            id="update-status",
        )
        self.broadcast = Checkbox(Content("Also send to #laa-ops"), broadcast, id="update-broadcast")
        self.box = Vertical()

    def compose(self) -> ComposeResult:
        with self.box as box:
            box.border_title = _heading("Incident update", self.incident_title)
            yield self.editor
            yield Static("Status", classes="label", markup=False)
            yield self.status
            yield self.broadcast
            yield Static(UPDATE_HINT, id="update-hint", markup=False)
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        keep_installed(self)
        self.editor.move_cursor((0, len("What we know:")))  # write straight after the first heading

    def reopen(self, incident_title: str, status: IncidentStatus, broadcast: bool = False) -> None:
        """The kept editor (`views.kept`) opened again, as a new one would open: the template, the
        incident's status, the broadcast box as asked; the last update's words and choices gone."""
        self._for_incident(incident_title, status, broadcast)
        self.box.border_title = _heading("Incident update", incident_title)
        self.editor.load_text(TEMPLATE)  # the last update's words and undo history go
        self.editor.move_cursor((0, len("What we know:")))
        self.editor.scroll_home(animate=False)
        self.status.value = self.initial_status.value
        self.status.expanded = False
        self.broadcast.value = broadcast
        self.set_focus(None)  # as it shows, Textual focuses AUTO_FOCUS (the text), as for a new editor

    def _for_incident(self, incident_title: str, status: IncidentStatus, broadcast: bool) -> None:
        """What one opening is about: set when built, and again each time the kept editor reopens."""
        self.incident_title = incident_title
        self.initial_status = status if status in UPDATE_STATUSES else IncidentStatus.INVESTIGATING
        self.initial_broadcast = broadcast

    def chosen_status(self) -> IncidentStatus:
        value = self.status.value
        return IncidentStatus(value) if isinstance(value, str) else self.initial_status

    def untouched(self) -> bool:
        return " ".join(self.editor.text.split()) == " ".join(TEMPLATE.split())

    def action_toggle_broadcast(self) -> None:
        self.broadcast.toggle()

    def action_post(self) -> None:
        body = self.editor.text.strip()
        if not body or self.untouched():
            self.notify(
                "Fill in the update first: the template is as it was", severity="warning", markup=False
            )
            self.editor.focus()
            return
        self.dismiss(UpdateDraft(body, self.chosen_status(), self.broadcast.value))

    def action_cancel(self) -> None:
        edited = (
            (not self.untouched() and bool(self.editor.text.strip()))
            or self.chosen_status() is not self.initial_status
            or self.broadcast.value != self.initial_broadcast
        )
        cancel_editing(self, edited=edited, ask=_Discard("update"), back_to=self.editor)


class _TextScreen(Dialog[str | None]):
    """A titled editor for one text: ctrl+s dismisses it stripped (refused when empty), Esc cancels."""

    DEFAULT_CSS = """
    _TextScreen { align: center middle; }
    _TextScreen > Vertical { width: 90; max-width: 95%; height: 60%; border: round $accent;
                             background: $surface; padding: 0 1; }
    _TextScreen TextArea { height: 1fr; }
    _TextScreen .hint { height: 1; color: $text-muted; }
    """
    ACTION = ""
    WHAT = ""
    HINT = ""
    EMPTY = "Write something first"
    AUTO_FOCUS = "TextArea"  # the editor, also when the kept screen shows again

    def __init__(self, incident_title: str, initial: str = "") -> None:
        super().__init__()
        self.incident_title = incident_title
        self.editor = PlainTextArea(initial, soft_wrap=True, show_line_numbers=False)
        self.box = Vertical()

    def compose(self) -> ComposeResult:
        with self.box as box:
            box.border_title = _heading(self.ACTION, self.incident_title)
            yield self.editor
            yield Static(self.HINT, classes="hint", markup=False)
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        keep_installed(self)
        self.editor.focus()
        self.editor.move_cursor(self.editor.document.end)

    def reopen(self, incident_title: str, initial: str = "") -> None:
        """The kept editor (`views.kept`) opened again, as a new one would open, the last words gone."""
        self.incident_title = incident_title
        self.box.border_title = _heading(self.ACTION, incident_title)
        self.editor.load_text(text.sanitize(initial))  # the last text and its undo history go
        self.editor.move_cursor(self.editor.document.end)
        self.set_focus(None)  # as it shows, Textual focuses AUTO_FOCUS (the editor)

    def action_post(self) -> None:
        body = self.editor.text.strip()
        if not body:
            self.notify(self.EMPTY, severity="warning", markup=False)
            return
        self.dismiss(body)

    def action_cancel(self) -> None:
        cancel_editing(
            self, edited=bool(self.editor.text.strip()), ask=_Discard(self.WHAT), back_to=self.editor
        )


class ResolveScreen(_TextScreen):
    """The resolution summary. Dismisses it on ctrl+s (the desk posts it, also to the channel, and
    resolves), None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("resolve.post", "resolve.cancel")
    ACTION = "Resolve"
    WHAT = "resolution"
    HINT = "What was wrong and what fixed it · ctrl+s resolves (also sent to #laa-ops) · Esc cancels"
    EMPTY = "Write a resolution summary first"


class NoteScreen(_TextScreen):
    """A note for the incident's timeline (kept here, not posted). Dismisses it on ctrl+s."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("incident.note_save", "incident.note_cancel")
    ACTION = "Timeline note"
    WHAT = "note"
    HINT = "ctrl+s adds it to the timeline (not posted) · Esc cancels"
    EMPTY = "Write the note first"


class ReopenScreen(_TextScreen):
    """Why a resolved incident is open again (posted in its thread). Dismisses the reason on ctrl+s."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("reopen.post", "reopen.cancel")
    ACTION = "Reopen"
    WHAT = "reason"
    HINT = "What came back · ctrl+s reopens it (posted in its thread) · Esc cancels"
    EMPTY = "Say why it is reopened first"


def _marked(value: str, positions: tuple[int, ...]) -> Content:
    shown = Content(value, strip_control_codes=False).stylize("bold")  # already sanitized
    for index in positions:
        if index < len(value) and not value[index].isspace():
            shown = shown.stylize(MATCH_STYLE, index, index + 1)
    return shown


class LeadScreen(OptionPicker, Dialog[str | None]):
    """Hand the lead over: type to search the team, Enter picks (dismisses the Slack id), Esc cancels."""

    DEFAULT_CSS = """
    LeadScreen { align: center middle; }
    LeadScreen > Vertical { width: 70; max-width: 95%; height: 70%; border: round $accent;
                            background: $surface; padding: 0 1; }
    LeadScreen #lead-people { height: 1fr; border: none; padding: 0; background: $surface; }
    LeadScreen #lead-state { height: auto; color: $text-muted; }
    """
    AUTO_FOCUS = "#lead-query"
    # Priority: the Input has focus (typing is the point) and binds enter itself.
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "incident.lead_pick", "incident.lead_down", "incident.lead_up", "incident.lead_cancel"
    )

    def __init__(
        self, people: Sequence[tuple[str, str]], current: str | None = None, incident_title: str = ""
    ) -> None:
        super().__init__()
        self.set_people(people, current)
        self.incident_title = incident_title
        self.shown: list[tuple[str, str]] = []
        self.box = Vertical()
        self.query_input = PlainInput(placeholder="Type a name", id="lead-query")
        self.options = OptionList(id="lead-people")
        self.options.can_focus = False  # focus stays in the Input; the keys above move the highlight
        self.state = Static("", id="lead-state")

    def set_people(self, people: Sequence[tuple[str, str]], current: str | None) -> None:
        self.people = [
            (user_id, text.one_line(name or user_id, NAME_LIMIT) or user_id)
            for user_id, name in dict(people).items()
        ]
        self.current = current

    def compose(self) -> ComposeResult:
        with self.box as box:
            box.border_title = _heading("Hand over the lead", self.incident_title)
            box.border_subtitle = "Enter hands over · ↑↓ move · Esc cancels"
            yield self.query_input
            yield self.state
            yield self.options
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        keep_installed(self)
        self.show()

    def reopen(
        self, people: Sequence[tuple[str, str]], current: str | None = None, incident_title: str = ""
    ) -> None:
        """The kept picker (`views.kept`) opened again, as a new one would open: no query, the team
        as it is now, the first person highlighted."""
        self.set_people(people, current)
        self.incident_title = incident_title
        self.box.border_title = _heading("Hand over the lead", incident_title)
        self.query_input.value = ""  # its Changed message shows the list again: `show` reads the field
        self.query_input.cursor_position = 0
        self.show()
        self.options.scroll_home(animate=False)
        self.set_focus(None)  # as it shows, Textual focuses AUTO_FOCUS (the query), as for a new one

    def show(self) -> None:
        query = self.query_input.value
        scored = [
            (hit, user_id, name) for user_id, name in self.people if (hit := fuzzy(query, name)) is not None
        ]
        if "".join(query.split()):
            scored.sort(key=lambda found: (-found[0][0], found[2].casefold()))
        else:  # everyone else A–Z, the current lead last: a handover goes to someone else
            scored.sort(key=lambda found: (found[1] == self.current, found[2].casefold()))
        self.shown = [(user_id, name) for _, user_id, name in scored]
        options = []
        for (_, positions), user_id, name in scored:
            parts: list[Content | tuple[str, str] | str] = [_marked(name, positions)]
            if user_id == self.current:
                parts += ["  ", ("(lead now)", "bold $text-success")]
            options.append(Option(Content.assemble(*parts)))
        self.options.set_options(options)
        if self.shown:
            self.options.highlighted = 0
        if not self.shown and query.strip():
            self.state.update(Content.assemble("No one matches “", content(query, single_line=True), "”."))
        elif not self.shown:
            self.state.update(Content("No one to hand over to."))
        self.state.display = not self.shown

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show()

    def picked(self, item: Any) -> Any:
        return item[0]  # (Slack id, name): the id

    def highlighted_id(self) -> str | None:
        item = self.highlighted_item()
        return str(item[0]) if item is not None else None
