"""The simulators' faults, as a client meets them: refused connections, a proxy's HTML page, 410, faults
that stand until cleared, and a 10-second latency that a test never has to wait out."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator

import pytest

from duty_sim.server import SimRequest, SimResponse, SimServer


class Counter:
    """A service that counts what it acted on: `POST /act` acts, `GET /count` says how often."""

    def __init__(self) -> None:
        self.acted = 0

    def handle(self, request: SimRequest) -> SimResponse:
        if request.method == "POST":
            self.acted += 1
        return SimResponse.json(200, {"ok": True, "acted": self.acted})

    def error_response(self, status: int) -> SimResponse:
        return SimResponse.json(status, {"ok": False, "error": f"status {status}"})

    def rate_limited_response(self, retry_after: int) -> SimResponse:
        return SimResponse.json(429, {"ok": False}, {"Retry-After": str(retry_after)})


@pytest.fixture
def sim() -> Iterator[tuple[SimServer, Counter]]:
    service = Counter()
    server = SimServer(service).start()
    yield server, service
    server.faults.clear()
    server.stop()


def call(
    server: SimServer, method: str = "POST", path: str = "/act", *, timeout: float = 5.0
) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request(method, path, body=b"{}" if method == "POST" else None)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def refused(server: SimServer, method: str = "POST", path: str = "/act") -> bool:
    try:
        call(server, method, path)
    except (ConnectionError, http.client.RemoteDisconnected):
        return True
    return False


def test_refuse_resets_every_connection_unread_until_cleared_on_the_same_port(
    sim: tuple[SimServer, Counter],
) -> None:
    server, service = sim
    port = server.port
    keep_alive = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    keep_alive.request("GET", "/count")
    assert keep_alive.getresponse().read()  # a pooled connection, open before the outage
    server.faults.refuse()
    assert refused(server) and refused(server, "GET", "/count")
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        keep_alive.request("POST", "/act", body=b"{}")
        keep_alive.getresponse()
    keep_alive.close()
    assert service.acted == 0 and len(server.log) == 1  # the service saw none of them
    server.faults.clear()
    assert server.port == port and call(server)[0] == 200 and service.acted == 1


def test_refuse_with_a_match_refuses_only_those_requests(sim: tuple[SimServer, Counter]) -> None:
    server, service = sim
    server.faults.refuse(match=r"^POST /act$")
    assert refused(server)
    assert call(server, "GET", "/count")[0] == 200
    server.faults.accept()
    assert call(server)[0] == 200 and service.acted == 1


def test_refuse_next_refuses_that_many_then_answers(sim: tuple[SimServer, Counter]) -> None:
    server, service = sim
    server.faults.refuse_next(2, match="POST")
    assert call(server, "GET", "/count")[0] == 200  # not matched: not counted
    assert refused(server) and refused(server)
    assert call(server)[0] == 200 and service.acted == 1 and server.faults.pending == 0


def test_a_proxy_html_page_without_acting(sim: tuple[SimServer, Counter]) -> None:
    server, service = sim
    server.faults.html_error_next(1, status=503)
    status, content_type, body = call(server)
    assert status == 503 and content_type == "text/html"
    assert body.startswith(b"<html>") and b"503 Service Temporarily Unavailable" in body
    assert service.acted == 0 and server.log.entries()[-1].fault == "html"
    assert call(server)[0] == 200  # one-shot by default


def test_gone_is_a_410_in_the_services_own_format_without_acting(sim: tuple[SimServer, Counter]) -> None:
    server, service = sim
    server.faults.gone_next()
    status, _, body = call(server)
    assert status == 410 and json.loads(body) == {"ok": False, "error": "status 410"} and service.acted == 0


def test_a_fault_with_no_count_stands_until_cleared(sim: tuple[SimServer, Counter]) -> None:
    server, service = sim
    server.faults.fail_next(None, status=503, match="POST")
    server.faults.drop_next(None, match="GET")
    for _ in range(3):
        assert call(server)[0] == 503
        assert refused(server, "GET", "/count")  # dropped: the connection closes unanswered
    assert service.acted == 0 and server.faults.pending == 2
    server.faults.clear()
    assert call(server)[0] == 200 and server.faults.pending == 0


def test_the_one_shot_faults_keep_their_order_and_counts(sim: tuple[SimServer, Counter]) -> None:
    server, service = sim
    server.faults.fail_next(1, status=500, after=1)
    server.faults.rate_limit_next(1, retry_after=3)
    server.faults.malformed_next(1)
    answers = [call(server) for _ in range(5)]
    assert [status for status, _, _ in answers] == [200, 500, 429, 200, 200]
    assert answers[3][2] == b'{"ok": true,'  # acted (the 3rd), answered with half its body
    assert service.acted == 3


def test_a_ten_second_latency_times_a_client_out_and_ends_when_cleared(
    sim: tuple[SimServer, Counter],
) -> None:
    server, service = sim
    server.faults.set_latency(10.0, match="POST")
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        call(server, timeout=0.2)
    assert service.acted == 0  # still waiting out its 10 s at the service
    waiting = threading.Thread(target=call, args=(server,))
    waiting.start()
    server.faults.clear()  # the latency ends: both requests go on at once
    waiting.join(5)
    assert not waiting.is_alive() and time.monotonic() - started < 5
    assert server.log.wait_for("POST", "/act", timeout=5)
    deadline = time.monotonic() + 5
    while service.acted < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert service.acted == 2  # the service acted on the one its client gave up on, too


def test_changing_the_latency_lets_waiting_requests_go_on(sim: tuple[SimServer, Counter]) -> None:
    server, service = sim
    server.faults.set_latency(10.0)
    waiting = threading.Thread(target=call, args=(server,))
    waiting.start()
    while not waiting.is_alive():
        time.sleep(0.001)
    time.sleep(0.05)  # let it reach the service and start waiting
    server.faults.set_latency(0.0)
    waiting.join(5)
    assert not waiting.is_alive() and service.acted == 1
