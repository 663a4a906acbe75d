"""Every figure for one period, from inputs the caller gathered: ticket flow per board and week, incidents,
availability per check, happiness. Pure: nothing here reads the store, the network or a clock.

`MetricsReport.to_json()` is the report's stable JSON (the README documents it):
`{"period": {"since", "until"}, "tickets": [...], "boards": {...}, "incidents": {...}, "availability": {...},
"happiness": {...}}`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from duty_tui.collector import collector_paused
from duty_tui.models import Incident
from duty_tui.rules.availability import CheckAvailability, HealthCheck, ProbeResult, check_availability
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.flow import TicketFlow, minutes, ticket_flows
from duty_tui.rules.flow_figures import BoardFigures, board_figures, boards_json
from duty_tui.rules.flow_history import Period, TicketHistory, iso
from duty_tui.rules.happiness import HappinessAsk, HappinessReport, happiness_report
from duty_tui.rules.incident_metrics import IncidentReport, incident_report


@dataclass(frozen=True, slots=True)
class MetricsInputs:
    """What the store (and the config) hold that the figures are worked out from."""

    tickets: Sequence[TicketHistory]
    boards: Sequence[str]  # the configured boards' names, in the config's order
    team: frozenset[str]  # Jira account ids whose comments acknowledge (the team, and the engineer)
    incidents: Sequence[Incident]
    exported: Collection[str]  # ids of incidents whose postmortem was exported
    checks: Sequence[HealthCheck]
    probes: Sequence[ProbeResult]
    asks: Sequence[HappinessAsk]
    status_names: dict[str, str] = field(default_factory=dict)  # status id → Jira's current name


@dataclass(frozen=True, slots=True)
class MetricsReport:
    period: Period
    calendar: SupportCalendar
    flows: tuple[TicketFlow, ...]
    boards: tuple[BoardFigures, ...]
    incidents: IncidentReport
    availability: tuple[CheckAvailability, ...]
    happiness: HappinessReport
    warnings: tuple[str, ...] = ()  # e.g. "Jira could not be read: figures are from the cache of 09:12"

    def to_json(self) -> dict[str, Any]:
        zone = self.calendar.zone
        return {
            "period": self.period.to_json(zone),
            "tickets": [flow.to_json() for flow in self.flows],
            "boards": boards_json(self.boards),
            "incidents": self.incidents.to_json(),
            "availability": {found.check.name: availability_json(found, self) for found in self.availability},
            "happiness": self.happiness.to_json(),
        }


def availability_json(found: CheckAvailability, report: MetricsReport) -> dict[str, Any]:
    zone = report.calendar.zone

    def share(value: float | None) -> float | None:
        return None if value is None else round(100 * value, 3)

    return {
        "service": found.check.service,
        "environment": found.check.environment,
        "windows": {
            window.label: {
                "since": iso(window.since, zone),
                "until": iso(window.until, zone),
                "uptime": {
                    "all_hours": share(window.uptime.all_hours),
                    "support_hours": share(window.uptime.support_hours),
                },
                "latency_ms": {"p50": window.p50_ms, "p95": window.p95_ms},
                "probes": window.probes,
                "failures": window.failures,
            }
            for window in found.windows
        },
        "outages": [
            {
                "start": iso(outage.start, zone),
                "end": iso(outage.end, zone) if outage.end is not None else None,
                "minutes": minutes(outage.duration),
                "failures": outage.failures,
                "reason": outage.reason,
            }
            for outage in found.outages
        ],
    }


def compute(
    inputs: MetricsInputs, period: Period, calendar: SupportCalendar, now: datetime | None = None
) -> MetricsReport:
    """Every figure for the period, as at its end, or as at `now` when the period ends later (`--until`
    today ends at midnight: what has not happened yet never counts, not even as time in a status)."""
    as_at = period.until if now is None else min(period.until, now)
    with collector_paused():  # see duty_tui.collector: a third of the time otherwise
        return _compute(inputs, period, calendar, as_at)


def _compute(
    inputs: MetricsInputs, period: Period, calendar: SupportCalendar, as_at: datetime
) -> MetricsReport:
    flows = ticket_flows(
        inputs.tickets, period, calendar, inputs.team, names=inputs.status_names, as_at=as_at
    )
    probes_by_check: dict[str, list[ProbeResult]] = {}
    for result in inputs.probes:
        probes_by_check.setdefault(result.check, []).append(result)
    return MetricsReport(
        period=period,
        calendar=calendar,
        flows=tuple(flows),
        boards=board_figures(flows, period, calendar.zone, inputs.boards),
        incidents=incident_report(inputs.incidents, period, calendar.zone, inputs.exported),
        availability=tuple(
            check_availability(check, probes_by_check.get(check.name, []), as_at, calendar)
            for check in inputs.checks
        ),
        happiness=happiness_report(inputs.asks, period, calendar.zone),
    )
