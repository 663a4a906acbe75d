"""What the incident desk needs of the widgets it drives: the pane, the dialogs, and the two screens it
keeps live while they are open (the incident view, the postmortem). Protocols, so the desk never
imports a view."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from textual.screen import Screen

from duty_tui.models import Incident
from duty_tui.rules.availability import IncidentPrefill
from duty_tui.rules.postmortem import Improvement


class IncidentView(Protocol):
    """What the desk needs of the incident pane (`widgets.incident.IncidentPane`)."""

    @property
    def selected_id(self) -> str | None: ...

    def show(
        self,
        incidents: Sequence[Incident],
        reminders: Mapping[str, tuple[datetime | None, bool]],
        names: Mapping[str, str],
        now: datetime,
        postmortem_owed: set[str] | None = None,
    ) -> None: ...


class IncidentDialogs(Protocol):
    """The dialogs the desk opens (`views.incident_dialogs.IncidentDialogs`)."""

    def declare(
        self, people: Sequence[tuple[str, str]], me: str | None, prefill: IncidentPrefill | None = None
    ) -> Screen[Any]: ...

    def prepare_declare(self, app: Any, people: Sequence[tuple[str, str]], me: str | None) -> bool: ...

    def update(self, incident: Incident) -> Screen[Any]: ...

    def lead(self, people: Sequence[tuple[str, str]], current: str | None) -> Screen[Any]: ...

    def note(self, incident: Incident) -> Screen[Any]: ...

    def resolve(self, incident: Incident) -> Screen[Any]: ...

    def detail(
        self,
        incident: Incident,
        names: Mapping[str, str],
        *,
        reminder: tuple[datetime | None, bool] | None,
        runbooks: Sequence[str],
        on_case: Callable[[], None],
        on_runbook: Callable[[], None],
    ) -> Screen[Any]: ...

    def choose(self, incidents: Sequence[Incident], selected: str | None, purpose: str) -> Screen[Any]: ...

    def runbook(self, links: Sequence[tuple[str, str]]) -> Screen[Any]: ...

    def case(self, incident: Incident) -> Screen[Any]: ...

    def reopen(self, incident: Incident) -> Screen[Any]: ...

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
    ) -> Screen[Any]: ...


@runtime_checkable
class LiveIncidentView(Protocol):
    """An open incident view that repaints when its incident moves on (`views.incident.IncidentScreen`)."""

    incident: Incident

    @property
    def is_attached(self) -> bool: ...

    def show(
        self, incident: Incident, names: Mapping[str, str], reminder: tuple[datetime | None, bool]
    ) -> None: ...


@runtime_checkable
class LivePostmortem(Protocol):
    """An open postmortem that shows a raised ticket's key as it arrives (`views.postmortem`)."""

    people: Sequence[tuple[str, str]]  # who can own an improvement (the form's choices)

    @property
    def is_attached(self) -> bool: ...

    def show(self, improvements: Sequence[Improvement], exported_to: str | None = None) -> None: ...
