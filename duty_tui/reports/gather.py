"""What the figures are worked out from, read from the store in one go (on a worker thread, never the UI's):
the ticket histories the history fetch cached, the incidents rebuilt from #laa-ops, the health probe results
and the happiness asks, with the config's boards, team and checks.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from duty_tui.config import Config
from duty_tui.reports.metrics import MetricsInputs
from duty_tui.rules.incidents import fold
from duty_tui.store import Store

HISTORY_DAYS = 90  # the longest period the screen offers
AVAILABILITY_DAYS = 30  # the longest availability window


def gather(
    store: Store, config: Config, since: datetime, until: datetime, me: str | None = None
) -> MetricsInputs:
    """The inputs for a period from `since` to `until`. Availability reads back 30 days from `until` whatever
    the period (its windows are today, 7 and 30 days); incidents and postmortems owed read every event."""
    team = set(config.workflow.team.members)
    if me:
        team.add(me)
    names_raw = store.meta.get("jira.status_names")
    names = json.loads(names_raw) if names_raw else {}
    return MetricsInputs(
        tickets=store.history.tickets(),
        boards=[board.name for board in config.jira.boards],
        team=frozenset(team),
        incidents=fold(store.incidents.all()),
        exported=store.incidents.exported(),
        checks=config.availability.checks,
        probes=store.probes.since(min(since, until - timedelta(days=AVAILABILITY_DAYS))),
        asks=store.happiness.asks(since),
        status_names={str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {},
    )
