"""Shared by the tests of duty_tui.text: name lookups, the cleanliness check, ADF wrapping."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from tests.support import FORBIDDEN


class FakeNames:
    """A NameLookup with a few known ids (and, when given, ticket URLs); records what it was asked."""

    def __init__(
        self,
        users: dict[str, str] | None = None,
        channels: dict[str, str] | None = None,
        tickets: dict[str, str] | None = None,
    ) -> None:
        self.users = {"U1": "Ann Smith", "U2": "Bob"} if users is None else users
        self.channels = {"C1": "laa-ops"} if channels is None else channels
        self.tickets = {} if tickets is None else tickets
        self.asked: list[str] = []

    def user_name(self, user_id: str) -> str | None:
        self.asked.append(user_id)
        return self.users.get(user_id)

    def channel_name(self, channel_id: str) -> str | None:
        self.asked.append(channel_id)
        return self.channels.get(channel_id)

    def ticket_url(self, key: str) -> str | None:
        self.asked.append(key)
        return self.tickets.get(key)


class BrokenNames:
    """A lookup that fails or returns nonsense: rendering must carry on."""

    def user_name(self, user_id: str) -> str | None:
        raise RuntimeError("cache exploded")

    def channel_name(self, channel_id: str) -> str | None:
        return 42  # type: ignore[return-value]

    def ticket_url(self, key: str) -> str | None:
        raise RuntimeError("Jira config missing")


NAMES = FakeNames()
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def assert_clean(value: str) -> None:
    bad = sorted({f"U+{ord(char):04X}" for char in value if char in FORBIDDEN or char in BIDI})
    assert not bad, f"forbidden characters in output: {bad}"
    assert not any("\ud800" <= char <= "\udfff" for char in value), "lone surrogate in output"
    value.encode("utf-8")  # must be writable to a UTF-8 terminal


def spans_of(text: Text) -> list[tuple[str, str, str | None]]:
    """Each span as (the text it covers, its style without the link, the link), in order."""
    found = []
    for span in text.spans:
        style = span.style
        if isinstance(style, Style):
            found.append((text.plain[span.start : span.end], str(style.update_link(None)), style.link))
        else:
            found.append((text.plain[span.start : span.end], str(style), None))
    return found


def styled(text: Text, fragment: str) -> set[str]:
    """The styles of the spans that cover ``fragment`` in ``text`` entirely."""
    start = text.plain.index(fragment)
    end = start + len(fragment)
    return {str(span.style) for span in text.spans if span.start <= start and span.end >= end}


def adf_of(value: str) -> dict[str, object]:
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": value}]},
            {"type": "codeBlock", "content": [{"type": "text", "text": value}]},
            {"type": "mention", "attrs": {"id": value, "text": value}},
            {"type": "status", "attrs": {"text": value}},
            {"type": "inlineCard", "attrs": {"url": value}},
            {"type": "media", "attrs": {"alt": value}},
            {"type": value, "content": [{"type": "text", "text": value}]},
        ],
    }
