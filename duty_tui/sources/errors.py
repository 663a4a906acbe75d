"""One error type for every source failure, phrased for the engineer in one sentence.

Sources translate library exceptions (requests, JIRAError, SlackApiError, httpx, malformed JSON)
into `SourceError` so that pollers, the outbox and the CLI treat them alike: show the sentence,
wait `retry_after` when the service asked for it, and stop at startup when `auth` is set.

Secrets are removed and the text made safe by `duty_tui.text` (its one redactor and one sanitizer).
"""

from __future__ import annotations

from dataclasses import dataclass

from duty_tui import text


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
        # command line and the log as well as the panes, so no terminal control or secret may survive.
        self.message = one_safe_line(self.message, limit=None)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class PollCancelled(Exception):
    """The app is closing: stop between requests and write nothing."""


def one_safe_line(value: str, limit: int | None = 160) -> str:
    """``value`` as one safe line: sanitized (no controls, bidi or invisible characters), secrets
    redacted, every whitespace run (line breaks included) one space, capped at ``limit`` with "…".

    For a service's text quoted inside a sentence, and for the whole sentence of a `SourceError`.
    Sanitized before redacting, so a control character inside a token cannot hide it from the
    patterns; redacted before capping, so a cap never leaves half a token.
    """
    return text.one_line(text.redact(text.sanitize(value)), limit, breaks=False)


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a Retry-After header given in whole seconds (what Jira and Slack send)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
