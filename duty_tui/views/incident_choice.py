"""Small incident dialogs: choose an incident for a ticket or a message (`i`, `p`) or a runbook (`o`);
add a third-party case (`c`).

* ChoiceScreen: a short list (incidents, open ones first, the selected one highlighted; or a runbook
  of the incident's services); Enter chooses, Esc cancels. Titles and links are untrusted: literal
  Content.
* CaseScreen: one field, "AWS 1234567890": a known vendor's name first (AWS, 6DG, RedCentric), then the
  case reference; without a known vendor the whole is the reference of a third-party case.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Final

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from duty_tui import text
from duty_tui.models import Incident, IncidentPriority
from duty_tui.views.dialog import Dialog
from duty_tui.views.picker import OptionPicker
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainInput
from duty_tui.widgets.key_bar import KeyBar

TITLE_LIMIT: Final = 100
VENDORS: Final = ("AWS", "6DG", "RedCentric")
OTHER_VENDOR: Final = "Third-party"
CASE_LIMIT: Final = 100


def parse_case(value: str) -> tuple[str, str] | None:
    """(vendor, reference) from "AWS 1234567890"; None when there is no reference."""
    words = text.one_line(value, None, breaks=False).split()
    if not words:
        return None
    known = {vendor.casefold(): vendor for vendor in VENDORS}
    vendor = known.get(words[0].rstrip(":").casefold())
    reference = " ".join(words[1:] if vendor else words)[:CASE_LIMIT]
    if not reference:
        return None
    return vendor or OTHER_VENDOR, reference


class ChoiceScreen(OptionPicker, Dialog[str | None]):
    """Choose one of a few (id, row) items. Dismisses the chosen id, None when cancelled."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 90; max-width: 95%; height: auto; max-height: 70%;
                              border: round $accent; background: $surface; padding: 0 1; }
    ChoiceScreen OptionList { height: auto; max-height: 20; border: none; padding: 0;
                              background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "choose.pick", "choose.down", "choose.up", "choose.cancel"
    )

    def __init__(self, items: Sequence[tuple[str, Content]], selected: str | None, purpose: str) -> None:
        super().__init__()
        self.shown: list[tuple[str, Content]] = list(items)
        self.selected = selected
        self.purpose = purpose
        self.options = OptionList(*(Option(row) for _, row in self.shown), id="choose-options")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content.assemble((self.purpose, "bold"))
            box.border_subtitle = "Enter chooses · ↑↓ move · Esc cancels"
            yield self.options
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        index = next((n for n, (key, _) in enumerate(self.shown) if key == self.selected), 0)
        if self.shown:
            self.options.highlighted = index
        self.options.focus()

    def picked(self, item: Any) -> Any:
        return item[0]


def incident_row(incident: Incident) -> Content:
    """An incident as a chooser's row: priority, status, title."""
    parts: list[Content | tuple[str, str] | str] = []
    if incident.is_open:
        high = incident.priority is IncidentPriority.HIGH
        parts.append(("HIGH  " if high else "normal", "bold $text-error" if high else ""))
        parts.append(f"  {incident.status.value:<13}  ")
    else:
        parts.append(("✓ resolved             ", "$text-success"))
    parts.append(content(incident.title or "(untitled)", single_line=True, limit=TITLE_LIMIT))
    return Content.assemble(*parts)


def runbook_row(service: str, url: str) -> Content:
    return Content.assemble(
        content(service, "bold", single_line=True, limit=40), "  ", content(url, single_line=True, limit=200)
    )


class CaseScreen(Dialog[tuple[str, str] | None]):
    """A third-party case for the incident. Dismisses (vendor, reference), None when cancelled."""

    DEFAULT_CSS = """
    CaseScreen { align: center middle; }
    CaseScreen > Vertical { width: 80; max-width: 95%; height: auto; border: round $accent;
                            background: $surface; padding: 0 1; }
    CaseScreen .hint { height: auto; color: $text-muted; }
    """
    AUTO_FOCUS = "#case-reference"
    BINDINGS: ClassVar[list[BindingType]] = bindings("case.save", "case.cancel")

    def __init__(self, incident_title: str) -> None:
        super().__init__()
        self.incident_title = incident_title
        self.field = PlainInput(placeholder="AWS 1234567890", max_length=CASE_LIMIT + 20, id="case-reference")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content.assemble(
                ("Third-party case", "bold"),
                " · ",
                content(self.incident_title or "(untitled)", single_line=True, limit=TITLE_LIMIT),
            )
            yield self.field
            yield Static(
                f"Whose case, then its reference: {', '.join(VENDORS)} or any other. "
                "Enter adds it · Esc cancels",
                classes="hint",
                markup=False,
            )
        yield KeyBar()

    def action_save(self) -> None:
        case = parse_case(self.field.value)
        if case is None:
            self.notify("Type whose case it is and its reference, e.g. AWS 1234567890", markup=False)
            return
        self.dismiss(case)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuitWhileLeadingScreen(Dialog[bool]):
    """ "You lead an open incident: quit anyway? y/n" — dismisses True to quit."""

    DEFAULT_CSS = """
    QuitWhileLeadingScreen { align: center middle; }
    QuitWhileLeadingScreen > Vertical { width: 80; max-width: 95%; height: auto; border: round $warning;
                                        background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings("quit.yes", "quit.no")

    def __init__(self, titles: Sequence[str], handover_key: str) -> None:
        super().__init__()
        self.titles = list(titles)
        self.handover_key = handover_key

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content.styled("You lead an open incident", "bold")
            for title in self.titles[:5]:
                yield Static(
                    Content.assemble(
                        " • ", content(title or "(untitled)", single_line=True, limit=TITLE_LIMIT)
                    )
                )
            yield Static(
                Content.assemble(
                    "Nobody else is told you have gone. Hand the lead over first (",
                    (self.handover_key, "bold"),
                    "), or quit anyway? ",
                    ("y/n", "$text-warning"),
                )
            )
        yield KeyBar()

    def action_answer(self, quit_anyway: bool) -> None:
        self.dismiss(quit_anyway)
