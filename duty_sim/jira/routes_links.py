"""Issue property and remote link routes of the Jira simulator.

Properties: `GET issue/{key}/properties` (the keys), `GET|PUT issue/{key}/properties/{propertyKey}`
(PUT answers 201 when it creates the property, 200 when it replaces it, with no body). Remote links:
`POST issue/{key}/remotelink` (201 created; 200 when its `globalId` names a link the issue already
has, which it replaces), `GET issue/{key}/remotelink` (all of them, or with `globalId` the one link
itself, not a list) and `GET issue/{key}/remotelink/{linkId}`. The limits live in
`duty_sim.jira.world_links`; creating and editing an issue read their `properties` with
`issue_properties` below.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote

from duty_sim.jira.http import Call, JiraHttpError, Route, bad_request, ok, reject_unknown_keys
from duty_sim.jira.routes_comments import find_issue
from duty_sim.jira.world_links import link_problems, property_problem, value_json
from duty_sim.server import SimResponse

MAX_CREATE_PROPERTIES = 5
PROPERTY_MISSING = "The property with key '{}' does not exist."
LINK_MISSING = "The remote issue link does not exist or you do not have permission to see it."
_LINK_KEYS = ("globalId", "application", "relationship", "object")
_OBJECT_KEYS = ("url", "title", "summary", "icon", "status")


# -- properties ------------------------------------------------------------------------------------


def issue_properties(value: Any) -> list[tuple[str, Any]]:
    """The `properties` of a create or edit request as (key, value) pairs; 400 when any breaks a limit."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise bad_request('"properties" must be a list of {"key": …, "value": …} objects.')
    if len(value) > MAX_CREATE_PROPERTIES:
        raise bad_request(f"At most {MAX_CREATE_PROPERTIES} issue properties can be set in one request.")
    pairs: list[tuple[str, Any]] = []
    for prop in value:
        reject_unknown_keys(prop, ("key", "value"))
        problem = property_problem(prop.get("key"), value_json(prop["value"]) if "value" in prop else None)
        if problem is not None:
            raise bad_request(problem)
        pairs.append((prop["key"], prop["value"]))
    if len({key for key, _ in pairs}) < len(pairs):
        raise bad_request("Each property key can be given only once.")
    return pairs


def list_properties(call: Call) -> SimResponse:
    issue = find_issue(call)
    keys = call.world.issue_properties.get(issue.id, {})
    return ok(
        {
            "keys": [
                {"self": call.render.url(f"issue/{issue.key}/properties/{quote(key, safe='')}"), "key": key}
                for key in keys
            ]
        }
    )


def get_property(call: Call) -> SimResponse:
    issue = find_issue(call)
    key = call.params["propertyKey"]
    stored = call.world.issue_properties.get(issue.id, {})
    if key not in stored:
        raise JiraHttpError(404, PROPERTY_MISSING.format(key))
    return ok({"key": key, "value": copy.deepcopy(stored[key])})


def put_property(call: Call) -> SimResponse:
    """The body is the value itself: any JSON, not only an object."""
    issue = find_issue(call)
    key = call.params["propertyKey"]
    raw = call.request.body.strip()
    if raw and call.request.content_type != "application/json":
        raise JiraHttpError(415, f"Unsupported media type {call.request.content_type!r}")
    problem = property_problem(key, raw or None)
    if problem is not None:
        raise bad_request(problem)
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad_request("The property value is not valid JSON.") from None
    created = call.world.set_issue_property(issue.key, key, value)
    return SimResponse(201 if created else 200)  # Jira answers both without a body


# -- remote links ----------------------------------------------------------------------------------


def _optional(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if value is not None and not isinstance(value, kind):
        raise bad_request(f"Can not deserialize the value of '{name}'.")
    return value


def post_remote_link(call: Call) -> SimResponse:
    issue = find_issue(call)
    body = call.body()
    reject_unknown_keys(body, _LINK_KEYS)
    linked = _optional(body, "object", dict) or {}
    reject_unknown_keys(linked, _OBJECT_KEYS)
    for name, kind in (("summary", str), ("icon", dict), ("status", dict)):
        _optional(linked, name, kind)
    relationship = _optional(body, "relationship", str)
    application = _optional(body, "application", dict)
    if application is not None:
        reject_unknown_keys(application, ("name", "type"))
        for name in ("name", "type"):
            _optional(application, name, str)
    global_id = body.get("globalId")
    problems = link_problems(linked, global_id)
    if problems:
        raise JiraHttpError(400, errors=problems)
    others = {name: value for name, value in linked.items() if name not in ("url", "title")}
    link_id, created = call.world.add_remote_link(
        issue.key,
        linked["url"],
        linked["title"],
        global_id=global_id,
        relationship=relationship,
        application=application,
        **others,
    )
    answer = {"id": link_id, "self": call.render.url(f"issue/{issue.key}/remotelink/{link_id}")}
    return ok(answer, status=201 if created else 200)


def list_remote_links(call: Call) -> SimResponse:
    issue = find_issue(call)
    global_id = call.param("globalId")
    if global_id:  # "the record with that global ID is returned": one link, not a list of one
        found = call.world.find_remote_links(issue.id, global_id)
        if not found:
            raise JiraHttpError(404, LINK_MISSING)
        return ok(call.render.remote_link(issue, found[0]))
    return ok([call.render.remote_link(issue, link) for link in call.world.find_remote_links(issue.id)])


def get_remote_link(call: Call) -> SimResponse:
    issue = find_issue(call)
    raw = call.params["linkId"]
    found = next((link for link in call.world.find_remote_links(issue.id) if str(link.id) == raw), None)
    if found is None:
        raise JiraHttpError(404, LINK_MISSING)
    return ok(call.render.remote_link(issue, found))


ROUTES = [
    Route("GET", "issue/{key}/properties", list_properties),
    Route("GET", "issue/{key}/properties/{propertyKey}", get_property),
    Route("PUT", "issue/{key}/properties/{propertyKey}", put_property),
    Route("POST", "issue/{key}/remotelink", post_remote_link),
    Route("GET", "issue/{key}/remotelink", list_remote_links),
    Route("GET", "issue/{key}/remotelink/{linkId}", get_remote_link),
]
