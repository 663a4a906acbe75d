"""Slack's failures → `SourceError`: one sentence for the engineer, and what the caller should do.

Slack answers most errors with HTTP 200 and `ok: false`; `slack_sdk` raises `SlackApiError` for
those, and for 429 (with `Retry-After`) and 5xx; network trouble surfaces as `OSError`s; a redirect as
`RedirectRefused` (`sources.redirects`: never followed), an untrusted certificate as an `OSError` with
`ssl.SSLCertVerificationError` inside.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from duty_tui import text
from duty_tui.sources.errors import SourceError, one_safe_line, retry_after_seconds, untrusted_certificate
from duty_tui.sources.redirects import RedirectRefused, refused

SETTING = "[slack] api_url"

# Slack's own failures, answered with HTTP 200: try again later (a write may have partly acted, which
# the resend checks cover).
TRANSIENT = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
AUTH_ERRORS = {"not_authed", "invalid_auth", "token_revoked", "token_expired", "account_inactive"}


# How slack_sdk reports a body that is not JSON (a truncated answer, a proxy's HTML page): as an `ok: false`
# answer whose "error" is this sentence and the start of the body. The service may have acted: not a refusal.
NOT_JSON = "Received a response in a non-JSON format"

# Refusals of a write, in words: the write is undone and the engineer told why.
REFUSALS = {
    "is_archived": "#laa-ops has been archived",
    "message_not_found": "the message is no longer in Slack (deleted?)",
    "thread_not_found": "the message is no longer in Slack (deleted?)",
    "cannot_reply_to_message": "Slack does not allow replies to that message",
    "thread_locked": "the thread is locked",
    "too_many_reactions": "the message has too many reactions",
    "invalid_name": "Slack does not know that emoji",
    "msg_too_long": "the text is too long for Slack",
    "restricted_action": "the workspace does not allow duty-tui to post there",
}


def translate_slack_error(
    error: BaseException,
    url: str,
    doing: str,
    token_name: str = "SLACK_BOT_TOKEN",  # noqa: S107
    secrets: Iterable[str] = (),
) -> SourceError:
    from slack_sdk.errors import SlackApiError

    if isinstance(error, SlackApiError):
        response = error.response
        status = getattr(response, "status_code", None)
        code = ""
        try:
            code = str(response.get("error", "")) if response is not None else ""
        except (AttributeError, TypeError, ValueError):
            code = ""
        if status == 429 or code == "ratelimited":
            wait = retry_after_seconds(
                (response.headers or {}).get("Retry-After") if response is not None else None
            )
            return SourceError(
                f"Slack is rate limiting duty-tui (429) while {doing}.", retry_after=wait, status=429
            )
        if status is not None and status >= 500:
            return SourceError(f"Slack had a server error ({status}) while {doing}.", status=status)
        if status == 410:  # Slack answers its own errors with 200: a removed API, not a refusal of the write
            return SourceError(
                f"Slack says the API duty-tui uses is gone (410) while {doing}; "
                "duty-tui tries again, but may need an update.",
                status=410,
            )
        if code.startswith(NOT_JSON):
            return SourceError(f"Slack sent a response duty-tui could not read while {doing}.", status=status)
        if code:
            return _answered(code, status, response, doing, token_name)
        return SourceError(f"Slack sent a response duty-tui could not read while {doing}.", status=status)
    if isinstance(error, RedirectRefused):
        return refused("Slack", url, error, doing, SETTING)
    if (reason := untrusted_certificate(error)) is not None:
        return SourceError(
            f"Slack at {url} sent a TLS certificate duty-tui does not trust ({reason}) while {doing}; "
            f"verification stays on: fix the certificate, or {SETTING}.",
            unreachable=True,
        )
    if isinstance(error, TimeoutError):
        return SourceError(f"Slack at {url} did not answer in time while {doing}.", unreachable=True)
    if isinstance(error, OSError):  # URLError, ConnectionError, RemoteDisconnected are all OSErrors
        return SourceError(
            f"Cannot reach Slack at {url} while {doing} (connection failed).", unreachable=True
        )
    if isinstance(error, ValueError | KeyError | TypeError):
        return SourceError(
            f"Slack sent a response duty-tui could not read while {doing} ({error.__class__.__name__})."
        )
    return SourceError(
        f"Unexpected error while {doing}: {error.__class__.__name__}: "
        f"{one_safe_line(text.redact(text.sanitize(str(error)), secrets))}."  # secrets out before the cap
    )


def _answered(code: str, status: int | None, response: Any, doing: str, token_name: str) -> SourceError:
    """An `ok: false` answer with an error code, in words, and whether to try again."""
    if code in AUTH_ERRORS:
        return SourceError(
            f"Slack rejected the token ({code}) while {doing}: put a valid token in {token_name}.",
            auth=True,
            status=status,
            permanent=True,
        )
    if code == "missing_scope":
        needed = response.get("needed", "?") if response is not None else "?"
        return SourceError(
            f"The Slack app lacks the {needed} scope needed for {doing}: add it and reinstall the app.",
            status=status,
            permanent=True,
        )
    if code in ("not_in_channel", "channel_not_found"):
        return SourceError(
            f"Slack says {code} while {doing}: check [slack] channel and invite the app with /invite.",
            status=status,
            permanent=True,
        )
    if code in TRANSIENT:
        return SourceError(f"Slack failed ({code}) while {doing}; duty-tui tries again.", status=status)
    if code in REFUSALS:
        return SourceError(f"{REFUSALS[code]} ({code}).", status=status, permanent=True)
    return SourceError(f"Slack answered {code} while {doing}.", status=status, permanent=True)
