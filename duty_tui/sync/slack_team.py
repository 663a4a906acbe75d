"""Who the team is in Slack: their reply or reaction answers a request, their 👀 claims one.

The configured ids ([team] slack_members), the members of the configured user group (read with
`usergroups.users.list` now and then: people join and leave the rota), the bot duty-tui posts with (it
speaks for an engineer) and the engineer's own id when they post with their own token. What cannot be
read (a missing scope, a revoked user token, Slack down) leaves the rest standing and says so in the
log; the last reading is kept in the store so a restart offline still knows the team.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from duty_tui.config import TeamConfig
from duty_tui.sources.errors import SourceError
from duty_tui.sources.slack.writes import SlackWriter
from duty_tui.store import Store

log = logging.getLogger(__name__)

REFRESH = timedelta(minutes=30)
GROUP_KEY = "slack.usergroup_members"
IDS_KEY = "slack.identities"
ME_KEY = "slack.me"  # the Slack id duty-tui posts as: the engineer's with a user token, else the bot's


class SlackTeam:
    def __init__(self, writer: SlackWriter, store: Store, config: TeamConfig) -> None:
        self.writer = writer
        self.store = store
        self.config = config
        self._read_at: datetime | None = None
        self._members: frozenset[str] | None = None
        self._ids: set[str] | None = None  # asked of Slack this session
        self._me: str | None = None

    def members(self, now: datetime) -> frozenset[str]:
        """The team as of now; reads Slack at most every 30 minutes. Never fails a poll: what cannot be
        read now (a revoked user token, a user group Slack will not list) is taken from the last
        reading, and the log says why."""
        if self._members is not None and self._read_at is not None and now - self._read_at < REFRESH:
            return self._members
        found = set(self.config.slack_members) | self._identities() | self._group()
        self._members, self._read_at = frozenset(found), now
        return self._members

    def me(self) -> str | None:
        return self._me or self.store.meta.get(ME_KEY)

    def _identities(self) -> set[str]:
        """The bot's id and the id duty-tui posts as, asked of Slack once a session (the user token may
        have been set, changed or dropped since the last run), else as last known."""
        if self._ids is None:
            try:
                me, bot = self.writer.me()[0], self.writer.bot()[0]
            except SourceError as error:
                log.warning("slack: cannot tell who duty-tui posts as: %s", error.message)
                stored = self.store.meta.get(IDS_KEY)
                return set(json.loads(stored)) if stored else set()
            self._ids, self._me = {me, bot}, me
            self.store.meta.set(IDS_KEY, json.dumps(sorted(self._ids)))
            self.store.meta.set(ME_KEY, me)
        return set(self._ids)

    def _group(self) -> set[str]:
        group = self.config.slack_usergroup
        if not group:
            return set()
        try:
            members = self.writer.usergroup_members(group)
        except SourceError as error:
            log.warning("slack: cannot read the team's user group %s: %s", group, error.message)
            stored = self.store.meta.get(GROUP_KEY)
            return set(json.loads(stored)) if stored else set()
        self.store.meta.set(GROUP_KEY, json.dumps(sorted(members)))
        return set(members)
