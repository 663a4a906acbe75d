"""The report as Markdown, for a weekly email: the period, the ticket figures per board and per week, the
tickets acknowledged late, incidents, availability per check and happiness per week.

Durations read as the screens show them (:func:`duty_tui.text.duration`, the "span" form: "45m", "1h 05m",
"1d 3h"); ticket times are in support hours. Every string that came from outside (ticket keys, board,
service and check names, probe reasons, warnings) goes through :func:`md_inline`, so it cannot add a
table column, a line, a heading or a link.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from duty_tui import text
from duty_tui.reports.metrics import MetricsReport
from duty_tui.rules.availability import CheckAvailability
from duty_tui.rules.flow_figures import FlowFigures
from duty_tui.rules.happiness import HappinessFigures
from duty_tui.rules.incident_metrics import IncidentFigures
from duty_tui.rules.postmortem import md_inline

NONE: Final = "—"
LATE_LIMIT: Final = 30  # tickets acknowledged late listed by key; the rest are counted
OUTAGE_LIMIT: Final = 20  # outages listed (newest first); the rest are counted
_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def report_markdown(report: MetricsReport) -> str:
    """The whole report, ending in one newline."""
    zone = report.calendar.zone
    parts = [
        _heading(report, zone),
        _boards(report),
        _weeks(report),
        _late(report, zone),
        _incidents(report),
        _availability(report, zone),
        _happiness(report),
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


# -- cells ------------------------------------------------------------------------------------------


def span(delta: timedelta | None) -> str:
    """A duration as the screens show support time ("1h 05m"), or a dash when unknown."""
    return NONE if delta is None else text.duration(delta, "span")


def percent(share: float | None, places: int = 1) -> str:
    """A share (0-1) as a percentage: "16.7%", "100%"; a dash when unknown."""
    if share is None:
        return NONE
    if share == 1:
        return "100%"
    return f"{100 * share:.{places}f}%"


def when(moment: datetime, zone: ZoneInfo) -> str:
    """A moment in the support zone, with its date: "Fri 27 Nov 2026 17:00"."""
    local = moment.astimezone(zone)
    return f"{_DAYS[local.weekday()]} {local.day} {local:%b %Y %H:%M}"


def week_label(week: str) -> str:
    """ "2026-W48" → "2026-W48 (from Mon 23 Nov)"."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return f"{week} (from Mon {monday.day} {monday:%b})"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A Markdown table. `align` has an "l" or "r" per column (default: the first left, figures right).
    Cells are already escaped."""
    align = align or "l" + "r" * (len(header) - 1)
    lines = [_row(header), _row(["---" if side == "l" else "--:" for side in align])]
    lines.extend(_row(row) for row in rows)
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


# -- sections ---------------------------------------------------------------------------------------


def _heading(report: MetricsReport, zone: ZoneInfo) -> str:
    calendar = report.calendar
    days = sorted(calendar.days)
    working_days = (
        f"{_DAYS[days[0]]}-{_DAYS[days[-1]]}"
        if days == list(range(days[0], days[-1] + 1))
        else ", ".join(_DAYS[day] for day in days)
    )
    lines = [
        "# Support report",
        "",
        f"From {when(report.period.since, zone)} to {when(report.period.until, zone)} ({zone.key}).",
        "",
        f"Ticket times count support hours only ({calendar.opens:%H:%M}-{calendar.closes:%H:%M} "
        f'{working_days}, bank holidays excluded), so "1d 3h" is 27 support hours; incident times are in '
        "calendar time.",
    ]
    if report.warnings:
        lines.append("")
        lines.append("\n>\n".join(f"> **Warning:** {md_inline(warning)}" for warning in report.warnings))
    return "\n".join(lines)


def _flow_cells(figures: FlowFigures) -> list[str]:
    acknowledge, resolution = figures.time_to_acknowledge.working, figures.time_to_resolution.working
    return [
        str(figures.raised),
        str(figures.resolved),
        span(acknowledge.median),
        span(acknowledge.p90),
        span(resolution.median),
        span(resolution.p90),
        str(figures.acknowledge_breaches),
        percent(figures.breach_rate),
    ]


_FLOW_HEADER: Final = (
    "Raised",
    "Resolved",
    "Acknowledge median",
    "Acknowledge p90",
    "Resolution median",
    "Resolution p90",
    "Late acknowledgements",
    "Late rate",
)


def _boards(report: MetricsReport) -> str:
    rows = [[md_inline(board.board), *_flow_cells(board.total)] for board in report.boards]
    return "\n".join(
        [
            "## Tickets",
            "",
            "Raised in the period (time to acknowledge, late acknowledgements: 2 support hours after "
            "creation) and resolved in it (time to resolution).",
            "",
            table(("Board", *_FLOW_HEADER), rows),
        ]
    )


def _weeks(report: MetricsReport) -> str:
    """Every week the period touches, each board's figures together (every board has the same weeks)."""
    found = [(week, board.board, figures) for board in report.boards for week, figures in board.weeks]
    found.sort(key=lambda row: row[0])  # stable: the boards stay in the config's order within a week
    if not found:
        return ""
    rows = [[week_label(week), md_inline(board), *_flow_cells(figures)] for week, board, figures in found]
    return "\n".join(["### Per week", "", table(("Week", "Board", *_FLOW_HEADER), rows, "ll" + "r" * 8)])


