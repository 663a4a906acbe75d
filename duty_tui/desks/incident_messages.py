"""The messages the incident desk posts to itself from its worker threads (incidents read, a postmortem
read or exported, a post the store could not take)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.message import Message

from duty_tui.models import Incident
from duty_tui.rules.channel_actions import Board
from duty_tui.rules.postmortem import Improvement


class IncidentsLoaded(Message):
    def __init__(self, incidents: list[Incident], snoozes: dict[str, datetime], exported: set[str]) -> None:
        super().__init__()
        self.incidents = incidents
        self.snoozes = snoozes
        self.exported = exported


class IncidentsChanged(Message):
    """The store's incident events changed off the UI thread: read them again."""


class PostmortemLoaded(Message):
    def __init__(
        self,
        incident_id: str,
        improvements: list[Improvement],
        *,
        open_screen: bool = True,
        owners: list[tuple[str, str]] | None = None,
        boards: list[Board] | None = None,
        exported_to: str | None = None,
    ) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.improvements = improvements
        self.open_screen = open_screen
        self.owners = owners or []
        self.boards = boards or []
        self.exported_to = exported_to


class PostmortemExported(Message):
    def __init__(
        self,
        incident_id: str,
        path: Path | None,
        error: str | None,
        improvements: list[Improvement] | None = None,
    ) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.path = path
        self.error = error
        self.improvements = improvements or []


class OwnersFound(Message):
    """Teammates Jira told us of after the postmortem opened: who can own an improvement now."""

    def __init__(self, incident_id: str, owners: list[tuple[str, str]]) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.owners = owners


class AlreadyRaised(Exception):
    """Raised inside the transaction that would queue a second creation for the same improvement."""


class IncidentNotStored(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
