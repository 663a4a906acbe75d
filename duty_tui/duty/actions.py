"""What each ticket key does, as the writes it stores in the outbox.

`t` take: assign to me, move to In Progress (by status category), post the acknowledgement
comment, one keypress. `a` assign, `u` unassign, `K` acknowledge (the comment only), `m` move,
`c` comment. Pure: the time and the ids are passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from duty_tui.models import Person, StatusCategory, Ticket, Transition, Write, WriteKind


@dataclass(frozen=True, slots=True)
class Actor:
    """The engineer at the keyboard, as Jira knows them."""

    account_id: str
    name: str


NewId = Callable[[], str]


def take(ticket: Ticket, me: Actor, comment: str, now: datetime, new_id: NewId) -> list[Write]:
    batch = new_id()
    writes = [
        _write(
            WriteKind.ASSIGN,
            ticket,
            me,
            now=now,
            batch=batch,
            new_id=new_id,
            assignee_id=me.account_id,
            assignee=me.name,
        )
    ]
    if ticket.status_category == StatusCategory.TODO:
        writes.append(
            _write(
                WriteKind.TRANSITION,
                ticket,
                me,
                now=now,
                batch=batch,
                new_id=new_id,
                to_category=StatusCategory.IN_PROGRESS,
                to_status="In Progress",
            )
        )
    writes.append(_write(WriteKind.COMMENT, ticket, me, now=now, batch=batch, new_id=new_id, body=comment))
    return writes


def assign(ticket: Ticket, me: Actor, person: Person | None, now: datetime, new_id: NewId) -> list[Write]:
    """Assign to someone (None unassigns)."""
    return [
        _write(
            WriteKind.ASSIGN,
            ticket,
            me,
            now=now,
            batch=new_id(),
            new_id=new_id,
            assignee_id=person.account_id if person else None,
            assignee=person.name if person else None,
        )
    ]


def acknowledge(ticket: Ticket, me: Actor, comment: str, now: datetime, new_id: NewId) -> list[Write]:
    return [_write(WriteKind.COMMENT, ticket, me, now=now, batch=new_id(), new_id=new_id, body=comment)]


def comment(ticket: Ticket, me: Actor, body: str, now: datetime, new_id: NewId) -> list[Write]:
    return [_write(WriteKind.COMMENT, ticket, me, now=now, batch=new_id(), new_id=new_id, body=body)]


def move(ticket: Ticket, me: Actor, transition: Transition, now: datetime, new_id: NewId) -> list[Write]:
    return [
        _write(
            WriteKind.TRANSITION,
            ticket,
            me,
            now=now,
            batch=new_id(),
            new_id=new_id,
            to_status_id=transition.to_id,
            to_status=transition.to_name,
            to_category=transition.to_category,
        )
    ]


def _write(
    kind: WriteKind,
    ticket: Ticket,
    me: Actor,
    *,
    now: datetime,
    batch: str,
    new_id: NewId,
    **fields: str | None,
) -> Write:
    return Write(
        uid=new_id(),
        batch=batch,
        kind=kind,
        key=ticket.key,
        created_at=now,
        actor_id=me.account_id,
        actor=me.name,
        expected_assignee_id=ticket.assignee_id,
        expected_status=ticket.status,
        **fields,  # type: ignore[arg-type]
    )
