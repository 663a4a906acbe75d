"""Model objects for unit tests: a plain ticket, with what a test cares about given as changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from duty_tui.models import Ticket


def make_ticket(at: datetime, *, key: str = "LAA-1", **changes: Any) -> Ticket:
    """An unassigned Medium task in To Do, created and updated at `at`, on no board."""
    base = Ticket(
        key=key,
        id=key.rsplit("-", 1)[-1],
        summary=f"summary {key}",
        status="To Do",
        status_category="new",
        priority="Medium",
        issue_type="Task",
        created=at,
        updated=at,
        reporter="R",
        assignee_id=None,
        assignee=None,
        components=(),
        labels=(),
        url=f"https://jira.example/browse/{key}",
    )
    return replace(base, **changes)
