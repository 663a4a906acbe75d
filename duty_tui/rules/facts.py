"""What the tickets pane derives once per version of a ticket: its classification and deadline.

Pure and memoised by ticket key and identity. Deriving 5,000 tickets costs ~150 ms, so the app
primes it in the worker that reads the cache; the UI thread then only looks results up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from duty_tui.models import Ticket
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.sla import acknowledge_deadline
from duty_tui.rules.triage import Classification, TriageRules, classify


@dataclass(frozen=True, slots=True)
class Facts:
    ticket: Ticket
    classification: Classification
    deadline: datetime


class TicketFacts:
    """Memo of `Facts` per ticket. Prime it from one thread before another reads it."""

    def __init__(self, rules: TriageRules, calendar: SupportCalendar, within: timedelta) -> None:
        self.rules = rules
        self.calendar = calendar
        self.within = within
        self._known: dict[str, Facts] = {}

    def of(self, ticket: Ticket) -> Facts:
        known = self._known.get(ticket.key)
        if known is None or known.ticket is not ticket:
            # A new version of a ticket keeps what its changes leave alone: a poll's edit is mostly a
            # status, an assignee or a comment, and rarely the text or the priority the rules read.
            old = known.ticket if known is not None else None
            found = (
                known.classification
                if known is not None and old is not None and _same_reading(old, ticket)
                else classify(ticket, self.rules)
            )
            deadline = (
                known.deadline
                if known is not None and old is not None and old.created == ticket.created
                else acknowledge_deadline(ticket.created, self.calendar, self.within)
            )
            known = Facts(ticket, found, deadline)
            self._known[ticket.key] = known
        return known

    def prime(self, tickets: Iterable[Ticket]) -> None:
        for ticket in tickets:
            self.of(ticket)

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._known.pop(key, None)


def _same_reading(old: Ticket, new: Ticket) -> bool:
    """Whether `classify` reads the same in both versions (see rules.triage)."""
    return (old.priority, old.labels, old.components, old.summary) == (
        new.priority,
        new.labels,
        new.components,
        new.summary,
    )
