"""The JQL duty-tui sends: a board's tickets, from the board's own saved filter, narrowed by its
configured component, and either all that wait (a full listing, one board at a time) or those updated
lately on every board at once (a poll, `boards_jql`); for the metrics, all of a board's tickets updated
since a moment (`board_history_jql`).

`may_be_on` is the part of a board's JQL that can be checked on a ticket the search returned (the
component and the column statuses); the saved filter and the kanban sub-query can only be asked of Jira.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from duty_tui.config import BoardConfig
from duty_tui.models import BoardInfo, Ticket


def board_clause(info: BoardInfo, board: BoardConfig) -> str:
    """What puts a ticket on the board, whoever owns it and whatever its status category: the saved
    filter, the kanban sub-query, the configured component and a status mapped to a column."""
    clauses = [f"filter = {int(info.filter_id)}"]
    if info.sub_query:
        clauses.append(f"({info.sub_query})")
    if board.component:
        clauses.append(f"component = {jql_quote(board.component)}")
    if info.mapped_status_ids:
        clauses.append(f"status in ({', '.join(str(int(s)) for s in info.mapped_status_ids)})")
    return " AND ".join(clauses)


def board_jql(info: BoardInfo, board: BoardConfig, *, updated_since: str | None = None) -> str:
    """The JQL for one board's tickets.

    A full query lists the not-done tickets that are unassigned or assigned to the searching user.
    An incremental query (`updated_since`, e.g. "-3m", evaluated on Jira's own clock so clock skew
    and the user's time zone cannot make it miss an update) deliberately leaves out the assignee and
    status conditions: a ticket that was just assigned or closed must come back so it can leave the
    list.
    """
    if updated_since:
        return boards_jql([(info, board)], updated_since=updated_since)
    # Unassigned tickets wait for the duty engineer; the engineer's own are the "mine" view.
    clauses = [board_clause(info, board), "(assignee IS EMPTY OR assignee = currentUser())"]
    return " AND ".join([*clauses, "statusCategory != Done"]) + " ORDER BY created ASC"


def boards_jql(boards: Sequence[tuple[BoardInfo, BoardConfig]], *, updated_since: str) -> str:
    """One incremental query for every board: the tickets on any of them updated since `updated_since`.

    `((board A) OR (board B)) AND updated >= "-3m"`: each board in parentheses and the OR as a whole,
    because AND binds tighter than OR and the bound must hold for every board.
    """
    if not boards:
        raise ValueError("no boards to search")
    parts = [board_clause(info, board) for info, board in boards]
    either = parts[0] if len(parts) == 1 else "(" + " OR ".join(f"({part})" for part in parts) + ")"
    return f"{either} AND updated >= {jql_quote(updated_since)} ORDER BY created ASC"


def keys_on_board_jql(info: BoardInfo, board: BoardConfig, keys: Iterable[str]) -> str:
    """Which of these tickets are on the board (for a ticket its fields cannot place)."""
    listed = ", ".join(jql_quote(key) for key in keys)
    return f"key in ({listed}) AND {board_clause(info, board)}"


def may_be_on(info: BoardInfo, board: BoardConfig, ticket: Ticket) -> bool:
    """False when the ticket's own fields rule the board out: it lacks the board's component, or its
    status is on none of the board's columns. True says only that the saved filter must decide."""
    if board.component and board.component.casefold() not in {c.casefold() for c in ticket.components}:
        return False
    return not info.mapped_status_ids or ticket.status_id in info.mapped_status_ids


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
