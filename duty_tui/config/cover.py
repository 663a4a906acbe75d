"""The [cover] and [contacts] sections: the periods of the day someone covers #laa-ops for, and who
users escalate to.

[cover]
# Each period someone is nominated to cover the channel for; words after the times label it.
periods = ["08:00-12:00", "12:00-13:00 lunch", "13:00-14:00 lunch", "14:00-18:00"]

[contacts]
escalation = [
  { name = "Simon Pledger", role = "Escalation", slack = "U…", phone = "…" },   # slack, phone optional
]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from itertools import pairwise
from typing import Any

from duty_tui.config.reader import ConfigError, Reader
from duty_tui.config.workflow import SLACK_USER
from duty_tui.rules.cover import DEFAULT_PERIODS, LABEL_LIMIT, MAX_PERIODS, CoverPeriod

_PERIOD = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(.*)")
_PHONE = re.compile(r"[+0-9][0-9 ()-]{2,30}")
NAME_LIMIT = 80


@dataclass(frozen=True, slots=True)
class CoverConfig:
    periods: tuple[CoverPeriod, ...] = DEFAULT_PERIODS


@dataclass(frozen=True, slots=True)
class EscalationContact:
    """Someone users escalate to when the channel is not enough (the seed: "Otherwise contact …")."""

    name: str
    role: str = ""
    slack: str | None = None  # a Slack user id
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class ContactsConfig:
    escalation: tuple[EscalationContact, ...] = ()


def support_ways(
    channel: str, channel_name: str, jira_url: str, boards: Sequence[tuple[str, int, str | None]]
) -> list[tuple[str, str]]:
    """How users get support, as (what, where) lines for the help screen: the channel, then each board
    (name, id, component to set)."""
    ways = [(f"Post in #{channel_name}", f"https://slack.com/app_redirect?channel={channel}")]
    for name, board_id, component in boards:
        where = f"{jira_url.rstrip('/')}/secure/RapidBoard.jspa?rapidView={board_id}"
        note = f" — set the component to {component}" if component else ""
        ways.append((f"Raise a ticket on the {name} board ({board_id}){note}", where))
    return ways


def parse_cover(r: Reader, t: Mapping[str, Any]) -> CoverConfig:
    r.known(t, "cover", {"periods"})
    raw = t.get("periods")
    if raw is None:
        return CoverConfig()
    example = '["08:00-12:00", "12:00-13:00 lunch", "13:00-14:00 lunch", "14:00-18:00"]'
    if not isinstance(raw, list) or not raw or len(raw) > MAX_PERIODS:
        raise ConfigError(f"{r.where}: [cover] periods must be a list of periods like {example}.")
    periods = [_period(r, value, example) for value in raw]
    for before, after in pairwise(periods):
        if after.start < before.end:
            raise ConfigError(
                f"{r.where}: [cover] periods {before.span} and {after.span} overlap or are out of "
                "order; list them through the day, each starting when or after the last one ends."
            )
    return CoverConfig(tuple(periods))


def _period(r: Reader, value: object, example: str) -> CoverPeriod:
    match = _PERIOD.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f'{r.where}: [cover] periods has {value!r}; write each like "12:00-13:00 lunch".')
    h1, m1, h2, m2 = (int(g) for g in match.groups()[:4])
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60) or (h1, m1) >= (h2, m2):
        raise ConfigError(
            f"{r.where}: [cover] periods has {value!r}; each needs a start before its end, like {example}."
        )
    label = " ".join(match[5].split())
    if len(label) > LABEL_LIMIT:
        raise ConfigError(
            f"{r.where}: [cover] periods has a label over {LABEL_LIMIT} characters; shorten it."
        )
    return CoverPeriod(time(h1, m1), time(h2, m2), label)


def parse_contacts(r: Reader, t: Mapping[str, Any]) -> ContactsConfig:
    r.known(t, "contacts", {"escalation"})
    raw = t.get("escalation", [])
    if not isinstance(raw, list):
        raise ConfigError(
            f'{r.where}: [contacts] escalation must be a list like [{{ name = "Simon Pledger", '
            'role = "Escalation" }].'
        )
    contacts = []
    for index, item in enumerate(raw):
        section = f"contacts.escalation[{index + 1}]"
        if not isinstance(item, dict):
            raise ConfigError(f'{r.where}: [{section}] must be a table like {{ name = "Simon Pledger" }}.')
        r.known(item, section, {"name", "role", "slack", "phone"})
        name = r.string(item, section, "name")
        if not name or len(name) > NAME_LIMIT:
            r.fail(section, "name", f"must be a name of 1 to {NAME_LIMIT} characters")
        slack = r.string(item, section, "slack", default="") or None
        if slack is not None and not SLACK_USER.fullmatch(slack):
            r.fail(section, "slack", f'is "{slack}"; use a Slack user id like "U024BE7LH", or leave it out')
        phone = r.string(item, section, "phone", default="") or None
        if phone is not None and not _PHONE.fullmatch(phone):
            r.fail(section, "phone", f'is "{phone}"; write a phone number like "+44 20 7946 0000"')
        role = r.string(item, section, "role", default="")
        contacts.append(EscalationContact(name=name, role=role[:NAME_LIMIT], slack=slack, phone=phone))
    return ContactsConfig(tuple(contacts))
