"""A fixed, hand-built world for the report's golden files: two weeks ending Thursday 26 November 2026 10:30
in London (GMT, so UTC too), on the support calendar 08:00-18:00 Mon-Fri with England's bank holidays.

Tickets (team: ops-1, ops-2):
- LAA-90 (AWS Ops) raised before the period, resolved in it: counts as resolved, not raised.
- LAA-80 (AWS Ops) done before the period and untouched since: not in the report.
- LAA-101 (AWS Ops) raised Friday 20 November 17:00, a customer's comment at 17:30 (not an acknowledgement),
  assigned Monday 08:30 (in time: the deadline is Monday 09:00), done at 11:00: a weekend.
- LAA-102 (AWS Ops) reopened: done Tuesday, back In Progress Wednesday, done Thursday, then Closed Friday
  (between two Done statuses: still resolved Thursday).
- LM-201 (6DG Ops) raised Monday 23 November 09:00, first acknowledged by a team comment at 14:00: a breach.
- LM-202 (6DG Ops) raised Wednesday 25 November 17:00, not acknowledged by the end: a breach (the deadline
  was Thursday 09:00).

Incidents: a high-priority CCMS one (mitigated after 30 minutes, resolved after 60, postmortem owed) and a
normal MAAT one. One hourly check, CCMS PROD, down from 03:00 to 06:00 on Tuesday 24 November. Four happiness
asks: 👍 and 👎 in week 47; 👍, and one with only someone else's reaction, in week 48.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from duty_tui.models import IncidentEvent, IncidentEventKind, IncidentPriority, IncidentStatus
from duty_tui.reports.metrics import MetricsInputs, MetricsReport, compute
from duty_tui.rules.availability import HealthCheck, ProbeError, ProbeResult
from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.rules.flow_history import (
    AssigneeItem,
    CommentEntry,
    HistoryEntry,
    Period,
    Status,
    StatusItem,
    TicketHistory,
    report_period,
)
from duty_tui.rules.happiness import HappinessAsk
from duty_tui.rules.incidents import fold
from tests.conftest import MORNING

LONDON = ZoneInfo("Europe/London")
CALENDAR = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))
NOW = MORNING
PERIOD: Period = report_period(timedelta(days=14), None, NOW, LONDON)
TEAM = frozenset({"ops-1", "ops-2"})

TODO = Status("10000", "To Do", "new")
PROGRESS = Status("3", "In Progress", "indeterminate")
DONE = Status("10001", "Done", "done")
CLOSED = Status("6", "Closed", "done")

CCMS = HealthCheck("CCMS PROD", "CCMS", "PROD", "https://ccms.example/health", interval=3600, timeout=10)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in November 2026 (GMT: London's wall clock is UTC)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def move(when: datetime, old: Status, new: Status, by: str = "ops-1") -> HistoryEntry:
    return HistoryEntry(when, by, status=StatusItem(old, new))


def assign(when: datetime, to: str, by: str = "ops-1") -> HistoryEntry:
    return HistoryEntry(when, by, assignee=AssigneeItem(None, to))


def tickets() -> list[TicketHistory]:
    return [
        TicketHistory(
            "LAA-80",
            "AWS Ops",
            at(1, 10),
            DONE,
            (move(at(2, 10), TODO, DONE),),
        ),
        TicketHistory(
            "LAA-90",
            "AWS Ops",
            at(9, 10),
            DONE,
            (
                assign(at(9, 10, 15), "ops-2"),
                move(at(10, 9), TODO, PROGRESS),
                move(at(13, 15), PROGRESS, DONE),
            ),
        ),
        TicketHistory(
            "LAA-101",
            "AWS Ops",
            at(20, 17),
            DONE,
            (
                assign(at(23, 8, 30), "ops-1"),
                move(at(23, 9), TODO, PROGRESS),
                move(at(23, 11), PROGRESS, DONE),
            ),
            (CommentEntry(at(20, 17, 30), "customer-1"),),
        ),
        TicketHistory(
            "LAA-102",
            "AWS Ops",
            at(17, 9),
            CLOSED,
            (
                move(at(17, 9, 30), TODO, PROGRESS),
                move(at(17, 10, 30), PROGRESS, DONE),
                move(at(18, 14), DONE, PROGRESS, by="customer-1"),
                move(at(19, 10), PROGRESS, DONE),
                move(at(20, 9), DONE, CLOSED),
            ),
        ),
        TicketHistory(
            "LM-201",
            "6DG Ops",
            at(23, 9),
            PROGRESS,
            (move(at(24, 10), TODO, PROGRESS, by="ops-2"),),
            (CommentEntry(at(23, 10), "customer-2"), CommentEntry(at(23, 14), "ops-2")),
        ),
        TicketHistory("LM-202", "6DG Ops", at(25, 17), TODO),
    ]


def incidents() -> list[IncidentEvent]:
    high, normal = IncidentPriority.HIGH, IncidentPriority.NORMAL
    declared, updated, resolved = (
        IncidentEventKind.DECLARED,
        IncidentEventKind.UPDATED,
        IncidentEventKind.RESOLVED,
    )
    return [
        IncidentEvent(
            "inc-ccms", declared, at(17, 10), "U1", title="CCMS bills", priority=high, services=("CCMS",)
        ),
        IncidentEvent("inc-ccms", updated, at(17, 10, 30), "U1", status=IncidentStatus.MONITORING),
        IncidentEvent("inc-ccms", resolved, at(17, 11), "U1"),
        IncidentEvent(
            "inc-maat", declared, at(25, 14), "U2", title="MAAT slow", priority=normal, services=("MAAT",)
        ),
        IncidentEvent("inc-maat", resolved, at(25, 16), "U2"),
    ]


def probes() -> list[ProbeResult]:
    """Hourly from 27 October 00:00 to the end; down 03:00-05:00 on 24 November (three failures)."""
    found = []
    moment = datetime(2026, 10, 27, tzinfo=UTC)
    index = 0
    while moment < NOW:
        if at(24, 3) <= moment <= at(24, 5):
            found.append(
                ProbeResult(
                    CCMS.name,
                    moment,
                    ok=False,
                    status=503,
                    latency_ms=15,
                    error=ProbeError.STATUS,
                    reason="HTTP 503 (expected 200)",
                )
            )
        else:
            found.append(
                ProbeResult(CCMS.name, moment, ok=True, status=200, latency_ms=80 + (index * 37) % 300)
            )
        index += 1
        moment += timedelta(hours=1)
    return found


def asks() -> list[HappinessAsk]:
    def ask(ts: str, when: datetime, requester: str, *reactions: tuple[str, tuple[str, ...]]) -> HappinessAsk:
        return HappinessAsk(ts, f"{ts}-request", requester, when, tuple(reactions))

    return [
        ask("1.1", at(17, 12), "UREQ1", ("+1", ("UREQ1",))),
        ask("1.2", at(19, 11), "UREQ2", ("-1", ("UREQ2",)), ("+1", ("UOPS",))),
        ask("1.3", at(23, 12), "UREQ3", ("thumbsup::skin-tone-2", ("UREQ3",))),
        ask("1.4", at(24, 12), "UREQ4", ("+1", ("UOPS",))),
        ask("1.5", at(1, 12), "UREQ5", ("+1", ("UREQ5",))),  # before the period: not counted
    ]


def inputs() -> MetricsInputs:
    return MetricsInputs(
        tickets=tickets(),
        boards=["AWS Ops", "6DG Ops"],
        team=TEAM,
        incidents=fold(incidents()),
        exported=set(),
        checks=[CCMS],
        probes=probes(),
        asks=asks(),
    )


def report() -> MetricsReport:
    return compute(inputs(), PERIOD, CALENDAR)
