"""When duty-tui asks a requester how the help went, what the ask is, and how an ask is read back.

The ask is a reply in the request's thread, posted with the bot's token and Slack message metadata
(`duty_tui_happiness`: the request's ts, the requester's Slack id, the ticket if there is one), so every
dashboard can recognise it and the requester's reactions on it (`rules.happiness` counts them). It is
asked when the engineer marks the request done (`d`: a ✅, the team's sign for done) or when a ticket
raised from it is resolved, and once per thread: what is known locally (an ask stored or on its way)
is checked here, and the Slack delivery looks in the thread before it posts, whoever asks.

Pure: the time, the team, the ids and what the store knows are given.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from duty_tui.models import ChatMessage, Service, Write, WriteKind
from duty_tui.rules.actions import Actor, NewId
from duty_tui.rules.happiness import ASK_METADATA, HappinessAsk
from duty_tui.rules.requests import DONE, Team, is_request

MARK_DONE: Final = "white_check_mark"  # ✅: what `d` adds (any of `requests.DONE` closes a request)
ASK_WITHIN: Final = timedelta(days=30)  # older requests are not asked, nor are their asks read back
NOT_A_REQUEST: Final = "Only a request can be marked done: a top-level message from someone outside the team."
ALREADY_DONE: Final = "This request is already marked done."


@dataclass(frozen=True, slots=True)
class AskTarget:
    """A request to ask about: its thread, who asked, and the ticket that settled it ("" for none)."""

    request_ts: str
    requester: str
    ticket: str = ""


def is_done(message: ChatMessage, team: Team) -> bool:
    """A team member's ✅ (or another of `requests.DONE`) is on it: the team's sign that it is done."""
    return any(r.name in DONE and any(u in team for u in r.users) for r in message.reactions)


def done_refusal(message: ChatMessage, team: Team, pending: Iterable[Write] = ()) -> str | None:
    """Why `d` cannot mark the message done (one line), or None when it can. A ✅ of mine still on its
    way counts as done: a second `d` before Slack confirms the first must not ask twice."""
    if not is_request(message, team):
        return NOT_A_REQUEST
    if is_done(message, team) or any(w.kind is WriteKind.REACT and w.body in DONE for w in pending):
        return ALREADY_DONE
    return None


def ask_metadata(target: AskTarget) -> str:
    """The reply's Slack metadata as stored on the write: the event type and its payload."""
    payload = {"request_ts": target.request_ts, "requester": target.requester, "ticket": target.ticket}
    return json.dumps({"event_type": ASK_METADATA, "event_payload": payload}, ensure_ascii=False)


def ask_write(target: AskTarget, text: str, me: Actor, now: datetime, *, batch: str, uid: str) -> Write:
    """The ask, as an outbox write: a reply in the request's thread carrying the ask's metadata."""
    return Write(
        uid=uid,
        batch=batch,
        kind=WriteKind.REPLY,
        key=target.request_ts,
        created_at=now,
        actor_id=me.account_id,
        actor=me.name,
        service=Service.SLACK,
        body=text,
        metadata=ask_metadata(target),
    )


def is_ask(write: Write) -> bool:
    """Whether an outbox write is a happiness ask (a reply carrying its metadata)."""
    if write.kind is not WriteKind.REPLY or not write.metadata:
        return False
    try:
        metadata = json.loads(write.metadata)
    except ValueError:
        return False
    return isinstance(metadata, dict) and metadata.get("event_type") == ASK_METADATA


def mark_done(
    message: ChatMessage,
    me: Actor,
    now: datetime,
    new_id: NewId,
    *,
    ask: str | None,
    tickets: Sequence[str] = (),
) -> list[Write]:
    """`d`: a ✅ on the request, then (with `ask`, the question's text) the ask in its thread, in one
    keypress: an ask never goes out for a ✅ Slack refused."""
    batch = new_id()
    writes = [
        Write(
            uid=new_id(),
            batch=batch,
            kind=WriteKind.REACT,
            key=message.ts,
            created_at=now,
            actor_id=me.account_id,
            actor=me.name,
            service=Service.SLACK,
            body=MARK_DONE,
        )
    ]
    if ask is not None and message.user_id:
        target = AskTarget(message.ts, message.user_id, tickets[-1] if tickets else "")
        writes.append(ask_write(target, ask, me, now, batch=batch, uid=new_id()))
    return writes


def asks_for_resolved(
    resolved: Iterable[str],
    requests: Mapping[str, Sequence[ChatMessage]],
    *,
    open_tickets: Mapping[str, Collection[str]],
    asked: Collection[str],
    now: datetime,
) -> list[AskTarget]:
    """The requests to ask about now that these tickets are resolved.

    `requests`: each resolved key → the request messages it was raised from; `open_tickets`: request ts →
    the keys raised from it that are not done; `asked`: request ts already asked (or on their way). A
    request is asked once, when the last of its tickets is done, and only if it is from the last 30
    days (a comment on a ticket closed long ago is not a reason to ask).
    """
    targets: list[AskTarget] = []
    seen = set(asked)
    for key in resolved:
        for message in requests.get(key, ()):
            if message.ts in seen or not message.user_id or now - message.sent_at > ASK_WITHIN:
                continue
            if set(open_tickets.get(message.ts, ())) - {key}:
                continue  # another ticket from the same request is still being worked
            seen.add(message.ts)
            targets.append(AskTarget(message.ts, message.user_id, key))
    return targets


def may_hold_ask(message: ChatMessage, team: Team, *, ticketed: bool) -> bool:
    """Whether a request's thread may hold an ask (so reading it back is worth a call): it has
    replies, and it is done or a ticket was raised from it."""
    return message.reply_count > 0 and is_request(message, team) and (ticketed or is_done(message, team))


def ask_from_message(message: ChatMessage) -> HappinessAsk | None:
    """A reply with the ask's metadata, posted by an app (duty-tui's bot) → the ask; None for anything
    else, or a payload that does not validate (another app's, or damaged: never guessed at). Slack keeps
    metadata only on what apps post, but a message without a `bot_id` (a person's, or any message
    stored without it) is never taken for an ask, whatever its metadata says; nor is a classic bot's
    or any other subtype (duty-tui's ask is a plain reply)."""
    if message.metadata_type != ASK_METADATA or not message.metadata:
        return None
    if not message.bot_id or message.subtype:
        return None
    if not message.thread_ts or message.thread_ts == message.ts:
        return None  # an ask is a reply, never a thread's parent
    try:
        payload: Any = json.loads(message.metadata)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    request_ts, requester = payload.get("request_ts"), payload.get("requester")
    if request_ts != message.thread_ts or not isinstance(requester, str) or not requester:
        return None
    return HappinessAsk(
        ts=message.ts,
        request_ts=request_ts,
        requester=requester,
        asked_at=message.sent_at,
        reactions=tuple((r.name, r.users) for r in message.reactions),
    )
