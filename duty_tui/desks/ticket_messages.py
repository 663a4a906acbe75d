"""What the ticket desk's threads tell it, and what it tells the app, as Textual messages (past tense).

The store writer and the outbox writer post these to the desk from their threads (`post_message` is
thread-safe); the desk handles them on the UI thread. Only `PendingWritesChanged` bubbles on to the
app, which shows the count in the status bar: the others are the desk's alone (each container a
message bubbles through is one more dispatch on the UI thread, four of them from a desk to the app).
"""

from __future__ import annotations

from textual.message import Message

from duty_tui.models import Person, Ticket, Write
from duty_tui.sync.outbox import OutboxProgress


class WritesQueued(Message, bubble=False):  # the desk it is posted to handles it
    """Writes are stored in the outbox (so they survive a crash); the writer can send them."""

    def __init__(self, writes: list[Write], pending: int | None, version: int = 0) -> None:
        super().__init__()
        self.writes = writes
        self.pending = pending  # how many wait now; None when the store could not count them
        self.version = version  # the store's version once it had them (`Database.version`)


class WritesNotStored(Message, bubble=False):  # the desk it is posted to handles it
    """The store would not take the writes (locked, full): they were neither saved nor sent."""

    def __init__(self, writes: list[Write], error: Exception) -> None:
        super().__init__()
        self.writes = writes
        self.error = error


class OutboxProgressed(Message, bubble=False):  # the desk it is posted to handles it
    """The outbox writer delivered a write, will retry it, or the service refused it."""

    def __init__(self, progress: OutboxProgress) -> None:
        super().__init__()
        self.progress = progress


class TicketsReread(Message, bubble=False):  # the desk it is posted to handles it
    """Tickets read again after a reading of them was dropped (`ticket_readings`): each key's ticket, or
    None when the cache no longer has it."""

    def __init__(self, tickets: dict[str, Ticket | None], version: int) -> None:
        super().__init__()
        self.tickets = tickets
        self.version = version


class PeopleFound(Message, bubble=False):  # the desk it is posted to handles it
    """Jira listed who can take a ticket (cached in the store): the assign picker's people."""

    def __init__(self, people: list[Person]) -> None:
        super().__init__()
        self.people = people


class PendingWritesChanged(Message):
    """How many writes wait for a service now, and why (for the status bar)."""

    def __init__(self, count: int, note: str | None) -> None:
        super().__init__()
        self.count = count
        self.note = note
