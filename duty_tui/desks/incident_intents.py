"""What the incident pane (and the app's incident keys) ask of the incident desk: one intent message.

Kept apart from the desk, like `desks.intents`, so a pane can post one without importing what the desk
works with (the store, the sources).
"""

from __future__ import annotations

from typing import Final

from textual.message import Message

# What an IncidentIntent can ask for, with the key that asks it by default.
INCIDENT_ACTIONS: Final = frozenset(
    {
        "declare",  # I
        "update",  # U
        "lead",  # L
        "note",  # N
        "resolve",  # X
        "postmortem",  # P
        "open",  # Enter in pane 3
        "runbook",  # o in pane 3
        "snooze",  # z in pane 3
    }
)


class IncidentIntent(Message):
    """The engineer pressed an incident key: the incident desk decides what it means.

    `incident_id` is the incident it acts on (the one selected in pane 3), or None when there is none
    (declaring needs none).
    """

    def __init__(self, action: str, incident_id: str | None) -> None:
        super().__init__()
        self.action = action
        self.incident_id = incident_id
