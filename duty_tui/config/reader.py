"""Typed reading of TOML values, failing with one sentence that names the problem and the fix."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


class ConfigError(Exception):
    """A configuration problem, phrased for the engineer: what is wrong and how to fix it."""


class Reader:
    """Typed access to TOML values that fails with one actionable sentence."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, section: str, key: str, problem: str) -> None:
        raise ConfigError(f"{self.where}: [{section}] {key} {problem}.")

    def known(self, table: Mapping[str, Any], section: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                guess = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = f'did you mean "{guess[0]}"?' if guess else f"known keys: {', '.join(sorted(allowed))}"
                place = f"[{section}] " if section else ""
                raise ConfigError(f'{self.where}: {place}has an unknown key "{key}"; {hint}')

    def table(self, raw: Mapping[str, Any], name: str, *, required: bool = False) -> Mapping[str, Any]:
        value = raw.get(name)
        if value is None:
            if required:
                raise ConfigError(
                    f"{self.where} has no [{name}] section: run `duty-tui init` to see a complete example."
                )
            return {}
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where}: {name} must be a [{name}] table.")
        return value

    def string(self, t: Mapping[str, Any], section: str, key: str, default: str | None = None) -> str:
        value = t.get(key, default)
        if value is None:
            self.fail(section, key, "is missing")
        if not isinstance(value, str):
            self.fail(section, key, f"must be a string in quotes, not {value!r}")
        assert isinstance(value, str)
        return value.strip()

    def integer(
        self, t: Mapping[str, Any], section: str, key: str, default: int | None = None, minimum: int = 0
    ) -> int:
        value = t.get(key, default)
        if value is None:
            self.fail(section, key, "is missing")
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(section, key, f"must be a whole number of at least {minimum}, not {value!r}")
        assert isinstance(value, int)
        return value

    def number(self, t: Mapping[str, Any], section: str, key: str, default: float, minimum: float) -> float:
        value = t.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            self.fail(section, key, f"must be a number of at least {minimum:g}, not {value!r}")
        return float(value)

    def url(
        self, t: Mapping[str, Any], section: str, key: str, example: str, default: str | None = None
    ) -> str:
        value = self.string(t, section, key, default=default)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(section, key, f'is "{value}", which is not an http(s) URL; use e.g. {example}')
        if parts.scheme == "http" and not _loopback(parts.hostname):
            # The token goes with every request: in clear text only to this machine (the simulators).
            self.fail(
                section,
                key,
                f'is "{value}", which would send the token unencrypted; use https:// '
                "(plain http:// is only for localhost)",
            )
        return value.rstrip("/") if section == "jira" else value


def _loopback(host: str | None) -> bool:
    """Whether `host` is this machine: localhost, or a loopback address (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    import ipaddress  # only for an http:// URL: not on every start

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
