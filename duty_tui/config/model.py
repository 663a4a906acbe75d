"""The configuration as the rest of duty-tui sees it: frozen dataclasses, every field documented.

Built by `config.parse` from the TOML file; the ticket-workflow sections live in `config.workflow`.
Nothing here reads files or the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from duty_tui.config.availability import AvailabilityConfig
from duty_tui.config.channel import ChannelConfig
from duty_tui.config.checklist import ChecklistConfig
from duty_tui.config.cover import ContactsConfig, CoverConfig
from duty_tui.config.happiness import HappinessConfig
from duty_tui.config.incidents import IncidentsConfig
from duty_tui.config.notify import NotifyConfig
from duty_tui.config.workflow import WorkflowConfig


@dataclass(frozen=True, slots=True)
class BoardConfig:
    id: int
    name: str
    component: str | None = None
    # Short label for the tickets table ("AWS", "6DG"); defaults to the first word of the name.
    label: str = ""

    @property
    def short(self) -> str:
        return self.label or self.name.split()[0]


@dataclass(frozen=True, slots=True)
class JiraConfig:
    url: str
    email: str
    auth: str = "basic"  # "basic" (Cloud: email + API token) or "pat" (Data Center personal access token)
    boards: tuple[BoardConfig, ...] = ()
    poll_seconds: float = 30.0
    reconcile_minutes: float = 10.0
    timeout_seconds: float = 20.0


@dataclass(frozen=True, slots=True)
class SlackConfig:
    channel: str
    api_url: str = "https://slack.com/api/"
    poll_seconds: float = 10.0
    # Every so often re-read the recent past to catch new thread replies, edits and deletions.
    rescan_minutes: float = 5.0
    rescan_hours: float = 12.0
    timeout_seconds: float = 20.0


@dataclass(frozen=True, slots=True)
class SupportConfig:
    timezone: str = "Europe/London"
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    days: frozenset[int] = frozenset(range(5))  # Monday = 0
    bank_holidays: str | None = "GB-ENG"
    acknowledge_within: timedelta = timedelta(hours=2)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """Retention of the cache. Sent writes go with the messages; settled incidents are kept 100 days
    (`store.incidents.RETENTION`, the metrics' longest period); nothing unsent is ever forgotten."""

    keep_messages_days: int = 30  # channel messages, happiness asks and sent writes
    keep_tickets_days: int = 30  # tickets no board lists any more


@dataclass(frozen=True, slots=True)
class Config:
    jira: JiraConfig
    slack: SlackConfig
    support: SupportConfig = field(default_factory=SupportConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    keys: Mapping[str, str] = field(default_factory=dict)
    workflow: WorkflowConfig = field(default_factory=WorkflowConfig)
    channel: ChannelConfig = field(default_factory=ChannelConfig)
    incidents: IncidentsConfig = field(default_factory=IncidentsConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    checklist: ChecklistConfig = field(default_factory=ChecklistConfig)
    cover: CoverConfig = field(default_factory=CoverConfig)
    contacts: ContactsConfig = field(default_factory=ContactsConfig)
    availability: AvailabilityConfig = field(default_factory=AvailabilityConfig)
    happiness: HappinessConfig = field(default_factory=HappinessConfig)
    path: Path | None = None
