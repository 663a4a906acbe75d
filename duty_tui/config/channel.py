"""The [channel] section: how duty-tui works #laa-ops (the process's 15-minute rule and its tickets).

[channel]
waiting_minutes = 10      # a request nobody in the team has answered is flagged after this long
triage_minutes = 15       # quick help stays in the channel; past this, raise a ticket
product_manager = "U…"    # mentioned when a ticket is raised from a message (optional)
issue_type = "Task"       # the type of the tickets raised from messages
priority = "Medium"       # their default priority
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from duty_tui.config.reader import ConfigError, Reader
from duty_tui.config.workflow import SLACK_USER


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    # How long (in support hours) a request from outside the team may wait for a first answer.
    waiting: timedelta = timedelta(minutes=10)
    # The process: help that takes longer than this becomes a Jira ticket.
    triage: timedelta = timedelta(minutes=15)
    product_manager: str | None = None  # a Slack user id, told when work on a request has begun
    issue_type: str = "Task"
    priority: str = "Medium"


def parse_channel(r: Reader, t: Mapping[str, Any]) -> ChannelConfig:
    r.known(t, "channel", {"waiting_minutes", "triage_minutes", "product_manager", "issue_type", "priority"})
    manager = t.get("product_manager")
    if manager is not None and not (isinstance(manager, str) and SLACK_USER.fullmatch(manager)):
        raise ConfigError(
            f'{r.where}: [channel] product_manager must be a Slack user id in quotes, e.g. "U024BE7LH".'
        )
    return ChannelConfig(
        waiting=timedelta(minutes=r.number(t, "channel", "waiting_minutes", 10, 1)),
        triage=timedelta(minutes=r.number(t, "channel", "triage_minutes", 15, 1)),
        product_manager=manager,
        issue_type=r.string(t, "channel", "issue_type", default="Task"),
        priority=r.string(t, "channel", "priority", default="Medium"),
    )
