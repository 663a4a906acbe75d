"""Incidents from #laa-ops: every dashboard rebuilds them from the posts that carry `duty_tui_incident`
metadata, whoever posted them.

Announcements are top-level, so the history poll brings them; updates, handovers and resolutions are
thread replies, which `conversations.history` does not return, so each cycle reads the threads of the
open incidents from the last reply it knows (one `conversations.replies` per open incident: incidents
are rare, and every dashboard must see an update within one poll). A post with the event type but a
payload that does not validate is ignored and logged, never guessed at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from duty_tui.models import ChatMessage, IncidentEvent, ts_key
from duty_tui.rules.incidents import EVENT_TYPE, event_from_message, fold
from duty_tui.sources.errors import PollCancelled
from duty_tui.sources.slack.client import SlackSource
from duty_tui.store import Store

log = logging.getLogger(__name__)

LOOK_BACK = timedelta(days=14)  # incidents older than this are history: their threads are not re-read


class IncidentSync:
    def __init__(self, slack: SlackSource, store: Store) -> None:
        self.slack = slack
        self.store = store

    def read(
        self, messages: Sequence[ChatMessage], now: datetime, cancelled: Callable[[], bool]
    ) -> list[tuple[str, IncidentEvent]]:
        """Incident events in this poll's messages and in the open incidents' threads, keyed by ts."""
        found = self._events(messages)
        known = self.store.incidents.all(since=now - LOOK_BACK)
        for incident in fold([*known, *(event for _, event in found)]):
            if not incident.is_open or incident.thread_ts is None:
                continue
            if cancelled():
                raise PollCancelled
            seen = [e.ts for e in incident.events if e.ts]
            newest = max(seen, key=ts_key) if seen else incident.thread_ts
            replies = self.slack.replies(incident.thread_ts, oldest=newest)
            found.extend(self._events([m for m in replies if m.ts != incident.thread_ts]))
        return found

    def _events(self, messages: Sequence[ChatMessage]) -> list[tuple[str, IncidentEvent]]:
        events = []
        for message in messages:
            if message.metadata_type != EVENT_TYPE:
                continue
            event = event_from_message(message)
            if event is None:
                log.warning(
                    "slack: ignored incident metadata that does not validate (message %s)", message.ts
                )
                continue
            events.append((message.ts, event))
        return events
