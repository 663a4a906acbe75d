"""The dialogs the incident desk opens, built here so the desk never imports a view."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.screen import Screen

from duty_tui.models import Incident
from duty_tui.rules.triage import DEFAULT_SERVICES


class IncidentDialogs:
    def __init__(self, now: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.now = now
        self.zone = zone

    def declare(self, people: Sequence[tuple[str, str]], me: str | None) -> Screen[Any]:
        from duty_tui.views.declare_incident import DeclareScreen

        return DeclareScreen(people, me, services=[rule.name for rule in DEFAULT_SERVICES])

    def update(self, incident: Incident) -> Screen[Any]:
        from duty_tui.views.incident_update import UpdateScreen

        return UpdateScreen(incident.title, incident.status)

    def lead(self, people: Sequence[tuple[str, str]], current: str | None) -> Screen[Any]:
        from duty_tui.views.incident_update import LeadScreen

        return LeadScreen(people, current)

    def note(self, incident: Incident) -> Screen[Any]:
        from duty_tui.views.incident_update import NoteScreen

        return NoteScreen(incident.title)

    def resolve(self, incident: Incident) -> Screen[Any]:
        from duty_tui.views.incident_update import ResolveScreen

        return ResolveScreen(incident.title)

    def detail(self, incident: Incident, names: Mapping[str, str]) -> Screen[Any]:
        from duty_tui.views.incident import IncidentScreen

        return IncidentScreen(incident, names, self.now, self.zone)
