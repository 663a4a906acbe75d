"""The [[availability.checks]] section: defaults, https only (plain http for the local simulator), no
credentials in the URL, and one sentence naming each mistake and its fix."""

from __future__ import annotations

from typing import Any

import pytest

from duty_tui.config import ConfigError, parse_config
from duty_tui.rules.availability import HealthCheck

BASE: dict[str, Any] = {
    "jira": {"url": "https://x.atlassian.net", "email": "a@b.c", "boards": [{"name": "AWS Ops", "id": 262}]},
    "slack": {"channel": "CEL68S0LD"},
}
CCMS: dict[str, Any] = {
    "name": "CCMS PROD",
    "service": "CCMS",
    "environment": "PROD",
    "url": "https://ccms.example.gov.uk/health",
}


def checks(*items: dict[str, Any]) -> tuple[HealthCheck, ...]:
    return parse_config({**BASE, "availability": {"checks": list(items)}}).availability.checks


def test_no_section_means_no_checks() -> None:
    assert parse_config(BASE).availability.checks == ()


def test_a_check_with_its_defaults() -> None:
    assert checks(CCMS) == (
        HealthCheck(
            name="CCMS PROD",
            service="CCMS",
            environment="PROD",
            url="https://ccms.example.gov.uk/health",
            interval=60.0,
            timeout=10.0,
            expected_status=200,
            text=None,
        ),
    )


def test_every_key_and_the_environment_in_its_usual_spelling() -> None:
    (check,) = checks(
        {
            **CCMS,
            "environment": "pre-prod",
            "interval": 30,
            "timeout": 5.5,
            "expected_status": 204,
            "text": '"status":"UP"',
        }
    )
    assert (check.environment, check.interval, check.timeout, check.expected_status, check.text) == (
        "Pre-Prod",
        30.0,
        5.5,
        204,
        '"status":"UP"',
    )
    assert not check.is_prod and checks({**CCMS, "environment": "prod"})[0].is_prod


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/health/ccms", "http://localhost/health", "http://[::1]:9/"]
)
def test_plain_http_is_allowed_for_this_machine_only(url: str) -> None:
    assert checks({**CCMS, "url": url})[0].url == url


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            {"url": "http://ccms.example.gov.uk/health"},
            "use https (plain http is only for 127.0.0.1 and localhost",
        ),
        ({"url": "ftp://ccms.example.gov.uk/"}, "which is not an https URL"),
        ({"url": "ccms.example.gov.uk/health"}, "which is not an https URL"),
        ({"url": "https://user:secret@ccms.example.gov.uk/"}, "holds a user name or password"),
        ({"url": "https://ccms.example.gov.uk/a b"}, "has spaces or control characters"),
        ({"url": "https://ccms.example.gov.uk:port/"}, "which is not a URL"),
        ({"interval": 5}, "interval must be a number of at least 10"),
        ({"interval": "60"}, "interval must be a number of at least 10"),
        ({"timeout": 0.5}, "timeout must be a number of at least 1"),
        ({"interval": 10, "timeout": 10}, "timeout is 10 seconds; make it under the interval (10)"),
        ({"expected_status": 99}, "expected_status must be a whole number of at least 100"),
        ({"expected_status": 600}, "expected_status is 600; use an HTTP status from 100 to 599"),
        (
            {"environment": "Production-ish"},
            'environment is "Production-ish"; use one of PROD, Pre-Prod, UAT',
        ),
        ({"text": ""}, "text must be 1 to 200 printable characters"),
        ({"text": 200}, "text must be 1 to 200 printable characters"),
        ({"name": ""}, "name must be 1 to 60 printable characters"),
        ({"service": "a\nb"}, "service must be 1 to 40 printable characters"),
        ({"intervall": 60}, 'unknown key "intervall"; did you mean "interval"'),
    ],
)
def test_each_mistake_is_one_sentence_naming_the_check_and_the_fix(change: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        checks({**CCMS, **change})
    message = str(raised.value)
    assert says in message
    assert "[availability.checks[1]]" in message
    assert message.count(". ") == 0 and message.endswith((".", "?"))  # one sentence
    assert "secret" not in message  # a password in a URL is never repeated back


def test_missing_keys_and_duplicate_names() -> None:
    for key in ("name", "service", "environment", "url"):
        item = {k: v for k, v in CCMS.items() if k != key}
        with pytest.raises(ConfigError, match=rf"\[availability.checks\[1\]\] {key} is missing"):
            checks(item)
    with pytest.raises(ConfigError, match='two checks named "ccms prod"; give each its own name'):
        checks(CCMS, {**CCMS, "name": "ccms prod"})
    with pytest.raises(
        ConfigError, match=r"\[availability\] checks must be \[\[availability.checks\]\] tables"
    ):
        parse_config({**BASE, "availability": {"checks": {"name": "x"}}})
    with pytest.raises(
        ConfigError, match=r'\[availability\] has an unknown key "check"; did you mean "checks"'
    ):
        parse_config({**BASE, "availability": {"check": []}})
