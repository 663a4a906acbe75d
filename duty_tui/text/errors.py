"""Exceptions and service error strings → one safe line, secrets redacted (:func:`error_sentence`)."""

from __future__ import annotations

import re
from typing import Final

from duty_tui.text.clean import one_line, sanitize

_SECRETS: Final = (
    # Slack tokens (bot, user, app-level, config/refresh, rotated "xoxe.xoxp-…").
    (re.compile(r"\b(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9\-]+"), "[redacted]"),
    # Authorization header values, in "Authorization: Bearer x", "'Authorization': 'Basic x'" or a=b form.
    (
        re.compile(r"""(?i)(\bauthorization['"]?\s*[:=]\s*['"]?)(?:(?:bearer|basic|token)\s+)?[^\s'",}]+"""),
        r"\1[redacted]",
    ),
    # A bare "Bearer …"/"Basic …" credential; the lookahead (an upper-case letter, digit or "=") keeps
    # prose such as "basic authentication failed" intact.
    (
        re.compile(r"\b((?i:bearer|basic))\s+(?=[A-Za-z0-9\-._~+/]*[A-Z0-9=])[A-Za-z0-9\-._~+/]{8,}=*"),
        r"\1 [redacted]",
    ),
    # Atlassian API tokens, Slack webhook paths, credentials in URLs and token-like query parameters.
    (re.compile(r"\bATATT[A-Za-z0-9\-_=]+"), "[redacted]"),
    (re.compile(r"(hooks\.slack\.com/services/)[^\s'\"]+"), r"\1[redacted]"),
    (re.compile(r"(\b[a-z][a-z0-9+.\-]*://)[^/\s:@]+:[^/\s@]+@"), r"\1[redacted]@"),
    (
        re.compile(r"(?i)([?&;](?:token|access_token|api_key|apikey|key|password|secret)=)[^&\s'\"]+"),
        r"\1[redacted]",
    ),
)
_TRACEBACK_START = "Traceback (most recent call last):"


def redact(value: str) -> str:
    """``value`` with anything that looks like a Slack token, Authorization value or credential removed."""
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
