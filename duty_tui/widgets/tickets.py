"""The tickets pane: unassigned, not-done tickets of both boards, most severe and oldest first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from duty_tui import text
from duty_tui.duty.triage import severity, triage_key
from duty_tui.models import SourceStatus, Ticket
from duty_tui.timefmt import age
from duty_tui.widgets.keyed_table import Column, KeyedTable
from duty_tui.widgets.list_pane import ListPane

COLUMNS = (
    Column("board", "Board", width=5),
    Column("key", "Key", width=9),
    Column("priority", "Priority", width=8),
    Column("age", "Age", width=4, justify="right"),
    Column("summary", "Summary", min_width=12),
)
SEVERITY_STYLE = {1: "bold red", 2: "red", 3: "yellow", 4: "dim", 5: "dim"}


class TicketTable(KeyedTable[Ticket]):
    """Tickets keyed by issue key."""


class TicketsPane(ListPane):
    """Pane 1. Board labels come from the config ("AWS", "6DG"); ages are relative to the clock."""

    def __init__(self, board_labels: Mapping[str, str], now: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.board_labels = dict(board_labels)
        self.now = now
        self.zone = zone
        table = TicketTable(
            COLUMNS,
            key=lambda t: t.key,
            cells=self.cells,
            sort_key=triage_key,
            search_text=self.search_text,
            empty_text="No unassigned tickets on the boards.",
            id="ticket-table",
        )
        super().__init__(1, "Tickets", table, id="tickets")

    def cells(self, ticket: Ticket) -> list[Text]:
        labels = [self.board_labels.get(b, b[:3]) for b in ticket.boards] or ["?"]
        level = severity(ticket)
        return [
            text.plain("+".join(labels), "cyan"),
            text.plain(ticket.key, "bold"),
            text.plain(ticket.priority or "—", SEVERITY_STYLE[level]),
            text.plain(age(self.now() - ticket.created)),
            text.plain(ticket.summary, single_line=True, limit=300),
        ]

    def search_text(self, ticket: Ticket) -> str:
        boards = " ".join(self.board_labels.get(b, b) + " " + b for b in ticket.boards)
        return " ".join(
            [
                ticket.key,
                ticket.summary,
                boards,
                ticket.priority,
                ticket.reporter,
                *ticket.components,
                *ticket.labels,
            ]
        )

    def show(self, tickets: Iterable[Ticket]) -> None:
        self.table.set_rows(tickets)
        self.update_counts()

    def apply(self, changed: Iterable[Ticket], removed: Iterable[str]) -> None:
        changed, removed = list(changed), list(removed)
        if changed or removed:  # most polls change nothing: keep them free
            self.table.apply(changed, removed)
            self.update_counts()

    def update_counts(self) -> None:
        per_board: dict[str, int] = {}
        for ticket in self.table.items():
            for board in ticket.boards:
                label = self.board_labels.get(board, board)
                per_board[label] = per_board.get(label, 0) + 1
        ordered = [label for label in self.board_labels.values() if label in per_board]
        self.counts = " · ".join(f"{label} {per_board[label]}" for label in ordered) or "none waiting"
        self.refresh_title()

    def show_status(self, status: SourceStatus | None) -> None:
        self.banner.show_status("Jira", status, self.now(), self.zone)
