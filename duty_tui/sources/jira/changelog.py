"""Reading ticket histories for the metrics through `JiraSource`: every ticket of a board updated since a
moment, with its whole changelog and all its comments, as `rules.flow_history.TicketHistory`.

One search per board (`jql.board_history_jql`: the saved filter and the component, any assignee, any
status) asks for the few fields the flow needs, with `expand=changelog`. Jira embeds only the newest
histories (100) there: when the embedded changelog is cut short, the oldest histories it left out are
read from `/issue/{key}/changelog` (oldest first, offset paged), only as many as are missing (one
request for a ticket of up to 200 histories), and merged with the embedded ones by history id. The
comments likewise come from the comment endpoint when the embedded list was cut short.

A ticket whose history Jira no longer shows (403 or 404 on those endpoints: moved out of sight since
the search) keeps what the search had and is marked incomplete; any other failure (a 5xx, a 429, the
credentials, the network) is the whole fetch's, so the caller can keep its cache as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from duty_tui.config import BoardConfig
from duty_tui.models import BoardInfo
from duty_tui.rules.flow_history import TicketHistory
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira import history
from duty_tui.sources.jira.client import ISSUE_KEY, JiraSource
from duty_tui.sources.jira.jql import board_history_jql
from duty_tui.sources.jira.ticket_history import BoardMoves, BoardScope, StatusBook, ticket_history
from duty_tui.sources.values import items, mapping, text

HISTORY_FIELDS = ("created", "updated", "status", "assignee", "components", "comment")
CHANGELOG_PAGE = 100  # the most Jira sends in one changelog page
MAX_CHANGELOG_PAGES = 100  # 10,000 histories: a ticket with more is marked incomplete rather than read on
GONE = (403, 404)  # the ticket moved out of sight between the search and the changelog request


@dataclass(frozen=True, slots=True)
class HistoryBoard:
    """A configured board and its settings from Jira (the saved filter, the project it is located in)."""

    config: BoardConfig
    info: BoardInfo

    @property
    def scope(self) -> BoardScope:
        return BoardScope(self.config.name, self.config.component, self.info.project_key)


class ChangelogReader:
    """Reads the boards' ticket histories through one `JiraSource`, naming statuses from `book` (which
    it corrects from what Jira says, and refreshes from Jira's status list at most once when a history
    names a status it does not know)."""

    def __init__(self, jira: JiraSource, boards: Sequence[HistoryBoard], book: StatusBook) -> None:
        self.jira = jira
        self.boards = tuple(boards)
        self.book = book
        self.moves = BoardMoves([board.scope for board in self.boards])
        self.statuses_read = False  # Jira's status list was read during this reader's life

    def query(self, board: HistoryBoard, updated_since: str) -> str:
        return board_history_jql(board.info, board.config, updated_since=updated_since)

    def count(self, board: HistoryBoard, updated_since: str) -> int:
        """About how many tickets `pages` will bring (Jira's approximate count: for progress only)."""
        return self.jira.issue_count(self.query(board, updated_since))

    def pages(
        self, board: HistoryBoard, updated_since: str, cancelled: Callable[[], bool] = lambda: False
    ) -> Iterator[list[Any]]:
        """The board's tickets updated since then, raw, a search page at a time."""
        return self.jira.search_pages(self.query(board, updated_since), HISTORY_FIELDS, cancelled)

    def ticket(self, raw: Any, board: HistoryBoard) -> TicketHistory | None:
        """One search result → its whole history (reading what the search left out); None if unreadable."""
        if not isinstance(raw, Mapping) or not isinstance(raw.get("key"), str):
            return None
        key = raw["key"]
        if not ISSUE_KEY.fullmatch(key):  # it goes into a URL path
            return None
        fields = mapping(raw.get("fields"))
        entries, complete = self._histories(key, raw.get("changelog"))
        notes, comments_cut = history.comments(fields.get("comment"))
        if comments_cut or "comment" not in fields:
            try:
                notes = self.jira.comment_entries(key)
            except SourceError as error:
                if error.status not in GONE or error.auth:
                    raise
                complete = False
        self._know_statuses(fields.get("status"), entries)
        return ticket_history(
            raw, board.config.name, entries, notes, book=self.book, moves=self.moves, complete=complete
        )

    def _histories(self, key: str, raw_changelog: Any) -> tuple[list[Mapping[str, Any]], bool]:
        """Every history of the ticket (any order), and whether all of them could be read."""
        embedded, cut = history.histories(raw_changelog)
        if raw_changelog is not None and not cut:
            return embedded, True
        total = mapping(raw_changelog).get("total")
        missing = total - len(embedded) if isinstance(total, int) else None  # None: read to the end
        try:
            older, whole = self._oldest(key, missing)
        except SourceError as error:
            if error.status not in GONE or error.auth:
                raise
            return embedded, False
        embedded_ids = {h.get("id") for h in embedded if h.get("id") is not None}
        # The pages may overlap the embedded newest ones (a history added since the search): once each.
        return [h for h in older if h.get("id") is None or h.get("id") not in embedded_ids] + embedded, whole

    def _oldest(self, key: str, missing: int | None) -> tuple[list[Mapping[str, Any]], bool]:
        """The oldest `missing` histories (all, when None) from the changelog endpoint, oldest first, and
        whether they were all read."""
        client = self.jira.client()
        found: list[Mapping[str, Any]] = []
        start = 0
        for _ in range(MAX_CHANGELOG_PAGES):
            wanted = CHANGELOG_PAGE if missing is None else min(CHANGELOG_PAGE, missing - start)
            if wanted <= 0:
                return found, True
            with self.jira.translate_errors(f"reading the history of {key}"):
                page = mapping(
                    client._get_json(
                        f"issue/{key}/changelog", params={"startAt": start, "maxResults": wanted}
                    )
                )
            values = items(page.get("values"))
            found += [h for h in values if isinstance(h, Mapping)]
            start += len(values)
            if page.get("isLast") is True:
                return found, True
            if not values:  # a page with nothing on it that is not the last: stop, say so
                return found, missing is not None and start >= missing
        return found, False

    def _know_statuses(self, current: Any, entries: list[Mapping[str, Any]]) -> None:
        """Read Jira's status list (once) when a history names a status the book cannot place."""
        if self.statuses_read:
            return
        self.book.learn(current)
        named = {
            text(item.get(end))
            for entry in entries
            for item in map(mapping, items(entry.get("items")))
            if text(item.get("fieldId") or item.get("field")).lower() == "status"
            for end in ("from", "to")
            if item.get(end)
        }
        if any(not self.book.knows(status_id) for status_id in named):
            self.book.merge(self.jira.statuses())
            self.statuses_read = True
