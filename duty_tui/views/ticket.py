"""A ticket in full from the cache: Enter on a row of the tickets pane."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from duty_tui import text
from duty_tui.duty.triage import severity
from duty_tui.models import Ticket
from duty_tui.timefmt import age, day_clock


class TicketScreen(ModalScreen[None]):
    """What duty-tui knows about one ticket. Esc closes."""

    DEFAULT_CSS = """
    TicketScreen { align: center middle; }
    TicketScreen > VerticalScroll { width: 100; max-width: 95%; height: auto; max-height: 85%;
                                    border: round $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close", id="view.close")]

    def __init__(
        self, ticket: Ticket, board_labels: Mapping[str, str], now: Callable[[], datetime], zone: ZoneInfo
    ) -> None:
        super().__init__()
        self.ticket = ticket
        self.board_labels = board_labels
        self.now = now
        self.zone = zone

    def compose(self) -> ComposeResult:
        with VerticalScroll() as body:
            body.border_title = Content.assemble(
                (self.ticket.key, "bold"), " · ", text.content(self.ticket.status)
            )
            body.border_subtitle = "Esc closes"
            yield Static(self.describe(), id="ticket-body")

    def describe(self) -> Content:
        t = self.ticket
        now = self.now()
        rows: list[tuple[str, Content]] = [
            ("Board", text.content(", ".join(t.boards) or "—")),
            ("Priority", text.content(f"{t.priority or '—'} (severity {severity(t)})")),
            ("Type", text.content(t.issue_type or "—")),
            ("Status", text.content(t.status or "—")),
            ("Reporter", text.content(t.reporter or "—")),
            ("Assignee", text.content(t.assignee or "unassigned")),
            ("Created", Content(f"{day_clock(t.created, now, self.zone)} ({age(now - t.created)} ago)")),
            ("Updated", Content(day_clock(t.updated, now, self.zone))),
            ("Components", text.content(", ".join(t.components) or "—")),
            ("Labels", text.content(", ".join(t.labels) or "—")),
            ("Link", text.content(t.url)),
        ]
        parts: list[Content | str | tuple[str, str]] = [text.content(t.summary).stylize("bold"), "\n\n"]
        for label, value in rows:
            parts += [(f"{label:<11}", "dim"), value, "\n"]
        return Content.assemble(*parts)

    def action_close(self) -> None:
        self.dismiss(None)
