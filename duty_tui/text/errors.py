"""Secrets out of text meant for people (:func:`redact`), and exceptions or service error strings → one
safe line (:func:`error_sentence`).

:func:`redact` is the one redactor: error sentences in the panes, ``SourceError`` messages
(``duty_tui/sources/errors.py``) and every log record (``RedactingFilter`` in ``duty_tui/runtime.py``)
go through it. Standard library only, so the I/O core can use it without loading rich or Textual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from duty_tui.text.clean import one_line, sanitize

REDACTED: Final = "[redacted]"
"""What a secret becomes."""

# A credential after "Bearer"/"Basic": token characters, at least 8 of them. It must also look like a
# credential rather than a word, so prose such as "Basic authentication failed" stays intact: an
# upper-case letter, digit or "=" somewhere, punctuation inside it ("abc.def", a JWT), or 20 or more
# lower-case letters.
_CREDENTIAL = r"(?=[A-Za-z0-9\-._~+/=]*(?:[A-Z0-9=]|[\-._~+/][A-Za-z0-9])|[a-z]{20})[A-Za-z0-9\-._~+/=]{8,}"

_SECRETS: Final = (
    # Slack tokens (bot, user, app-level, config/refresh, rotated "xoxe.xoxp-…"), also glued to a word
    # ("SLACK_TOKEN_xoxb-…").
    (re.compile(r"(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9\-]+"), REDACTED),
    # Authorization header values, in "Authorization: Bearer x", "'Authorization': 'Basic x'" or a=b form.
    (
        re.compile(r"""(?i)(\bauthorization['"]?\s*[:=]\s*['"]?)(?:(?:bearer|basic|token)\s+)?[^\s'",}]+"""),
        rf"\1{REDACTED}",
    ),
    # A bare "Bearer …"/"Basic …" credential.
    (re.compile(rf"((?i:bearer|basic))\s+{_CREDENTIAL}"), rf"\1 {REDACTED}"),
    # Atlassian API tokens, Slack webhook paths, credentials in URLs and token-like query parameters.
    (re.compile(r"\bATATT[A-Za-z0-9\-_=]+"), REDACTED),
    (re.compile(r"(hooks\.slack\.com/services/)[^\s'\"]+"), rf"\1{REDACTED}"),
    (re.compile(r"(\b[a-z][a-z0-9+.\-]*://)[^/\s:@]+:[^/\s@]+@"), rf"\1{REDACTED}@"),
    (
        re.compile(r"(?i)([?&;](?:token|access_token|api_key|apikey|key|password|secret)=)[^&\s'\"]+"),
        rf"\1{REDACTED}",
    ),
)
_TRACEBACK_START = "Traceback (most recent call last):"


def redact(value: str, secrets: Iterable[str] = ()) -> str:
    """``value`` with every known secret value in ``secrets`` (the configured tokens) and anything that
    looks like a Slack token, Authorization value, Atlassian token or credential replaced by
    ``"[redacted]"``.

    Longer secrets are removed first, so one secret that contains another leaves nothing behind.
    """
    for secret in sorted({secret for secret in secrets if secret}, key=len, reverse=True):
        value = value.replace(secret, REDACTED)
    for pattern, replacement in _SECRETS:
        value = pattern.sub(replacement, value)
    return value


def error_sentence(error: BaseException | str, limit: int = 200) -> str:
    """One safe line describing ``error`` for the status bar or a toast.

    Uses ``str(error)`` (the class name when that is empty or raises); for a traceback, its last line
    (the exception) rather than "Traceback (most recent call last):"; otherwise the first non-empty line.
    Secrets are redacted before anything is cut, so a cap never leaves half a token visible.
    """
    if isinstance(error, BaseException):
        try:
            message = str(error)
        except Exception:
            message = ""
        message = message or type(error).__name__
    else:
        message = str(error)
    lines = [line for line in redact(sanitize(message)).split("\n") if line.strip()]
    if not lines:
        return ""
    chosen = lines[-1] if lines[0].strip().startswith(_TRACEBACK_START) else lines[0]
    return one_line(chosen, limit)
