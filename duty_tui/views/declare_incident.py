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
from textual.suggester import Suggester
from textual.widgets import Checkbox, Input, Select, Static

from duty_tui import text
from duty_tui.models import IncidentPriority
from duty_tui.rules.availability import IncidentPrefill
from duty_tui.views.comment import DiscardScreen, cancel_editing
from duty_tui.views.dialog import Dialog
from duty_tui.views.kept import keep_installed
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


def known_services(services: Sequence[str]) -> list[str]:
    return [text.one_line(s, 60, breaks=False) for s in services if s.strip()]


def default_lead(people: Sequence[tuple[str, str]], me: str | None) -> str | None:
    """The lead the form starts with: me, else the first of the team, else nobody."""
    return me if me else (people[0][0] if people else None)


def set_input(field: Input, value: str) -> None:
    """A one-line field as a new one holding `value` would be: the cursor after it, nothing selected."""
    field.value = text.sanitize(value) if value else ""
    field.cursor_position = len(field.value)


@dataclass(frozen=True, slots=True)
class Form:
    """What the form opens with: empty, or filled in from a failing PROD health check."""

    title: str = ""
    service: str = ""
    impact: str = ""
    environment: str = DEFAULT_ENVIRONMENT
    high: bool = False  # the first criterion (an outage) ticked

    @classmethod
    def of(cls, prefill: IncidentPrefill | None) -> Form:
        if prefill is None:
            return cls()
        spelled = {name.casefold(): name for name in ENVIRONMENTS}  # as the form spells it
        return cls(
            prefill.title,
            prefill.service,
            prefill.impact,
            spelled.get(prefill.environment.casefold(), DEFAULT_ENVIRONMENT),  # unknown stays "unknown"
            prefill.high_priority,
        )


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


