"""Jira's failures → `SourceError`: one sentence for the engineer, and what the caller should do
(wait for `Retry-After`, stop at startup on rejected credentials, give up on a 4xx)."""

from __future__ import annotations

from duty_tui.sources.errors import SourceError, one_safe_line, retry_after_seconds


class TranslateErrors:
    """Context manager: library and network exceptions → SourceError with one clear sentence."""

    def __init__(self, url: str, doing: str) -> None:
        self.url = url
        self.doing = doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        if error is not None and not isinstance(error, SourceError):
            raise translate_jira_error(error, self.url, self.doing) from error


def translate_jira_error(error: BaseException, url: str, doing: str) -> SourceError:
    import requests
    from jira.exceptions import JIRAError

    if isinstance(error, JIRAError):
        status = error.status_code
        headers = error.response.headers if error.response is not None else {}
        detail = one_safe_line(error.text or "").rstrip(".")  # our sentence adds its own full stop
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
                f"Jira wants a fresh login (403, {one_safe_line(denied, 60)}) while {doing}: "
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
    return SourceError(
        f"Unexpected error while {doing}: {error.__class__.__name__}: {one_safe_line(str(error))}."
    )
