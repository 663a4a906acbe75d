"""The Jira and Slack URLs carry the token with every request: plain http:// is refused at config time unless
it points at this machine (the simulators, `duty-tui --demo`, the tests)."""

from __future__ import annotations

from typing import Any

import pytest

from duty_tui.config import ConfigError, parse_config

JIRA = "https://dsdmoj.atlassian.net"
SLACK = "https://slack.com/api/"


def config(jira: str = JIRA, slack: str = SLACK) -> dict[str, Any]:
    return {
        "jira": {"url": jira, "email": "duty@example.com", "boards": [{"name": "AWS Ops", "id": 262}]},
        "slack": {"channel": "CEL68S0LD", "api_url": slack},
    }


@pytest.mark.parametrize(
    "url",
    [
        "http://dsdmoj.atlassian.net",
        "http://jira.internal:8080/jira",
        "http://10.0.0.7:8080",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "HTTP://dsdmoj.atlassian.net",
    ],
)
def test_plain_http_to_another_machine_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as jira:
        parse_config(config(jira=url))
    assert (
        "[jira] url" in str(jira.value) and "unencrypted" in str(jira.value) and "https://" in str(jira.value)
    )
    with pytest.raises(ConfigError) as slack:
        parse_config(config(slack=url + "/api/"))
    assert "[slack] api_url" in str(slack.value) and "unencrypted" in str(slack.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765",
        "http://localhost:8080/jira",
        "http://LOCALHOST",
        "http://[::1]:9000",
        "http://127.9.9.9",
    ],
)
def test_plain_http_to_this_machine_is_allowed(url: str) -> None:
    parsed = parse_config(config(jira=url, slack=url + "/api/"))
    assert parsed.jira.url == url and parsed.slack.api_url == url + "/api/"


def test_https_anywhere_is_allowed() -> None:
    parsed = parse_config(config(jira="https://jira.internal:8443/jira", slack="https://slack.example/api/"))
    assert parsed.jira.url == "https://jira.internal:8443/jira"
