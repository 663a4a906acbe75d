"""The [happiness] section: off by default, the question configurable, validated with one sentence."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

import pytest

from duty_tui.config import ConfigError, parse_config
from duty_tui.config.happiness import DEFAULT_TEXT, HappinessConfig

BASE: dict[str, Any] = {
    "jira": {"url": "https://x.atlassian.net", "email": "a@b.c", "boards": [{"name": "AWS Ops", "id": 262}]},
    "slack": {"channel": "CEL68S0LD"},
}


def parse(happiness: dict[str, Any] | None) -> HappinessConfig:
    raw = dict(BASE) if happiness is None else {**BASE, "happiness": happiness}
    return parse_config(raw).happiness


def test_off_by_default_with_a_question_that_says_how_to_answer() -> None:
    assert parse(None) == HappinessConfig(ask=False, text=DEFAULT_TEXT)
    assert "👍" in DEFAULT_TEXT and "👎" in DEFAULT_TEXT and "react" in DEFAULT_TEXT


def test_the_shipped_config_leaves_it_off() -> None:
    shipped = tomllib.loads(files("duty_tui.data").joinpath("config.toml").read_text(encoding="utf-8"))
    assert parse_config(shipped).happiness == HappinessConfig()


def test_each_key() -> None:
    assert parse({"ask": True, "text": "  Happy? 👍 / 👎  "}) == HappinessConfig(True, "Happy? 👍 / 👎")


@pytest.mark.parametrize(
    ("happiness", "says"),
    [
        ({"ask": "yes"}, "[happiness] ask must be true or false"),
        ({"text": 3}, "[happiness] text must be a string in quotes"),
        ({"text": "   "}, "[happiness] text is empty"),
        ({"text": "x" * 1001}, "[happiness] text is 1001 characters long"),
        ({"asks": True}, '[happiness] has an unknown key "asks"; did you mean "ask"?'),
    ],
)
def test_mistakes_are_one_sentence(happiness: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=None) as error:
        parse(happiness)
    assert says in str(error.value)
