"""Who the team is in Slack: their reply or reaction answers a request, their 👀 claims one.

The configured ids ([team] slack_members), the members of the configured user group (read with
`usergroups.users.list` now and then: people join and leave the rota), the bot duty-tui posts with (it
speaks for an engineer) and the engineer's own id when they post with their own token. A user group
that cannot be read (missing scope, Slack down) leaves the rest standing and says so in the log; the
last members read are kept in the store so a restart offline still knows them.
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

    def members(self, now: datetime) -> frozenset[str]:
        """The team as of now; reads Slack at most every 30 minutes (a cycle's only extra requests)."""
        if self._members is not None and self._read_at is not None and now - self._read_at < REFRESH:
            return self._members
        found = set(self.config.slack_members) | self._identities() | self._group()
        self._members, self._read_at = frozenset(found), now
        return self._members

    def _identities(self) -> set[str]:
        stored = self.store.meta.get(IDS_KEY)
        if stored:
            return set(json.loads(stored))
        me = self.writer.me()[0]
        ids = {self.writer.bot()[0], me}
        self.store.meta.set(IDS_KEY, json.dumps(sorted(ids)))
        self.store.meta.set(ME_KEY, me)
        return ids

    def me(self) -> str | None:
        return self.store.meta.get(ME_KEY)

    def _group(self) -> set[str]:
        group = self.config.slack_usergroup
        if not group:
            return set()
        try:
            members = self.writer.usergroup_members(group)
        except SourceError as error:
            if not error.permanent or error.auth:
                raise  # the poll's own retry handles an outage
            log.warning("slack: cannot read the team's user group %s: %s", group, error.message)
            stored = self.store.meta.get(GROUP_KEY)
            return set(json.loads(stored)) if stored else set()
        self.store.meta.set(GROUP_KEY, json.dumps(sorted(members)))
        return set(members)
