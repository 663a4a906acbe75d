"""What comes from the environment, never from the config file: the tokens, and where the config and
the data live (`DUTY_TUI_CONFIG`, `DUTY_TUI_DATA`, else the platform's own directories)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from duty_tui.config.reader import ConfigError

APP_NAME = "duty-tui"
ENV_CONFIG = "DUTY_TUI_CONFIG"
ENV_DATA = "DUTY_TUI_DATA"
ENV_JIRA_TOKEN = "JIRA_API_TOKEN"  # noqa: S105 - the variable's name, not a secret
ENV_SLACK_TOKEN = "SLACK_BOT_TOKEN"  # noqa: S105
ENV_SLACK_USER_TOKEN = "SLACK_USER_TOKEN"  # noqa: S105 - optional: replies and reactions as the engineer


@dataclass(frozen=True, slots=True)
class Secrets:
    """Tokens from the environment. Kept out of `Config` so a config can be shown or logged safely."""

    jira_token: str | None = field(default=None, repr=False)
    slack_token: str | None = field(default=None, repr=False)
    slack_user_token: str | None = field(default=None, repr=False)

    def values(self) -> tuple[str, ...]:
        return tuple(v for v in (self.jira_token, self.slack_token, self.slack_user_token) if v)


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir(env: Mapping[str, str] = os.environ) -> Path:
    if env.get(ENV_DATA):
        return Path(env[ENV_DATA]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def load_secrets(env: Mapping[str, str] = os.environ) -> Secrets:
    return Secrets(
        jira_token=(env.get(ENV_JIRA_TOKEN) or "").strip() or None,
        slack_token=(env.get(ENV_SLACK_TOKEN) or "").strip() or None,
        slack_user_token=(env.get(ENV_SLACK_USER_TOKEN) or "").strip() or None,
    )


def require_secrets(secrets: Secrets) -> None:
    """Raise ConfigError naming the first missing token and how to get one."""
    if not secrets.jira_token:
        raise ConfigError(
            f"{ENV_JIRA_TOKEN} is not set: create an API token at "
            "https://id.atlassian.com/manage-profile/security/api-tokens and export it as "
            f"{ENV_JIRA_TOKEN} (or run `duty-tui --demo` to try the simulator)."
        )
    if not secrets.slack_token:
        raise ConfigError(
            f"{ENV_SLACK_TOKEN} is not set: export the bot token (xoxb-…) of the duty-tui Slack app "
            f"as {ENV_SLACK_TOKEN} (see the README for the scopes it needs)."
        )
