"""HTTP plumbing shared by the Jira simulator's routes: the route table type, the per-request `Call`
(parameters, JSON body, renderer), Jira's error bodies, field selection and opaque page tokens."""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from duty_sim.clock import Clock
from duty_sim.jira.model import FIELD_IDS, NAVIGABLE_FIELD_IDS
from duty_sim.jira.render import Renderer
from duty_sim.server import SimRequest, SimResponse

if TYPE_CHECKING:
    from duty_sim.jira.world import JiraWorld

JSON = dict[str, Any]
API_VERSIONS = frozenset({"2", "3", "latest"})
TOKEN_LIFETIME = timedelta(days=7)
# Field names a client may ask for that select no field value of their own.
_KEY_ONLY = {"id", "key", "issuekey", "statusCategory"}


class JiraHttpError(Exception):
    """Answer with Jira's error body: {"errorMessages": [...], "errors": {...}}."""

    def __init__(
        self,
        status: int,
        *messages: str,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status}: {messages or errors}")
        self.status = status
        self.messages = list(messages)
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})

    def response(self) -> SimResponse:
        return error_json(self.status, self.messages, self.errors, self.headers)


def error_json(
    status: int,
    messages: Iterable[str],
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> SimResponse:
    return SimResponse.json(status, {"errorMessages": list(messages), "errors": dict(errors or {})}, headers)


def bad_request(message: str) -> JiraHttpError:
    return JiraHttpError(400, message)


def ok(payload: Any, status: int = 200) -> SimResponse:
    return SimResponse.json(status, payload)


def no_content() -> SimResponse:
    return SimResponse(204)


@dataclass
class Call:
    """One routed request: path parameters, the caller, and helpers to read it strictly."""

    request: SimRequest
    api: str  # "2" | "3" | "latest" | "agile"
    params: dict[str, str]
    world: JiraWorld
    viewer: str | None  # the authenticated user's account id
    render: Renderer
    page_cap: int
    tokens: PageTokens
    _body: Any = field(default=None, init=False)

    @property
    def is_v3(self) -> bool:
        return self.api == "3"

    def param(self, name: str) -> str | None:
        return self.request.param(name)

    def list_param(self, name: str) -> list[str]:
        """A repeated and/or comma-separated query parameter, blanks dropped."""
        return [
            part.strip()
            for value in self.request.query.get(name, [])
            for part in value.split(",")
            if part.strip()
        ]

    def int_param(self, name: str, default: int, minimum: int = 0) -> int:
        raw = self.param(name)
        if raw is None or raw == "":
            return default
        return checked_int(raw, name, minimum)

    def body(self) -> JSON:
        """The JSON object body; 400 like Jira when it is missing or not an object."""
        if self._body is None:
            if not self.request.body.strip():
                raise bad_request("No content to map to Object due to end of input")
            if self.request.content_type != "application/json":
                raise JiraHttpError(415, f"Unsupported media type {self.request.content_type!r}")
            try:
                self._body = json.loads(self.request.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as error:
                raise bad_request(f"Unexpected character in the request body: {error}") from None
            if not isinstance(self._body, dict):
                raise bad_request("Can not deserialize instance of object out of a non-object token")
        body: JSON = self._body
        return body


def checked_int(raw: Any, name: str, minimum: int = 0) -> int:
    if isinstance(raw, bool):
        raise bad_request(f"The '{name}' parameter must be an integer.")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise bad_request(f"The '{name}' parameter must be an integer.") from None
    if value < minimum:
        raise bad_request(f"The '{name}' parameter must be at least {minimum}.")
    return value


def reject_unknown_keys(body: JSON, allowed: Iterable[str]) -> None:
    for key in body:
        if key not in allowed:
            raise bad_request(f'Unrecognized field "{key}" (not marked as ignorable)')


Handler = Callable[[Call], SimResponse]


@dataclass(frozen=True)
class Route:
    """One entry of the route table: a method and a path template under an API family."""

    method: str
    template: str  # e.g. "issue/{key}/assignee"; the rate-limit key is "METHOD template"
    handler: Handler
    family: str = "api"  # "api" (/rest/api/{2,3,latest}) or "agile" (/rest/agile/1.0)
    versions: frozenset[str] = API_VERSIONS
    anonymous: bool = False
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"


def select_fields(requested: list[str], default: Iterable[str] | None) -> tuple[str, ...] | None:
    """Resolve a `fields` parameter: names, `*all`, `*navigable`, `-name`. None means id only."""
    if not requested:
        return tuple(default) if default is not None else None
    chosen: list[str] = []
    excluded: set[str] = set()
    for name in requested:
        bare = name[1:] if name.startswith("-") else name
        if bare not in (*FIELD_IDS, *_KEY_ONLY, "*all", "*navigable"):
            raise bad_request(f"Field '{bare}' does not exist or you do not have permission to view it.")
        if name.startswith("-"):
            excluded.add(bare)
        elif name == "*all":
            chosen.extend(FIELD_IDS)
        elif name == "*navigable":
            chosen.extend(NAVIGABLE_FIELD_IDS)
        else:
            chosen.append(name)
    if not chosen:  # only exclusions: they apply to the navigable fields
        chosen = list(NAVIGABLE_FIELD_IDS)
    if chosen == ["id"]:
        return None
    return tuple(dict.fromkeys(f for f in chosen if f not in excluded and f not in _KEY_ONLY))


class PageTokens:
    """Opaque, expiring `nextPageToken`s bound to the query they page through."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, int, datetime]] = {}

    def issue(self, scope: str, offset: int) -> str:
        token = secrets.token_urlsafe(18)
        now = self._clock.now()
        with self._lock:
            if len(self._tokens) > 10_000:  # a long demo run: forget the expired ones
                self._tokens = {k: v for k, v in self._tokens.items() if now - v[2] <= TOKEN_LIFETIME}
            self._tokens[token] = (scope, offset, now)
        return token

    def resolve(self, token: str, scope: str) -> int:
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None or entry[0] != scope or self._clock.now() - entry[2] > TOKEN_LIFETIME:
            raise bad_request("The provided next page token is invalid or expired.")
        return entry[1]
