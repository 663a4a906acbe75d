"""Model objects for unit tests: a plain ticket or write, with what a test cares about given as changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from duty_tui.models import Service, Ticket, Write, WriteKind


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


def make_write(uid: str, at: datetime, **changes: Any) -> Write:
    """A Jira comment on LAA-1 by Priya, in a batch of its own, made at `at`."""
    base = Write(
        uid=uid,
        batch=uid,
        kind=WriteKind.COMMENT,
        key="LAA-1",
        created_at=at,
        actor_id="me",
        actor="Priya",
        service=Service.JIRA,
        body="Thanks: LAA Ops has this.",
    )
    return replace(base, **changes)
