"""The Slack poller: new #laa-ops messages since the newest stored one, a periodic rescan of the recent
past (new thread replies, edits, deletions), names through the cached user directory, and the threads of
the happiness asks for the requesters' answers (`sync.happiness_sync`).

Everything is fetched first and written in one transaction, so a cycle that fails half-way (a 429
on users.info, say) writes nothing and the next cycle sees the same news again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from duty_tui.clock import Clock
from duty_tui.config import SlackConfig
from duty_tui.models import ChatMessage, ChatUser, Service, SourceStatus, ts_key
from duty_tui.rules.requests import CLAIM, Team
from duty_tui.sources.errors import PollCancelled
from duty_tui.sources.slack.client import SlackSource, mentioned_users
from duty_tui.store import Store
from duty_tui.sync.happiness_sync import HappinessSync
from duty_tui.sync.incident_sync import IncidentSync
from duty_tui.sync.outcomes import MessagesPolled
from duty_tui.sync.slack_team import SlackTeam


class SlackPoller:
    source = Service.SLACK

    def __init__(
        self,
        slack: SlackSource,
        store: Store,
        config: SlackConfig,
        clock: Clock,
        *,
        backfill_days: float = 4,
        team: SlackTeam | None = None,
    ) -> None:
        self.slack = slack
        self.team = team
        self.incidents = IncidentSync(slack, store)
        self.happiness = HappinessSync(slack, store)  # the asks' threads, for the requesters' answers
        self.store = store
        self.config = config
        self.clock = clock
        self.backfill = timedelta(days=backfill_days)
        self._last_rescan: datetime | None = None
        self._directory: dict[str, ChatUser] | None = None  # set only once really loaded
        self._directory_shown = False  # the UI has had the whole directory once this session
        self._channel_name: str | None = None

    def poll(self, status: SourceStatus, cancelled: Callable[[], bool] = lambda: False) -> MessagesPolled:
        now = self.clock.now()
        channel = self.config.channel
        directory, fresh_directory = self._load_directory()
        channel_name = self._channel_name or self.store.meta.get(self._name_key) or self.slack.channel_name()
        newest = self.store.messages.newest_ts(channel)
        messages = self.slack.history(newest or _ts(now - self.backfill), cancelled=cancelled)
        removed: tuple[str, ...] = ()
        rescan = self._last_rescan is None or now - self._last_rescan >= timedelta(
            minutes=self.config.rescan_minutes
        )
        if rescan:
            window_start = _ts(now - timedelta(hours=self.config.rescan_hours))
            window = self.slack.history(window_start, inclusive=True, cancelled=cancelled)
            removed = self._deleted(window_start, window, newest)
            known = {m.ts for m in messages}
            messages = [*messages, *(m for m in window if m.ts not in known)]
        newcomers = self._look_up(messages, directory, cancelled)
        incident_events = self.incidents.read(messages, now, cancelled)
        team = self.team.members(now) if self.team is not None else frozenset()
        asks = self.happiness.read(messages, Team(team), now, cancelled)
        with self.store.transaction():  # the whole cycle, or nothing
            if fresh_directory:
                self.store.chat_users.save(directory.values(), now)
            self.store.chat_users.save(newcomers, now)
            self.store.meta.set(self._name_key, channel_name)
            self.store.messages.delete(channel, removed)
            changed = self.store.messages.save(messages)
            self.store.incidents.save(incident_events)
            self.store.happiness.save(channel, asks.asks)
            claims = self._claims(changed, team, now)
        # Only now is it all stored: remember it, and tell the UI everything it has not seen yet.
        directory.update((u.id, u) for u in newcomers)
        self._directory, self._channel_name = directory, channel_name
        if rescan:
            self._last_rescan = now
        self.happiness.stored(asks, now)
        users = list(directory.values()) if not self._directory_shown else newcomers
        self._directory_shown = True
        return MessagesPolled(
            channel,
            changed,
            removed,
            tuple(users),
            replace(status, last_success=now),
            channel_name,
            team,
            self.team.me() if self.team is not None else None,
            claims,
            incidents_changed=bool(incident_events),
        )

    def _claims(
        self, changed: Sequence[ChatMessage], team: frozenset[str], now: datetime
    ) -> dict[str, dict[str, datetime]]:
        """Record each team member's 👀 the first time it is seen (Slack does not say when a reaction
        was added); returns the claims of the changed messages, with those first-seen times."""
        seen = [
            (m.ts, user)
            for m in changed
            for r in m.reactions
            if r.name == CLAIM
            for user in r.users
            if user in team
        ]
        if not seen:
            return {}
        self.store.claims.seen(self.config.channel, seen, now)
        oldest = min((ts for ts, _ in seen), key=ts_key)
        wanted = {ts for ts, _ in seen}
        return {
            ts: dict(v) for ts, v in self.store.claims.of(self.config.channel, oldest).items() if ts in wanted
        }

    def rescan_soon(self) -> None:
        """The engineer asked for a refresh: the next cycle re-reads the recent past too (new replies in
        old threads, reactions, edits), not only what is newer than the newest message."""
        self._last_rescan = None
        self.happiness.refresh_soon()

    @property
    def _name_key(self) -> str:
        return f"slack.channel_name:{self.config.channel}"

    def _load_directory(self) -> tuple[dict[str, ChatUser], bool]:
        """The user directory, from memory, the store, or (once, Tier 2) users.list. True if fetched now."""
        if self._directory is not None:
            return dict(self._directory), False
        stored = self.store.chat_users.all()
        if stored:
            return stored, False
        return {u.id: u for u in self.slack.users()}, True

    def _look_up(
        self, messages: Sequence[ChatMessage], directory: dict[str, ChatUser], cancelled: Callable[[], bool]
    ) -> list[ChatUser]:
        """users.info for authors and mentioned people the directory does not know (rare once warm)."""
        found: list[ChatUser] = []
        for user_id in sorted(mentioned_users(list(messages)) - directory.keys()):
            if cancelled():
                raise PollCancelled
            user = self.slack.user(user_id)
            if user is not None:
                found.append(user)
        return found

    def _deleted(
        self, window_start: str, window: Sequence[ChatMessage], newest: str | None
    ) -> tuple[str, ...]:
        """Stored messages inside the rescanned window that Slack no longer has."""
        if newest is None:
            return ()
        present = {m.ts for m in window}
        stored = self.store.messages.ts_between(self.config.channel, window_start, newest)
        return tuple(ts for ts in stored if ts not in present)


def _ts(moment: datetime) -> str:
    return f"{int(moment.timestamp())}.000000"
