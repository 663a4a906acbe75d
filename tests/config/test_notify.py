"""The [notify] section: off by default, validated with one sentence."""

from __future__ import annotations

from typing import Any

import pytest

from duty_tui.config import ConfigError, parse_config
from duty_tui.config.notify import NotifyConfig

BASE: dict[str, Any] = {
    "jira": {"url": "https://x.atlassian.net", "email": "a@b.c", "boards": [{"name": "AWS Ops", "id": 262}]},
    "slack": {"channel": "CEL68S0LD"},
}


def parse(notify: dict[str, Any] | None) -> NotifyConfig:
    raw = dict(BASE) if notify is None else {**BASE, "notify": notify}
    return parse_config(raw).notify


def test_defaults_ring_the_bell_without_desktop_notifications() -> None:
    assert parse(None) == NotifyConfig(bell=True, desktop=False, method="auto")


def test_each_key() -> None:
    assert parse({"bell": False, "desktop": True, "method": "osc777"}) == NotifyConfig(False, True, "osc777")
    assert parse({"method": "notify-send"}).method == "notify-send"


@pytest.mark.parametrize(
    ("notify", "says"),
    [
        ({"desktop": "yes"}, "[notify] desktop must be true or false"),
        ({"bell": 1}, "[notify] bell must be true or false"),
        (
            {"method": "growl"},
            '[notify] method is "growl"; use one of "auto", "osc9", "osc777", "notify-send"',
        ),
        ({"desktp": True}, 'did you mean "desktop"?'),
    ],
)
def test_mistakes_get_one_sentence(notify: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=None) as caught:
        parse(notify)
    assert says in str(caught.value)
