"""Wiring: config + secrets + data dir + clock → the store, sources, pollers, writers and calendar.

No Textual here: the CLI's `sync --once`, the app and the tests all build the same `Runtime`.
"""

from __future__ import annotations

import getpass
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from duty_tui.clock import Clock
from duty_tui.config import ENV_SLACK_USER_TOKEN, Config, ConfigError, Secrets, require_secrets
from duty_tui.config.checklist import load_checklist
from duty_tui.models import ChecklistSection, Service, Ticket
from duty_tui.rules.availability import ProbeResult
from duty_tui.rules.calendar import SupportCalendar, bank_holidays, holiday_lookup
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.jira.writes import JiraWriter
from duty_tui.sources.slack.client import SlackSource
from duty_tui.sources.slack.writes import SlackWriter
from duty_tui.store import Store
from duty_tui.store.holidays import is_kept, kept_holiday_lookup
from duty_tui.sync.account import JiraAccount
from duty_tui.sync.history import HistoryFetch
from duty_tui.sync.jira_delivery import JiraDelivery
from duty_tui.sync.jira_poll import JiraPoller
from duty_tui.sync.outbox import Delivery, OutboxProgress, OutboxWriter
from duty_tui.sync.outcomes import Poller
from duty_tui.sync.probes import ProbeLoop
from duty_tui.sync.slack_delivery import SlackDelivery
from duty_tui.sync.slack_poll import SlackPoller
from duty_tui.sync.slack_team import SlackTeam
from duty_tui.text import redact

LOG_FILE = "duty-tui.log"


@dataclass
class Runtime:
    """Everything the app needs, built once: the store, the sources, the pollers and the writers."""

    config: Config
    store: Store
    clock: Clock
    calendar: SupportCalendar
    sections: tuple[ChecklistSection, ...]
    jira: JiraSource
    slack: SlackSource
    slack_writer: SlackWriter  # replies and reactions (as the engineer, with SLACK_USER_TOKEN)
    account: JiraAccount  # who the engineer is in Jira
    jira_writer: JiraWriter  # the one writer (and on-demand reader) for Jira
    jira_poller: JiraPoller
    slack_poller: SlackPoller
    history: HistoryFetch  # the boards' ticket histories, for the flow metrics
    data_dir: Path
    read_only: bool = False
    demo: bool = False
    checklist_warning: str | None = None  # why the engineer's checklist file is not in use
    # Called when the app ends (the demo stops its simulators here).
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def pollers(self) -> tuple[Poller, ...]:
        return (self.jira_poller, self.slack_poller)

    def listed(self, ticket: Ticket) -> bool:
        """The one rule for what belongs on the tickets list (`rules.listing`), for this engineer."""
        return self.jira_poller.listed(ticket)

    def engineer_name(self) -> str:
        """Who is at the keyboard: the Jira profile name once known, else the OS user."""
        me = self.account.cached()
        if me is not None:
            return me.display_name
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "duty engineer"

    def now(self) -> datetime:
        return self.clock.now()

    def outbox_writer(self, emit: Callable[[OutboxProgress], None]) -> OutboxWriter:
        """The one writer for every service's writes, reporting each delivery to `emit`."""
        channel = self.config.channel
        deliveries: dict[Service, Delivery] = {
            Service.JIRA: JiraDelivery(
                self.jira_writer,
                self.store,
                self.listed,
                issue_type=channel.issue_type,
                channel=self.config.slack.channel,
                now=self.clock.now,
                permalink=self.slack_writer.permalink,
            ),
            Service.SLACK: SlackDelivery(
                self.slack_writer,
                self.store,
                browse_url=self.jira.browse_url,
                product_manager=channel.product_manager,
            ),
        }
        return OutboxWriter(self.store, deliveries, self.clock, emit)

    def probe_loop(self, emit: Callable[[tuple[ProbeResult, ...]], None] | None = None) -> ProbeLoop | None:
        """The health checks' one loop (`[[availability.checks]]`), reporting each step's results to
        `emit`; None when no check is configured."""
        checks = self.config.availability.checks
        return ProbeLoop(checks, self.store, self.clock, emit) if checks else None

    def close(self) -> None:
        self.store.close()
        for cleanup in reversed(self.cleanups):
            cleanup()
        self.cleanups.clear()


def build_calendar(config: Config, store: Store | None = None, clock: Clock | None = None) -> SupportCalendar:
    """The support clock. With a store, its bank holidays come from there when a run before kept
    them (see `store.holidays`), so a start pays for the `holidays` package only once a month."""
    support = config.support
    code = support.bank_holidays
    zone = support.zone
    today = (clock.now() if clock is not None else datetime.now(UTC)).astimezone(zone).date()
    kept = store is not None and code is not None and is_kept(store.meta, code, today.year)
    if code and not kept:  # a code no run has looked up yet
        try:
            bank_holidays(code, [today.year])
        except (NotImplementedError, KeyError, ValueError) as error:
            raise ConfigError(
                f'[support] bank_holidays "{code}" is not a known country or subdivision '
                '(the holidays package does not know it): use e.g. "GB-ENG", or "none".'
            ) from error
    return SupportCalendar(
        zone,
        opens=support.opens,
        closes=support.closes,
        days=support.days,
        holiday=holiday_lookup(code)
        if store is None or clock is None
        else kept_holiday_lookup(code, store.meta, lambda: clock.now().astimezone(zone).date()),
    )


def build_runtime(
    config: Config,
    secrets: Secrets,
    data_dir: Path,
    clock: Clock,
    *,
    read_only: bool = False,
    demo: bool = False,
) -> Runtime:
    require_secrets(secrets)
    assert secrets.jira_token is not None and secrets.slack_token is not None
    store = Store.in_dir(data_dir)
    jira = JiraSource(config.jira, secrets.jira_token)
    slack = SlackSource(config.slack, secrets.slack_token)
    poster = (
        SlackSource(config.slack, secrets.slack_user_token, token_name=ENV_SLACK_USER_TOKEN)
        if secrets.slack_user_token
        else None
    )
    slack_writer = SlackWriter(slack, poster)
    account = JiraAccount(jira, store, config.jira)
    team = config.workflow.team.members
    checklist = load_checklist(config.checklist)  # the engineer's own, or the shipped one
    return Runtime(
        config=config,
        store=store,
        clock=clock,
        calendar=build_calendar(config, store, clock),
        sections=checklist.sections,
        jira=jira,
        slack=slack,
        slack_writer=slack_writer,
        account=account,
        jira_writer=JiraWriter(jira),
        jira_poller=JiraPoller(
            jira, account, store, config.jira, clock, store_config=config.store, team=team
        ),
        slack_poller=SlackPoller(
            slack, store, config.slack, clock, team=SlackTeam(slack_writer, store, config.workflow.team)
        ),
        history=HistoryFetch(jira, store, config.jira, clock),
        data_dir=data_dir,
        read_only=read_only,
        demo=demo,
        checklist_warning=checklist.warning,
    )


class RedactingFilter(logging.Filter):
    """Last line of defence: no token value reaches the log file, whatever a library logs."""

    def __init__(self, secrets: Secrets) -> None:
        super().__init__()
        self.secrets = secrets.values()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        # A traceback logged with the record is text too: a library's exception may quote a header.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def setup_logging(data_dir: Path, secrets: Secrets, level: int = logging.INFO) -> Path:
    """Log to <data dir>/duty-tui.log, created readable by the owner only."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = data_dir / LOG_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, logging.FileHandler)]
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("urllib3", "slack_sdk", "jira", "requests", "httpx", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
