"""Issue routes of the Jira simulator: create (with entity properties), get, edit, assign (accountId
only, GDPR strict) and transitions (picked by id; only those leaving the current status exist)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from duty_sim.jira.adf import adf_error
from duty_sim.jira.http import (
    Call,
    JiraHttpError,
    Route,
    bad_request,
    no_content,
    ok,
    reject_unknown_keys,
    select_fields,
)
from duty_sim.jira.model import (
    DONE_STATUS_ID,
    FIELD_IDS,
    ISSUE_TYPES,
    PRIORITIES,
    RESOLUTIONS,
    TRANSITIONS,
    Body,
    Issue,
    find_named,
)
from duty_sim.jira.routes_comments import comment_body, find_issue
from duty_sim.jira.routes_links import issue_properties
from duty_sim.server import SimResponse

GDPR_ASSIGNEE = "'accountId' must be the only user identifying query parameter in GDPR strict mode."
CANNOT_SET = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
_USER_KEYS = ("name", "key", "username", "emailAddress")
Apply = Callable[[], object]


class FieldError(Exception):
    """A per-field validation failure, reported under `errors[field]`."""


# -- field values ------------------------------------------------------------------------------------


def _ref(value: Any, what: str, keys: tuple[str, str] = ("id", "name")) -> str:
    """The id or name (or key) of a {"id": …} / {"name": …} reference."""
    if isinstance(value, dict):
        ref = value.get(keys[0], value.get(keys[1]))
        if isinstance(ref, str | int) and not isinstance(ref, bool):
            return str(ref)
    raise FieldError(f"Specify the {what} by {keys[0]} or {keys[1]}.")


def _summary(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError("You must specify a summary of the issue.")
    if len(value) > 255:
        raise FieldError("Summary must be less than 255 characters.")
    return value


def _description(call: Call, value: Any) -> Body:
    if value is None:
        return ""
    if call.is_v3:
        if adf_error(value) is not None:
            raise FieldError(
                "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
            )
        body: Body = value
        return body
    if not isinstance(value, str):
        raise FieldError("Operation value must be a string")
    return value


def _labels(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError("Labels must be a list of strings.")
    for label in value:
        if not label or any(c.isspace() for c in label):
            raise FieldError(f"The label '{label}' contains spaces which is invalid.")
    return list(dict.fromkeys(value))


def _priority(value: Any) -> str:
    found = find_named(PRIORITIES, _ref(value, "priority"))
    if found is None:
        raise FieldError("The priority selected is invalid.")
    return found.name


def _components(call: Call, project_key: str, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise FieldError('Components must be a list of {"name": …} or {"id": …} objects.')
    names = []
    for item in value:
        ref = _ref(item, "component")
        kind = "id" if isinstance(item, dict) and "id" in item else "name"
        found = call.world.find_component(project_key, ref)
        # {"id": …} names a component by id only and {"name": …} by name only, as Jira reads them.
        if found is None or ref != (found.id if kind == "id" else found.name):
            raise FieldError(f"Component {kind} '{ref}' is not valid")
        names.append(found.name)
    return names


def assignee_target(call: Call, body: Any) -> str | None:
    """The account a {"accountId": …} body names: None unassigns, "-1" is the default (none)."""
    if not isinstance(body, dict):
        raise bad_request('The assignee must be an object such as {"accountId": "…"}.')
    if any(key in body for key in _USER_KEYS):
        raise bad_request(GDPR_ASSIGNEE)
    if "accountId" not in body:
        raise bad_request("The accountId of the assignee must be given.")
    reject_unknown_keys(body, ("accountId",))
    account_id = body["accountId"]
    if account_id is None or account_id == "-1":
        return None  # the project's default assignee is "unassigned"
    if not isinstance(account_id, str):
        raise bad_request("accountId must be a string.")
    user = call.world.find_user(account_id)
    if user is None:
        raise JiraHttpError(400, errors={"assignee": f"User '{account_id}' does not exist."})
    if not user.active:
        raise JiraHttpError(400, errors={"assignee": f"User '{account_id}' cannot be assigned issues."})
    return account_id


def _assignee(call: Call, value: Any) -> str | None:
    if value is None:
        return None
    try:
        return assignee_target(call, value)
    except JiraHttpError as error:
        raise FieldError(error.messages[0] if error.messages else next(iter(error.errors.values()))) from None


# -- edit ----------------------------------------------------------------------------------------


def _setter(call: Call, issue: Issue, name: str, value: Any) -> Apply:
    """Validate one field value and return the change to apply (after every field validated)."""
    world, key, by = call.world, issue.key, call.viewer
    if name == "summary":
        text = _summary(value)
        return lambda: world.set_summary(key, text, by=by)
    if name == "description":
        body = _description(call, value)
        return lambda: world.set_description(key, body, by=by)
    if name == "labels":
        labels = _labels(value)
        return lambda: world.set_labels(key, labels, by=by)
    if name == "priority":
        priority = _priority(value)
        return lambda: world.set_priority(key, priority, by=by)
    if name == "components":
        names = _components(call, issue.project_key, value)
        return lambda: world.set_components(key, names, by=by)
    if name == "assignee":
        account = _assignee(call, value)
        return lambda: world.assign(key, account, by=by)
    raise FieldError(CANNOT_SET.format(name))


def _apply_ops(call: Call, issue: Issue, name: str, ops: Any) -> Any:
    """Fold `update` operations (set / add / remove) into the field's new value."""
    if not isinstance(ops, list) or not all(isinstance(op, dict) and len(op) == 1 for op in ops):
        raise FieldError(f"The operations for '{name}' must be a list of single-verb objects.")
    current: Any = None
    if name == "labels":
        current = list(issue.labels)
    elif name == "components":
        current = [{"id": c} for c in issue.component_ids]
    for op in ops:
        verb, arg = next(iter(op.items()))
        if verb == "set":
            current = arg
        elif verb == "add" and isinstance(current, list):
            current = [*current, arg]
        elif verb == "remove" and isinstance(current, list):
            current = _remove(call, issue, current, arg)
        else:
            raise FieldError(f"The operation '{verb}' is not supported for the field '{name}'.")
    return current


