"""What each ticket key does, as the writes it stores in the outbox.

`t` take: assign to me, move to In Progress (by status category), post the acknowledgement
comment, one keypress. `a` assign, `u` unassign, `K` acknowledge (the comment only), `m` move,
`c` comment. Pure: the time and the ids are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from duty_tui.models import Person, StatusCategory, Ticket, Transition, Write, WriteKind


class TicketAction(StrEnum):
    """What a ticket key asks for. The values are the parameters of the tickets table's key bindings."""

    TAKE = "take"
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    ACKNOWLEDGE = "acknowledge"
    MOVE = "move"
    COMMENT = "comment"
    OPEN = "open"
    COPY = "copy"
    DETAIL = "detail"  # Enter: the ticket in full

    @property
    def writes(self) -> bool:
        """Whether it changes Jira (so `--read-only` turns it off)."""
        return self not in (TicketAction.OPEN, TicketAction.COPY, TicketAction.DETAIL)


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
        expected_status_id=ticket.status_id or None,
        **fields,  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class Reached:
    """What Jira reported around a write: where a move really took the ticket (workflows name
    statuses their way), and when the ticket last changed just before the write (Jira's clock), so
    a poll whose data is not newer than that cannot undo the write on screen."""

    status_id: str
    status: str
    category: str
    before_updated: datetime | None = None


def effects(write: Write, ticket: Ticket, at: datetime, reached: Reached | None = None) -> dict[str, Any]:
    """The fields a write confirmed by Jira changed, including the acknowledgement it made."""
    changes = _visible_effects(write, ticket, reached)
    if write.kind is WriteKind.ASSIGN:
        acknowledges = write.assignee_id is not None
        how = f"assigned to {write.assignee} by {write.actor}"
    elif write.kind is WriteKind.TRANSITION:
        acknowledges = (
            ticket.status_category == StatusCategory.TODO
            and changes["status_category"] != StatusCategory.TODO
        )
        how = f"moved to {changes['status']} by {write.actor}"
    else:
        acknowledges = True
        how = f"comment by {write.actor}"
    if acknowledges and ticket.acknowledged_at is None:
        changes.update(acknowledged_at=at, acknowledged_by=how)
    return changes


def _visible_effects(write: Write, ticket: Ticket, reached: Reached | None) -> dict[str, Any]:
    if write.kind is WriteKind.ASSIGN:
        return {"assignee_id": write.assignee_id, "assignee": write.assignee}
    if write.kind is WriteKind.TRANSITION:
        if reached is not None:
            return {
                "status": reached.status,
                "status_id": reached.status_id,
                "status_category": reached.category,
            }
        return {
            "status": write.to_status or ticket.status,
            "status_id": write.to_status_id or ticket.status_id,
            "status_category": write.to_category or ticket.status_category,
        }
    return {}


def with_writes(ticket: Ticket, writes: Sequence[Write]) -> Ticket:
    """The ticket as the engineer should see it while these writes are pending (the optimistic view).

    It shows what will change but not an acknowledgement: until Jira has it, the deadline still
    runs, and a breach must stay visible ("⟳" marks what is on its way)."""
    for write in writes:
        ticket = replace(
            ticket, **_visible_effects(write, ticket, None), pending=(*ticket.pending, write.kind.value)
        )
    return ticket
