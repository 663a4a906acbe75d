"""Declare an incident (the `I` key, from anywhere): title, services, environment, impact, priority, lead.

The title is focused first and is the only required field: in the first minutes of an incident the
duty engineer must be able to say "it is happening" with one line and ctrl+s. The rest follows with
Tab: the affected services (comma-separated, the known ones suggested as you type), the environment,
a short impact, the team's four high-priority criteria as checkboxes (any ticked → high priority, shown
live) and the lead (default: me). ctrl+s declares (dismisses an IncidentDraft; the desk posts the
announcement), Esc cancels, asking first when anything was typed or changed.

While a PROD health check fails twice in a row the form comes filled in from it (`IncidentPrefill`:
title, service, environment, impact, the outage criterion ticked); everything stays editable, and Esc
on the form as it came closes it at once.

Names and service names are untrusted (Slack display names, configuration): shown as literal Content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Checkbox, Input, Select, Static

from duty_tui import text
from duty_tui.models import IncidentPriority
from duty_tui.rules.availability import IncidentPrefill
from duty_tui.views.comment import DiscardScreen, cancel_editing
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainInput, PlainTextArea
from duty_tui.widgets.incident import HIGH_PRIORITY_CRITERIA
from duty_tui.widgets.key_bar import KeyBar

TITLE_LIMIT = 150  # one line in the announcement and the pane
NAME_LIMIT = 60
SERVICES_SHOWN = 12  # known services listed under the field
ENVIRONMENTS = ("PROD", "Pre-Prod", "UAT", "Dev/Test", "unknown")
DEFAULT_ENVIRONMENT = "unknown"
HIGH_LABEL = "→ high priority"
NORMAL_LABEL = "→ normal priority"


@dataclass(frozen=True, slots=True)
class IncidentDraft:
    """What the declare form says: the desk turns it into the announcement and the incident."""

    title: str
    services: tuple[str, ...]
    environment: str
    impact: str
    criteria: tuple[str, ...]  # the high-priority criteria ticked (their sentences)
    lead: str  # a Slack user id

    @property
    def priority(self) -> IncidentPriority:
        return IncidentPriority.HIGH if self.criteria else IncidentPriority.NORMAL


def split_services(value: str, known: Sequence[str] = ()) -> tuple[str, ...]:
    """ "ccms, CWA,,x " → ("CCMS", "CWA", "x"): comma-separated, trimmed, known names in their own
    spelling, each once."""
    spelling = {name.casefold(): name for name in known}
    found: dict[str, str] = {}
    for part in value.split(","):
        name = text.one_line(part, None, breaks=False).strip()
        if name:
            found.setdefault(name.casefold(), spelling.get(name.casefold(), name))
    return tuple(found.values())


class ServiceSuggester(Suggester):
    """Completes the service being typed (the part after the last comma) from the known services."""

    def __init__(self, services: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.services = [s for s in services if s]

    async def get_suggestion(self, value: str) -> str | None:
        _, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        for service in self.services:
            if service.casefold().startswith(typed.casefold()) and len(service) > len(typed):
                return value + service[len(typed) :]
        return None


class DiscardIncidentScreen(DiscardScreen):
    """ "Discard this incident? y/n", with the comment editor's keys and answers."""

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Discard this incident? ", "bold"), ("y/n", "$text-warning")))
        yield KeyBar()


