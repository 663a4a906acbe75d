"""One error type for every source failure, phrased for the engineer in one sentence.

Sources translate library exceptions (requests, JIRAError, SlackApiError, httpx, malformed JSON)
into `SourceError` so that pollers, the outbox and the CLI treat them alike: show the sentence,
wait `retry_after` when the service asked for it, and stop at startup when `auth` is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SECRETISH = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:basic|bearer)\s+[A-Za-z0-9+/=._-]{8,})"
)


@dataclass
class SourceError(Exception):
    """A source call failed. `message` is one sentence, safe to show (no secrets)."""

    message: str
    retry_after: float | None = None
    auth: bool = False  # the credentials were rejected: fixing them is the engineer's job
    unreachable: bool = False  # nothing answered (DNS, refused, timeout)
    status: int | None = None
    permanent: bool = False  # a 4xx other than 429: resending the same request cannot help

    def __post_init__(self) -> None:
        # The sentence often quotes the service (an error code, a Jira message): it reaches the
        # command line and the log as well as the panes, so no terminal control may survive.
        self.message = printable(redact(self.message))
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class PollCancelled(Exception):
    """The app is closing: stop between requests and write nothing."""


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove token-looking strings (and any known secret values) from text meant for people."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "•••")
    return _SECRETISH.sub("•••", text)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """No C0/C1 controls (so no escape sequence), no bidi or invisible characters, one line."""
    return " ".join(_CONTROL.sub("", text).split())


def first_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a Retry-After header given in whole seconds (what Jira and Slack send)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
