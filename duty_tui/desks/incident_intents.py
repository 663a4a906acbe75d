"""What the incident pane (and the app's incident keys) ask of the incident desk: one intent message.

Kept apart from the desk, like `desks.intents`, so a pane can post one without importing what the desk
works with (the store, the sources).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message


@dataclass(frozen=True, slots=True)
class LinkedTicket:
    """The ticket `i` links to an incident."""

    key: str
    summary: str


@dataclass(frozen=True, slots=True)
class PinnedMessage:
    """The #laa-ops message `p` pins into an incident's timeline (author: a name, already resolved)."""

    ts: str
    author: str
    text: str
    at: datetime


class IncidentIntent(Message):
    """The engineer pressed an incident key: the incident desk decides what it means.

    `incident_id` is the incident it acts on (the one selected in pane 3), or None when there is none
    (declaring needs none). `action` is one of: declare (I), update (U), lead (L), note (N), resolve (X),
    postmortem (P), open (Enter in pane 3), runbook (o in pane 3 and the incident view), snooze (z in
    pane 3), reopen (R in pane 3), case (c in the incident view), link (i in the tickets pane; `subject`
    is a LinkedTicket) and pin (p in the channel pane; `subject` is a PinnedMessage).
    """

    def __init__(
        self, action: str, incident_id: str | None, subject: LinkedTicket | PinnedMessage | None = None
    ) -> None:
        super().__init__()
        self.action = action
        self.incident_id = incident_id
        self.subject = subject
