"""Every mapping between a model and a stored row, in one place: what each table's columns hold.

Times are stored as ISO 8601 text, lists joined by the unit separator (U+001F, which no service
text contains), and a fingerprint of the fields a poll can change beside each cached ticket and
message, so an unchanged row is neither rewritten nor reported to the UI.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from duty_tui.models import (
    BoardInfo,
    ChatMessage,
    ChatUser,
    ChecklistTick,
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
    NewTicket,
    Person,
    Reaction,
    Service,
    SourceStatus,
    Ticket,
    Write,
    WriteKind,
    WriteState,
)
from duty_tui.rules.actions import Reached
from duty_tui.rules.postmortem import IMPROVEMENT_STATUSES, Improvement, ImprovementStatus

SEPARATOR = "\x1f"
# The fields of a `Write` kept in the outbox's `payload` column (the others have columns of their own).
PAYLOAD_FIELDS = (
    "actor_id", "actor", "assignee_id", "assignee", "to_status_id", "to_status", "to_category", "body",
    "expected_assignee_id", "expected_status", "expected_status_id", "broadcast", "project", "component",
    "url", "announces", "metadata",
)  # fmt: skip


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(value.split(SEPARATOR)) if value else ()


# -- tickets ----------------------------------------------------------------------------------------


def ticket_fingerprint(t: Ticket) -> str:
    return json.dumps(
        [
            t.summary,
            t.status,
            t.status_category,
            t.priority,
            t.issue_type,
            t.updated.isoformat(),
            t.reporter,
            t.assignee_id,
            t.assignee,
            t.components,
            t.labels,
            t.created.isoformat(),
            iso(t.acknowledged_at),
            t.acknowledged_by,
            t.status_id,
        ],
        ensure_ascii=False,
    )


def ticket_row(t: Ticket, seen_at: datetime) -> dict[str, Any]:
    return {
        "key": t.key,
        "id": t.id,
        "summary": t.summary,
        "status": t.status,
        "status_category": t.status_category,
        "priority": t.priority,
        "issue_type": t.issue_type,
        "created": t.created.isoformat(),
        "updated": t.updated.isoformat(),
        "reporter": t.reporter,
        "assignee_id": t.assignee_id,
        "assignee": t.assignee,
        "components": SEPARATOR.join(t.components),
        "labels": SEPARATOR.join(t.labels),
        "url": t.url,
        "seen_at": seen_at.isoformat(),
        "acknowledged_at": iso(t.acknowledged_at),
        "acknowledged_by": t.acknowledged_by,
        "status_id": t.status_id,
        "fingerprint": ticket_fingerprint(t),
    }


def ticket_columns(changes: dict[str, Any]) -> dict[str, Any]:
    """Changed `Ticket` fields (as `rules.actions.effects` gives them) → column values."""
    return {name: iso(value) if isinstance(value, datetime) else value for name, value in changes.items()}


def ticket_from_row(row: sqlite3.Row) -> Ticket:
    """A tickets row (with `board_names` when the query joined the boards) → Ticket."""
    names = row["board_names"] if "board_names" in row.keys() else None  # noqa: SIM118 - sqlite3.Row
    return Ticket(
        key=row["key"],
        id=row["id"],
        summary=row["summary"],
        status=row["status"],
        status_category=row["status_category"],
        priority=row["priority"],
        issue_type=row["issue_type"],
        created=datetime.fromisoformat(row["created"]),
        updated=datetime.fromisoformat(row["updated"]),
        reporter=row["reporter"],
        assignee_id=row["assignee_id"],
        assignee=row["assignee"],
        components=_split(row["components"]),
        labels=_split(row["labels"]),
        url=row["url"],
        boards=tuple(sorted(_split(names))),
        acknowledged_at=moment(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
        status_id=row["status_id"] or "",
    )


def board_row(info: BoardInfo, fetched_at: datetime) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "filter_id": info.filter_id,
        "sub_query": info.sub_query,
        "mapped_status_ids": json.dumps(list(info.mapped_status_ids)),
        "project_key": info.project_key,
        "fetched_at": fetched_at.isoformat(),
    }


def board_from_row(row: sqlite3.Row) -> BoardInfo:
    return BoardInfo(
        id=row["id"],
        name=row["name"],
        filter_id=row["filter_id"],
        sub_query=row["sub_query"],
        mapped_status_ids=tuple(json.loads(row["mapped_status_ids"])),
        project_key=row["project_key"],
    )


# -- messages and Slack users ----------------------------------------------------------------------


def message_fingerprint(m: ChatMessage) -> str:
    return json.dumps(
        [
            m.user_id,
            m.text,
            m.subtype,
            m.bot_name,
            m.thread_ts,
            m.reply_count,
            m.latest_reply,
            [[r.name, r.count, list(r.users)] for r in m.reactions],
            m.edited,
            list(m.reply_users),
            m.bot_id,
            m.metadata_type,
            m.metadata,
        ],
        ensure_ascii=False,
    )


def message_row(m: ChatMessage) -> dict[str, Any]:
    return {
        "channel": m.channel,
        "ts": m.ts,
        "user_id": m.user_id,
        "text": m.text,
        "subtype": m.subtype,
        "bot_name": m.bot_name,
        "thread_ts": m.thread_ts,
        "reply_count": m.reply_count,
        "latest_reply": m.latest_reply,
        "reactions": (
            json.dumps([[r.name, r.count, list(r.users)] for r in m.reactions], ensure_ascii=False)
            if m.reactions
            else None
        ),
        "edited": int(m.edited),
        "reply_users": SEPARATOR.join(m.reply_users) or None,
        "bot_id": m.bot_id,
        "metadata_type": m.metadata_type,
        "metadata": m.metadata,
        "fingerprint": message_fingerprint(m),
    }


def message_from_row(row: sqlite3.Row) -> ChatMessage:
    reactions = json.loads(row["reactions"]) if row["reactions"] else []
    return ChatMessage(
        ts=row["ts"],
        channel=row["channel"],
        user_id=row["user_id"],
        text=row["text"],
        subtype=row["subtype"] or "",
        bot_name=row["bot_name"],
        thread_ts=row["thread_ts"],
        reply_count=row["reply_count"] or 0,
        latest_reply=row["latest_reply"],
        # A reaction stored before migration 5 is [name, count], without its users.
        reactions=tuple(Reaction(r[0], r[1], tuple(r[2]) if len(r) > 2 else ()) for r in reactions),
        edited=bool(row["edited"]),
        reply_users=_split(row["reply_users"]),
        bot_id=row["bot_id"],
        metadata_type=row["metadata_type"],
        metadata=row["metadata"],
    )


def chat_user_row(user: ChatUser, fetched_at: datetime) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "is_bot": int(user.is_bot),
        "deleted": int(user.deleted),
        "fetched_at": fetched_at.isoformat(),
    }


def chat_user_from_row(row: sqlite3.Row) -> ChatUser:
    return ChatUser(id=row["id"], name=row["name"], is_bot=bool(row["is_bot"]), deleted=bool(row["deleted"]))


# -- sync state, checklist, people ------------------------------------------------------------------


def status_row(status: SourceStatus) -> dict[str, Any]:
    return {
        "source": status.source,
        "last_success": iso(status.last_success),
        "last_attempt": iso(status.last_attempt),
        "error": status.error,
        "failing_since": iso(status.failing_since),
        "next_try": iso(status.next_try),
    }


def status_from_row(row: sqlite3.Row) -> SourceStatus:
    return SourceStatus(
        source=row["source"],
        last_success=moment(row["last_success"]),
        last_attempt=moment(row["last_attempt"]),
        error=row["error"],
        failing_since=moment(row["failing_since"]),
        next_try=moment(row["next_try"]),
    )


def tick_from_row(row: sqlite3.Row, day: date) -> ChecklistTick:
    return ChecklistTick(item_id=row["item_id"], day=day, by=row["by"], at=datetime.fromisoformat(row["at"]))


def person_from_row(row: sqlite3.Row, team: frozenset[str]) -> Person:
    return Person(
        account_id=row["account_id"],
        name=row["name"],
        email=row["email"],
        is_team=row["account_id"] in team,
        last_used=moment(row["last_used"]),
    )


# -- the outbox -------------------------------------------------------------------------------------


def write_payload(write: Write) -> str:
    values = asdict(write)
    payload = {name: values[name] for name in PAYLOAD_FIELDS}
    if write.ticket is not None:
        payload["ticket"] = values["ticket"]
    return json.dumps(payload, ensure_ascii=False)


def write_from_row(row: sqlite3.Row) -> Write:
    payload = json.loads(row["payload"])
    return Write(
        uid=row["uid"],
        batch=row["batch"],
        kind=WriteKind(row["kind"]),
        key=row["key"],
        service=Service(row["service"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        state=WriteState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]),
        last_error=row["last_error"],
        id=row["id"],
        result=row["result"],
        ticket=NewTicket(**payload["ticket"]) if payload.get("ticket") else None,
        **{name: payload[name] for name in PAYLOAD_FIELDS if name in payload},  # older rows lack some
    )


def reached_json(reached: Reached | None) -> str | None:
    if reached is None:
        return None
    values = asdict(reached)
    values["before_updated"] = iso(reached.before_updated)
    return json.dumps(values)


def reached_from_json(text: str | None) -> Reached | None:
    if not text:
        return None
    values = json.loads(text)
    before = values.pop("before_updated", None)
    return Reached(**values, before_updated=moment(before))


# -- incidents -----------------------------------------------------------------------------------------


def incident_event_row(key: str, event: IncidentEvent) -> dict[str, Any]:
    body = {
        "title": event.title,
        "priority": event.priority.value if event.priority else None,
        "status": event.status.value if event.status else None,
        "lead": event.lead,
        "services": list(event.services),
        "next_update": iso(event.next_update),
        "text": event.text,
        "ref": event.ref,
        "subject": event.subject,
        "vendor": event.vendor,
    }
    return {
        "key": key,
        "incident_id": event.incident_id,
        "kind": event.kind.value,
        "at": event.at.isoformat(),
        "by": event.by,
        "body": json.dumps(body, ensure_ascii=False),
        "ts": event.ts,
        "pending": int(event.pending),
    }


def incident_event_from_row(row: sqlite3.Row) -> IncidentEvent:
    body = json.loads(row["body"])
    return IncidentEvent(
        incident_id=row["incident_id"],
        kind=IncidentEventKind(row["kind"]),
        at=datetime.fromisoformat(row["at"]),
        by=row["by"],
        title=body.get("title") or "",
        priority=IncidentPriority(body["priority"]) if body.get("priority") else None,
        status=IncidentStatus(body["status"]) if body.get("status") else None,
        lead=body.get("lead"),
        services=tuple(body.get("services") or ()),
        next_update=moment(body.get("next_update")),
        text=body.get("text") or "",
        ts=row["ts"],
        ref=body.get("ref"),
        pending=bool(row["pending"]),
        subject=body.get("subject"),
        vendor=body.get("vendor"),
    )


def improvement_from_row(row: sqlite3.Row) -> Improvement:
    status: ImprovementStatus = next((s for s in IMPROVEMENT_STATUSES if s == row["status"]), "outstanding")
    return Improvement(
        action=row["action"],
        owner=row["owner"],
        priority=row["priority"],
        status=status,
        ticket=row["ticket"],
        owner_account=row["owner_account"],
        id=row["id"],
        raising=row["raising"] is not None,
    )
