"""Textual messages shared across panes. Past tense: each says what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from textual.message import Message

from duty_tui.models import ChatMessage, ChatUser, ChecklistTick, Person, SourceStatus, Ticket
from duty_tui.sync.outcomes import PollOutcome


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the panes paint from the store before any network call."""

    tickets: list[Ticket]
    messages: list[ChatMessage]
    users: dict[str, ChatUser]
    statuses: dict[str, SourceStatus]
    day: date
    ticks: dict[str, ChecklistTick]
    channel_name: str | None = None
    people: list[Person] = field(default_factory=list)
    pending: int = 0


class CacheLoaded(Message):
    """The store was read (in a worker); the panes can paint."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class SourcePolled(Message):
    """One poll of one source finished: changed models, or the failure, plus the source's status."""

    def __init__(self, outcome: PollOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class OlderMessagesLoaded(Message):
    def __init__(self, messages: list[ChatMessage]) -> None:
        super().__init__()
        self.messages = messages


class ChecklistLoaded(Message):
    """The ticks of a support day, as the store has them (read in a worker)."""

    def __init__(self, day: date, ticks: dict[str, ChecklistTick]) -> None:
        super().__init__()
        self.day = day
        self.ticks = ticks
