"""What the ticket desk is handed, as protocols: its pane, its dialogs and the outbox writer.

The desk may not import widgets or views (they sit above it), so it says here what it needs of them;
the app hands it the real ones (`widgets.tickets.TicketsPane`, `views.ticket_dialogs.TicketDialogs`,
`sync.outbox.OutboxWriter`), and a test may hand it anything else that fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from textual.screen import Screen

from duty_tui.models import Person, SourceStatus, Ticket, TicketDetail, Transition
from duty_tui.rules.triage import Classification


class TicketsView(Protocol):
    """What the desk needs of the tickets pane (`widgets.tickets.TicketsPane`)."""

    @property
    def board_labels(self) -> Mapping[str, str]: ...

    def ticket(self, key: str) -> Ticket | None: ...

    def apply(self, changed: Iterable[Ticket], removed: Iterable[str]) -> None: ...

    def show_status(self, status: SourceStatus | None) -> None: ...

    def classification(self, ticket: Ticket) -> Classification: ...

    def just_landed(self, within: float) -> bool: ...

    def forget_landing(self) -> None: ...


class TicketDialogs(Protocol):
    """The dialogs the ticket keys open (`views.ticket_dialogs.TicketDialogs`)."""

    def assign(
        self,
        key: str,
        people: list[Person],
        load: Callable[[str], list[Person]] | None,
        current_assignee_id: str | None,
    ) -> Screen[Person | None]: ...

    def move(
        self, key: str, status: str, load: Callable[[], list[Transition]]
    ) -> Screen[Transition | None]: ...

    def comment(self, key: str, summary: str, initial: str = "") -> Screen[str | None]: ...

    def detail(
        self,
        ticket: Ticket,
        board_labels: Mapping[str, str],
        load: Callable[[], TicketDetail] | None,
        classification: Classification,
    ) -> Screen[None]: ...


class Sender(Protocol):
    """What the desk needs of the outbox writer."""

    def wake(self) -> None: ...

    def send_now(self) -> None: ...
