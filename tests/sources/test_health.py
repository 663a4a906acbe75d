"""Health probes against the simulated endpoints over real HTTP: up, down, slow (timeout), wrong status
(redirects not followed), wrong text, refused, TLS errors (verification always on); never a credential
or a cookie sent, at most 64 KiB read, and a failure is a result, never an exception."""

from __future__ import annotations

import gzip
import http.server
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from duty_sim.health import UP_TEXT, HealthSim, Mode, always
from duty_sim.server import SimRequest, SimResponse, SimServer
from duty_tui.clock import ManualClock
from duty_tui.rules.availability import HealthCheck, ProbeError, ProbeResult
from duty_tui.sources.health import BODY_LIMIT, USER_AGENT, _head, probe, trusted_context
from tests.conftest import MORNING

NOW = MORNING
clock = ManualClock(NOW)
# What any HTTP client must send; anything more (Authorization, Cookie, Proxy-Authorization…) is a leak.
PLAIN_HEADERS = frozenset({"host", "accept", "accept-encoding", "connection", "user-agent"})


@pytest.fixture(scope="module")
def health() -> Iterator[HealthSim]:
    schedules = {
        "up": always(Mode.UP),
        "down": always(Mode.DOWN),
        "slow": always(Mode.SLOW),
        "error": always(Mode.WRONG_STATUS, 500),
        "moved": always(Mode.WRONG_STATUS, 302),
        "degraded": always(Mode.WRONG_TEXT),
    }
    with HealthSim(ManualClock(NOW), schedules, slow_seconds=3.0) as sim:
        yield sim


def check(url: str, **changes: object) -> HealthCheck:
    fields: dict[str, object] = {"timeout": 2.0, "text": UP_TEXT, **changes}
    return HealthCheck("CCMS PROD", "CCMS", "PROD", url, **fields)  # type: ignore[arg-type]


def run(target: HealthCheck) -> ProbeResult:
    return probe(target, clock.now)


def test_up(health: HealthSim) -> None:
    result = run(check(health.url("up")))
    assert result == ProbeResult("CCMS PROD", NOW, ok=True, status=200, latency_ms=result.latency_ms)
    assert result.latency_ms is not None and 0 <= result.latency_ms < 2000


def test_down_is_a_status_failure(health: HealthSim) -> None:
    result = run(check(health.url("down")))
    assert (result.ok, result.error, result.status) == (False, ProbeError.STATUS, 503)
    assert result.reason == "HTTP 503 (expected 200)"


def test_slow_is_a_timeout_after_the_checks_timeout(health: HealthSim) -> None:
    started = time.monotonic()
    result = run(check(health.url("slow"), timeout=0.5))
    assert (result.ok, result.error, result.status, result.latency_ms) == (
        False,
        ProbeError.TIMEOUT,
        None,
        None,
    )
    assert result.reason == "no answer within 0.5s"
    assert time.monotonic() - started < 2.5  # it gave up at its timeout, not when the answer came


def test_wrong_status_and_a_redirect_that_is_not_followed(health: HealthSim) -> None:
    error = run(check(health.url("error")))
    assert (error.error, error.status, error.reason) == (ProbeError.STATUS, 500, "HTTP 500 (expected 200)")
    before = len(health.heard)
    moved = run(check(health.url("moved")))
    assert (moved.error, moved.status) == (ProbeError.STATUS, 302)
    assert moved.reason == "HTTP 302 (expected 200); redirects are not followed"
    assert len(health.heard) == before + 1  # one request; the Location (another host) was not fetched
    # Expecting the redirect makes it the healthy answer.
    assert run(check(health.url("moved"), expected_status=302, text=None)).ok


def test_wrong_text(health: HealthSim) -> None:
    result = run(check(health.url("degraded")))
    assert (result.ok, result.error, result.status) == (False, ProbeError.TEXT, 200)
    assert result.reason == 'the expected text is not in the answer: "status":"UP"'
    assert "DEGRADED" not in result.reason  # the body is untrusted: never repeated
    assert run(check(health.url("degraded"), text=None)).ok  # no text asked for: a 200 will do


