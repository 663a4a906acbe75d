"""Slack and Jira ids → display names: the :class:`NameLookup` protocol, and asking it safely."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from duty_tui.text.clean import one_line


class NameLookup(Protocol):
    """Resolves Slack ids to display names (from a cache; must not block on the network)."""

    def user_name(self, user_id: str) -> str | None: ...

    def channel_name(self, channel_id: str) -> str | None: ...


class NoNames:
    """A :class:`NameLookup` that knows nobody: mentions fall back to labels, then ids."""

    def user_name(self, user_id: str) -> str | None:
        return None

    def channel_name(self, channel_id: str) -> str | None:
        return None


def _ask(lookup: Callable[[str], str | None], key: str) -> str | None:
    """A name from the lookup, treated as untrusted; a failing lookup is just an unknown name."""
    try:
        name = lookup(key)
    except Exception:
        return None
    if not isinstance(name, str):
        return None
    name = one_line(name, 100)
    return name or None
