"""Which tickets wait for the duty engineer, and in what order.

Pure rules over `Ticket`: no I/O, no clock (functions that need the time take `now`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from duty_tui.models import Ticket

# Jira's default priority scheme → severity (1 is the most severe). Unknown names sort last.
DEFAULT_SEVERITY: Mapping[str, int] = {
    "highest": 1,
    "blocker": 1,
    "high": 2,
    "critical": 2,
    "medium": 3,
    "low": 4,
    "lowest": 4,
    "minor": 4,
    "trivial": 4,
}
UNKNOWN_SEVERITY = 5


def awaiting_triage(ticket: Ticket) -> bool:
    """A ticket is on the duty engineer's list while nobody owns it and it is not done."""
    return ticket.is_unassigned and not ticket.is_done


def severity(ticket: Ticket, mapping: Mapping[str, int] = DEFAULT_SEVERITY) -> int:
    return mapping.get(ticket.priority.strip().lower(), UNKNOWN_SEVERITY)


def triage_order(tickets: Iterable[Ticket]) -> list[Ticket]:
    """Most severe first, then the longest waiting, then by key for a stable order."""
    return sorted(tickets, key=triage_key)


def triage_key(ticket: Ticket) -> tuple[int, datetime, str]:
    return severity(ticket), ticket.created, ticket.key
