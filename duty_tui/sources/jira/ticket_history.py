"""Jira's JSON → `rules.flow_history.TicketHistory`: a search result (created, status), its changelog
histories and its comments, read into what the flow metrics need. Pure: the reading is in
`sources.jira.changelog`.

What is kept of each history: the moment, the author's account id, a status move (with each status's
category, from `StatusBook`), an assignee change (account ids) and a move between configured boards
(`BoardMoves`). A history with none of them is still kept: it is an update. Malformed entries (no
readable time, a status move to nowhere) are skipped, never fatal, and the ticket says
`history_complete=False`, so the flow does not pretend to know what it could not read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from duty_tui.rules.flow_history import (
    AssigneeItem,
    BoardItem,
    CommentEntry,
    HistoryEntry,
    Status,
    StatusItem,
    TicketHistory,
)
from duty_tui.sources.jira.history import moment
from duty_tui.sources.values import items, mapping, optional_text, text

UNDEFINED = "undefined"  # Jira's "No Category": what a status nobody can place counts as


@dataclass
class StatusBook:
    """Status id → current name and category key: from Jira's status list, corrected by what each search
    result says its status is now (a renamed status shows up there first). Not thread-safe: one fetch."""

    names: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    changed: bool = False  # learnt something since it was built: worth saving

    def merge(self, statuses: Mapping[str, tuple[str, str]]) -> None:
        """Jira's whole status list; ids it no longer lists keep what was known of them."""
        for status_id, (name, category) in statuses.items():
            self._set(status_id, name, category)

    def learn(self, raw_status: Any) -> Status | None:
        """An issue's `fields.status` (id, name, statusCategory.key) as a Status, remembered."""
        raw = mapping(raw_status)
        status_id, name = text(raw.get("id")), text(raw.get("name"))
        if not status_id:
            return None
        category = text(mapping(raw.get("statusCategory")).get("key")) or self.categories.get(status_id)
        self._set(status_id, name or self.names.get(status_id, status_id), category or UNDEFINED)
        return Status(status_id, self.names[status_id], self.categories[status_id])

    def knows(self, status_id: str) -> bool:
        return status_id in self.categories

    def status(self, status_id: str, name: str) -> Status:
        """A status as a changelog item names it (the name it had then), with its category."""
        return Status(status_id, name or self.names.get(status_id, status_id), self.category(status_id))

    def category(self, status_id: str) -> str:
        return self.categories.get(status_id) or UNDEFINED

    def _set(self, status_id: str, name: str, category: str) -> None:
        if not status_id:
            return
        if self.names.get(status_id) != name or self.categories.get(status_id) != category:
            self.names[status_id], self.categories[status_id] = name, category
            self.changed = True


@dataclass(frozen=True, slots=True)
class BoardScope:
    """A configured board as history sees it: its name, the component that defines it (if one does), and
    the project its saved filter is located in."""

    name: str
    component: str | None
    project: str | None


class BoardMoves:
    """Which configured board a ticket is on, as far as its components and project tell, and so which
    component changes moved it from one board to another.

    Deliberately simple: a board with a component holds the tickets that carry it; a board without one
    holds its project's tickets that are on no component board. A components change that makes a ticket
    gain or lose a board's component is a move when both ends can be told this way; anything else (a
    board defined only by its filter's other clauses, two plain boards over one project) is not
    guessed at.
    """

    def __init__(self, boards: Sequence[BoardScope]) -> None:
        self.boards = tuple(boards)
        self._components = tuple(b for b in self.boards if b.component)

    def precedence(self, name: str) -> int:
        """Lower first: a board defined by a component is more specific than one that is not, so a
        ticket two boards list belongs to the component board; then the configured order."""
        for rank, board in enumerate(self.boards):
            if board.name == name:
                return rank - (len(self.boards) if board.component else 0)
        return len(self.boards)

    def move(self, project: str, removed: set[str], added: set[str]) -> BoardItem | None:
        """The board move a components change (`removed`, `added`: names) made, when it can be told."""
        left = next((b for b in self._components if b.component in removed), None)
        joined = next((b for b in self._components if b.component in added), None)
        if left is None and joined is None:
            return None
        plain = self._plain_board(project)
        old, new = left or plain, joined or plain
        if old is None or new is None or old.name == new.name:
            return None
        return BoardItem(old.name, new.name)

    def _plain_board(self, project: str) -> BoardScope | None:
        plain = [b for b in self.boards if not b.component and b.project == project]
        return plain[0] if len(plain) == 1 else None