def test_refused_when_nothing_listens() -> None:
    sim = HealthSim(ManualClock(NOW), {"up": always(Mode.UP)}).start()
    url = sim.url("up")
    sim.stop()
    result = run(check(url))
    assert (result.ok, result.error, result.reason) == (False, ProbeError.REFUSED, "connection refused")


def test_https_to_a_plain_http_port_is_a_tls_error(health: HealthSim) -> None:
    url = health.url("up").replace("http://", "https://")
    result = run(check(url))
    assert (result.ok, result.error) == (False, ProbeError.TLS)
    assert result.reason.startswith("TLS handshake failed")


def test_other_failures_are_results_too() -> None:
    unsupported = run(check("gopher://127.0.0.1/"))
    assert (unsupported.ok, unsupported.error) == (False, ProbeError.OTHER)
    nowhere = run(check("https://no-such-host.invalid/health"))
    assert (nowhere.ok, nowhere.error) == (False, ProbeError.OTHER)


def test_a_probe_sends_no_credentials_and_no_cookies(
    health: HealthSim, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tokens are in the environment, as when duty-tui runs; every answer sets a cookie.
    monkeypatch.setenv("JIRA_API_TOKEN", "jira-secret-token")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret")
    before = len(health.heard)
    for name in ("up", "up", "down", "moved", "degraded", "up"):
        run(check(health.url(name)))
    heard = health.heard[before:]
    assert len(heard) == 6
    for request in heard:
        assert request.header_names == PLAIN_HEADERS, request.header_names
        assert request.user_agent == USER_AGENT == "duty-tui probe"


# -- a server of the test's own: large and compressed bodies -------------------------------------------


class Bodies:
    """Answers /big with the expected text just past 64 KiB, /near with it just inside, /gzip compressed."""

    def handle(self, request: SimRequest) -> SimResponse:
        filler = b"x" * (BODY_LIMIT - len(UP_TEXT) - 10)
        if request.path == "/near":
            return SimResponse(200, filler + UP_TEXT.encode())
        if request.path == "/big":
            return SimResponse(200, filler + b"y" * 20 + UP_TEXT.encode() + b"z" * 1_000_000)
        body = gzip.compress(b'{"status":"UP"}')
        return SimResponse(200, body, {"Content-Encoding": "gzip"})

    def error_response(self, status: int) -> SimResponse:
        return SimResponse(status)

    def rate_limited_response(self, retry_after: int) -> SimResponse:
        return SimResponse(429)


def test_at_most_64_kib_of_the_body_is_read_for_the_text() -> None:
    with SimServer(Bodies()) as server:
        assert run(check(f"{server.base_url}/near")).ok
        far = run(check(f"{server.base_url}/big"))
        assert (far.ok, far.error) == (False, ProbeError.TEXT)
        assert run(check(f"{server.base_url}/gzip")).ok  # compressed against our asking: inflated


def test_reading_stops_at_64_kib_of_an_endless_body() -> None:
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        while True:
            sent += 4096
            yield b"x" * 4096

    response = httpx.Response(200, content=endless())
    assert _head(response, time.monotonic() + 5) == b"x" * BODY_LIMIT
    assert sent <= BODY_LIMIT + 16 * 1024


# -- TLS verification is always on --------------------------------------------------------------------


@pytest.fixture
def self_signed(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate; (its URL, the certificate)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
            *["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            *["-keyout", str(key), "-out", str(cert)],
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )

    class Healthy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"status":"UP"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Healthy)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/health", cert
    finally:
        server.shutdown()
        server.server_close()


def test_a_certificate_nobody_trusts_fails_the_probe(self_signed: tuple[str, Path]) -> None:
    url, cert = self_signed
    # The server is healthy: a client that trusts its certificate gets the answer...
    trusting = ssl.create_default_context(cafile=str(cert))
    assert httpx.get(url, verify=trusting, timeout=5).status_code == 200
    # ...but a probe verifies against the usual authorities, so it fails, saying why.
    result = run(check(url))
    assert (result.ok, result.error, result.status) == (False, ProbeError.TLS, None)
    assert result.reason.startswith("TLS certificate not accepted")
    assert "self-signed" in result.reason or "self signed" in result.reason


def test_the_one_tls_context_checks_certificates_and_host_names() -> None:
    context = trusted_context()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert trusted_context() is context  # made once: loading the authorities costs more than a probe
