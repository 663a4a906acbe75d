"""TicketFacts: a new version of a ticket is derived again only where what the rules read changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from duty_tui.models import Ticket
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.facts import TicketFacts
from duty_tui.rules.sla import acknowledge_deadline
from duty_tui.rules.triage import TriageRules, classify
from tests.factories import make_ticket

CAL = SupportCalendar(ZoneInfo("Europe/London"))
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
RULES = TriageRules()


def ticket(**changes: Any) -> Ticket:
    return make_ticket(NOW, **{"summary": "CCMS UAT is slow", **changes})


def test_each_version_gets_the_facts_a_fresh_derivation_gives() -> None:
    facts = TicketFacts(RULES, CAL, timedelta(hours=2))
    versions = [
        ticket(),
        ticket(status="In Progress", updated=NOW + timedelta(minutes=1)),  # nothing the rules read
        ticket(summary="CCMS PROD is down"),
        ticket(summary="CCMS PROD is down", priority="Highest"),
        ticket(summary="CCMS PROD is down", priority="Highest", labels=("cwa",)),
        ticket(summary="x", components=("mi-stage",)),
        ticket(summary="x", components=("mi-stage",), created=NOW - timedelta(days=3)),
    ]
    kept = None
    for version in versions:
        found = facts.of(version)
        assert found.ticket is version
        assert found.classification == classify(version, RULES)
        assert found.deadline == acknowledge_deadline(version.created, CAL, timedelta(hours=2))
        if kept is not None and version is versions[1]:
            assert found.classification is kept.classification  # not derived again
        kept = found
