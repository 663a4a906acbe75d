"""The report as CSV, for a spreadsheet: a header row, then one row per ticket in the period (oldest first),
its per-ticket figures flattened from the JSON (the same values, the same rounding).

Columns (`COLUMNS`): key, board, created, acknowledged, resolved (ISO 8601 with the support zone's offset,
empty when not yet), acknowledge_breached (true/false), time_to_acknowledge_minutes and
time_to_acknowledge_working_minutes, time_to_resolution_minutes and time_to_resolution_working_minutes (empty
when not yet), to_do_minutes, to_do_working_minutes, in_progress_minutes, in_progress_working_minutes,
done_minutes, done_working_minutes (time_in_category; 0 when never entered) and history_complete. Minutes are
rounded to 0.1; "working" minutes count support hours only. The time in each status is in the JSON form only
(its columns would differ from one report to the next).

Text from outside (keys, board names) has its control characters removed, and a cell that a spreadsheet would
take for a formula (starting with = + - @, a tab or a carriage return) starts with a `'` instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any, Final

from duty_tui import text
from duty_tui.reports.metrics import MetricsReport

COLUMNS: Final = (
    "key",
    "board",
    "created",
    "acknowledged",
    "resolved",
    "acknowledge_breached",
    "time_to_acknowledge_minutes",
    "time_to_acknowledge_working_minutes",
    "time_to_resolution_minutes",
    "time_to_resolution_working_minutes",
    "to_do_minutes",
    "to_do_working_minutes",
    "in_progress_minutes",
    "in_progress_working_minutes",
    "done_minutes",
    "done_working_minutes",
    "history_complete",
)
_CATEGORIES: Final = ("To Do", "In Progress", "Done")  # the to_do_, in_progress_ and done_ columns
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def report_csv(report: MetricsReport) -> str:
    """The header and one line per ticket, each ending in a newline."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for ticket in report.to_json()["tickets"]:
        writer.writerow(cell(value) for value in ticket_row(ticket))
    return out.getvalue()


def ticket_row(ticket: Mapping[str, Any]) -> list[object]:
    """One ticket's JSON (`TicketFlow.to_json`) as the CSV's columns, in order."""

    def both(value: Mapping[str, float] | None) -> list[object]:
        return [None, None] if value is None else [value["minutes"], value["working_minutes"]]

    categories = ticket["time_in_category"]
    row: list[object] = [
        ticket["key"],
        ticket["board"],
        ticket["created"],
        ticket["acknowledged"],
        ticket["resolved"],
        ticket["acknowledge_breached"],
        *both(ticket["time_to_acknowledge"]),
        *both(ticket["time_to_resolution"]),
    ]
    for category in _CATEGORIES:
        row += both(categories.get(category))
    row.append(ticket.get("history_complete", True))
    return row


def cell(value: object) -> str:
    """One value as a safe CSV cell: empty for null, true/false, numbers as they are, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return defuse(str(value))


def defuse(value: str) -> str:
    """Text a spreadsheet shows as text: no control characters, and never read as a formula."""
    clean = text.sanitize(value)
    return "'" + clean if clean.startswith(_FORMULA_START) else clean
