"""A small threaded HTTP/1.1 server on 127.0.0.1 that hosts one simulated service.

It owns what every simulated service shares: the listening socket on a free port (kept across
outages so clients reconnect to the same URL), a request log for tests to assert on, and the fault
plan (`duty_sim.faults`: latency, error statuses, a proxy's HTML error pages, 410, 429s,
accept-then-drop, malformed bodies, refused connections). The service itself only maps a
`SimRequest` to a `SimResponse`. A refused request never reaches the service and is not logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import struct
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, Self
from urllib.parse import parse_qs, urlsplit

from duty_sim.faults import Fault, FaultKind, Faults, proxy_page

_log = logging.getLogger(__name__)

# How often the accept loop looks for a stop request: stopping waits up to this long per server, and
# every test stops three. 10 ms costs about 1% of a core for the three while idle.
_STOP_WITHIN = 0.01


class BadRequest(Exception):
    """Raised by request helpers when the body cannot be read the way the service expects."""


@dataclass(frozen=True, slots=True)
class SimRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BadRequest(f"invalid JSON body: {error}") from error

    def form(self) -> dict[str, list[str]]:
        try:
            return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError as error:
            raise BadRequest("invalid form body") from error

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(slots=True)
class SimResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> SimResponse:
        all_headers = {"Content-Type": "application/json;charset=UTF-8", **(headers or {})}
        return cls(status, json.dumps(payload).encode("utf-8"), all_headers)


class Service(Protocol):
    """What a simulated service provides to the server."""

    def handle(self, request: SimRequest) -> SimResponse: ...

    def error_response(self, status: int) -> SimResponse: ...

    def rate_limited_response(self, retry_after: int) -> SimResponse: ...


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the service saw it. Authorization is never recorded."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    content_type: str
    status: int | None  # None when the connection was dropped without an answer
    at: datetime
    fault: str | None = None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)

    def param(self, name: str) -> str | None:
        """A parameter from the query string, the form body or the JSON body, whichever has it."""
        if name in self.query:
            return self.query[name][0]
        if self.content_type == "application/x-www-form-urlencoded":
            values = self.form().get(name)
            return values[0] if values else None
        if self.content_type == "application/json" and self.body:
            payload = self.json()
            if isinstance(payload, dict) and name in payload:
                value = payload[name]
                return value if isinstance(value, str) else json.dumps(value)
        return None


class RequestLog:
    """Thread-safe list of the requests a service received, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answered = threading.Condition(self._lock)
        self._entries: list[LoggedRequest] = []

    def append(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)
            self._answered.notify_all()

    def wait_for(self, method: str | None = None, path: str | None = None, *, timeout: float) -> bool:
        """Block until a request like this has been answered (True), or `timeout` seconds pass (False):
        a test can wait for a client to get that far instead of sleeping and hoping."""
        with self._answered:
            return self._answered.wait_for(lambda: bool(self._matching(method, path)), timeout)

    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def find(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """Entries with this method and whose path contains `path`."""
        with self._lock:
            return self._matching(method, path)

    def _matching(self, method: str | None, path: str | None) -> list[LoggedRequest]:
        return [
            e
            for e in self._entries
            if (method is None or e.method == method) and (path is None or path in e.path)
        ]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(self.entries())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], host: SimServer) -> None:
        self.host = host
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if self.host.faults.refusing_all:  # not listening: the client's connection is reset unread
            reset(request)
            return
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up waiting (a probe's timeout, a slow answer) is no error of the server's."""
        error = sys.exc_info()[1]
        if isinstance(error, BrokenPipeError | ConnectionResetError):
            _log.debug("client %s closed the connection before the answer", client_address)
            return
        super().handle_error(request, client_address)

    def sever_all(self) -> None:
        """Close open keep-alive connections too, so an outage refuses pooled clients as well."""
        with self.connections_lock:
            sockets = list(self.connections)
            self.connections.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def reset(sock: socket.socket) -> None:
    """Close with a reset (RST), not a graceful FIN: what a client sees of a service that is not there."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, each keep-alive answer waits ~40 ms
    # for the client's delayed ACK.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the RequestLog is the record
        return

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        host = self.server.host
        url = urlsplit(self.path)
        if host.faults.refuses(self.command, url.path):  # before the body: the service never sees it
            self.close_connection = True
            reset(self.connection)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = SimRequest(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
        )
        host.faults.delay(request.method, request.path)
        fault = host.faults.take(request.method, request.path)
        response: SimResponse | None
        fault_name = fault.kind.value if fault else None
        if fault and fault.kind is FaultKind.THROUGH:
            fault = None
        if fault and fault.kind is FaultKind.REFUSE:  # queued after the check above: refuse it now
            self.close_connection = True
            reset(self.connection)
            return
        response = self._without_acting(fault) if fault else None
        if response is None:
            response = host.call_service(request)
            if fault and fault.kind is FaultKind.DROP:
                response = None
            elif fault and fault.kind is FaultKind.MALFORMED:
                response = SimResponse(
                    200, response.body[: max(1, len(response.body) // 2)], response.headers
                )
        host.log.append(
            LoggedRequest(
                method=request.method,
                path=request.path,
                query=request.query,
                body=body,
                content_type=request.content_type,
                status=response.status if response else None,
                at=datetime.now(UTC),
                fault=fault_name,
            )
        )
        if response is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _without_acting(self, fault: Fault) -> SimResponse | None:
        """The answer of a fault that keeps the request from the service (None for one that lets it act)."""
        service = self.server.host.service
        if fault.kind is FaultKind.STATUS:
            return service.error_response(fault.status)
        if fault.kind is FaultKind.RATE_LIMIT:
            return service.rate_limited_response(fault.retry_after)
        if fault.kind is FaultKind.HTML:
            return SimResponse(fault.status, proxy_page(fault.status), {"Content-Type": "text/html"})
        if fault.kind is FaultKind.REDIRECT:
            return SimResponse(fault.status, b"", {"Location": fault.location})
        if fault.kind is FaultKind.ECHO:
            return SimResponse(
                fault.status, echo(self.requestline, self.headers), {"Content-Type": "text/plain"}
            )
        return None


def echo(request_line: str, headers: Message) -> bytes:
    """The page of `echo_next`: the request line and every header as received, Authorization included,
    sorted by name as echo services (httpbin and its like) list them."""
    shown = sorted(headers.items(), key=lambda item: item[0].lower())
    lines = [f"Internal error while handling: {request_line}", *(f"{k}: {v}" for k, v in shown)]
    return "\n".join(lines).encode("utf-8", "replace")


class HostedService:
    """Base of a simulated service that owns its `SimServer`: lifecycle and the test shortcuts."""

    server: SimServer

    def start(self) -> Self:
        self.server.start()
        self.started()
        return self

    def started(self) -> None:
        """Called once the server listens (its port, hence its URL, is known)."""

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def log(self) -> RequestLog:
        return self.server.log

    @property
    def faults(self) -> Faults:
        return self.server.faults


class SimServer:
    """Runs a `Service` over HTTP in a daemon thread. Use as a context manager or start()/stop()."""

    def __init__(self, service: Service, *, port: int = 0) -> None:
        self.service = service
        self.faults = Faults()
        self.log = RequestLog()
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def is_up(self) -> bool:
        return self._server is not None

    def start(self) -> SimServer:
        with self._lock:
            if self._server is not None:
                return self
            server = _Server(("127.0.0.1", self._port), self)
            self._port = server.server_address[1]
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": _STOP_WITHIN},
                daemon=True,
                name=f"sim:{self._port}",
            )
            thread.start()
            self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.sever_all()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def go_down(self) -> None:
        """Refuse connections (an outage) while keeping the port for come_up()."""
        self.stop()

    def come_up(self) -> None:
        self.start()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def call_service(self, request: SimRequest) -> SimResponse:
        try:
            return self.service.handle(request)
        except Exception:  # a bug in the simulator must look like a server error, not hang the client
            _log.exception("simulator error on %s %s", request.method, request.path)
            return self.service.error_response(500)
