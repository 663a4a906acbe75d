"""Comment and changelog routes of the Jira simulator: comments (v2 strings, v3 ADF documents),
an issue's changelog (offset paged, oldest first) and `changelog/bulkfetch` (token paged, v3)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import quote

from duty_sim.jira.adf import adf_error
from duty_sim.jira.http import (
    Call,
    JiraHttpError,
    Route,
    bad_request,
    checked_int,
    ok,
    reject_unknown_keys,
)
from duty_sim.jira.model import Body, History, Issue
from duty_sim.server import SimResponse

ISSUE_MISSING = "Issue does not exist or you do not have permission to see it."
CHANGELOG_PAGE_MAX = 100
COMMENT_PAGE_MAX = 5000


def find_issue(call: Call) -> Issue:
    issue = call.world.find_issue(call.params["key"])
    if issue is None:
        raise JiraHttpError(404, ISSUE_MISSING)
    return issue


def comment_body(call: Call, value: Any) -> Body:
    """A comment body in the form this API version takes: v2 a string, v3 an ADF document."""
    if value is None or value == "":
        raise JiraHttpError(400, errors={"comment": "Comment body can not be empty!"})
    if call.is_v3:
        if adf_error(value) is not None:
            raise JiraHttpError(400, errors={"comment": "Comment body is not valid!"})
        body: Body = value
        return body
    if not isinstance(value, str):
        raise bad_request("Can not deserialize instance of java.lang.String out of START_OBJECT token")
    if not value.strip():
        raise JiraHttpError(400, errors={"comment": "Comment body can not be empty!"})
    return value


def _properties(value: Any) -> list[tuple[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(p, dict) and isinstance(p.get("key"), str) and set(p) <= {"key", "value"} for p in value
    ):
        raise bad_request('"properties" must be a list of {"key": …, "value": …} objects.')
    return [(p["key"], p.get("value")) for p in value]


def _visibility(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or value.get("type") not in ("role", "group"):
        raise JiraHttpError(
            400, errors={"commentLevel": "You are currently not a member of the project role."}
        )


def add_comment(call: Call) -> SimResponse:
    issue = find_issue(call)
    body = call.body()
    reject_unknown_keys(body, ("body", "visibility", "properties"))
    text = comment_body(call, body.get("body"))
    _visibility(body.get("visibility"))
    properties = _properties(body.get("properties"))
    comment_id = call.world.add_comment_with(issue.key, call.viewer or "", text, properties=properties)
    comment = next(c for c in call.world.comment_list[issue.id] if c.id == comment_id)
    with_properties = "properties" in call.list_param("expand")
    return ok(call.render.comment(comment, with_properties), status=201)


def list_comments(call: Call) -> SimResponse:
    issue = find_issue(call)
    order = call.param("orderBy") or "created"
    if order not in ("created", "+created", "-created"):
        raise bad_request(f"The orderBy value '{order}' is not supported; use created or -created.")
    comments = sorted(call.world.comment_list[issue.id], key=lambda c: (c.created, int(c.id)))
    if order == "-created":
        comments.reverse()
    start = call.int_param("startAt", 0)
    size = min(call.int_param("maxResults", COMMENT_PAGE_MAX), COMMENT_PAGE_MAX)
    with_properties = "properties" in call.list_param("expand")
    return ok(
        {
            "comments": [call.render.comment(c, with_properties) for c in comments[start : start + size]],
            "maxResults": size,
            "total": len(comments),
            "startAt": start,
        }
    )


def get_comment(call: Call) -> SimResponse:
    issue = find_issue(call)
    found = next((c for c in call.world.comment_list[issue.id] if c.id == call.params["id"]), None)
    if found is None:
        raise JiraHttpError(404, "Can not find a comment for the id: " + call.params["id"] + ".")
    return ok(call.render.comment(found, "properties" in call.list_param("expand")))


def changelog(call: Call) -> SimResponse:
    issue = find_issue(call)
    histories = call.world.histories[issue.id]
    start = call.int_param("startAt", 0)
    size = min(call.int_param("maxResults", CHANGELOG_PAGE_MAX, minimum=1), CHANGELOG_PAGE_MAX)
    page = histories[start : start + size]
    base = call.render.url(f"issue/{quote(call.params['key'])}/changelog")
    out: dict[str, Any] = {
        "self": f"{base}?startAt={start}&maxResults={size}",
        "maxResults": size,
        "startAt": start,
        "total": len(histories),
        "isLast": start + size >= len(histories),
        "values": [call.render.history(h) for h in page],
    }
    if not out["isLast"]:
        out["nextPage"] = f"{base}?startAt={start + size}&maxResults={size}"
    return ok(out)


def _bulk_request(call: Call) -> tuple[list[str], set[str], int, str | None]:
    body = call.body()
    reject_unknown_keys(body, ("issueIdsOrKeys", "fieldIds", "maxResults", "nextPageToken"))
    refs = body.get("issueIdsOrKeys")
    if not isinstance(refs, list) or not 1 <= len(refs) <= 1000 or not all(isinstance(r, str) for r in refs):
        raise bad_request("issueIdsOrKeys must list between 1 and 1000 issue ids or keys.")
    field_ids = body.get("fieldIds") or []
    if (
        not isinstance(field_ids, list)
        or len(field_ids) > 10
        or not all(isinstance(f, str) for f in field_ids)
    ):
        raise bad_request("fieldIds must list at most 10 field ids.")
    raw_max = body.get("maxResults")
    size = 1000 if raw_max is None else checked_int(raw_max, "maxResults", minimum=1)
    token = body.get("nextPageToken")
    if token is not None and not isinstance(token, str):
        raise bad_request("nextPageToken must be a string.")
    return refs, set(field_ids), min(size, 10000), token


def bulk_changelog(call: Call) -> SimResponse:
    refs, field_ids, size, token = _bulk_request(call)
    scope = "changelog/bulkfetch\n" + json.dumps([refs, sorted(field_ids)])
    offset = call.tokens.resolve(token, scope) if token else 0
    entries: list[tuple[str, History]] = []
    seen: set[str] = set()
    for ref in refs:
        issue = call.world.find_issue(ref)
        if issue is None or issue.id in seen:
            continue  # as bulk reads do, unknown or hidden issues are left out rather than failing all
        seen.add(issue.id)
        for history in call.world.histories[issue.id]:
            items = tuple(i for i in history.items if not field_ids or i.field_id in field_ids)
            if items:
                entries.append((issue.id, dataclasses.replace(history, items=items)))
    page = entries[offset : offset + size]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for issue_id, history in page:
        grouped.setdefault(issue_id, []).append(call.render.history(history))
    out: dict[str, Any] = {
        "issueChangeLogs": [{"issueId": i, "changeHistories": h} for i, h in grouped.items()],
    }
    if offset + size < len(entries):
        out["nextPageToken"] = call.tokens.issue(scope, offset + size)
    return ok(out)


ROUTES = [
    Route("GET", "issue/{key}/comment", list_comments),
    Route("POST", "issue/{key}/comment", add_comment),
    Route("GET", "issue/{key}/comment/{id}", get_comment),
    Route("GET", "issue/{key}/changelog", changelog),
    Route("POST", "changelog/bulkfetch", bulk_changelog, versions=frozenset({"3"})),
]
