"""What the team measures: time to resolution and time in each stage (To Do, In Progress, Done).

Pure: computed from a ticket's creation time and its status history, with `now` passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from duty_tui.models import StatusChange


@dataclass(slots=True)
class StatusSpan:
    status_id: str
    status: str  # the latest name seen for this id
    total: timedelta
    visits: int


def time_in_status(
    created: datetime, current_id: str, current_name: str, history: Sequence[StatusChange], now: datetime
) -> list[StatusSpan]:
    """Time spent in each status (keyed by id, as statuses can be renamed), in order of first entry.

    Creating an issue writes no history: the first status runs from `created` to the first change.
    """
    changes = sorted(history, key=lambda change: change.at)
    if changes:
        status_id, name = changes[0].from_id or current_id, changes[0].from_name or current_name
    else:
        status_id, name = current_id, current_name
    spans: dict[str, StatusSpan] = {}
    start = created
    for change in changes:
        _visit(spans, status_id, name, change.at - start)
        status_id, name, start = change.to_id, change.to_name, change.at
    _visit(spans, status_id, name, now - start)
    return list(spans.values())


def _visit(spans: dict[str, StatusSpan], status_id: str, name: str, spent: timedelta) -> None:
    span = spans.setdefault(status_id, StatusSpan(status_id, name, timedelta(0), 0))
    span.status = name
    span.total += max(spent, timedelta(0))
    span.visits += 1
