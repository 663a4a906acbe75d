"""What the channel keys write: replies, reactions, claims and tickets raised from a message.

Each keypress becomes one batch of outbox writes, sent in order by the one writer: a claim is a 👀 (and,
when duty-tui posts with the bot's token, a short reply that names who is looking, since the bot's 👀
cannot); a ticket is its creation, then the reply that announces it in the thread, then the link from
the ticket back to the thread. Pure: ids and the time are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from duty_tui.models import ChatMessage, NewTicket, ReplyDraft, Service, Write, WriteKind
from duty_tui.rules.actions import Actor, NewId
from duty_tui.rules.requests import CLAIM

CLAIM_REPLY = "Looking into this now."


class MessageAction(StrEnum):
    """What a channel key asks for. The values are the parameters of the channel table's key bindings."""

    REPLY = "reply"
    REACT = "react"
    CLAIM = "claim"
    RAISE = "raise"
    DONE = "done"  # a ✅, and the happiness ask (`rules.happiness_asks`)
    OPEN = "open"
    COPY = "copy"

    @property
    def writes(self) -> bool:
        """Whether it changes Slack or Jira (so `--read-only` turns it off)."""
        return self not in (MessageAction.OPEN, MessageAction.COPY)


@dataclass(frozen=True, slots=True)
class Board:
    """Where a ticket raised from the channel goes: a watched board's project (and component)."""

    id: int
    name: str
    project: str
    component: str | None = None


def thread_of(message: ChatMessage) -> str:
    """The ts a reply to this message goes under: its thread's parent."""
    return message.thread_ts or message.ts


def _write(
    kind: WriteKind, key: str, me: Actor, now: datetime, *, batch: str, uid: str, **fields: Any
) -> Write:
    return Write(
        uid=uid,
        batch=batch,
        kind=kind,
        key=key,
        created_at=now,
        actor_id=me.account_id,
        actor=me.name,
        service=Service.JIRA if kind in (WriteKind.CREATE, WriteKind.LINK) else Service.SLACK,
        **fields,
    )


def reply(message: ChatMessage, me: Actor, draft: ReplyDraft, now: datetime, new_id: NewId) -> list[Write]:
    return [
        _write(
            WriteKind.REPLY,
            thread_of(message),
            me,
            now,
            batch=new_id(),
            uid=new_id(),
            body=draft.text,
            broadcast=draft.broadcast,
        )
    ]


def react(message: ChatMessage, me: Actor, name: str, now: datetime, new_id: NewId) -> list[Write]:
    return [_write(WriteKind.REACT, message.ts, me, now, batch=new_id(), uid=new_id(), body=name)]


def claim(message: ChatMessage, me: Actor, now: datetime, new_id: NewId, *, as_user: bool) -> list[Write]:
    batch = new_id()
    writes = [_write(WriteKind.REACT, message.ts, me, now, batch=batch, uid=new_id(), body=CLAIM)]
    if not as_user:
        writes.append(
            _write(WriteKind.REPLY, thread_of(message), me, now, batch=batch, uid=new_id(), body=CLAIM_REPLY)
        )
    return writes


def raise_ticket(
    message: ChatMessage,
    me: Actor,
    ticket: NewTicket,
    board: Board,
    *,
    permalink: str | None,
    now: datetime,
    new_id: NewId,
) -> list[Write]:
    """Create, announce in the thread, link back (the announcement before the link: it matters more)."""
    batch = new_id()
    ts = message.ts
    return [
        _write(
            WriteKind.CREATE,
            ts,
            me,
            now,
            batch=batch,
            uid=new_id(),
            ticket=ticket,
            project=board.project,
            component=board.component,
            url=permalink,
        ),
        _write(WriteKind.REPLY, thread_of(message), me, now, batch=batch, uid=new_id(), announces=True),
        _write(WriteKind.LINK, ts, me, now, batch=batch, uid=new_id(), ticket=ticket, url=permalink),
    ]
