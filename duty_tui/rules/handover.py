"""The handover to the next engineer, as #laa-ops reads it, and how to find the latest one in the channel.

The process ("How does the support sub team work"): before ending the day someone hands over planned work
and high-priority incidents in progress to the on-call / post-5pm engineer; the next morning's engineers
get a handover from whoever covered out of hours. :func:`handover_text` writes the draft from what the
dashboard knows — open incidents, tickets in progress, tickets breached or due within the hour, unassigned
counts per board, requests waiting in the channel, unticked checklist items — each a short line, then an
empty notes line for the engineer. Everything people wrote is one line and sanitized, and the whole post
is escaped for Slack when it is sent (:func:`post_body`), so a ticket summary cannot mention
``<!channel>`` or forge a line.

A handover is recognised in the channel by its metadata (``event_type`` :data:`EVENT_TYPE`), or, for one
written by hand, by a top-level message whose first line starts with "Handover" (:func:`is_handover`).

Pure: the time is given; nothing is read or written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from duty_tui import text
from duty_tui.models import ChatMessage
from duty_tui.text.timefmt import clock, duration

EVENT_TYPE: Final = "duty_tui_handover"
HEADER: Final = "Handover"
LINE_LIMIT: Final = 140  # a summary or a title in one line of the handover
LIST_LIMIT: Final = 12  # lines per section; the rest are counted
BODY_LIMIT: Final = 3_500  # Slack's text limit is far above; a handover is read on a phone
NOTES_PROMPT: Final = "*Notes:* "
# A hand-written handover: "Handover", "*Handover*", ":wave: Handover from…", "handover:" — at the start.
_HAND_WRITTEN: Final = re.compile(r"^\W*(?::[a-z0-9_+-]+:\s*)*\W*handover\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class IncidentLine:
    title: str
    priority: str  # "high" / "normal"
    status: str
    lead: str  # a name
    next_update: datetime | None


@dataclass(frozen=True, slots=True)
class TicketLine:
    key: str
    summary: str
    status: str = ""
    who: str = ""  # the assignee's name, for tickets in progress
    deadline: datetime | None = None  # for breached / due tickets: when acknowledgement was or is due


@dataclass(frozen=True, slots=True)
class RequestLine:
    author: str
    said: str
    at: datetime


@dataclass(frozen=True, slots=True)
class HandoverFacts:
    """What the dashboard knows at the moment of the handover (gathered by the caller)."""

    incidents: Sequence[IncidentLine] = ()
    in_progress: Sequence[TicketLine] = ()
    breached: Sequence[TicketLine] = ()
    due_soon: Sequence[TicketLine] = ()  # within the hour
    unassigned: Sequence[tuple[str, int]] = ()  # (board, count)
    requests: Sequence[RequestLine] = ()
    unticked: Sequence[str] = ()  # checklist items still open today
    extra: Sequence[str] = field(default_factory=tuple)


def handover_text(facts: HandoverFacts, *, author: str, now: datetime, zone: ZoneInfo) -> str:
    """The draft, in Slack mrkdwn: the header line, one section per kind of thing, then the notes line."""
    local = now.astimezone(zone)
    who = _line(author, 80) or "the duty engineer"
    lines = [f"*{HEADER}* from {who} · {local:%a %d %b} {clock(now, zone)}"]
    lines += _section("Incidents open", [_incident(i, now, zone) for i in facts.incidents])
    lines += _section("Tickets in progress", [_progress(t) for t in facts.in_progress])
    lines += _section(
        "Acknowledgement breached or due within the hour",
        [_deadline(t, now, late=True) for t in facts.breached]
        + [_deadline(t, now, late=False) for t in facts.due_soon],
    )
    boards = ", ".join(f"{_line(board, 40)} {count}" for board, count in facts.unassigned)
    lines += ["", f"*Unassigned:* {boards or 'none'}"]
    lines += _section("Requests waiting in #laa-ops", [_request(r, now) for r in facts.requests])
    lines += _section("Checklist items not ticked today", [_line(item) for item in facts.unticked])
    lines += ["", NOTES_PROMPT]
    return "\n".join(lines)


def _section(title: str, items: Sequence[str]) -> list[str]:
    if not items:
        return ["", f"*{title}:* none"]
    shown = [f"• {item}" for item in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        shown.append(f"• …and {len(items) - LIST_LIMIT} more")
    return ["", f"*{title}* ({len(items)})", *shown]


def _line(value: str, limit: int = LINE_LIMIT) -> str:
    """People's words on one line. Not escaped here: the engineer edits the draft as plain text, and the
    whole post is escaped for Slack when it is sent (:func:`post_body`)."""
    return text.one_line(value, limit, breaks=False)


def post_body(edited: str) -> str:
    """The handover as Slack receives it: sanitized, with ``&``, ``<`` and ``>`` escaped, so nothing typed
    or copied in becomes a mention, a link or a broadcast (the draft's *bold* stays mrkdwn)."""
    lines = [line.rstrip() for line in text.sanitize(edited).strip().splitlines()]
    return text.slack_escape("\n".join(lines)[:BODY_LIMIT])


def _incident(incident: IncidentLine, now: datetime, zone: ZoneInfo) -> str:
    due = "no update due"
    if incident.next_update is not None:
        late = incident.next_update <= now
        due = (
            f"update overdue since {clock(incident.next_update, zone)}"
            if late
            else f"next update {clock(incident.next_update, zone)}"
        )
    priority = "HIGH" if incident.priority == "high" else "normal"
    return (
        f"{priority} · {_line(incident.title)} · {_line(incident.status, 30)} · "
        f"lead {_line(incident.lead, 60) or 'to be chosen'} · {due}"
    )


def _progress(ticket: TicketLine) -> str:
    who = f" · {_line(ticket.who, 60)}" if ticket.who else ""
    status = f" ({_line(ticket.status, 40)})" if ticket.status else ""
    return f"{_line(ticket.key, 30)} {_line(ticket.summary)}{status}{who}"


def _deadline(ticket: TicketLine, now: datetime, *, late: bool) -> str:
    when = ""
    if ticket.deadline is not None:
        if late:
            ago = duration(now - ticket.deadline, "age")
            when = " · just breached" if ago == "now" else f" · breached {ago} ago"
        else:
            when = f" · due {duration(ticket.deadline - now, 'until')}"
    return f"{_line(ticket.key, 30)} {_line(ticket.summary)}{when}"


def _request(request: RequestLine, now: datetime) -> str:
    waited = duration(now - request.at, "age")
    return f"{_line(request.author, 60)}: {_line(request.said, 100)} · waiting {waited}"


def payload(*, day: str, by: str, outbox_id: str | None = None) -> dict[str, str]:
    """The metadata ``event_payload`` of a handover post: the support day it hands over, and who wrote it
    (a Slack user id, or a name when duty-tui does not know the engineer's id)."""
    body = {"day": day, "by": by}
    if outbox_id is not None:
        body["outbox"] = outbox_id
    return body


def is_handover(message: ChatMessage) -> bool:
    """A handover post: duty-tui's (by its metadata), or a hand-written top-level message whose first line
    starts with "Handover"."""
    if message.metadata_type == EVENT_TYPE:
        return True
    if message.thread_ts not in (None, message.ts) or message.subtype not in (None, "", "bot_message"):
        return False
    first = (message.text or "").lstrip().split("\n", 1)[0][:200]
    return bool(_HAND_WRITTEN.match(first.replace("*", "").replace("_", "")))


def latest_handover(messages: Iterable[ChatMessage]) -> ChatMessage | None:
    """The newest handover among the messages."""
    found = [m for m in messages if is_handover(m)]
    return max(found, key=lambda m: m.sent_at, default=None)