class DeclareScreen(Dialog[IncidentDraft | None]):
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
        self.criteria = tuple(criteria)
        self.set_people(people, me)
        self.known_services = known_services(services)
        form = Form.of(prefill)
        self.title_input = PlainInput(
            form.title,
            placeholder="What is happening? (one line; the only field needed)",
            max_length=TITLE_LIMIT,
            id="declare-title",
        )
        self.suggester = ServiceSuggester(self.known_services)
        self.services_input = PlainInput(
            form.service,
            placeholder="Affected services, comma-separated",
            suggester=self.suggester,
            id="declare-services",
        )
        self.environment = Select(
            [(Content(name), name) for name in ENVIRONMENTS],
            value=form.environment,
            allow_blank=False,
            id="declare-environment",
        )
        self.known_line = Static(self.known_shown(), id="declare-known")
        self.known_line.display = bool(self.known_services)
        self.impact = PlainTextArea(form.impact, soft_wrap=True, show_line_numbers=False, id="declare-impact")
        self.boxes = [
            Checkbox(content(criterion, single_line=True), form.high and n == 0, id=f"declare-criterion-{n}")
            for n, criterion in enumerate(self.criteria)
        ]
        ticked = self.ticked()
        self.priority_label = Static(
            Content(HIGH_LABEL if ticked else NORMAL_LABEL),
            id="declare-priority",
            classes="-high" if ticked else "",
        )
        self.lead = self.lead_select()
        self.box = VerticalScroll()
        self.opened = self.as_it_came(form)

    def set_people(self, people: Sequence[tuple[str, str]], me: str | None) -> None:
        """The team offered as lead (me first when the cached team list does not know me yet)."""
        self.people = list(dict.fromkeys(people))
        if me and me not in {user_id for user_id, _ in self.people}:
            self.people.insert(0, (me, me))  # the engineer may not be in the cached team list yet
        self.me = me
        self.default_lead = default_lead(people, me)

    def fits(self, people: Sequence[tuple[str, str]], me: str | None) -> bool:
        """Whether this kept form can be reopened for this team: a Select allows a blank lead or not
        from when it is made, so a form made with no lead to default to (no team known yet) is not
        reopened once there is one, nor the other way round: the desk gets a new form then."""
        return (default_lead(people, me) is None) == (self.default_lead is None)

    def lead_options(self) -> list[tuple[Content, str]]:
        return [
            (content(name or user_id, single_line=True, limit=NAME_LIMIT), user_id)
            for user_id, name in self.people
        ]

    def lead_select(self) -> Select[str]:
        return Select(
            self.lead_options(),
            value=self.default_lead if self.default_lead is not None else Select.NULL,
            allow_blank=self.default_lead is None,
            prompt="Choose the lead",
            id="declare-lead",
        )

    def known_shown(self) -> Content:
        shown = ", ".join(self.known_services[:SERVICES_SHOWN])
        more = len(self.known_services) > SERVICES_SHOWN
        return content(f"known: {shown}{', …' if more else ''}")

    def compose(self) -> ComposeResult:
        with self.box as box:
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
            yield self.known_line  # hidden when no service is known
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
        self.show_priority()  # from the boxes as they are now: a late change of an earlier opening is moot

    def show_priority(self) -> None:
        high = bool(self.ticked())
        if high != self.priority_label.has_class("-high"):  # unchanged: no relayout of the form
            self.priority_label.update(Content(HIGH_LABEL if high else NORMAL_LABEL))
            self.priority_label.set_class(high, "-high")

    def chosen_lead(self) -> str | None:
        value = self.lead.value
        return value if isinstance(value, str) else None

    def as_it_came(self, form: Form) -> tuple[object, ...]:
        """The form as it opens, in `now_says` terms: Esc closes it at once while nothing differs
        (from the form, not the widgets: a Select has no value before it is mounted)."""
        ticked = tuple(c for n, c in enumerate(self.criteria) if form.high and n == 0)
        return (
            form.title.strip(),
            form.service.strip(),
            form.impact.strip(),
            ticked,
            form.environment,
            self.default_lead,
        )

    def now_says(self) -> tuple[object, ...]:
        """What the form says now, in the terms `edited` compares."""
        return (
            self.title_input.value.strip(),
            self.services_input.value.strip(),
            self.impact.text.strip(),
            self.ticked(),
            self.environment.value,
            self.chosen_lead(),
        )

    def edited(self) -> bool:
        return self.now_says() != self.opened

    # -- kept (`views.kept`) --------------------------------------------------------------------

    def on_mount(self) -> None:
        keep_installed(self)

    def reopen(
        self,
        people: Sequence[tuple[str, str]],
        me: str | None,
        services: Sequence[str] = (),
        prefill: IncidentPrefill | None = None,
    ) -> None:
        """The kept form opened again, as a new one would open: every field back to `prefill` (or
        empty), the lead back to the default, the title focused, nothing of the last opening left."""
        team = (list(self.people), self.default_lead)
        self.set_people(people, me)
        if (list(self.people), self.default_lead) != team:
            self.lead.set_options(self.lead_options())  # the team changed since the last opening
        if self.default_lead is not None:
            self.lead.value = self.default_lead
        else:
            self.lead.clear()
        self.lead.expanded = False
        known = known_services(services)
        if known != self.known_services:
            self.known_services = self.suggester.services = known
            self.known_line.update(self.known_shown())
            self.known_line.display = bool(known)
        form = Form.of(prefill)
        set_input(self.title_input, form.title)
        set_input(self.services_input, form.service)
        self.environment.value = form.environment
        self.environment.expanded = False
        self.impact.load_text(text.sanitize(form.impact))  # the last draft and its undo history go
        self.impact.move_cursor((0, 0))
        for n, box in enumerate(self.boxes):
            box.value = form.high and n == 0
        self.show_priority()
        self.box.scroll_home(animate=False)
        self.opened = self.as_it_came(form)
        self.set_focus(None)  # as it shows, Textual focuses AUTO_FOCUS (the title), as for a new form

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