def _remove(call: Call, issue: Issue, items: list[Any], gone: Any) -> list[Any]:
    if not isinstance(gone, dict):  # a label
        return [item for item in items if item != gone]

    def component_id(value: Any) -> str | None:
        ref = str(value.get("id", value.get("name", ""))) if isinstance(value, dict) else ""
        found = call.world.find_component(issue.project_key, ref)
        return found.id if found else None

    return [item for item in items if component_id(item) != component_id(gone)]


def edit_issue(call: Call) -> SimResponse:
    issue = find_issue(call)
    body = call.body()
    reject_unknown_keys(body, ("fields", "update", "historyMetadata", "properties"))
    fields, update = body.get("fields") or {}, body.get("update") or {}
    if not isinstance(fields, dict) or not isinstance(update, dict):
        raise bad_request("'fields' and 'update' must be objects.")
    errors: dict[str, str] = {}
    plan: list[Apply] = []
    comments = update.pop("comment", [])
    for name in fields.keys() & update.keys():
        errors[name] = f"Field '{name}' cannot be set by both 'fields' and 'update'."
    for name, value in [*fields.items(), *update.items()]:
        if name in errors:
            continue
        try:
            new = _apply_ops(call, issue, name, value) if name in update else value
            plan.append(_setter(call, issue, name, new))
        except FieldError as error:
            errors[name] = str(error)
    plan += _comment_plan(call, issue, comments)
    if errors:
        raise JiraHttpError(400, errors=errors)
    for property_key, value in issue_properties(body.get("properties")):  # an edit may set them too
        plan.append(functools.partial(call.world.set_issue_property, issue.key, property_key, value))
    for apply in plan:
        apply()
    if (call.param("returnIssue") or "").lower() == "true":
        return ok(call.render.issue(call.world.issues[issue.id], FIELD_IDS))
    return no_content()


def _comment_plan(call: Call, issue: Issue, ops: Any) -> list[Apply]:
    if not isinstance(ops, list) or not all(isinstance(op, dict) and set(op) == {"add"} for op in ops):
        raise JiraHttpError(400, errors={"comment": 'Comments can only be added: [{"add": {"body": …}}].'})
    plan: list[Apply] = []
    for op in ops:
        add = op["add"] if isinstance(op["add"], dict) else {}
        body = comment_body(call, add.get("body"))
        plan.append(functools.partial(call.world.add_comment, issue.key, call.viewer or "", body))
    return plan


# -- create, get, assign, transitions ------------------------------------------------------------------


