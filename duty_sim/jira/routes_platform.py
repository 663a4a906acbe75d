"""Platform routes of the Jira simulator: serverInfo, myself, field, statuses, priorities, projects,
saved filters and the (GDPR strict, accountId-only) user endpoints."""

from __future__ import annotations

from typing import Any

from duty_sim.jira.http import (
    JSON,
    Call,
    JiraHttpError,
    Route,
    bad_request,
    ok,
)
from duty_sim.jira.model import (
    CATEGORIES,
    FIELDS,
    PRIORITIES,
    RANK_FIELD_ID,
    RESOLUTIONS,
    STATUSES,
    FieldDef,
    User,
    find_status,
)
from duty_sim.server import SimResponse

_GDPR = "The query parameter '{}' is not supported in GDPR strict mode."
USER_MISSING = "Specified user does not exist or you do not have required permissions"


def server_info(call: Call) -> SimResponse:
    return ok(
        {
            "baseUrl": call.render.base,
            "version": "1001.0.0-SNAPSHOT",
            "versionNumbers": [1001, 0, 0],
            "deploymentType": "Cloud",
            "buildNumber": 100250,
            "buildDate": "2025-11-01T00:00:00.000+0000",
            "serverTime": call.render.ts(call.world.clock.now()),
            "scmInfo": "5b0a7f5b1b1e4c0f8b1f0c3f2e1d0c9b8a7f6e5d",
            "serverTitle": "Jira",
        }
    )


def myself(call: Call) -> SimResponse:
    user = call.render.user(call.viewer)
    return ok((user or {}) | {"locale": "en_GB"})


def _field(definition: FieldDef) -> JSON:
    custom = definition.id.startswith("customfield_")
    schema: JSON = {"type": definition.schema_type}
    if definition.items:
        schema["items"] = definition.items
    if custom:
        schema |= {"custom": "com.pyxis.greenhopper.jira:gh-lexo-rank", "customId": RANK_FIELD_ID}
    else:
        schema["system"] = definition.id
    return {
        "id": definition.id,
        "key": definition.id,
        "name": definition.name,
        "custom": custom,
        "orderable": definition.orderable,
        "navigable": definition.navigable,
        "searchable": True,
        "clauseNames": list(definition.clause_names),
        "schema": schema,
    }


def fields(call: Call) -> SimResponse:
    return ok([_field(f) for f in FIELDS])


def status_categories(call: Call) -> SimResponse:
    return ok([call.render.category(c) for c in CATEGORIES.values()])


def status_category(call: Call) -> SimResponse:
    ref = call.params["idOrKey"]
    for category in CATEGORIES.values():
        if ref in (str(category.id), category.key):
            return ok(call.render.category(category))
    raise JiraHttpError(404, f"The status category with id or key '{ref}' does not exist.")


def statuses(call: Call) -> SimResponse:
    return ok([call.render.status(s) for s in STATUSES])


def status(call: Call) -> SimResponse:
    found = find_status(call.params["idOrName"])
    if found is None:
        raise JiraHttpError(404, f"The status with id or name '{call.params['idOrName']}' does not exist.")
    return ok(call.render.status(found))


def priorities(call: Call) -> SimResponse:
    return ok([call.render.priority(p) | {"isDefault": p.name == "Medium"} for p in PRIORITIES])


def priority(call: Call) -> SimResponse:
    found = next((p for p in PRIORITIES if p.id == call.params["id"]), None)
    if found is None:
        raise JiraHttpError(404, f"The priority with id '{call.params['id']}' does not exist.")
    return ok(call.render.priority(found))


def resolutions(call: Call) -> SimResponse:
    return ok([call.render.resolution(r) for r in RESOLUTIONS])


def project(call: Call) -> SimResponse:
    found = call.world.find_project(call.params["key"])
    if found is None:
        raise JiraHttpError(404, f"No project could be found with key '{call.params['key']}'.")
    return ok(call.render.project(found))


def project_components(call: Call) -> SimResponse:
    found = call.world.find_project(call.params["key"])
    if found is None:
        raise JiraHttpError(404, f"No project could be found with key '{call.params['key']}'.")
    components = [c for c in call.world.components.values() if c.project_key == found.key]
    extra = {"project": found.key, "projectId": int(found.id), "assigneeType": "UNASSIGNED"}
    return ok([call.render.component(c) | extra for c in components])


