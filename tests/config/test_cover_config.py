"""[cover] periods and [contacts] escalation: the shipped template, the defaults, and one sentence with the
fix for every mistake."""

from __future__ import annotations

from datetime import time
from importlib.resources import files
from typing import Any

import pytest

from duty_tui.config import ConfigError, parse_config
from duty_tui.config.cover import EscalationContact, support_ways
from duty_tui.rules.cover import DEFAULT_PERIODS, CoverPeriod

TEMPLATE = files("duty_tui.data").joinpath("config.toml").read_text(encoding="utf-8")
BASE: dict[str, Any] = {
    "jira": {"url": "https://x.atlassian.net", "email": "a@b.c", "boards": [{"name": "AWS Ops", "id": 262}]},
    "slack": {"channel": "CEL68S0LD"},
}


def parse(**sections: Any) -> Any:
    return parse_config({**BASE, **sections})


def test_the_template_names_the_periods_and_the_seeds_escalation_contacts() -> None:
    import tomllib

    config = parse_config(tomllib.loads(TEMPLATE))
    assert config.cover.periods == DEFAULT_PERIODS
    assert [p.title for p in config.cover.periods] == [
        "08:00–12:00",
        "12:00–13:00 lunch",
        "13:00–14:00 lunch",
        "14:00–18:00",
    ]
    assert [c.name for c in config.contacts.escalation] == ["Simon Pledger", "Paddy Dewhurst"]


def test_defaults_without_the_sections() -> None:
    config = parse()
    assert config.cover.periods == DEFAULT_PERIODS
    assert config.contacts.escalation == ()


def test_periods_and_contacts_as_configured() -> None:
    config = parse(
        cover={"periods": ["07:30-12:30", " 12:30 - 13:30  long   lunch ", "14:00-17:30"]},
        contacts={
            "escalation": [
                {
                    "name": "Simon Pledger",
                    "role": "Head of Ops",
                    "slack": "U024BE7LH",
                    "phone": "+44 20 7946 0000",
                },
                {"name": "Paddy Dewhurst"},
            ]
        },
    )
    assert config.cover.periods == (
        CoverPeriod(time(7, 30), time(12, 30)),
        CoverPeriod(time(12, 30), time(13, 30), "long lunch"),
        CoverPeriod(time(14), time(17, 30)),
    )
    assert config.contacts.escalation == (
        EscalationContact("Simon Pledger", "Head of Ops", "U024BE7LH", "+44 20 7946 0000"),
        EscalationContact("Paddy Dewhurst"),
    )


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"cover": {"periods": "08:00-18:00"}}, r"\[cover\] periods must be a list"),
        ({"cover": {"periods": []}}, r"\[cover\] periods must be a list"),
        ({"cover": {"periods": ["8-12"]}}, r'write each like "12:00-13:00 lunch"'),
        ({"cover": {"periods": ["12:00-08:00"]}}, r"start before its end"),
        ({"cover": {"periods": ["08:00-12:00", "11:00-13:00"]}}, r"overlap or are out of order"),
        ({"cover": {"periods": ["12:00-13:00", "08:00-12:00"]}}, r"overlap or are out of order"),
        ({"cover": {"period": []}}, r'unknown key "period"; did you mean "periods"'),
        ({"contacts": {"escalation": {"name": "x"}}}, r"\[contacts\] escalation must be a list"),
        ({"contacts": {"escalation": ["Simon"]}}, r"must be a table"),
        ({"contacts": {"escalation": [{"role": "x"}]}}, r"name is missing"),
        ({"contacts": {"escalation": [{"name": "S", "slack": "@simon"}]}}, r"Slack user id"),
        ({"contacts": {"escalation": [{"name": "S", "phone": "call me"}]}}, r"phone number"),
        ({"contacts": {"escalation": [{"name": "S", "email": "s@x"}]}}, r'unknown key "email"'),
    ],
)
def test_mistakes_say_what_to_fix(sections: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse(**sections)


def test_the_ways_to_get_support_come_from_the_channel_and_the_boards() -> None:
    ways = support_ways(
        "CEL68S0LD",
        "laa-ops",
        "https://dsdmoj.atlassian.net/",
        [("AWS Ops", 262, None), ("6DG Ops", 265, "laa-6dg-support")],
    )
    assert ways == [
        ("Post in #laa-ops", "https://slack.com/app_redirect?channel=CEL68S0LD"),
        (
            "Raise a ticket on the AWS Ops board (262)",
            "https://dsdmoj.atlassian.net/secure/RapidBoard.jspa?rapidView=262",
        ),
        (
            "Raise a ticket on the 6DG Ops board (265) — set the component to laa-6dg-support",
            "https://dsdmoj.atlassian.net/secure/RapidBoard.jspa?rapidView=265",
        ),
    ]
