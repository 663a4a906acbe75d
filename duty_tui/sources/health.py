"""One health probe: GET a check's URL with httpx and say what came back, as a `ProbeResult`.

A probe is a stranger's request, never the engineer's: a fresh `httpx.Client` for each probe, with no
auth, no cookies (an empty jar, and nothing kept between probes), and a plain User-Agent; the Jira and
Slack tokens are never within its reach. TLS verification is always on. Redirects are not followed at
all: a health endpoint that redirects is answering something else (a login page, a maintenance page,
possibly on another host), so a 3xx is its answer, failing the check unless that status is the
expected one. At most 64 KiB of the body is read, and only when the check looks for a text.

A failure is data: every problem, a bug included, becomes a failed result with an error kind and a
short sanitized reason (never the body, which is untrusted). Nothing here raises. httpx is imported
on first use, on the probing thread.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from duty_tui import text
from duty_tui.rules.availability import REASON_LIMIT, HealthCheck, ProbeError, ProbeResult

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

USER_AGENT = "duty-tui probe"
BODY_LIMIT = 64 * 1024
_CHUNK = 16 * 1024


_context: ssl.SSLContext | None = None
_context_lock = threading.Lock()


def trusted_context() -> ssl.SSLContext:
    """The TLS context every probe verifies with: httpx's own for `verify=True` (the usual certificate
    authorities, or SSL_CERT_FILE / SSL_CERT_DIR; certificates and host names always checked), made
    once, because loading the authorities costs more than a probe."""
    global _context  # noqa: PLW0603 - one context for the process, made on first use
    with _context_lock:
        if _context is None:
            import httpx

            _context = httpx.create_ssl_context(verify=True)
        return _context


class _TooSlow(Exception):
    """The answer's body did not arrive within the check's timeout."""


def probe(check: HealthCheck, now: Callable[[], datetime]) -> ProbeResult:
    """Probe `check` once. Never raises."""
    at = now()
    status: int | None = None
    latency: int | None = None
    try:
        import httpx

        client = httpx.Client(
            verify=trusted_context(),
            follow_redirects=False,
            timeout=check.timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"},
        )
        started = time.monotonic()  # the request, not loading the trusted certificates
        with client, client.stream("GET", check.url) as response:
            status = response.status_code
            latency = round((time.monotonic() - started) * 1000)
            if status != check.expected_status:
                return _failed(
                    check,
                    at,
                    ProbeError.STATUS,
                    _status_reason(check, response),
                    status=status,
                    latency=latency,
                )
            if check.text is not None:
                body = _head(response, started + check.timeout)
                if check.text.encode("utf-8") not in body:
                    reason = f"the expected text is not in the answer: {check.text}"
                    return _failed(check, at, ProbeError.TEXT, reason, status=status, latency=latency)
        return ProbeResult(check.name, at, ok=True, status=status, latency_ms=latency)
    except _TooSlow:
        reason = f"the answer took over {check.timeout:g}s"
        return _failed(check, at, ProbeError.TIMEOUT, reason, status=status, latency=latency)
    except Exception as error:  # a probe failure is data, whatever it is
        kind, reason = classify(error, check)
        if kind is ProbeError.OTHER and not _is_httpx(error):
            log.warning("health probe %s failed unexpectedly: %s", check.name, error.__class__.__name__)
        return _failed(check, at, kind, reason, status=status, latency=latency)


def classify(error: BaseException, check: HealthCheck) -> tuple[ProbeError, str]:
    """The error kind and a short reason for an exception raised while probing."""
    import httpx

    causes = _chain(error)
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or cause.reason or "not trusted"
            return ProbeError.TLS, f"TLS certificate not accepted: {detail}"
        if isinstance(cause, ssl.SSLError):
            return ProbeError.TLS, f"TLS handshake failed: {cause.reason or cause.__class__.__name__}"
    if isinstance(error, httpx.TimeoutException):
        return ProbeError.TIMEOUT, f"no answer within {check.timeout:g}s"
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return ProbeError.REFUSED, "connection refused"
        if isinstance(cause, socket.gaierror):
            return ProbeError.OTHER, "the host name did not resolve"
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return ProbeError.OTHER, "the connection closed without a complete answer"
    if isinstance(error, httpx.ConnectError):
        return ProbeError.OTHER, "could not connect"
    if isinstance(error, httpx.HTTPError):
        return ProbeError.OTHER, f"HTTP error ({error.__class__.__name__})"
    return ProbeError.OTHER, f"unexpected error ({error.__class__.__name__}); see the log"


def _failed(
    check: HealthCheck,
    at: datetime,
    kind: ProbeError,
    reason: str,
    *,
    status: int | None,
    latency: int | None,
) -> ProbeResult:
    return ProbeResult(
        check.name,
        at,
        ok=False,
        status=status,
        latency_ms=latency,
        error=kind,
        reason=text.one_line(reason, REASON_LIMIT, breaks=False),
    )


def _status_reason(check: HealthCheck, response: httpx.Response) -> str:
    reason = f"HTTP {response.status_code} (expected {check.expected_status})"
    if response.is_redirect:
        reason += "; redirects are not followed"
    return reason


def _head(response: httpx.Response, deadline: float) -> bytes:
    """The first BODY_LIMIT bytes of the body. Plain is asked for; a server that compresses anyway (gzip,
    deflate) is inflated within the same limit."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    inflate = zlib.decompressobj(wbits=47) if encoding in ("gzip", "deflate", "x-gzip") else None
    received = bytearray()
    for raw in response.iter_raw(_CHUNK):
        received += raw if inflate is None else inflate.decompress(raw, BODY_LIMIT - len(received))
        if len(received) >= BODY_LIMIT or (inflate is not None and inflate.unconsumed_tail):
            break
        if time.monotonic() > deadline:
            raise _TooSlow
    return bytes(received[:BODY_LIMIT])


def _chain(error: BaseException) -> list[BaseException]:
    """The error and what caused it, outermost first (httpx wraps the socket's and ssl's errors)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_httpx(error: BaseException) -> bool:
    return type(error).__module__.startswith("httpx")