def ticket_history(
    raw: Mapping[str, Any],
    board: str,
    histories: Iterable[Any],
    comments: Iterable[Any],
    *,
    book: StatusBook,
    moves: BoardMoves,
    complete: bool = True,
) -> TicketHistory | None:
    """One search result with its histories and comments (any order) → TicketHistory; None when the
    issue itself is unreadable (no key, creation time or status)."""
    key = raw.get("key")
    fields = mapping(raw.get("fields"))
    created = moment(fields.get("created"))
    status = book.learn(fields.get("status"))
    if not isinstance(key, str) or not key or created is None or status is None:
        return None
    project = key.rsplit("-", 1)[0]
    read: list[tuple[HistoryEntry, int]] = []
    for raw_history in histories:
        entry = history_entry(raw_history, project, book, moves)
        if entry is None:
            complete = False
            continue
        read.append((entry, _history_id(raw_history)))
    # Oldest first, and Jira's (increasing) history id orders two made in the same millisecond, whatever
    # order the search and the changelog pages brought them in.
    read.sort(key=lambda pair: (pair[0].at, pair[1]))
    notes: list[CommentEntry] = []
    for raw_comment in comments:
        note = comment_entry(raw_comment)
        if note is None:
            complete = False
            continue
        notes.append(note)
    notes.sort(key=lambda c: c.created)
    return TicketHistory(
        key=text(key),
        board=board,
        created=created,
        status=status,
        history=tuple(entry for entry, _ in read),
        comments=tuple(notes),
        history_complete=complete,
    )


def history_entry(raw: Any, project: str, book: StatusBook, moves: BoardMoves) -> HistoryEntry | None:
    """One changelog history; None when it is malformed (no readable time, or a status move with no
    target), so the caller knows the history is not whole."""
    history = mapping(raw)
    at = moment(history.get("created"))
    if at is None:
        return None
    status: StatusItem | None = None
    assignee: AssigneeItem | None = None
    removed: set[str] = set()
    added: set[str] = set()
    for item in map(mapping, items(history.get("items"))):
        name = text(item.get("fieldId") or item.get("field")).lower()
        if name == "status":
            target = optional_text(item.get("to"))
            if not target:
                return None
            if status is None:  # one status move per history; Jira never sends two
                source = optional_text(item.get("from"))
                status = StatusItem(
                    book.status(source, text(item.get("fromString"))) if source else None,
                    book.status(target, text(item.get("toString"))),
                )
        elif name == "assignee":
            old = _account(item, "tmpFromAccountId", "from")
            new = _account(item, "tmpToAccountId", "to")
            if old != new and assignee is None:
                assignee = AssigneeItem(old, new)
        elif name in ("component", "components"):
            # Cloud sends an item per component added or removed; a whole-list item diffs the same way.
            before, after = _names(item.get("fromString")), _names(item.get("toString"))
            removed |= before - after
            added |= after - before
    board = moves.move(project, removed - added, added - removed) if removed or added else None
    by = optional_text(mapping(history.get("author")).get("accountId"))
    return HistoryEntry(at, by or None, status, assignee, board)


def comment_entry(raw: Any) -> CommentEntry | None:
    comment = mapping(raw)
    created = moment(comment.get("created"))
    if created is None:
        return None
    author = optional_text(mapping(comment.get("author")).get("accountId"))
    return CommentEntry(created, author or None)


def _account(item: Mapping[str, Any], cloud_key: str, key: str) -> str | None:
    """An assignee item's account id: Cloud's `tmp…AccountId`, else `from`/`to` (also an account id)."""
    return optional_text(item.get(cloud_key)) or optional_text(item.get(key)) or None


def _history_id(raw: Any) -> int:
    value = text(mapping(raw).get("id"))
    return int(value) if value.isascii() and value.isdigit() else 0


def _names(value: Any) -> set[str]:
    return {name.strip() for name in text(value).split(",") if name.strip()}