def _late(report: MetricsReport, zone: ZoneInfo) -> str:
    late = [flow for flow in report.flows if flow.acknowledge_breached and flow.created in report.period]
    if not late:
        return ""
    rows = [
        [
            md_inline(flow.key),
            md_inline(flow.board),
            when(flow.created, zone),
            when(flow.acknowledged, zone) if flow.acknowledged else "not yet",
            span(flow.time_to_acknowledge.working if flow.time_to_acknowledge else None),
        ]
        for flow in late[:LATE_LIMIT]
    ]
    lines = [
        "### Acknowledged late",
        "",
        table(("Ticket", "Board", "Raised", "Acknowledged", "Time to acknowledge"), rows, "llllr"),
    ]
    if len(late) > LATE_LIMIT:
        lines += ["", f"And {len(late) - LATE_LIMIT} more (every ticket is in the CSV and JSON forms)."]
    return "\n".join(lines)


def _incident_cells(figures: IncidentFigures) -> list[str]:
    return [
        str(figures.count),
        str(figures.high_priority),
        span(figures.time_to_mitigate.median),
        span(figures.time_to_mitigate.mean),
        span(figures.time_to_resolve.median),
        span(figures.time_to_resolve.mean),
    ]


_INCIDENT_HEADER: Final = (
    "Incidents",
    "High priority",
    "Mitigate median",
    "Mitigate mean",
    "Resolve median",
    "Resolve mean",
)


def _incidents(report: MetricsReport) -> str:
    incidents = report.incidents
    owed = incidents.postmortems_owed
    lines = [
        "## Incidents",
        "",
        "Declared in the period; times from the declaration to the first mitigation and to the resolution.",
        "",
        table(("", *_INCIDENT_HEADER), [["All services", *_incident_cells(incidents.total)]]),
    ]
    if incidents.services:
        rows = [[md_inline(service), *_incident_cells(figures)] for service, figures in incidents.services]
        lines += ["", "### Per service", "", table(("Service", *_INCIDENT_HEADER), rows)]
    if incidents.weeks:
        rows = [[week_label(week), *_incident_cells(figures)] for week, figures in incidents.weeks]
        lines += ["", "### Per week", "", table(("Week", *_INCIDENT_HEADER), rows)]
    lines += ["", f"Postmortems owed (high priority, resolved, never exported): {len(owed)}."]
    titles = incidents.owed_titles or ("",) * len(owed)
    lines.extend(
        f"- {md_inline(title)} ({md_inline(incident_id)})" if title else f"- {md_inline(incident_id)}"
        for incident_id, title in zip(owed, titles, strict=True)
    )
    return "\n".join(lines)


def _availability(report: MetricsReport, zone: ZoneInfo) -> str:
    if not report.availability:
        return "## Availability\n\nNo health checks are configured (`[[availability.checks]]`)."
    rows = [_check_cells(found) for found in report.availability]
    lines = [
        "## Availability",
        "",
        "Uptime is the share of observed time a check was up, up to the end of the period; latency is over "
        "the successful probes of the last 30 days.",
        "",
        table(
            (
                "Check",
                "Service",
                "Environment",
                "Today",
                "7 days",
                "30 days",
                "30 days, support hours",
                "p50",
                "p95",
                "Outages",
            ),
            rows,
            "lll" + "r" * 7,
        ),
    ]
    outages = sorted(
        ((found, outage) for found in report.availability for outage in found.outages),
        key=lambda pair: pair[1].start,
        reverse=True,
    )
    if outages:
        rows = [
            [
                md_inline(found.check.name),
                when(outage.start, zone),
                when(outage.end, zone) if outage.end is not None else "ongoing",
                span(outage.duration),
                str(outage.failures),
                md_inline(outage.reason) if outage.reason else NONE,
            ]
            for found, outage in outages[:OUTAGE_LIMIT]
        ]
        lines += [
            "",
            "### Outages (last 30 days, newest first)",
            "",
            table(("Check", "Start", "End", "Duration", "Failed probes", "Reason"), rows, "lllrrl"),
        ]
        if len(outages) > OUTAGE_LIMIT:
            lines += ["", f"And {len(outages) - OUTAGE_LIMIT} more (all of them are in the JSON form)."]
    return "\n".join(lines)


def _check_cells(found: CheckAvailability) -> list[str]:
    windows = {window.label: window for window in found.windows}
    month = windows.get("30 days")

    def uptime(label: str) -> str:
        window = windows.get(label)
        return percent(window.uptime.all_hours if window else None, 2)

    def latency(value: float | None) -> str:
        return NONE if value is None else f"{value:.0f} ms"

    return [
        md_inline(found.check.name),
        md_inline(found.check.service),
        md_inline(found.check.environment),
        uptime("today"),
        uptime("7 days"),
        uptime("30 days"),
        percent(month.uptime.support_hours if month else None, 2),
        latency(month.p50_ms if month else None),
        latency(month.p95_ms if month else None),
        str(len(found.outages)),
    ]


def _happiness_cells(figures: HappinessFigures) -> list[str]:
    return [
        str(figures.asked),
        str(figures.answers),
        str(figures.up),
        str(figures.down),
        percent(figures.share_up),
    ]


def _happiness(report: MetricsReport) -> str:
    happiness = report.happiness
    rows = [[week_label(week), *_happiness_cells(figures)] for week, figures in happiness.weeks]
    rows.append(["All weeks", *_happiness_cells(happiness.total)])
    return "\n".join(
        [
            "## Happiness",
            "",
            "Requesters asked to react 👍 or 👎 when their request was done; an answer is the requester's "
            "own reaction.",
            "",
            table(("Week", "Asked", "Answers", "👍", "👎", "👍 share"), rows),
        ]
    )
