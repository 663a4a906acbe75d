"""Jira's failures → `SourceError`: one sentence for the engineer, and what the caller should do
(wait for `Retry-After`, stop at startup on rejected credentials, give up on a 4xx or a redirect).

The sentence never holds the credentials, even when Jira (or a proxy in front of it) quotes them back:
the source's own token and Basic value are taken out of it (`without_secrets`). And the library's
exception is not chained to it for display (``from None``): its text can hold the whole answer (an
error page echoing the request), which a traceback in the log would otherwise print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from duty_tui import text
from duty_tui.sources.errors import (
    SourceError,
    one_safe_line,
    retry_after_seconds,
    untrusted_certificate,
    without_secrets,
)
from duty_tui.sources.redirects import RedirectRefused, refused

SETTING = "[jira] url"


class TranslateErrors:
    """Context manager: library and network exceptions → SourceError with one clear sentence."""

    def __init__(self, url: str, doing: str, secrets: Iterable[str] = ()) -> None:
        self.url = url
        self.doing = doing
        self.secrets = tuple(secrets)

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        if isinstance(error, SourceError):  # already one sentence: only made sure to hold no secret
            cleaned = without_secrets(error, self.secrets)
            if cleaned is not error:
                raise cleaned from None
            return
        if error is not None:
            translated = translate_jira_error(error, self.url, self.doing, self.secrets)
            raise without_secrets(translated, self.secrets) from None


def translate_jira_error(
    error: BaseException, url: str, doing: str, secrets: Iterable[str] = ()
) -> SourceError:
    from jira.exceptions import JIRAError

    def quoted(value: str, limit: int = 160) -> str:
        """What Jira said, as one safe line: the secrets out before the cap, which could halve one (and
        after sanitizing, so a control character inside one cannot hide it)."""
        return one_safe_line(text.redact(text.sanitize(value), secrets), limit)

    if isinstance(error, JIRAError):
        status = error.status_code
        headers = error.response.headers if error.response is not None else {}
        detail = quoted(error.text or "").rstrip(".")  # our sentence adds its own full stop
        if status == 401:
            return SourceError(
                f"Jira rejected the credentials (401) while {doing}: check [jira] email and JIRA_API_TOKEN.",
                auth=True,
                status=401,
                permanent=True,
            )
        denied = headers.get("X-Authentication-Denied-Reason")
        if status == 403 and denied:
            # Atlassian's login challenge (failed logins, CAPTCHA): about the session, not the request.
            return SourceError(
                f"Jira wants a fresh login (403, {quoted(denied, 60)}) while {doing}: "
                "sign in to Jira in a browser once, then press r.",
                auth=True,
                status=403,
                permanent=True,
            )
        if status == 403:
            return SourceError(
                f"Jira refused access (403) while {doing}: {detail or 'no permission'}.",
                status=403,
                permanent=True,
            )
        if status == 404:
            return SourceError(
                f"Jira found nothing (404) while {doing}: {detail or 'check the ids in the config'}.",
                status=404,
                permanent=True,
            )
        if status == 410:
            # Gone: the API itself was removed (Atlassian's deprecations), which says nothing about the
            # request: a write waits (and says why) instead of being refused and undone.
            return SourceError(
                f"Jira says the API duty-tui uses is gone (410) while {doing}: "
                f"{detail or 'it was removed'}; duty-tui tries again, but may need an update.",
                status=410,
            )
        if status == 429:
            wait = retry_after_seconds(headers.get("Retry-After"))
            return SourceError(
                f"Jira is rate limiting duty-tui (429) while {doing}.", retry_after=wait, status=429
            )
        if status is not None and status >= 500:
            wait = retry_after_seconds(headers.get("Retry-After"))
            return SourceError(
                f"Jira had a server error ({status}) while {doing}.", retry_after=wait, status=status
            )
        return SourceError(
            f"Jira answered {status} while {doing}: {detail or 'no detail'}.",
            status=status,
            permanent=status is not None and 400 <= status < 500,
        )
    return _unanswered(error, url, doing, quoted)


def _unanswered(error: BaseException, url: str, doing: str, quoted: Callable[[str], str]) -> SourceError:
    """A failure without an answer from Jira to quote: a redirect not followed, TLS, the network, a body
    duty-tui could not read, a bug."""
    import requests

    if isinstance(error, RedirectRefused):
        return refused("Jira", url, error, doing, SETTING)
    if (reason := untrusted_certificate(error)) is not None:
        return SourceError(
            f"Jira at {url} sent a TLS certificate duty-tui does not trust ({reason}) while {doing}; "
            f"verification stays on: fix the certificate, or {SETTING}.",
            unreachable=True,
        )
    if isinstance(error, requests.exceptions.Timeout):
        return SourceError(f"Jira at {url} did not answer in time while {doing}.", unreachable=True)
    if isinstance(error, requests.exceptions.ConnectionError):
        return SourceError(f"Cannot reach Jira at {url} while {doing} (connection failed).", unreachable=True)
    if isinstance(
        error, ValueError | KeyError | TypeError | AttributeError
    ):  # incl. requests' JSONDecodeError
        return SourceError(
            f"Jira sent a response duty-tui could not read while {doing} ({error.__class__.__name__})."
        )
    return SourceError(f"Unexpected error while {doing}: {error.__class__.__name__}: {quoted(str(error))}.")
