"""Reading a Jira issue's changelog and comments: acknowledgement events and status history.

Pure parsing of the JSON Jira sends (search results with `expand=changelog` and the `comment`
field, the changelog and comment endpoints). Malformed entries are skipped, never fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from duty_tui.models import Comment, StatusCategory, StatusChange
from duty_tui.rules.sla import Event, EventKind
from duty_tui.sources.values import items, mapping, optional_text, text

StatusCategories = Mapping[str, str]  # status id → category key ("new", "indeterminate", "done")


def histories(raw_changelog: Any) -> tuple[list[Mapping[str, Any]], bool]:
    """The histories of an embedded changelog, and whether Jira cut the list short."""
    changelog = mapping(raw_changelog)
    entries = [h for h in items(changelog.get("histories")) if isinstance(h, Mapping)]
    total, page = changelog.get("total"), changelog.get("maxResults")
    if isinstance(total, int):
        return entries, total > len(entries)
    # No total (the enhanced search may leave it out): a full page may have been cut, so read the rest.
    return entries, isinstance(page, int) and page > 0 and len(entries) >= page


def comments(raw_comment_field: Any) -> tuple[list[Mapping[str, Any]], bool]:
    """The comments of an embedded `comment` field (or a comment page), and whether it was cut short."""
    field = mapping(raw_comment_field)
    entries = [c for c in items(field.get("comments")) if isinstance(c, Mapping)]
    total = field.get("total")
    return entries, isinstance(total, int) and total > len(entries) + int(field.get("startAt") or 0)


def events(
    history_entries: list[Mapping[str, Any]],
    comment_entries: list[Mapping[str, Any]],
    categories: StatusCategories,
) -> list[Event]:
    """Every assignment, move out of To Do, and comment, as acknowledgement candidates."""
    found: list[Event] = []
    for history in (h for h in history_entries if isinstance(h, Mapping)):
        at = _moment(history.get("created"))
        if at is None:
            continue
        author = mapping(history.get("author"))
        actor_id, actor = optional_text(author.get("accountId")), text(author.get("displayName")) or "someone"
        for item in map(mapping, items(history.get("items"))):
            field = item.get("fieldId") or item.get("field")
            if field == "assignee" and (item.get("tmpToAccountId") or item.get("to")):
                found.append(Event(EventKind.ASSIGNED, at, actor_id, actor, text(item.get("toString"))))
            elif field == "status" and _leaves_todo(item, categories):
                found.append(Event(EventKind.MOVED, at, actor_id, actor, text(item.get("toString"))))
    for comment in (c for c in comment_entries if isinstance(c, Mapping)):
        at = _moment(comment.get("created"))
        author = mapping(comment.get("author"))
        if at is not None:
            found.append(
                Event(
                    EventKind.COMMENTED,
                    at,
                    optional_text(author.get("accountId")),
                    text(author.get("displayName")) or "someone",
                )
            )
    return found


def status_changes(history_entries: list[Mapping[str, Any]]) -> list[StatusChange]:
    """Status moves, oldest first."""
    changes: list[StatusChange] = []
    for history in (h for h in history_entries if isinstance(h, Mapping)):
        at = _moment(history.get("created"))
        if at is None:
            continue
        by = text(mapping(history.get("author")).get("displayName")) or "someone"
        for item in map(mapping, items(history.get("items"))):
            if (item.get("fieldId") or item.get("field")) == "status" and item.get("to") is not None:
                changes.append(
                    StatusChange(
                        at,
                        optional_text(item.get("from")),
                        text(item.get("fromString")),
                        text(item.get("to")),
                        text(item.get("toString")),
                        by,
                    )
                )
    return sorted(changes, key=lambda change: change.at)


def comment_models(entries: list[Mapping[str, Any]]) -> list[Comment]:
    found: list[Comment] = []
    for entry in (e for e in entries if isinstance(e, Mapping)):
        created = _moment(entry.get("created"))
        author = mapping(entry.get("author"))
        body = entry.get("body")
        if created is not None:
            found.append(
                Comment(
                    id=text(entry.get("id")),
                    author_id=optional_text(author.get("accountId")),
                    author=text(author.get("displayName")) or "someone",
                    created=created,
                    body=body if isinstance(body, str) else text(body),
                )
            )
    return sorted(found, key=lambda c: c.created)


def _leaves_todo(item: Mapping[str, Any], categories: StatusCategories) -> bool:
    source, target = categories.get(text(item.get("from"))), categories.get(text(item.get("to")))
    if source is None or target is None:  # unknown statuses: judge by name, which Jira's defaults follow
        return (
            text(item.get("fromString")).lower() == "to do" and text(item.get("toString")).lower() != "to do"
        )
    return source == StatusCategory.TODO and target != StatusCategory.TODO


def moment(value: Any) -> datetime | None:
    """Jira's timestamp, or None when missing or unreadable."""
    return _moment(value)


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
