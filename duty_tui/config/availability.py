"""The [availability] section: the health checks duty-tui probes for the availability figures.

[[availability.checks]]
name = "CCMS PROD"                 # unique; results are kept under it
service = "CCMS"
environment = "PROD"               # PROD, Pre-Prod, UAT or Dev/Test
url = "https://ccms.example.gov.uk/health"   # https only (plain http for 127.0.0.1 and localhost)
interval = 60                      # seconds between probes (default 60, at least 10)
timeout = 10                       # seconds to wait for an answer (default 10, less than the interval)
expected_status = 200              # default 200; redirects are not followed, so 302 means 302
text = '"status":"UP"'             # optional: must appear in the first 64 KiB of the answer

A probe carries no credentials, so the URL may not hold any either (no user:password@).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from duty_tui.config.reader import ConfigError, Reader
from duty_tui.rules.availability import HealthCheck
from duty_tui.rules.triage import DEFAULT_ENVIRONMENTS

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
NAME_LIMIT = 60
SERVICE_LIMIT = 40
TEXT_LIMIT = 200
MIN_INTERVAL = 10.0
MAX_INTERVAL = 24 * 3600.0
MIN_TIMEOUT = 1.0
MAX_TIMEOUT = 120.0
ENVIRONMENT_NAMES = tuple(rule.name for rule in DEFAULT_ENVIRONMENTS)


@dataclass(frozen=True, slots=True)
class AvailabilityConfig:
    checks: tuple[HealthCheck, ...] = ()


def parse_availability(r: Reader, t: Mapping[str, Any]) -> AvailabilityConfig:
    r.known(t, "availability", {"checks"})
    raw = t.get("checks", [])
    if not isinstance(raw, list):
        raise ConfigError(
            f"{r.where}: [availability] checks must be [[availability.checks]] tables, each with a name, "
            "service, environment and url."
        )
    checks = [_check(r, f"availability.checks[{index + 1}]", item) for index, item in enumerate(raw)]
    names = [check.name.casefold() for check in checks]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise ConfigError(
                f'{r.where}: [[availability.checks]] has two checks named "{checks[index].name}"; '
                "give each its own name."
            )
    return AvailabilityConfig(tuple(checks))


def _check(r: Reader, section: str, item: object) -> HealthCheck:
    if not isinstance(item, dict):
        raise ConfigError(
            f"{r.where}: [{section}] must be a table with a name, service, environment and url."
        )
    r.known(
        item,
        section,
        {"name", "service", "environment", "url", "interval", "timeout", "expected_status", "text"},
    )
    name = _label(r, item, section, "name", NAME_LIMIT)
    service = _label(r, item, section, "service", SERVICE_LIMIT)
    environment = _environment(r, item, section)
    url = _url(r, item, section)
    interval = r.number(item, section, "interval", default=60.0, minimum=MIN_INTERVAL)
    if interval > MAX_INTERVAL:
        r.fail(section, "interval", f"is {interval:g} seconds; probe at least once a day ({MAX_INTERVAL:g})")
    timeout = r.number(item, section, "timeout", default=10.0, minimum=MIN_TIMEOUT)
    if timeout > MAX_TIMEOUT or timeout >= interval:
        r.fail(
            section,
            "timeout",
            f"is {timeout:g} seconds; make it under the interval ({interval:g}) and at most {MAX_TIMEOUT:g}",
        )
    expected = r.integer(item, section, "expected_status", default=200, minimum=100)
    if expected > 599:
        r.fail(section, "expected_status", f"is {expected}; use an HTTP status from 100 to 599, like 200")
    expected_text = _text(r, item, section)
    return HealthCheck(
        name=name,
        service=service,
        environment=environment,
        url=url,
        interval=interval,
        timeout=timeout,
        expected_status=expected,
        text=expected_text,
    )


def _label(r: Reader, item: Mapping[str, Any], section: str, key: str, limit: int) -> str:
    value = r.string(item, section, key)
    if not value or len(value) > limit or not value.isprintable():
        r.fail(section, key, f"must be 1 to {limit} printable characters on one line")
    return value


def _environment(r: Reader, item: Mapping[str, Any], section: str) -> str:
    value = r.string(item, section, "environment")
    for known in ENVIRONMENT_NAMES:
        if value.casefold() == known.casefold():
            return known
    names = ", ".join(ENVIRONMENT_NAMES)
    r.fail(section, "environment", f'is "{value}"; use one of {names}')
    raise AssertionError  # r.fail raises


def _url(r: Reader, item: Mapping[str, Any], section: str) -> str:
    value = r.string(item, section, "url")
    example = "https://ccms.example.gov.uk/health"
    if not value.isprintable() or any(c.isspace() for c in value):
        r.fail(section, "url", f"has spaces or control characters; write it like {example}")
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        r.fail(section, "url", f'is "{value}", which is not a URL; write it like {example}')
        raise AssertionError from None  # r.fail raises
    if parts.scheme not in ("http", "https") or not host:
        r.fail(section, "url", f'is "{value}", which is not an https URL; write it like {example}')
    if parts.username is not None or parts.password is not None:
        r.fail(
            section,
            "url",
            "holds a user name or password; health checks carry no credentials, so remove them",
        )
    if parts.scheme == "http" and host.lower() not in LOCAL_HOSTS:
        r.fail(
            section,
            "url",
            f'is "{value}"; use https (plain http is only for 127.0.0.1 and localhost, like the simulator)',
        )
    return value


def _text(r: Reader, item: Mapping[str, Any], section: str) -> str | None:
    if "text" not in item:
        return None
    value = item["text"]
    if not isinstance(value, str) or not value.strip() or len(value) > TEXT_LIMIT or not value.isprintable():
        r.fail(section, "text", f"must be 1 to {TEXT_LIMIT} printable characters in quotes, or left out")
    return str(value)