def saved_filter(call: Call) -> SimResponse:
    found = call.world.filters.get(call.params["id"])
    if found is None:  # Jira answers 400, not 404, for a missing or hidden filter
        raise bad_request(
            "The selected filter is not available to you, "
            "perhaps it has been deleted or had its permissions changed."
        )
    render = call.render
    view = f"{render.base}/issues/?filter={found.id}"
    return ok(
        {
            "self": render.url(f"filter/{found.id}"),
            "id": found.id,
            "name": found.name,
            "description": "",
            "owner": render.user(found.owner) if found.owner in call.world.users else None,
            "jql": found.jql,
            "viewUrl": view,
            "searchUrl": render.url(f"search/jql?jql={found.jql}"),
            "favourite": False,
            "favouritedCount": 0,
            "sharePermissions": [],
            "editPermissions": [],
        }
    )


# -- users -----------------------------------------------------------------------------------------


def _refuse_gdpr(call: Call) -> None:
    for name in ("username", "key"):
        if call.param(name) is not None:
            raise bad_request(_GDPR.format(name))


def _matches(user: User, query: str) -> bool:
    """Jira's user query: a prefix of the display name, of any word of it, or of the email."""
    query = query.lower()
    words = [user.display_name.lower(), *user.display_name.lower().split()]
    if user.email:
        words.append(user.email.lower())
    return any(word.startswith(query) for word in words)


def _sorted_users(call: Call) -> list[User]:
    return sorted(call.world.users.values(), key=lambda u: (u.display_name.lower(), u.account_id))


def _page(call: Call, items: list[Any]) -> list[Any]:
    start = call.int_param("startAt", 0)
    size = call.int_param("maxResults", 50, minimum=1)
    return items[start : start + min(size, 1000)]


def user(call: Call) -> SimResponse:
    _refuse_gdpr(call)
    account_id = call.param("accountId")
    if not account_id:
        raise bad_request("The query parameter 'accountId' is required.")
    if call.world.find_user(account_id) is None:
        raise JiraHttpError(404, USER_MISSING)
    return ok(call.render.user(account_id))


def user_search(call: Call) -> SimResponse:
    _refuse_gdpr(call)
    query, account_id = call.param("query") or "", call.param("accountId") or ""
    if bool(query) == bool(account_id):
        raise bad_request("One of the query parameters 'query' or 'accountId' must be given, but not both.")
    users = [
        u
        for u in _sorted_users(call)
        if u.active and (u.account_id == account_id if account_id else _matches(u, query))
    ]
    return ok([call.render.user(u.account_id) for u in _page(call, users)])


def assignable_search(call: Call) -> SimResponse:
    _refuse_gdpr(call)
    project_ref, issue_key = call.param("project"), call.param("issueKey")
    if not project_ref and not issue_key:
        raise bad_request("One of the query parameters 'project', 'issueKey' or 'projectKeys' must be given.")
    if issue_key and call.world.find_issue(issue_key) is None:
        raise JiraHttpError(404, "Issue does not exist or you do not have permission to see it.")
    if project_ref and call.world.find_project(project_ref) is None:
        raise JiraHttpError(404, f"No project could be found with key '{project_ref}'.")
    query, account_id = call.param("query") or "", call.param("accountId") or ""
    matched = [
        u
        for u in _sorted_users(call)
        if (not account_id or u.account_id == account_id) and (not query or _matches(u, query))
    ]
    # Like Cloud, permission filtering (here: inactive users) happens after paging, so a page may be short.
    return ok([call.render.user(u.account_id) for u in _page(call, matched) if u.active])


ROUTES = [
    Route("GET", "serverInfo", server_info, anonymous=True),
    Route("GET", "myself", myself),
    Route("GET", "field", fields),
    Route("GET", "statuscategory", status_categories),
    Route("GET", "statuscategory/{idOrKey}", status_category),
    Route("GET", "status", statuses),
    Route("GET", "status/{idOrName}", status),
    Route("GET", "priority", priorities),
    Route("GET", "priority/{id}", priority),
    Route("GET", "resolution", resolutions),
    Route("GET", "project/{key}", project),
    Route("GET", "project/{key}/components", project_components),
    Route("GET", "filter/{id}", saved_filter),
    Route("GET", "user", user),
    Route("GET", "user/search", user_search),
    Route("GET", "user/assignable/search", assignable_search),
]
