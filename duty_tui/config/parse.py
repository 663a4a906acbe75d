"""Reading and validating the TOML config file into `config.model` dataclasses.

Every problem raises `ConfigError` whose message is one sentence that names the problem and the fix.
Secrets never live in the file (see `config.environment`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from duty_tui.config.availability import parse_availability
from duty_tui.config.channel import parse_channel
from duty_tui.config.checklist import parse_checklist
from duty_tui.config.cover import parse_contacts, parse_cover
from duty_tui.config.happiness import parse_happiness
from duty_tui.config.incidents import parse_incidents
from duty_tui.config.model import BoardConfig, Config, JiraConfig, SlackConfig, StoreConfig, SupportConfig
from duty_tui.config.notify import parse_notify
from duty_tui.config.reader import ConfigError, Reader
from duty_tui.config.workflow import parse_workflow
from duty_tui.keymap import KEYS_BY_ID

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def load_config(path: Path) -> Config:
    """Read and validate a config file."""
    if not path.exists():
        raise ConfigError(
            f"No config file at {path}: run `duty-tui init` to write one, or pass --config PATH."
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML ({error}): fix that line and start again.") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"Cannot read {path} ({error.__class__.__name__}): check the file.") from error
    return parse_config(raw, path)


def parse_config(raw: Mapping[str, Any], path: Path | None = None) -> Config:
    where = str(path) if path else "the config"
    reader = Reader(where)
    reader.known(
        raw,
        "",
        {
            "jira",
            "slack",
            "support",
            "store",
            "keys",
            "team",
            "triage",
            "tickets",
            "channel",
            "incidents",
            "checklist",
            "notify",
            "cover",
            "contacts",
            "availability",
            "happiness",
        },
    )
    jira = _parse_jira(reader, reader.table(raw, "jira", required=True))
    slack = _parse_slack(reader, reader.table(raw, "slack", required=True))
    support = _parse_support(reader, reader.table(raw, "support"))
    store = _parse_store(reader, reader.table(raw, "store"))
    keys = _parse_keys(reader, reader.table(raw, "keys"))
    workflow = parse_workflow(reader, raw)
    channel = parse_channel(reader, reader.table(raw, "channel"))
    incidents = parse_incidents(reader, reader.table(raw, "incidents"))
    checklist = parse_checklist(reader, reader.table(raw, "checklist"), path)
    notify = parse_notify(reader, reader.table(raw, "notify"))
    cover = parse_cover(reader, reader.table(raw, "cover"))
    contacts = parse_contacts(reader, reader.table(raw, "contacts"))
    availability = parse_availability(reader, reader.table(raw, "availability"))
    happiness = parse_happiness(reader, reader.table(raw, "happiness"))
    return Config(
        jira=jira,
        slack=slack,
        support=support,
        store=store,
        keys=keys,
        workflow=workflow,
        channel=channel,
        incidents=incidents,
        checklist=checklist,
        notify=notify,
        cover=cover,
        contacts=contacts,
        availability=availability,
        happiness=happiness,
        path=path,
    )


def _parse_jira(r: Reader, t: Mapping[str, Any]) -> JiraConfig:
    r.known(
        t, "jira", {"url", "email", "auth", "boards", "poll_seconds", "reconcile_minutes", "timeout_seconds"}
    )
    url = r.url(t, "jira", "url", example="https://dsdmoj.atlassian.net")
    auth = r.string(t, "jira", "auth", default="basic")
    if auth not in ("basic", "pat"):
        r.fail("jira", "auth", f'is "{auth}"; use "basic" (Jira Cloud) or "pat" (Data Center)')
    email = r.string(t, "jira", "email", default="" if auth == "pat" else None)
    if auth == "basic" and "@" not in email:
        r.fail(
            "jira", "email", "must be the email address of your Atlassian account (used with JIRA_API_TOKEN)"
        )
    boards_raw = t.get("boards")
    if not isinstance(boards_raw, list) or not boards_raw:
        raise ConfigError(
            f"{r.where}: [jira] needs at least one [[jira.boards]] entry with a name and an id, "
            'e.g. name = "AWS Ops" and id = 262.'
        )
    boards: list[BoardConfig] = []
    for index, board in enumerate(boards_raw):
        section = f"jira.boards[{index + 1}]"
        if not isinstance(board, dict):
            raise ConfigError(f"{r.where}: [{section}] must be a table with a name and an id.")
        r.known(board, section, {"name", "id", "component", "label"})
        board_id = r.integer(board, section, "id", minimum=1)
        component = r.string(board, section, "component", default="") or None
        boards.append(
            BoardConfig(
                id=board_id,
                name=r.string(board, section, "name"),
                component=component,
                label=r.string(board, section, "label", default=""),
            )
        )
    ids = [b.id for b in boards]
    if len(set(ids)) != len(ids):
        raise ConfigError(
            f"{r.where}: [[jira.boards]] lists the same board id twice; keep one entry per board."
        )
    return JiraConfig(
        url=url,
        email=email,
        auth=auth,
        boards=tuple(boards),
        poll_seconds=r.number(t, "jira", "poll_seconds", default=30.0, minimum=5.0),
        reconcile_minutes=r.number(t, "jira", "reconcile_minutes", default=10.0, minimum=1.0),
        timeout_seconds=r.number(t, "jira", "timeout_seconds", default=20.0, minimum=1.0),
    )


def _parse_slack(r: Reader, t: Mapping[str, Any]) -> SlackConfig:
    r.known(
        t,
        "slack",
        {"channel", "api_url", "poll_seconds", "rescan_minutes", "rescan_hours", "timeout_seconds"},
    )
    channel = r.string(t, "slack", "channel")
    if not re.fullmatch(r"[CG][A-Z0-9]{6,}", channel):
        r.fail("slack", "channel", f'is "{channel}"; use the channel id (like CEL68S0LD), not its name')
    api_url = r.url(t, "slack", "api_url", example="https://slack.com/api/", default="https://slack.com/api/")
    return SlackConfig(
        channel=channel,
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        poll_seconds=r.number(t, "slack", "poll_seconds", default=10.0, minimum=2.0),
        rescan_minutes=r.number(t, "slack", "rescan_minutes", default=5.0, minimum=1.0),
        rescan_hours=r.number(t, "slack", "rescan_hours", default=12.0, minimum=0.5),
        timeout_seconds=r.number(t, "slack", "timeout_seconds", default=20.0, minimum=1.0),
    )


def _parse_support(r: Reader, t: Mapping[str, Any]) -> SupportConfig:
    r.known(t, "support", {"timezone", "hours", "days", "bank_holidays", "acknowledge_within"})
    zone = r.string(t, "support", "timezone", default="Europe/London")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail(
            "support",
            "timezone",
            f'is "{zone}", which is not a time zone; use an IANA name like Europe/London',
        )
    opens, closes = _parse_hours(r, r.string(t, "support", "hours", default="08:00-18:00"))
    days = _parse_days(r, r.string(t, "support", "days", default="Mon-Fri"))
    holidays = r.string(t, "support", "bank_holidays", default="GB-ENG")
    if holidays.lower() in ("", "none"):
        holidays_value: str | None = None
    else:
        if not re.fullmatch(r"[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?", holidays):
            r.fail(
                "support",
                "bank_holidays",
                f'is "{holidays}"; use a country[-subdivision] code like GB-ENG, or "none"',
            )
        holidays_value = holidays.upper()
    within = parse_duration(r.string(t, "support", "acknowledge_within", default="2h"))
    if within is None or within <= timedelta(0):
        r.fail("support", "acknowledge_within", 'must be a duration like "2h" or "90m"')
    return SupportConfig(
        timezone=zone,
        opens=opens,
        closes=closes,
        days=days,
        bank_holidays=holidays_value,
        acknowledge_within=within or timedelta(hours=2),
    )


def _parse_store(r: Reader, t: Mapping[str, Any]) -> StoreConfig:
    r.known(t, "store", {"keep_messages_days", "keep_tickets_days"})
    return StoreConfig(
        keep_messages_days=r.integer(t, "store", "keep_messages_days", default=30, minimum=1),
        keep_tickets_days=r.integer(t, "store", "keep_tickets_days", default=30, minimum=1),
    )


def _parse_keys(r: Reader, t: Mapping[str, Any]) -> dict[str, str]:
    r.known(t, "keys", set(KEYS_BY_ID))
    keys: dict[str, str] = {}
    for binding_id, value in t.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f'{r.where}: [keys] "{binding_id}" must be a string of comma-separated keys, '
                'e.g. "f5,ctrl+r".'
            )
        keys[str(binding_id)] = value.replace(" ", "")
    return keys


def _parse_hours(r: Reader, value: str) -> tuple[time, time]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", value)
    if not match:
        r.fail("support", "hours", f'is "{value}"; write it as "08:00-18:00"')
    assert match is not None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60) or (h1, m1) >= (h2, m2):
        r.fail("support", "hours", f'is "{value}"; it needs a start before the end, like "08:00-18:00"')
    return time(h1, m1), time(h2, m2)


def _parse_days(r: Reader, value: str) -> frozenset[int]:
    days: set[int] = set()
    for part in value.lower().replace(" ", "").split(","):
        start, _, end = part.partition("-")
        if start[:3] not in DAY_NAMES or (end and end[:3] not in DAY_NAMES):
            r.fail("support", "days", f'is "{value}"; write day ranges like "Mon-Fri" or "Mon,Wed,Fri"')
        first = DAY_NAMES.index(start[:3])
        last = DAY_NAMES.index(end[:3]) if end else first
        if last < first:
            r.fail("support", "days", f'is "{value}"; a range runs forwards, like "Mon-Fri"')
        days.update(range(first, last + 1))
    return frozenset(days)


def parse_duration(value: str) -> timedelta | None:
    """ "2h", "90m", "1h30m", "45s" → timedelta; None when it is not a duration."""
    match = re.fullmatch(r"\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*", value.lower())
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)
