"""Incident figures for the period, from the incidents as #laa-ops records them (rules.incidents.fold)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from duty_tui.models import Incident, IncidentEvent, IncidentEventKind, IncidentPriority, IncidentStatus
from duty_tui.rules.flow_history import Period
from duty_tui.rules.incident_metrics import incident_report, incident_times
from duty_tui.rules.incidents import fold

LONDON = ZoneInfo("Europe/London")
HIGH, NORMAL = IncidentPriority.HIGH, IncidentPriority.NORMAL
# Weeks 47 and 48 of 2026 (Monday 16 to Sunday 29 November; GMT, so UTC).
PERIOD = Period(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def declared(incident_id: str, when: datetime, priority: IncidentPriority, *services: str) -> IncidentEvent:
    return IncidentEvent(
        incident_id,
        IncidentEventKind.DECLARED,
        when,
        "U1",
        title=incident_id,
        priority=priority,
        services=services,
    )


def updated(
    incident_id: str, when: datetime, status: IncidentStatus, priority: IncidentPriority | None = None
) -> IncidentEvent:
    return IncidentEvent(incident_id, IncidentEventKind.UPDATED, when, "U1", status=status, priority=priority)


def event(incident_id: str, kind: IncidentEventKind, when: datetime) -> IncidentEvent:
    return IncidentEvent(incident_id, kind, when, "U1")


def incidents() -> list[Incident]:
    resolved, reopened = IncidentEventKind.RESOLVED, IncidentEventKind.REOPENED
    return fold(
        [
            # A: high, MAAT, week 47. Monitoring after 30 minutes, resolved after 60.
            declared("A", at(17, 10), HIGH, "MAAT"),
            updated("A", at(17, 10, 30), IncidentStatus.MONITORING),
            event("A", resolved, at(17, 11)),
            # B: normal, no service, week 47. Resolved after 120 minutes without a monitoring update.
            declared("B", at(18, 10), NORMAL),
            event("B", resolved, at(18, 12)),
            # C: normal then raised to high, MAAT and CCMS, week 48; identified (not mitigated) and still open
            # at the end: its resolution comes after the period.
            declared("C", at(24, 9), NORMAL, "MAAT", "CCMS"),
            updated("C", at(24, 9, 20), IncidentStatus.IDENTIFIED, HIGH),
            event("C", resolved, at(30, 9)),
            # D: high, declared before the period, resolved in it; its postmortem was never exported.
            declared("D", at(10, 9), HIGH, "CCMS"),
            event("D", resolved, at(16, 9)),
            # E: high, CCMS, week 48: resolved after 30 minutes, reopened, resolved for good after 240.
            declared("E", at(25, 8), HIGH, "CCMS"),
            event("E", resolved, at(25, 8, 30)),
            event("E", reopened, at(25, 9)),
            event("E", resolved, at(25, 12)),
            # F: declared after the period: not there at all.
            declared("F", at(30, 9), HIGH, "MAAT"),
        ]
    )


def test_times_as_at_the_end() -> None:
    found = {i.id: i for i in incidents()}
    c = incident_times(found["C"], PERIOD.until)
    assert c is not None
    assert (c.priority, c.mitigated, c.resolved) == (HIGH, None, None)
    e = incident_times(found["E"], PERIOD.until)
    assert e is not None
    assert (e.time_to_mitigate, e.time_to_resolve) == (timedelta(minutes=30), timedelta(minutes=240))
    assert incident_times(found["F"], PERIOD.until) is None


def test_the_period_report() -> None:
    report = incident_report(incidents(), PERIOD, LONDON, exported={"A"})
    assert report.to_json() == {
        "total": {
            "count": 4,  # A, B, C, E
            "high_priority": 3,  # A, C (raised), E
            # A 30, B 120, E 30 (its first resolution).
            "time_to_mitigate": {"count": 3, "median_minutes": 30.0, "mean_minutes": 60.0},
            # A 60, B 120, E 240.
            "time_to_resolve": {"count": 3, "median_minutes": 120.0, "mean_minutes": 140.0},
        },
        "services": {
            "(none)": {
                "count": 1,
                "high_priority": 0,
                "time_to_mitigate": {"count": 1, "median_minutes": 120.0, "mean_minutes": 120.0},
                "time_to_resolve": {"count": 1, "median_minutes": 120.0, "mean_minutes": 120.0},
            },
            "CCMS": {
                "count": 2,  # C, E
                "high_priority": 2,
                "time_to_mitigate": {"count": 1, "median_minutes": 30.0, "mean_minutes": 30.0},
                "time_to_resolve": {"count": 1, "median_minutes": 240.0, "mean_minutes": 240.0},
            },
            "MAAT": {
                "count": 2,  # A, C
                "high_priority": 2,
                "time_to_mitigate": {"count": 1, "median_minutes": 30.0, "mean_minutes": 30.0},
                "time_to_resolve": {"count": 1, "median_minutes": 60.0, "mean_minutes": 60.0},
            },
        },
        "weeks": {
            "2026-W47": {
                "count": 2,
                "high_priority": 1,
                "time_to_mitigate": {"count": 2, "median_minutes": 75.0, "mean_minutes": 75.0},
                "time_to_resolve": {"count": 2, "median_minutes": 90.0, "mean_minutes": 90.0},
            },
            "2026-W48": {
                "count": 2,
                "high_priority": 2,
                "time_to_mitigate": {"count": 1, "median_minutes": 30.0, "mean_minutes": 30.0},
                "time_to_resolve": {"count": 1, "median_minutes": 240.0, "mean_minutes": 240.0},
            },
        },
        # D (before the period, still owed) and E; A was exported, C is open at the end, B is normal.
        "postmortems_owed": {"count": 2, "ids": ["D", "E"]},
    }


def test_an_empty_period_has_every_week_and_nulls() -> None:
    report = incident_report([], PERIOD, LONDON, exported=set()).to_json()
    assert list(report["weeks"]) == ["2026-W47", "2026-W48"]
    assert report["total"]["time_to_resolve"] == {"count": 0, "median_minutes": None, "mean_minutes": None}
    assert report["services"] == {} and report["postmortems_owed"] == {"count": 0, "ids": []}
