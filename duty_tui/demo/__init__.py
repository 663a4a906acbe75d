"""`duty-tui --demo`: the dashboard against the simulated Jira Cloud and Slack, with a moving world.

The simulators run in this process on 127.0.0.1; the real `jira` and `slack_sdk` clients talk to
them over HTTP exactly as they would to the real services. The store is throwaway unless
--data-dir is given.

What belongs here: the `--demo` wiring (this module: the demo's configuration and `build_demo_runtime`),
the LAA scenario and its moving world (`scenario`, `scenario_data`), the demo's health checks (`health`),
and its past, seeded so the metrics screen is full on first launch (`history`, `history_data`,
`history_model`, `history_tickets`, `history_channel`). It is the only package of `duty_tui` that may
import the simulators (`duty_sim`; the simulator-only-in-the-demo contract in pyproject.toml), and it
sits above the product: it may import `runtime`, `config`, `rules`, `store`, `sync`, `models` and
`clock`. Only `__main__` imports it, lazily, for `--demo`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path

from duty_sim.health import HealthSim
from duty_sim.jira.service import JiraSim
from duty_sim.slack.service import SlackSim
from duty_tui.clock import Clock, SystemClock
from duty_tui.config import (
    BoardConfig,
    ChannelConfig,
    Config,
    JiraConfig,
    Secrets,
    SlackConfig,
    TeamConfig,
    WorkflowConfig,
)
from duty_tui.config.availability import AvailabilityConfig
from duty_tui.config.cover import ContactsConfig, EscalationContact
from duty_tui.config.happiness import HappinessConfig
from duty_tui.demo.health import demo_checks
from duty_tui.demo.history import populate_history, seed_store
from duty_tui.demo.scenario import AWS_BOARD, CHANNEL, COMPONENT, SIXDG_BOARD, Cast, WorldTicker, populate
from duty_tui.demo.scenario_data import DUTY_ENGINEER, PRODUCT_MANAGER, TEAM
from duty_tui.rules.availability import HealthCheck
from duty_tui.runtime import Runtime, build_runtime, setup_logging

DEMO_JIRA_TOKEN = "sim-jira-token"  # noqa: S105 - the simulator's own token, not a secret
DEMO_SLACK_TOKEN = "xoxb-sim-token"  # noqa: S105


def demo_config(
    jira_url: str,
    slack_api_url: str,
    *,
    poll_seconds: float = 10.0,
    team: frozenset[str] = frozenset(),
    slack_team: frozenset[str] = frozenset(),
    product_manager: str | None = None,
    checks: tuple[HealthCheck, ...] = (),
    ask_happiness: bool = False,
) -> Config:
    return Config(
        jira=JiraConfig(
            url=jira_url,
            email=DUTY_ENGINEER.email,
            boards=(
                BoardConfig(id=AWS_BOARD[0], name=AWS_BOARD[1], label="AWS"),
                BoardConfig(id=SIXDG_BOARD[0], name=SIXDG_BOARD[1], label="6DG", component=COMPONENT),
            ),
            poll_seconds=poll_seconds,
            reconcile_minutes=2,
        ),
        slack=SlackConfig(channel=CHANNEL, api_url=slack_api_url, poll_seconds=max(2.0, poll_seconds / 2)),
        workflow=WorkflowConfig(team=TeamConfig(team, slack_team)),
        channel=ChannelConfig(product_manager=product_manager),
        availability=AvailabilityConfig(checks),
        happiness=HappinessConfig(ask=ask_happiness),
        # The seed document's escalation names, as `duty-tui init` writes them.
        contacts=ContactsConfig(
            (
                EscalationContact("Simon Pledger", "Escalation"),
                EscalationContact("Paddy Dewhurst", "Escalation"),
            )
        ),
    )


def demo_secrets(slack_user_token: str | None = None) -> Secrets:
    return Secrets(
        jira_token=DEMO_JIRA_TOKEN, slack_token=DEMO_SLACK_TOKEN, slack_user_token=slack_user_token
    )


class DemoWorld:
    """Both simulators, populated, plus the cast (for tests and screenshots). The boards carry their past
    (`demo.history`); #laa-ops only with `channel_history` (what `duty-tui --demo` builds), so the tests'
    channel holds today alone."""

    def __init__(self, clock: Clock, *, channel_history: bool = False) -> None:
        self.clock = clock
        self.jira = JiraSim(
            clock=clock,
            email=DUTY_ENGINEER.email,
            token=DEMO_JIRA_TOKEN,
            api_user_name=DUTY_ENGINEER.name,
            api_account_id=DUTY_ENGINEER.jira_id,
        ).start()
        self.slack = SlackSim(clock=clock, token=DEMO_SLACK_TOKEN).start()
        self.health = HealthSim(clock=clock).start()  # CCMS, CWA and MI health endpoints on a schedule
        self.cast: Cast = populate(self.jira, self.slack, clock.now())
        self.history = populate_history(
            self.jira, self.slack, self.cast, clock.now(), channel=channel_history
        )
        # The duty engineer's own Slack token: replies and reactions carry their name.
        self.slack_user_token = self.slack.add_user_token(self.cast.slack[DUTY_ENGINEER.handle])

    def config(self, *, poll_seconds: float = 10.0, ask_happiness: bool = False) -> Config:
        return demo_config(
            self.jira.url,
            self.slack.api_url,
            poll_seconds=poll_seconds,
            team=frozenset(self.cast.jira[person.handle] for person in TEAM),
            slack_team=frozenset(self.cast.slack[person.handle] for person in TEAM),
            product_manager=self.cast.slack[PRODUCT_MANAGER.handle],
            checks=demo_checks(self.health),
            ask_happiness=ask_happiness,
        )

    def secrets(self, *, as_user: bool = True) -> Secrets:
        """The demo's tokens; `as_user=False` leaves out the engineer's own Slack token (the bot posts)."""
        return demo_secrets(self.slack_user_token if as_user else None)

    def seed_store(self, runtime: Runtime) -> None:
        """A month of probe results, the past incidents and the happiness asks in the runtime's store, as if
        it had been running all along (each part only when the store has none of it yet)."""
        seed_store(
            runtime.store,
            parse=runtime.slack.parse_message,
            messages=self.slack.world.messages(CHANNEL),
            history=self.history,
            checks=runtime.config.availability.checks,
            now=self.clock.now(),
        )

    def stop(self) -> None:
        self.jira.stop()
        self.slack.stop()
        self.health.stop()


def _seed_quietly(world: DemoWorld, runtime: Runtime) -> None:
    try:
        world.seed_store(runtime)
    except Exception:  # quitting within a second of the start closes the store under it: nothing lost
        logging.getLogger(__name__).warning("the demo's past month was not stored", exc_info=True)


def build_demo_runtime(
    *, data_dir: Path | None = None, read_only: bool = False, seed_later: bool = True
) -> Runtime:
    """The simulators, the moving world and a runtime on them. `seed_later`: the store's past month (probe
    results, incidents, asks) is written on a thread after the start (the dashboard); False writes it first
    (a report, which reads it at once)."""
    clock = SystemClock()
    world = DemoWorld(clock, channel_history=True)
    ticker = WorldTicker(world.jira, world.slack, world.cast, clock)
    ticker.start()
    throwaway = data_dir is None
    directory = data_dir or Path(tempfile.mkdtemp(prefix="duty-tui-demo-"))
    secrets = world.secrets()
    # The demo asks requesters how the help went (`d`, resolved tickets), so the whole loop can be seen.
    config = world.config(ask_happiness=True)
    runtime = build_runtime(config, secrets, directory, clock, read_only=read_only, demo=True)
    if seed_later:  # the past month's probe results take a second to write: after the first paint
        threading.Thread(target=_seed_quietly, args=(world, runtime), name="demo seed", daemon=True).start()
    else:
        world.seed_store(runtime)
    setup_logging(directory, secrets)
    runtime.cleanups.append(world.stop)
    runtime.cleanups.append(ticker.stop_and_wait)
    if throwaway:
        runtime.cleanups.insert(0, lambda: shutil.rmtree(directory, ignore_errors=True))
    return runtime
