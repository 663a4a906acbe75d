"""What one poll hands to the UI: the changed models of one source, or why the poll failed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from duty_tui.models import ChatMessage, ChatUser, SourceStatus, Ticket
from duty_tui.sources.errors import SourceError


@dataclass(frozen=True, slots=True)
class TicketsPolled:
    changed: tuple[Ticket, ...]
    removed: tuple[str, ...]
    full: bool
    status: SourceStatus
    # Tickets this poll saw in a Done-category status: an incremental poll returns those that just closed
    # (the happiness asks of the requests they were raised from follow).
    resolved: tuple[str, ...] = ()
    version: int = 0  # the store's version `changed` was read at (`Database.version`)


@dataclass(frozen=True, slots=True)
class MessagesPolled:
    channel: str
    changed: tuple[ChatMessage, ...]
    removed: tuple[str, ...]
    users: tuple[ChatUser, ...]
    status: SourceStatus
    channel_name: str | None = None
    team: frozenset[str] = frozenset()  # Slack ids whose answers and claims count
    me: str | None = None  # the Slack id the engineer's posts come from
    # ts → team member → when their 👀 was first seen, for the messages this poll changed.
    claims: Mapping[str, Mapping[str, datetime]] = field(default_factory=dict)
    incidents_changed: bool = False  # incident posts arrived: the incident desk re-reads the store


@dataclass(frozen=True, slots=True)
class PollFailed:
    status: SourceStatus
    error: SourceError
    # No poll of this source has succeeded since the app started: an auth error now means the
    # configuration is wrong, not that something broke mid-day.
    never_succeeded: bool


PollOutcome = TicketsPolled | MessagesPolled | PollFailed


class Poller(Protocol):
    """One cycle of one source: fetch what changed, store it in one transaction, say what changed."""

    @property
    def source(self) -> str: ...

    def poll(
        self, status: SourceStatus, cancelled: Callable[[], bool] = ...
    ) -> TicketsPolled | MessagesPolled: ...
