"""Agile (Jira Software 1.0) routes of the Jira simulator: boards, board configuration and board
issues (filter AND kanban sub-query AND a status mapped to a column AND `jql`, by rank, offset paged)."""

from __future__ import annotations

from typing import Any

from duty_sim.jira.http import JSON, Call, JiraHttpError, Route, bad_request, ok, select_fields
from duty_sim.jira.jql import JqlError
from duty_sim.jira.model import FIELD_IDS, RANK_FIELD_ID, Board
from duty_sim.server import SimResponse

BOARD_MISSING = "Board does not exist or you do not have permission to see it."
PAGE_MAX = 50
_AGILE = frozenset({"agile"})


def _agile_url(call: Call, path: str) -> str:
    return f"{call.render.base}/rest/agile/1.0/{path}"


def _board(call: Call) -> Board:
    raw = call.params["id"]
    board = call.world.boards.get(int(raw)) if raw.isdigit() else None
    if board is None:
        raise JiraHttpError(404, BOARD_MISSING)
    return board


def _board_json(call: Call, board: Board) -> JSON:
    project = call.world.projects[board.project_key]
    label = f"{project.name} ({project.key})"
    return {
        "id": board.id,
        "self": _agile_url(call, f"board/{board.id}"),
        "name": board.name,
        "type": board.type,
        "location": {
            "projectId": int(project.id),
            "displayName": label,
            "projectName": project.name,
            "projectKey": project.key,
            "projectTypeKey": "software",
            "avatarURI": f"{call.render.base}/rest/api/2/universal_avatar/view/type/project/avatar/10400",
            "name": label,
        },
        "isPrivate": False,
    }


def _offset_page(call: Call) -> tuple[int, int]:
    return call.int_param("startAt", 0), min(call.int_param("maxResults", PAGE_MAX, minimum=1), PAGE_MAX)


def list_boards(call: Call) -> SimResponse:
    kinds = set(call.list_param("type"))
    if kinds - {"kanban", "scrum", "simple"}:
        raise bad_request("The board type must be one of scrum, kanban or simple.")
    name = (call.param("name") or "").lower()
    project_ref = call.param("projectKeyOrId")
    project = call.world.find_project(project_ref) if project_ref else None
    if project_ref and project is None:
        raise bad_request(f"No project could be found with key or id '{project_ref}'.")
    boards = [
        b
        for b in sorted(call.world.boards.values(), key=lambda b: b.id)
        if (not kinds or b.type in kinds)
        and name in b.name.lower()
        and (project is None or b.project_key == project.key)
    ]
    start, size = _offset_page(call)
    values = [_board_json(call, b) for b in boards[start : start + size]]
    return ok(
        {
            "maxResults": size,
            "startAt": start,
            "total": len(boards),
            "isLast": start + size >= len(boards),
            "values": values,
        }
    )


def get_board(call: Call) -> SimResponse:
    return ok(_board_json(call, _board(call)))


def configuration(call: Call) -> SimResponse:
    board = _board(call)
    project = call.world.projects[board.project_key]
    columns = [
        {
            "name": column.name,
            "statuses": [{"id": s, "self": call.render.url(f"status/{s}")} for s in column.status_ids],
        }
        for column in board.columns
    ]
    out: dict[str, Any] = {
        "id": board.id,
        "name": board.name,
        "type": board.type,
        "self": _agile_url(call, f"board/{board.id}/configuration"),
        # The shape Cloud sends (key/id/self/name), which is richer than the Agile schema's.
        "location": {
            "type": "project",
            "key": project.key,
            "id": project.id,
            "self": call.render.url(f"project/{project.id}"),
            "name": project.name,
        },
        "filter": {"id": board.filter_id, "self": call.render.url(f"filter/{board.filter_id}")},
        "columnConfig": {"columns": columns, "constraintType": "none"},
        "ranking": {"rankCustomFieldId": RANK_FIELD_ID},
    }
    if board.type == "kanban":
        out["subQuery"] = {"query": board.sub_query} if board.sub_query else {}
    else:
        field = {"fieldId": "timeoriginalestimate", "displayName": "Original Time Estimate"}
        out["estimation"] = {"type": "field", "field": field}
    return ok(out)


def board_issues(call: Call) -> SimResponse:
    board = _board(call)
    selection = select_fields(call.list_param("fields"), FIELD_IDS) or ()
    expand = call.list_param("expand")
    try:
        issues = call.world.board_issues(board, call.param("jql"), call.viewer)
    except JqlError as error:
        raise bad_request(error.message) from None
    start, size = _offset_page(call)
    rendered = []
    for issue in issues[start : start + size]:
        data = call.render.issue(issue, selection, expand)
        data["self"] = _agile_url(call, f"issue/{issue.id}")
        rendered.append(data)
    return ok(
        {
            "expand": "names,schema",
            "startAt": start,
            "maxResults": size,
            "total": len(issues),
            "issues": rendered,
        }
    )


ROUTES = [
    Route("GET", "board", list_boards, family="agile", versions=_AGILE),
    Route("GET", "board/{id}", get_board, family="agile", versions=_AGILE),
    Route("GET", "board/{id}/configuration", configuration, family="agile", versions=_AGILE),
    Route("GET", "board/{id}/issue", board_issues, family="agile", versions=_AGILE),
]
