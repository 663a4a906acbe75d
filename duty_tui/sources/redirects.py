"""Jira and Slack redirects are refused, whichever site they point to.

Jira Cloud's REST API and Slack's Web API answer duty-tui's calls themselves: neither redirects them.
A redirect means the configured address is not the API (a login or single sign-on page, a maintenance
page, a site that moved, a missing context path) or that something in between wants the request sent
elsewhere. Following it would send the credentials along: urllib (under slack_sdk) copies every header,
Authorization included, to whatever host the redirect names, and requests (under jira) drops
Authorization on a change of host but still sends the request. Both also turn a redirected POST (301,
302, 303) into a GET without its body, so a comment or a reply would seem to succeed without having
been made. So duty-tui follows none, not even one to another path of the configured origin (scheme,
host and port): an API that has really moved is a change to make in the config, and a write must never
be silently turned into a read. The request fails with `RedirectRefused` before anything is sent to the
new address; each service's translator turns that into a permanent `SourceError` naming the configured
URL and where the redirect pointed (its scheme, host and port: never its path or query, which may
carry someone else's secret).

Standard library only (the parts `requests` and `urllib` already load): the clients install the refusal
on first use, on a worker thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urljoin, urlsplit

from duty_tui.sources.errors import SourceError

if TYPE_CHECKING:
    import requests

DEFAULT_PORTS = {"http": 80, "https": 443}
UNREADABLE = "an address duty-tui cannot read"


class RedirectRefused(Exception):
    """A service answered with a redirect, which duty-tui does not follow: nothing went to `target`."""

    def __init__(self, status: int, target: str) -> None:
        self.status = status
        self.target = target  # absolute: resolved against the request's URL
        super().__init__(f"a redirect ({status}) to {where(target)} was refused")


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number
        return None


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, lower-case, with the scheme's default port filled in."""
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), _port(parts)


def where(url: str) -> str:
    """Where `url` points, for a message: scheme, host and (when it is not the default) port. Never the
    user info, path or query."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname
    if not host or scheme not in DEFAULT_PORTS:
        return UNREADABLE
    port = _port(parts)
    shown = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        shown += f":{port}"
    return f"{scheme}://{shown}"


def refused(service: str, url: str, error: RedirectRefused, doing: str, setting: str) -> SourceError:
    """The engineer's sentence for a refused redirect: a configuration problem, so permanent (a write is
    given up, not resent) and shown as it is."""
    target = where(error.target)
    if origin(error.target) == origin(url) and target != UNREADABLE:
        target = f"another page of {target}"
    return SourceError(
        f"{service} at {url} redirected duty-tui to {target} while {doing}; duty-tui does not follow "
        f"redirects, so nothing was sent there: set {setting} to the address that answers itself.",
        status=error.status,
        permanent=True,
    )


def refuse_redirects(session: requests.Session) -> None:
    """Make every response of `session` that requests would follow as a redirect raise `RedirectRefused`
    instead, before requests sends anything to the new address (a response hook runs before requests
    resolves redirects, on the first answer)."""
    session.hooks.setdefault("response", []).append(_refuse)


def _refuse(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    if response.is_redirect:  # a 301, 302, 303, 307 or 308 with a Location: what requests would follow
        target = urljoin(response.url, response.headers["location"])
        response.close()
        raise RedirectRefused(response.status_code, target)
    return response