class DeclareScreen(ModalScreen[IncidentDraft | None]):
    """The declare form. Dismisses an IncidentDraft on ctrl+s, None when cancelled."""

    DEFAULT_CSS = """
    DeclareScreen { align: center middle; }
    DeclareScreen > VerticalScroll { width: 100; max-width: 95%; height: auto; max-height: 95%;
                                     border: round $accent; background: $surface; padding: 0 1; }
    DeclareScreen .label { height: 1; color: $text-muted; }
    DeclareScreen .row { height: auto; }
    DeclareScreen .row > Vertical { height: auto; width: 1fr; }
    DeclareScreen .row > #declare-environment-box { width: 24; margin-left: 1; }
    DeclareScreen #declare-known { height: auto; color: $text-muted; }
    DeclareScreen #declare-impact { height: 4; }
    DeclareScreen Checkbox { height: auto; border: none; padding: 0; }
    DeclareScreen #declare-priority { height: 1; }
    DeclareScreen #declare-priority.-high { color: $text-error; text-style: bold; }
    """
    AUTO_FOCUS = "#declare-title"
    BINDINGS: ClassVar[list[BindingType]] = bindings("declare.create", "declare.cancel")

    def __init__(
        self,
        people: Sequence[tuple[str, str]],
        me: str | None,
        services: Sequence[str] = (),
        criteria: Sequence[str] = HIGH_PRIORITY_CRITERIA,
        prefill: IncidentPrefill | None = None,
    ) -> None:
        super().__init__()
        self.people = list(dict.fromkeys(people))
        if me and me not in {user_id for user_id, _ in self.people}:
            self.people.insert(0, (me, me))  # the engineer may not be in the cached team list yet
        self.me = me
        self.known_services = [text.one_line(s, 60, breaks=False) for s in services if s.strip()]
        self.criteria = tuple(criteria)
        title, service, impact = (prefill.title, prefill.service, prefill.impact) if prefill else ("", "", "")
        environment = DEFAULT_ENVIRONMENT
        if prefill is not None:  # as the form spells it; one it does not know stays "unknown"
            spelled = {name.casefold(): name for name in ENVIRONMENTS}
            environment = spelled.get(prefill.environment.casefold(), DEFAULT_ENVIRONMENT)
        high = prefill is not None and prefill.high_priority  # the first criterion: an outage
        self.title_input = PlainInput(
            title,
            placeholder="What is happening? (one line; the only field needed)",
            max_length=TITLE_LIMIT,
            id="declare-title",
        )
        self.services_input = PlainInput(
            service,
            placeholder="Affected services, comma-separated",
            suggester=ServiceSuggester(self.known_services),
            id="declare-services",
        )
        self.environment = Select(
            [(Content(name), name) for name in ENVIRONMENTS],
            value=environment,
            allow_blank=False,
            id="declare-environment",
        )
        self.impact = PlainTextArea(impact, soft_wrap=True, show_line_numbers=False, id="declare-impact")
        self.boxes = [
            Checkbox(content(criterion, single_line=True), high and n == 0, id=f"declare-criterion-{n}")
            for n, criterion in enumerate(self.criteria)
        ]
        ticked = self.ticked()
        self.priority_label = Static(
            Content(HIGH_LABEL if ticked else NORMAL_LABEL),
            id="declare-priority",
            classes="-high" if ticked else "",
        )
        self.default_lead = me if me else (self.people[0][0] if self.people else None)
        self.lead = Select(
            [
                (content(name or user_id, single_line=True, limit=NAME_LIMIT), user_id)
                for user_id, name in self.people
            ],
            value=self.default_lead if self.default_lead is not None else Select.NULL,
            allow_blank=self.default_lead is None,
            prompt="Choose the lead",
            id="declare-lead",
        )
        # The form as it came: Esc closes it at once while nothing differs from this.
        self.opened = (title.strip(), service.strip(), impact.strip(), ticked, environment, self.default_lead)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = Content.assemble(("Declare an incident", "bold"), " · #laa-ops")
            box.border_subtitle = "ctrl+s declares · Tab next field · Esc cancels"
            yield Static("Title", classes="label", markup=False)
            yield self.title_input
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static("Affected services", classes="label", markup=False)
                    yield self.services_input
                with Vertical(id="declare-environment-box"):
                    yield Static("Environment", classes="label", markup=False)
                    yield self.environment
            if self.known_services:
                shown = ", ".join(self.known_services[:SERVICES_SHOWN])
                more = len(self.known_services) > SERVICES_SHOWN
                yield Static(content(f"known: {shown}{', …' if more else ''}"), id="declare-known")
            yield Static("Impact: who is affected and how", classes="label", markup=False)
            yield self.impact
            yield Static("High priority if any of these holds", classes="label", markup=False)
            yield from self.boxes
            yield self.priority_label
            yield Static("Incident lead", classes="label", markup=False)
            yield self.lead
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    # -- state ----------------------------------------------------------------------------------

    def ticked(self) -> tuple[str, ...]:
        return tuple(c for c, box in zip(self.criteria, self.boxes, strict=True) if box.value)

    @on(Checkbox.Changed)
    def criteria_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        high = bool(self.ticked())
        self.priority_label.update(Content(HIGH_LABEL if high else NORMAL_LABEL))
        self.priority_label.set_class(high, "-high")

    def chosen_lead(self) -> str | None:
        value = self.lead.value
        return value if isinstance(value, str) else None

    def edited(self) -> bool:
        now = (
            self.title_input.value.strip(),
            self.services_input.value.strip(),
            self.impact.text.strip(),
            self.ticked(),
            self.environment.value,
            self.chosen_lead(),
        )
        return now != self.opened

    # -- keys -----------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter in a one-line field: on to the next one (ctrl+s declares)
        self.focus_next()

    def action_declare(self) -> None:
        title = text.one_line(self.title_input.value, None, breaks=False).strip()
        if not title:
            self.notify("An incident needs a title", severity="warning", markup=False)
            self.title_input.focus()
            return
        lead = self.chosen_lead()
        if lead is None:
            self.notify("Choose the incident lead", severity="warning", markup=False)
            self.lead.focus()
            return
        environment = self.environment.value
        self.dismiss(
            IncidentDraft(
                title=title,
                services=split_services(self.services_input.value, self.known_services),
                environment=environment if isinstance(environment, str) else DEFAULT_ENVIRONMENT,
                impact=self.impact.text.strip(),
                criteria=self.ticked(),
                lead=lead,
            )
        )

    def action_cancel(self) -> None:
        cancel_editing(self, edited=self.edited(), ask=DiscardIncidentScreen(), back_to=self.title_input)
