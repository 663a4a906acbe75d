"""The dialogs the incident desk opens, built here so the desk never imports a view.

The ones an incident desk opens again and again (declare, update, lead, note, resolve, reopen) are kept
and opened again, reset (`views.kept`): a new declare form cost the dashboard 200-400 ms of UI time
(compose, styling some 75 widgets, laying them out) and removing it on close another layout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import App
from textual.screen import Screen

from duty_tui.models import Incident
from duty_tui.rules.availability import IncidentPrefill
from duty_tui.rules.postmortem import Improvement
from duty_tui.rules.triage import DEFAULT_SERVICES
from duty_tui.views.kept import KeptDialogs, prepare


class IncidentDialogs:
    def __init__(self, now: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.now = now
        self.zone = zone
        self.kept = KeptDialogs()

    def declare(
        self, people: Sequence[tuple[str, str]], me: str | None, prefill: IncidentPrefill | None = None
    ) -> Screen[Any]:
        from duty_tui.views.declare_incident import DeclareScreen

        services = [rule.name for rule in DEFAULT_SERVICES]
        return self.kept.get(
            DeclareScreen,
            lambda: DeclareScreen(people, me, services=services, prefill=prefill),
            lambda screen: screen.reopen(people, me, services=services, prefill=prefill),
            lambda screen: screen.fits(people, me),
        )

    def prepare_declare(self, app: App[Any], people: Sequence[tuple[str, str]], me: str | None) -> bool:
        """Make the declare form ahead, composed and styled but not shown (`kept.prepare`): the first
        `I` of the day, in the middle of an outage, opens it as fast as the later ones."""
        return prepare(app, self.declare(people, me))

    def update(self, incident: Incident) -> Screen[Any]:
        from duty_tui.views.incident_update import UpdateScreen

        return self.kept.get(
            UpdateScreen,
            lambda: UpdateScreen(incident.title, incident.status),
            lambda screen: screen.reopen(incident.title, incident.status),
        )

    def lead(self, people: Sequence[tuple[str, str]], current: str | None) -> Screen[Any]:
        from duty_tui.views.incident_update import LeadScreen

        return self.kept.get(
            LeadScreen, lambda: LeadScreen(people, current), lambda screen: screen.reopen(people, current)
        )

    def note(self, incident: Incident) -> Screen[Any]:
        from duty_tui.views.incident_update import NoteScreen

        return self.kept.get(
            NoteScreen, lambda: NoteScreen(incident.title), lambda screen: screen.reopen(incident.title)
        )

    def resolve(self, incident: Incident) -> Screen[Any]:
        from duty_tui.views.incident_update import ResolveScreen

        return self.kept.get(
            ResolveScreen, lambda: ResolveScreen(incident.title), lambda screen: screen.reopen(incident.title)
        )

    def detail(
        self,
        incident: Incident,
        names: Mapping[str, str],
        *,
        reminder: tuple[datetime | None, bool] | None,
        runbooks: Sequence[str],
        on_case: Callable[[], None],
        on_runbook: Callable[[], None],
    ) -> Screen[Any]:
        from duty_tui.views.incident import IncidentScreen

        return IncidentScreen(
            incident,
            names,
            self.now,
            self.zone,
            reminder=reminder,
            runbooks=runbooks,
            on_case=on_case,
            on_runbook=on_runbook,
        )

    def choose(self, incidents: Sequence[Incident], selected: str | None, purpose: str) -> Screen[Any]:
        from duty_tui.views.incident_choice import ChoiceScreen, incident_row

        return ChoiceScreen([(i.id, incident_row(i)) for i in incidents], selected, purpose)

    def runbook(self, links: Sequence[tuple[str, str]]) -> Screen[Any]:
        from duty_tui.views.incident_choice import ChoiceScreen, runbook_row

        return ChoiceScreen(
            [(url, runbook_row(service, url)) for service, url in links], None, "Open a runbook"
        )

    def case(self, incident: Incident) -> Screen[Any]:
        from duty_tui.views.incident_choice import CaseScreen

        return CaseScreen(incident.title)

    def reopen(self, incident: Incident) -> Screen[Any]:
        from duty_tui.views.incident_update import ReopenScreen

        return self.kept.get(
            ReopenScreen, lambda: ReopenScreen(incident.title), lambda screen: screen.reopen(incident.title)
        )

    def postmortem(
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
        exported_to: str | None,
    ) -> Screen[Any]:
        from duty_tui.views.postmortem import PostmortemScreen

        return PostmortemScreen(
            incident,
            improvements,
            render=render,
            people=people,
            boards=boards,
            on_change=on_change,
            on_export=on_export,
            on_raise=on_raise,
            exported_to=exported_to,
        )
