"""One error type for every source failure, phrased for the engineer in one sentence.

Sources translate library exceptions (requests, JIRAError, SlackApiError, httpx, malformed JSON)
into `SourceError` so that pollers, the outbox and the CLI treat them alike: show the sentence,
wait `retry_after` when the service asked for it, and stop at startup when `auth` is set.

Secrets are removed and the text made safe by `duty_tui.text` (its one redactor and one sanitizer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

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


def without_secrets(error: SourceError, secrets: Iterable[str]) -> SourceError:
    """`error` with each of `secrets` (the source's own credentials, in every form it sends them) taken
    out of its sentence.

    The redactor's patterns catch the usual shapes of a token; a service that quotes one back (an error
    page echoing the request, "invalid token …") may use a shape they miss: an older Jira API token, a
    Data Center personal access token, the base64 of email:token from a Basic header.
    """
    cleaned = text.redact(error.message, secrets)
    return error if cleaned == error.message else replace(error, message=cleaned)


def untrusted_certificate(error: BaseException) -> str | None:
    """Why the service's TLS certificate was not accepted, if that is what `error` comes down to.

    Looks through the chain the clients build (requests: SSLError → urllib3's MaxRetryError → its reason;
    urllib: URLError.reason) for `ssl.SSLCertVerificationError`.
    """
    import ssl

    seen: set[int] = set()
    stack: list[BaseException] = [error]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return one_safe_line(str(current.verify_message or current.reason or "not trusted"), 80)
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None), *current.args)
        stack.extend(link for link in linked if isinstance(link, BaseException))
    return None


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a Retry-After header given in whole seconds (what Jira and Slack send)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