def create_issue(call: Call) -> SimResponse:
    body = call.body()
    reject_unknown_keys(body, ("fields", "update", "properties", "historyMetadata", "transition"))
    fields = body.get("fields")
    if not isinstance(fields, dict):
        raise bad_request("Issue fields must be given as an object under 'fields'.")
    errors: dict[str, str] = {}
    kwargs: dict[str, Any] = {}

    def take(name: str, parse: Callable[[Any], Any], target: str | None = None) -> None:
        if name in fields:
            try:
                kwargs[target or name] = parse(fields[name])
            except FieldError as error:
                errors[name] = str(error)

    project = call.world.find_project(_safe_ref(fields.get("project"), ("id", "key")))
    if project is None:
        errors["project"] = "Specify a valid project ID or key"
    issue_type = find_named(ISSUE_TYPES, _safe_ref(fields.get("issuetype")))
    if issue_type is None:
        errors["issuetype"] = (
            "Specify an issue type" if "issuetype" not in fields else "Specify a valid issue type"
        )
    take("summary", _summary)
    if "summary" not in fields:
        errors["summary"] = "You must specify a summary of the issue."
    take("description", lambda v: _description(call, v))
    take("labels", _labels)
    take("priority", _priority)
    take("components", lambda v: _components(call, project.key if project else "", v))
    take("assignee", lambda v: _assignee(call, v))
    take("reporter", lambda v: _assignee(call, v))
    for name in (
        fields.keys()
        - {"project", "issuetype", "summary", "description", "labels", "priority"}
        - {
            "components",
            "assignee",
            "reporter",
        }
    ):
        errors[name] = CANNOT_SET.format(name)
    if errors or project is None or issue_type is None:
        raise JiraHttpError(400, errors=errors)
    properties = issue_properties(body.get("properties"))  # checked before anything is created
    key = call.world.create_issue(
        project.key,
        kwargs.pop("summary"),
        issue_type=issue_type.name,
        reporter=kwargs.pop("reporter", None) or call.viewer,
        creator=call.viewer,
        **kwargs,
    )
    for property_key, value in properties:  # stored with the issue, in the same request
        call.world.set_issue_property(key, property_key, value)
    created = call.world.find_issue(key)
    assert created is not None
    return ok(
        {"id": created.id, "key": created.key, "self": call.render.url(f"issue/{created.id}")}, status=201
    )


def _safe_ref(value: Any, keys: tuple[str, str] = ("id", "name")) -> str:
    try:
        return _ref(value, "value", keys)
    except FieldError:
        return ""


def get_issue(call: Call) -> SimResponse:
    issue = find_issue(call)
    selection = select_fields(call.list_param("fields"), FIELD_IDS) or ()
    expand = call.list_param("expand")
    rendered = call.render.issue(issue, selection, expand)
    if "transitions" in expand:  # Jira answers the transitions available now, as GET …/transitions does
        rendered["transitions"] = [call.render.transition(t) for t in _available(issue)]
    return ok(rendered)


def assign(call: Call) -> SimResponse:
    issue = find_issue(call)
    account_id = assignee_target(call, call.body())
    call.world.assign(issue.key, account_id, by=call.viewer)
    return no_content()


def _available(issue: Issue) -> list[Any]:
    return [t for t in TRANSITIONS if t.to_status_id != issue.status_id]


def list_transitions(call: Call) -> SimResponse:
    issue = find_issue(call)
    wanted = call.param("transitionId")
    transitions = [t for t in _available(issue) if wanted is None or t.id == wanted]
    with_fields = "transitions.fields" in call.list_param("expand")
    rendered = [call.render.transition(t) | ({"fields": {}} if with_fields else {}) for t in transitions]
    return ok({"expand": "transitions", "transitions": rendered})


def do_transition(call: Call) -> SimResponse:
    issue = find_issue(call)
    body = call.body()
    reject_unknown_keys(body, ("transition", "fields", "update", "historyMetadata", "properties"))
    transition = body.get("transition")
    raw_id = transition.get("id") if isinstance(transition, dict) else None
    if raw_id is None or isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise bad_request("'transition' identifier must be specified.")
    chosen = next((t for t in _available(issue) if t.id == str(raw_id)), None)
    if chosen is None:
        raise bad_request(f"Transition id '{raw_id}' is not valid for this issue.")
    resolution = _transition_resolution(chosen.to_status_id, body.get("fields") or {})
    update = body.get("update") or {}
    if not isinstance(update, dict) or set(update) - {"comment"}:
        raise JiraHttpError(400, errors={k: CANNOT_SET.format(k) for k in update if k != "comment"})
    plan = _comment_plan(call, issue, update.get("comment", []))
    call.world.transition_to(issue.key, chosen.to_status_id, by=call.viewer, resolution=resolution)
    for apply in plan:
        apply()
    return no_content()


def _transition_resolution(to_status_id: str, fields: Any) -> str | None:
    if not isinstance(fields, dict):
        raise bad_request("'fields' must be an object.")
    errors = {name: CANNOT_SET.format(name) for name in fields if name != "resolution"}
    resolution = None
    if "resolution" in fields:
        found = find_named(RESOLUTIONS, _safe_ref(fields["resolution"]))
        if to_status_id != DONE_STATUS_ID:  # the resolution is only on the "Resolve" screen
            errors["resolution"] = CANNOT_SET.format("resolution")
        elif found is None:
            errors["resolution"] = "The resolution is invalid."
        else:
            resolution = found.name
    if errors:
        raise JiraHttpError(400, errors=errors)
    return resolution


ROUTES = [
    Route("POST", "issue", create_issue),
    Route("GET", "issue/{key}", get_issue),
    Route("PUT", "issue/{key}", edit_issue),
    Route("PUT", "issue/{key}/assignee", assign),
    Route("GET", "issue/{key}/transitions", list_transitions),
    Route("POST", "issue/{key}/transitions", do_transition),
]
