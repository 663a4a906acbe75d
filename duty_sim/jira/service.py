"""A simulated Jira Cloud (REST v2/v3/latest and Agile 1.0) for duty-tui's tests and demo.

`JiraSim` plugs into the shared `SimServer`: it authenticates (Basic email:token only, as Cloud API
tokens are; anonymous serverInfo), routes one table of templates under every API prefix, applies
per-route burst rate limits, and answers errors in Jira's `{"errorMessages": [], "errors": {}}` form.
State lives in `JiraSim.world`, a `JiraWorld` (`duty_sim.jira.world`); the routes in
`duty_sim.jira.routes_*`; faults and the request log come from the server (`duty_sim.server`).
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import timedelta
from urllib.parse import unquote

from duty_sim.clock import Clock, SystemClock
from duty_sim.faults import TokenBucket
from duty_sim.jira import (
    routes_agile,
    routes_comments,
    routes_issue,
    routes_links,
    routes_platform,
    routes_search,
)
from duty_sim.jira.http import Call, JiraHttpError, PageTokens, Route, error_json
from duty_sim.jira.world import JiraWorld
from duty_sim.server import BadRequest, HostedService, SimRequest, SimResponse, SimServer

ROUTES: tuple[Route, ...] = (
    *routes_platform.ROUTES,
    *routes_search.ROUTES,
    *routes_issue.ROUTES,
    *routes_comments.ROUTES,
    *routes_links.ROUTES,
    *routes_agile.ROUTES,
)
DEFAULT_BURST = (100, 10.0)  # requests per seconds, per route: Cloud's burst limits for API tokens
UNAUTHENTICATED = "You are not authenticated. Authentication required to perform this operation."
_PREFIX = re.compile(r"^/rest/(?:api/(?P<api>2|3|latest)|agile/(?P<agile>1\.0))/(?P<rest>.*?)/?$")
_ERRORS = {
    400: "Bad request.",
    401: UNAUTHENTICATED,
    403: "You do not have permission to perform this operation.",
    404: "The requested resource does not exist or you do not have permission to see it.",
    409: "The request conflicts with the current state of the resource.",
    500: "Internal server error",
    502: "Bad gateway",
    503: "The service is temporarily unavailable. Please try again later.",
    504: "Gateway timeout",
}


class JiraSim(HostedService):
    """Simulated Jira Cloud on 127.0.0.1. Use start()/stop() or `with JiraSim() as sim:`."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        email: str = "duty@example.com",
        token: str = "sim-jira-token",  # noqa: S107 (a fixed fake token for a local simulator)
        page_cap: int = 20,
        port: int = 0,
        api_user_name: str = "Duty Engineer",
        api_account_id: str | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.email = email
        self.token = token
        self.page_cap = page_cap
        self.world = JiraWorld(self.clock)
        account_id = self.world.add_user(api_user_name, email=email, account_id=api_account_id)
        self.world.set_api_user(account_id)
        self.server = SimServer(self, port=port)
        self.world.base_url = self.server.base_url
        self._buckets = TokenBucket({route.key: DEFAULT_BURST for route in ROUTES})
        self._tokens = PageTokens(self.clock)

    # -- lifecycle and shortcuts --------------------------------------------------------------------

    def started(self) -> None:
        self.world.base_url = self.server.base_url

    @property
    def url(self) -> str:
        return self.server.base_url

    @property
    def myself_account_id(self) -> str:
        with self.world.lock:
            assert self.world.api_user_id is not None
            return self.world.api_user_id

    def set_rate_limit(self, route: str, capacity: int, per_seconds: float) -> None:
        """Limit one route, keyed "METHOD template" (e.g. "GET search/jql"), to a burst per period."""
        if route not in {r.key for r in ROUTES}:
            raise ValueError(f"unknown route {route!r}; routes are keyed like 'GET search/jql'")
        if capacity < 1 or per_seconds <= 0:
            raise ValueError("capacity must be >= 1 and per_seconds > 0 (use remove_rate_limit to lift it)")
        self._buckets.set_rate(route, capacity, per_seconds)

    def remove_rate_limit(self, route: str) -> None:
        self._buckets.remove_rate(route)

    def set_search_lag(self, seconds: float) -> None:
        """Make search see each issue as it was `seconds` ago (except issues in reconcileIssues)."""
        with self.world.lock:
            self.world.search_lag = seconds

    # -- Service protocol -----------------------------------------------------------------------

    def error_response(self, status: int) -> SimResponse:
        headers = {"Retry-After": "1"} if status == 503 else None
        return error_json(status, [_ERRORS.get(status, f"HTTP {status}")], headers=headers)

    def rate_limited_response(self, retry_after: int) -> SimResponse:
        reset = self.clock.now() + timedelta(seconds=retry_after)
        headers = {
            "Retry-After": str(retry_after),
            "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "RateLimit-Reason": "jira-burst-based",
        }
        return error_json(429, ["Rate limit exceeded."], headers=headers)

    def handle(self, request: SimRequest) -> SimResponse:
        try:
            return self._dispatch(request)
        except JiraHttpError as error:
            return error.response()
        except BadRequest as error:
            return error_json(400, [str(error)])

    # -- dispatch ---------------------------------------------------------------------------------

    def _dispatch(self, request: SimRequest) -> SimResponse:
        match = _PREFIX.match(request.path)
        api = (match.group("api") or "agile") if match else ""
        family = "agile" if match and match.group("agile") else "api"
        rest = match.group("rest") if match else ""
        candidates = [
            (route, found)
            for route in ROUTES
            if match
            and route.family == family
            and api in route.versions
            and (found := route.pattern.match(rest))
        ]
        chosen = next(((r, m) for r, m in candidates if r.method == request.method), None)
        if self.faults.token_revoked:  # a revoked token fails everything, anonymous routes included
            raise JiraHttpError(401, UNAUTHENTICATED)
        anonymous = chosen is not None and chosen[0].anonymous and request.header("Authorization") is None
        viewer = None if anonymous else self._authenticate(request)
        if chosen is None:
            if candidates:
                allowed = ", ".join(sorted({r.method for r, _ in candidates}))
                return error_json(405, ["Method Not Allowed"], headers={"Allow": allowed})
            return error_json(404, [f"null for uri: {self.url}{request.path}"])
        route, found = chosen
        if (wait := self._buckets.take(route.key)) is not None:
            return self.rate_limited_response(wait)
        params = {name: unquote(value) for name, value in found.groupdict().items()}
        with self.world.lock:  # one consistent state per request
            call = Call(
                request=request,
                api=api,
                params=params,
                world=self.world,
                viewer=viewer,
                render=self.world.renderer(api if api != "agile" else "2", viewer),
                page_cap=self.page_cap,
                tokens=self._tokens,
            )
            return route.handler(call)

    def _authenticate(self, request: SimRequest) -> str:
        """The API user's account id for good Basic credentials; 401 otherwise (Bearer included)."""
        scheme, _, value = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            raise JiraHttpError(401, UNAUTHENTICATED)
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise JiraHttpError(401, UNAUTHENTICATED) from None
        email, _, token = decoded.partition(":")
        if email.lower() != self.email.lower() or token != self.token:
            raise JiraHttpError(401, UNAUTHENTICATED)
        return self.myself_account_id


__all__ = ["ROUTES", "JiraSim"]
