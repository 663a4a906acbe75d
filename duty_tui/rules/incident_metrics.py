"""Incident figures for the period: how many, how many high priority, how long to mitigate and to resolve,
per service and per ISO week, and the postmortems still owed.

Definitions:
- **As at the end**: each incident is folded again from its events before the period's end
  (:func:`duty_tui.rules.incidents.fold`), so later updates, resolutions and reopenings are ignored.
- **In the period**: declared in it. An incident counts in each of its services (in "(none)" with none), and
  in the ISO week (support time zone) it was declared in.
- **Mitigated**: its first update with status "monitoring", or its first resolution, whichever came first.
  **Resolved**: its final resolution, if it is resolved at the end. Times are calendar minutes from the
  declaration (incidents do not keep support hours); median and mean over those mitigated / resolved.
- **Postmortems owed**: every incident declared before the end (in the period or not: the debt does not
  lapse) that is resolved and of high priority at the end, and whose postmortem was never exported.

Pure: the period, the zone and the exported ids are given.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from duty_tui.models import Incident, IncidentEventKind, IncidentPriority, IncidentStatus
from duty_tui.rules.flow import minutes
from duty_tui.rules.flow_figures import Summary, iso_week, period_weeks, summarize
from duty_tui.rules.flow_history import Period
from duty_tui.rules.incidents import fold, postmortem_owed

NO_SERVICE: Final = "(none)"


@dataclass(frozen=True, slots=True)
class IncidentTimes:
    """One incident as at the end of the period. Instants are UTC."""

    id: str
    priority: IncidentPriority
    services: tuple[str, ...]
    declared: datetime
    mitigated: datetime | None
    resolved: datetime | None
    title: str = ""

    @property
    def time_to_mitigate(self) -> timedelta | None:
        return None if self.mitigated is None else self.mitigated - self.declared

    @property
    def time_to_resolve(self) -> timedelta | None:
        return None if self.resolved is None else self.resolved - self.declared


def incident_times(incident: Incident, end: datetime) -> IncidentTimes | None:
    """The incident as its events before `end` add up, or None if it had not been declared by then."""
    folded = fold(event for event in incident.events if event.at < end)
    if not folded:
        return None
    found = folded[0]
    mitigations = (
        event.at
        for event in found.events
        if event.kind is IncidentEventKind.RESOLVED
        or (event.kind is IncidentEventKind.UPDATED and event.status is IncidentStatus.MONITORING)
    )
    return IncidentTimes(
        id=found.id,
        priority=found.priority,
        services=found.services,
        declared=found.declared_at,
        title=found.title,
        mitigated=min(mitigations, default=None),
        resolved=found.resolved_at,
    )


def _summary_json(summary: Summary) -> dict[str, Any]:
    return {
        "count": summary.count,
        "median_minutes": None if summary.median is None else minutes(summary.median),
        "mean_minutes": None if summary.mean is None else minutes(summary.mean),
    }


@dataclass(frozen=True, slots=True)
class IncidentFigures:
    """Incidents declared in one bucket (the period, a service, a week)."""

    count: int
    high_priority: int
    time_to_mitigate: Summary
    time_to_resolve: Summary

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "high_priority": self.high_priority,
            "time_to_mitigate": _summary_json(self.time_to_mitigate),
            "time_to_resolve": _summary_json(self.time_to_resolve),
        }


def incident_figures(found: Sequence[IncidentTimes]) -> IncidentFigures:
    return IncidentFigures(
        count=len(found),
        high_priority=sum(i.priority is IncidentPriority.HIGH for i in found),
        time_to_mitigate=summarize([t for i in found if (t := i.time_to_mitigate) is not None]),
        time_to_resolve=summarize([t for i in found if (t := i.time_to_resolve) is not None]),
    )


@dataclass(frozen=True, slots=True)
class IncidentReport:
    """The period's incident figures: in all, per service (by name), per ISO week (every week the period
    touches, oldest first), and the ids of the postmortems owed (oldest declared first) with their titles."""

    total: IncidentFigures
    services: tuple[tuple[str, IncidentFigures], ...]
    weeks: tuple[tuple[str, IncidentFigures], ...]
    postmortems_owed: tuple[str, ...]
    owed_titles: tuple[str, ...] = ()  # the title of each postmortem owed, in the same order

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total.to_json(),
            "services": {service: figures.to_json() for service, figures in self.services},
            "weeks": {week: figures.to_json() for week, figures in self.weeks},
            "postmortems_owed": {"count": len(self.postmortems_owed), "ids": list(self.postmortems_owed)},
        }


def incident_report(
    incidents: Iterable[Incident], period: Period, zone: ZoneInfo, exported: Collection[str]
) -> IncidentReport:
    every = [t for incident in incidents if (t := incident_times(incident, period.until)) is not None]
    every.sort(key=lambda t: (t.declared, t.id))
    declared = [t for t in every if t.declared in period]
    by_service: dict[str, list[IncidentTimes]] = {}
    by_week: dict[str, list[IncidentTimes]] = {week: [] for week in period_weeks(period, zone)}
    for found in declared:
        for service in found.services or (NO_SERVICE,):
            by_service.setdefault(service, []).append(found)
        by_week.setdefault(iso_week(found.declared, zone), []).append(found)
    owing = [t for t in every if postmortem_owed(t.priority, t.resolved is not None, t.id in exported)]
    owed = tuple(t.id for t in owing)
    return IncidentReport(
        total=incident_figures(declared),
        services=tuple((service, incident_figures(by_service[service])) for service in sorted(by_service)),
        weeks=tuple((week, incident_figures(found)) for week, found in by_week.items()),
        postmortems_owed=owed,
        owed_titles=tuple(t.title for t in owing),
    )
