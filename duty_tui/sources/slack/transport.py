"""The `WebClient` duty-tui talks to Slack with: slack_sdk's own, sending through an opener that refuses
redirects and always verifies TLS (`duty_tui.sources.redirects` says why redirects are refused).

slack_sdk has no public hook for its opener: `BaseClient._perform_urllib_http_request_internal` opens
each request with `urllib.request.urlopen`, whose default handlers follow redirects and copy the
Authorization header to wherever they point. `GuardedWebClient` overrides that one method (the whole
of it: open the request, read the answer) and leaves everything else (arguments, retries, errors,
`SlackResponse`) to slack_sdk. Nothing global is touched: no installed opener, no patched module. The
override is private API: `check_supported` refuses to run on a slack_sdk without it, rather than
quietly following redirects again.

Imported on first use, on a worker thread (it loads slack_sdk).
"""

from __future__ import annotations

import ssl
import urllib.request
from email.message import Message
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import urljoin

from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError

from duty_tui.sources.errors import SourceError
from duty_tui.sources.redirects import RedirectRefused

OVERRIDDEN = "_perform_urllib_http_request_internal"


def check_supported() -> None:
    """A permanent `SourceError` if this slack_sdk no longer opens requests where redirects are refused."""
    if not callable(getattr(WebClient, OVERRIDDEN, None)):
        raise SourceError(
            "This slack_sdk version opens requests in a way duty-tui cannot guard against redirects: "
            "install a slack-sdk 3.x that duty-tui supports.",
            permanent=True,
        )


def verified_context() -> ssl.SSLContext:
    """The TLS context for Slack: the system's authorities, certificates and host names always checked.

    Given explicitly rather than left to urllib's default, so that nothing process-wide (a replaced
    default HTTPS context, an environment variable) can turn verification off for Slack."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect urllib would follow raises `RedirectRefused` instead; nothing is sent to its target.

    A subclass, so that `build_opener` leaves out urllib's own redirect handler."""

    def http_error_302(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage
    ) -> Any:
        location = headers.get("location") or headers.get("uri")
        if not location:
            return None  # not a redirect: the 30x is the answer (slack_sdk reports it as an error)
        fp.close()
        raise RedirectRefused(code, urljoin(req.full_url, location))

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class GuardedWebClient(WebClient):
    """slack_sdk's `WebClient`, opening its requests with `RefuseRedirects` and a verified TLS context."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("ssl", verified_context())
        super().__init__(**kwargs)

    def _perform_urllib_http_request_internal(self, url: str, req: urllib.request.Request) -> dict[str, Any]:
        # What slack_sdk's own does, through our opener: only http(s), its proxy when it has one.
        if not url.lower().startswith(("http://", "https://")):
            raise SlackRequestError(f"Invalid URL detected: {url}")
        handlers: list[urllib.request.BaseHandler] = [
            urllib.request.HTTPSHandler(context=self.ssl or verified_context()),
            RefuseRedirects(),
        ]
        if self.proxy is not None:
            if not isinstance(self.proxy, str):
                raise SlackRequestError(f"Invalid proxy detected: {self.proxy} must be a str value")
            handlers.append(urllib.request.ProxyHandler({"http": self.proxy, "https": self.proxy}))
        opener = urllib.request.build_opener(*handlers)
        with opener.open(req, timeout=self.timeout) as resp:
            headers: Message = resp.headers
            body: bytes = resp.read()
            status: int = resp.status
        if headers.get_content_type() == "application/gzip":  # admin.analytics.getFile, as slack_sdk does
            return {"status": status, "headers": headers, "body": body}
        charset = headers.get_content_charset() or "utf-8"
        return {"status": status, "headers": headers, "body": body.decode(charset)}
