"""Who the engineer at the keyboard is in Jira: fetched once per site and account, kept in the store.

The account id decides what "mine" means, whose comments acknowledge a ticket, and who the outbox's
writes are by; it is known from the cache at once on every start after the first successful sync.
"""

from __future__ import annotations

from duty_tui.config import JiraConfig
from duty_tui.sources.jira.client import JiraSource, JiraUser
from duty_tui.store import Store


class JiraAccount:
    """The API user of one Jira site. Thread-safe: a read races at worst into one extra fetch."""

    def __init__(self, jira: JiraSource, store: Store, config: JiraConfig) -> None:
        self.jira = jira
        self.store = store
        self.key = f"jira.myself:{config.url}:{config.email}"
        self._me: JiraUser | None = None
        self._looked = False  # whether `cached` has read the store once

    def cached(self) -> JiraUser | None:
        """The account if known, without a network call. The store is read the first time only: the UI
        thread asks on every poll and every row's "mine", and until the first successful sync (an
        offline start) each ask would be a SQLite read; from then on only `fetch` learns the account."""
        if self._me is None and not self._looked:
            self._looked = True
            stored = self._stored()
            if self._me is None:  # the poller's first `fetch` may have set it while the store was read
                self._me = stored
        return self._me

    def cached_id(self) -> str | None:
        me = self.cached()
        return me.account_id if me else None

    def fetch(self) -> JiraUser:
        """The account, asked of Jira the first time and cached in the store from then on (read from the
        store again here, on the poller's thread: another dashboard on this data dir may have stored it)."""
        me = self._me or self._stored()
        if me is None:
            me = self.jira.myself()
            self.store.meta.set(self.key, me.to_json())
        self._me = me
        return me

    def _stored(self) -> JiraUser | None:
        stored = self.store.meta.get(self.key)
        return JiraUser.from_json(stored) if stored else None
