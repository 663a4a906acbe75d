"""Reading the happiness asks back from #laa-ops, for the Slack poller.

An ask is a thread reply and the requester's answer is a reaction on it: `conversations.history` returns
neither, so threads are read with `conversations.replies`, a few a poll (Slack rate-limits it, and a quiet
cycle should cost nothing but two small store reads):

- the threads of the asks known from the last 30 days, again every half hour (at once after `r`), for
  reactions added since;
- done or ticketed requests in the poll's messages whose thread has a reply not looked at yet: the reply
  may be an ask from another dashboard.

What is read goes into the poll's one transaction; a thread only counts as read once that is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from duty_tui.models import ChatMessage
from duty_tui.rules.happiness import ASK_METADATA
from duty_tui.rules.happiness_asks import ASK_WITHIN, may_hold_ask
from duty_tui.rules.requests import Team
from duty_tui.sources.errors import PollCancelled, SourceError
from duty_tui.sources.slack.client import SlackSource
from duty_tui.store import Store

REFRESH = timedelta(minutes=30)  # how often a known ask is read again for new reactions
PER_CYCLE = 3  # threads read in one poll at most: with a 10 s poll, under 20 requests a minute (Tier 3: 50)
NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class HappinessRead:
    """What one poll read: the asks found (with their reactions now) and the threads it read."""

    asks: tuple[ChatMessage, ...] = ()
    threads: tuple[str, ...] = ()
    replies: dict[str, str | None] = field(default_factory=dict)  # thread → the latest reply it had then


class HappinessSync:
    def __init__(self, slack: SlackSource, store: Store) -> None:
        self.slack = slack
        self.store = store
        self._read_at: dict[str, datetime] = {}  # request ts → when its thread was last read
        self._waiting: dict[str, str | None] = {}  # threads to look into → their latest reply
        self._looked: dict[str, str | None] = {}  # threads looked into → their latest reply then

    def read(
        self, messages: Sequence[ChatMessage], team: Team, now: datetime, cancelled: Callable[[], bool]
    ) -> HappinessRead:
        channel = self.slack.channel
        since = now - ASK_WITHIN
        oldest = f"{int(since.timestamp())}.000000"
        ticketed = self.store.raised.of(channel, oldest)
        for message in messages:
            if message.sent_at < since or self._looked.get(message.ts, "") == message.latest_reply:
                continue
            if may_hold_ask(message, team, ticketed=message.ts in ticketed):
                self._waiting[message.ts] = message.latest_reply
        known = self.store.happiness.threads(channel, since)
        due = sorted(
            (ts for ts in known if now - self._read_at.get(ts, NEVER) >= REFRESH),
            key=lambda ts: self._read_at.get(ts, NEVER),
        )
        wanted = list(dict.fromkeys([*self._waiting, *due]))[:PER_CYCLE]
        asks: list[ChatMessage] = []
        for ts in wanted:
            if cancelled():
                raise PollCancelled
            asks.extend(m for m in self._thread(ts)[1:] if m.metadata_type == ASK_METADATA)
        return HappinessRead(tuple(asks), tuple(wanted), {ts: self._waiting.get(ts) for ts in wanted})

    def _thread(self, ts: str) -> list[ChatMessage]:
        """The thread, or nothing when the request has been deleted since."""
        try:
            return self.slack.replies(ts)
        except SourceError as error:
            if error.status == 200 and "thread_not_found" in error.message:
                return []
            raise

    def stored(self, read: HappinessRead, now: datetime) -> None:
        """The poll's transaction committed: the threads it read count as read."""
        for ts in read.threads:
            self._read_at[ts] = now
            if ts in self._waiting:
                self._looked[ts] = self._waiting.pop(ts)
        oldest = f"{int((now - ASK_WITHIN).timestamp())}"
        for ts in [ts for ts in self._looked if ts.partition(".")[0].zfill(10) < oldest.zfill(10)]:
            del self._looked[ts]  # too old to be asked: forget it

    def refresh_soon(self) -> None:
        """The engineer asked for a refresh: every known ask is read again (a few a poll)."""
        self._read_at.clear()
