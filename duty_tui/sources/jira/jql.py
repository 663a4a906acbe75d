"""The JQL duty-tui sends: a board's tickets, from the board's own saved filter, narrowed by its
configured component, and either all that wait (a full listing) or those updated lately (a poll); and
for the metrics, all of a board's tickets updated since a moment (`board_history_jql`)."""

from __future__ import annotations

from duty_tui.config import BoardConfig
from duty_tui.models import BoardInfo


def board_jql(info: BoardInfo, board: BoardConfig, *, updated_since: str | None = None) -> str:
    """The JQL for a board's tickets.

    A full query lists the not-done tickets that are unassigned or assigned to the searching user.
    An incremental query (`updated_since`, e.g. "-3m", evaluated on Jira's own clock so clock skew
    and the user's time zone cannot make it miss an update) deliberately leaves out the assignee and
    status conditions: a ticket that was just assigned or closed must come back so it can leave the
    list.
    """
    clauses = [f"filter = {int(info.filter_id)}"]
    if info.sub_query:
        clauses.append(f"({info.sub_query})")
    if board.component:
        clauses.append(f"component = {jql_quote(board.component)}")
    if info.mapped_status_ids:
        clauses.append(f"status in ({', '.join(str(int(s)) for s in info.mapped_status_ids)})")
    if updated_since:
        clauses.append(f"updated >= {jql_quote(updated_since)}")
    else:
        # Unassigned tickets wait for the duty engineer; the engineer's own are the "mine" view.
        clauses += ["(assignee IS EMPTY OR assignee = currentUser())", "statusCategory != Done"]
    return " AND ".join(clauses) + " ORDER BY created ASC"


def board_history_jql(info: BoardInfo, board: BoardConfig, *, updated_since: str) -> str:
    """The JQL for every ticket of a board updated since `updated_since` (e.g. "-129600m" for 90 days, on
    Jira's clock): what the metrics read the history of.

    The board's saved filter and configured component only: assigned or not, any status, and neither
    the kanban sub-query nor the column mapping, which hide finished work (a released fix version, a
    status no column shows) that is still the team's work. A ticket created in the window was updated
    in it too, so one `updated` clause covers both.
    """
    clauses = [f"filter = {int(info.filter_id)}"]
    if board.component:
        clauses.append(f"component = {jql_quote(board.component)}")
    clauses.append(f"updated >= {jql_quote(updated_since)}")
    return " AND ".join(clauses) + " ORDER BY created ASC"


def jql_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
