"""Configuration: the TOML file and the environment → frozen dataclasses, validated with clear messages.

What belongs here: reading and validating the config (`parse`, with typed reading in `reader`), the
dataclasses the rest of duty-tui sees (`model`, and the ticket-workflow sections in `workflow`), and
what comes from the environment (`environment`: tokens, where the config and the data live). It may
import `rules` (the workflow sections hold triage rules), `models` and `keymap` (to validate
`[keys]`); never Textual, the store, the sources or the network. Every problem is a `ConfigError`
whose message is one sentence naming the problem and the fix.
"""

from __future__ import annotations

from duty_tui.config.channel import ChannelConfig
from duty_tui.config.environment import (
    APP_NAME,
    ENV_CONFIG,
    ENV_DATA,
    ENV_JIRA_TOKEN,
    ENV_SLACK_TOKEN,
    ENV_SLACK_USER_TOKEN,
    Secrets,
    default_config_path,
    default_data_dir,
    load_secrets,
    require_secrets,
)
from duty_tui.config.incidents import IncidentsConfig
from duty_tui.config.model import BoardConfig, Config, JiraConfig, SlackConfig, StoreConfig, SupportConfig
from duty_tui.config.parse import load_config, parse_config, parse_duration
from duty_tui.config.reader import ConfigError
from duty_tui.config.workflow import TeamConfig, TicketsConfig, WorkflowConfig

__all__ = [
    "APP_NAME",
    "ENV_CONFIG",
    "ENV_DATA",
    "ENV_JIRA_TOKEN",
    "ENV_SLACK_TOKEN",
    "ENV_SLACK_USER_TOKEN",
    "BoardConfig",
    "ChannelConfig",
    "Config",
    "ConfigError",
    "IncidentsConfig",
    "JiraConfig",
    "Secrets",
    "SlackConfig",
    "StoreConfig",
    "SupportConfig",
    "TeamConfig",
    "TicketsConfig",
    "WorkflowConfig",
    "default_config_path",
    "default_data_dir",
    "load_config",
    "load_secrets",
    "parse_config",
    "parse_duration",
    "require_secrets",
]
