"""Configuration: the shipped template parses, and every mistake gets one sentence with the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import time, timedelta
from importlib.resources import files
from pathlib import Path

import pytest

from duty_tui.config import ConfigError, load_config, load_secrets, parse_config, require_secrets

TEMPLATE = files("duty_tui.data").joinpath("config.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_init_template_is_the_laa_ops_setup(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, TEMPLATE))
    assert config.jira.url == "https://dsdmoj.atlassian.net"
    assert [(b.id, b.name, b.component, b.short) for b in config.jira.boards] == [
        (262, "AWS Ops", None, "AWS"),
        (265, "6DG Ops", "laa-6dg-support", "6DG"),
    ]
    assert config.slack.channel == "CEL68S0LD"
    assert config.support.timezone == "Europe/London"
    assert (config.support.opens, config.support.closes) == (time(8), time(18))
    assert config.support.days == frozenset(range(5))
    assert config.support.bank_holidays == "GB-ENG"
    assert config.support.acknowledge_within == timedelta(hours=2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('url = "https://dsdmoj.atlassian.net"', 'url = "dsdmoj.atlassian.net"'),
            r"\[jira\] url .* not an http",
        ),
        (
            ('url = "https://dsdmoj.atlassian.net"', 'urll = "https://x"'),
            r'unknown key "urll"; did you mean "url"',
        ),
        (('channel = "CEL68S0LD"', 'channel = "#laa-ops"'), r"channel id \(like CEL68S0LD\), not its name"),
        (('hours = "08:00-18:00"', 'hours = "18:00-08:00"'), r"start before the end"),
        (('days = "Mon-Fri"', 'days = "Weekdays"'), r"\[support\] days"),
        (('timezone = "Europe/London"', 'timezone = "Mars/Olympus"'), r"not a time zone"),
        (('acknowledge_within = "2h"', 'acknowledge_within = "soon"'), r'duration like "2h"'),
        (("id = 262", 'id = "262"'), r"whole number"),
        (("id = 265", "id = 262"), r"same board id twice"),
        (("poll_seconds = 30", "poll_seconds = 1"), r"at least 5"),
    ],
)
def test_mistakes_name_the_problem_and_the_fix(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in TEMPLATE
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, TEMPLATE.replace(old, new, 1)))


def test_malformed_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(write(tmp_path, "[jira\nurl = 1"))
    with pytest.raises(ConfigError, match="run `duty-tui init`"):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match=r"has no \[slack\] section"):
        parse_config(
            {"jira": {"url": "https://x.atlassian.net", "email": "a@b.c", "boards": [{"name": "A", "id": 1}]}}
        )


def test_keys_are_remapped_by_known_binding_ids(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, TEMPLATE + '\n[keys]\n"app.refresh" = "f5, ctrl+r"\n'))
    assert config.keys == {"app.refresh": "f5,ctrl+r"}
    with pytest.raises(
        ConfigError, match=r'\[keys\] has an unknown key "app.refrsh"; did you mean "app.refresh"'
    ):
        load_config(write(tmp_path, TEMPLATE + '\n[keys]\n"app.refrsh" = "f5"\n'))


def test_tokens_come_from_the_environment_only() -> None:
    secrets = load_secrets({"JIRA_API_TOKEN": " abc ", "SLACK_BOT_TOKEN": "xoxb-1"})
    assert (secrets.jira_token, secrets.slack_token) == ("abc", "xoxb-1")
    assert "abc" not in repr(secrets)
    with pytest.raises(ConfigError, match="JIRA_API_TOKEN is not set"):
        require_secrets(load_secrets({}))
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN is not set"):
        require_secrets(load_secrets({"JIRA_API_TOKEN": "abc"}))


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duty_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "SLACK_", "DUTY_TUI"))},
            **(env or {}),
        },
        check=False,
    )


def test_cli_problems_exit_2_with_one_sentence_and_no_traceback(tmp_path: Path) -> None:
    missing = run_cli("--config", str(tmp_path / "missing.toml"), "--data-dir", str(tmp_path / "d"))
    assert missing.returncode == 2
    assert "No config file at" in missing.stderr and "duty-tui init" in missing.stderr
    assert "Traceback" not in missing.stderr
    path = write(tmp_path, TEMPLATE.replace("id = 262", 'id = "x"'))
    bad = run_cli("--config", str(path), "--data-dir", str(tmp_path / "d"))
    assert bad.returncode == 2 and "whole number" in bad.stderr and "Traceback" not in bad.stderr
    no_token = run_cli("--config", str(write(tmp_path, TEMPLATE)), "--data-dir", str(tmp_path / "d"))
    assert no_token.returncode == 2 and "JIRA_API_TOKEN is not set" in no_token.stderr
    assert len(no_token.stderr.strip().splitlines()) == 1


def test_init_writes_the_template_once(tmp_path: Path) -> None:
    target = tmp_path / "conf" / "config.toml"
    first = run_cli("init", "--config", str(target))
    assert first.returncode == 0 and "export JIRA_API_TOKEN" in first.stdout
    assert target.read_text(encoding="utf-8") == TEMPLATE
    again = run_cli("init", "--config", str(target))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("duty-tui ")


def test_workflow_sections(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, TEMPLATE.replace("members = []", 'members = ["712020:abc", "5b10"]'))
    )
    workflow = config.workflow
    assert workflow.team.members == frozenset({"712020:abc", "5b10"})
    assert workflow.triage.severity["highest"] == 1 and workflow.triage.severity["lowest"] == 4
    assert [rule.name for rule in workflow.triage.environments] == ["PROD", "Pre-Prod", "UAT", "Dev/Test"]
    assert workflow.triage.environments[0].unless  # pre-prod is not prod
    assert "AWS" in [rule.name for rule in workflow.triage.services]
    comment = workflow.tickets.acknowledgement(
        reporter="Lucy", engineer="Priya", key="LAA-1", summary="x", within="2 hours"
    )
    assert comment.startswith("Thanks Lucy: Priya from LAA Ops has picked this up")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('[tickets]\nacknowledge_comment = "Hi {name}"', r"uses \{name\}, which is not known"),
        ('[tickets]\nacknowledge_comment = "Hi {reporter"', r"unmatched brace"),
        ("[team]\nmembers = [1, 2]", r"list of Jira account ids"),
        ("[triage]\nseverity = { Highest = 9 }", r"from 1 to 5"),
        ('[triage]\nservices = [{ name = "X" }]', r"needs a name and words"),
    ],
)
def test_workflow_mistakes(tmp_path: Path, section: str, message: str) -> None:
    base = TEMPLATE[: TEMPLATE.index("# The LAA Ops team's Jira account ids")]
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, base + section + "\n"))
