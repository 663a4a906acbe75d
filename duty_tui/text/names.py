"""Slack and Jira ids → display names and ticket links: the :class:`NameLookup` protocol, asked safely."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final, Protocol

from duty_tui.text.clean import one_line


class NameLookup(Protocol):
    """Resolves Slack ids to display names and Jira keys to links (from a cache; never blocks on I/O)."""

    def user_name(self, user_id: str) -> str | None: ...

    def channel_name(self, channel_id: str) -> str | None: ...

    def ticket_url(self, key: str) -> str | None:
        """The browse URL of ticket ``key`` when it is one of ours, else None.

        Optional at run time (a lookup without it links no tickets), so it has a body here: a class that
        subclasses the protocol explicitly inherits "no link" until it says otherwise.
        """
        return None


class NoNames:
    """A :class:`NameLookup` that knows nobody: mentions fall back to labels, then ids; no ticket links."""

    def user_name(self, user_id: str) -> str | None:
        return None

    def channel_name(self, channel_id: str) -> str | None:
        return None

    def ticket_url(self, key: str) -> str | None:
        return None


# What a ticket link may point at: http(s), printable ASCII without spaces. The URL ends up inside an
# OSC 8 hyperlink sequence on the terminal, so an ESC or a control character in it would be an escape.
_SAFE_URL: Final = re.compile(r"https?://[!-~]{1,2000}", re.IGNORECASE)


def _call(lookup: Callable[[str], object] | None, key: str) -> object:
    """``lookup(key)``; a missing lookup or a failing one is just "unknown" (None)."""
    if not callable(lookup):
        return None
    try:
        return lookup(key)
    except Exception:
        return None


class KnownNames(NoNames):
    """A :class:`NameLookup` over a fixed map of Slack user ids to names (a screen's snapshot)."""

    def __init__(self, users: Mapping[str, str]) -> None:
        self.users = users

    def user_name(self, user_id: str) -> str | None:
        return self.users.get(user_id)


def _ask(lookup: Callable[[str], str | None] | None, key: str) -> str | None:
    """A name from the lookup, treated as untrusted (sanitized, one line, capped)."""
    name = _call(lookup, key)
    if not isinstance(name, str):
        return None
    name = one_line(name, 100)
    return name or None


def _ask_url(names: object, key: str) -> str | None:
    """``names.ticket_url(key)`` if it has one (it is optional at run time), or None unless the answer is
    a plain http(s) URL (see ``_SAFE_URL``)."""
    url = _call(getattr(names, "ticket_url", None), key)
    if not isinstance(url, str) or _SAFE_URL.fullmatch(url) is None:
        return None
    return url
