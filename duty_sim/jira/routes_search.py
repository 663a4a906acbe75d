"""Search routes of the Jira simulator: enhanced search (`search/jql`, token paging, id-only by
default, bounded JQL only), `search/approximate-count`, and the removed `search` (410 Gone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from duty_sim.jira.http import (
    Call,
    JiraHttpError,
    Route,
    bad_request,
    checked_int,
    ok,
    reject_unknown_keys,
    select_fields,
)
from duty_sim.jira.jql import CompiledQuery, JqlError
from duty_sim.jira.model import FIELDS
from duty_sim.server import SimResponse

UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
REMOVED = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
MAX_RECONCILE = 50
MAX_PROPERTIES = 5
_POST_KEYS: tuple[str, ...] = ("jql", "nextPageToken", "maxResults", "fields", "expand", "properties")
_POST_KEYS += ("fieldsByKeys", "reconcileIssues")


@dataclass
class SearchArgs:
    """The parameters of one search/jql call, read from the query string or the JSON body."""

    jql: str = ""
    token: str | None = None
    max_results: int = 50
    fields: list[str] = field(default_factory=list)
    expand: set[str] = field(default_factory=set)
    reconcile: list[str] = field(default_factory=list)


def _reconcile_ids(values: list[Any]) -> list[str]:
    if len(values) > MAX_RECONCILE:
        raise bad_request(f"reconcileIssues accepts at most {MAX_RECONCILE} issue ids.")
    ids = []
    for value in values:
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and value.isdigit())
        ):
            raise bad_request(f"reconcileIssues must hold numeric issue ids, not {value!r}.")
        ids.append(str(value))
    return ids


def _get_args(call: Call) -> SearchArgs:
    properties = call.list_param("properties")
    if len(properties) > MAX_PROPERTIES:
        raise bad_request(f"At most {MAX_PROPERTIES} issue properties can be requested.")
    for name in ("fieldsByKeys", "failFast"):
        if (value := call.param(name)) is not None and value.lower() not in ("true", "false"):
            raise bad_request(f"The '{name}' parameter must be true or false.")
    return SearchArgs(
        jql=call.param("jql") or "",
        token=call.param("nextPageToken") or None,
        max_results=call.int_param("maxResults", 50, minimum=1),
        fields=call.list_param("fields"),
        expand=set(call.list_param("expand")),
        reconcile=_reconcile_ids(call.list_param("reconcileIssues")),
    )


def _typed(body: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    """A body value, None when absent or null (the jira library sends explicit nulls)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):  # JSON true is not an int
        raise bad_request(f"Can not deserialize the value of '{name}'.")
    return value


def _string_list(body: dict[str, Any], name: str) -> list[str]:
    values = _typed(body, name, list) or []
    if not all(isinstance(v, str) for v in values):
        raise bad_request(f"Can not deserialize the value of '{name}': expected a list of strings.")
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _post_args(call: Call) -> SearchArgs:
    body = call.body()
    reject_unknown_keys(body, _POST_KEYS)
    _typed(body, "fieldsByKeys", bool)
    if len(_string_list(body, "properties")) > MAX_PROPERTIES:
        raise bad_request(f"At most {MAX_PROPERTIES} issue properties can be requested.")
    max_results = _typed(body, "maxResults", int)
    expand = _typed(body, "expand", str) or ""
    return SearchArgs(
        jql=_typed(body, "jql", str) or "",
        token=_typed(body, "nextPageToken", str) or None,
        max_results=50 if max_results is None else checked_int(max_results, "maxResults", minimum=1),
        fields=_string_list(body, "fields"),
        expand={part.strip() for part in expand.split(",") if part.strip()},
        reconcile=_reconcile_ids(_typed(body, "reconcileIssues", list) or []),
    )


def compile_bounded(call: Call, jql: str) -> CompiledQuery:
    try:
        query = call.world.compile(jql, call.viewer)
    except JqlError as error:
        raise bad_request(error.message) from None
    if not query.bounded:
        raise bad_request(UNBOUNDED)
    return query


def search_jql(call: Call) -> SimResponse:
    args = _post_args(call) if call.request.method == "POST" else _get_args(call)
    query = compile_bounded(call, args.jql)
    selection = select_fields(args.fields, None)
    scope = f"search/jql\n{args.jql}"
    offset = call.tokens.resolve(args.token, scope) if args.token else 0
    world = call.world
    issues = world.run_query(query, world.indexed_issues(args.reconcile))
    size = min(args.max_results, call.page_cap)  # Cloud may return fewer than maxResults asks
    page = issues[offset : offset + size]
    more = offset + size < len(issues)
    out: dict[str, Any] = {
        "issues": [call.render.issue(i, selection, args.expand) for i in page],
        "isLast": not more,
    }
    if more:  # absent on the last page, or the jira library's fetch-all loop never ends
        out["nextPageToken"] = call.tokens.issue(scope, offset + size)
    if "names" in args.expand:
        out["names"] = {f.id: f.name for f in FIELDS if selection and f.id in selection}
    return ok(out)


def approximate_count(call: Call) -> SimResponse:
    body = call.body()
    reject_unknown_keys(body, ("jql",))
    query = compile_bounded(call, _typed(body, "jql", str) or "")
    return ok({"count": len(call.world.run_query(query, call.world.indexed_issues()))})


def removed_search(call: Call) -> SimResponse:
    raise JiraHttpError(410, REMOVED)


ROUTES = [
    Route("GET", "search/jql", search_jql),
    Route("POST", "search/jql", search_jql),
    Route("POST", "search/approximate-count", approximate_count),
    Route("GET", "search", removed_search),
    Route("POST", "search", removed_search),
]
