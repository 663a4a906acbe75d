"""A simulated Slack Web API on 127.0.0.1, for the demo and for tests of the real `slack_sdk.WebClient`.

`SlackSim` serves `/api/<method>` the way Slack does: arguments from a query, form, JSON or multipart
body; the token from the Bearer header or a `token` argument; every logical error as HTTP 200
`{"ok": false, "error": ...}`; per-method rate limits as 429 + `Retry-After`; scopes checked per
method and per token. The bot token acts as the app's bot; `add_user_token` issues user tokens that
act as a person (`duty_sim.slack.tokens`). The workspace itself is `SlackSim.world`, a `SlackWorld`
(`duty_sim.slack.world`); the generic faults (5xx, 429, drops, latency, revoked token) are
`SlackSim.faults`, a `Faults` (`duty_sim.faults`) that `duty_sim.server` applies. Slack documents
this behaviour at https://docs.slack.dev/apis/web-api/ (calls, arguments, `ok`/`error`) and
https://docs.slack.dev/apis/web-api/rate-limits (429 and `Retry-After`); tests/sim/test_slack.py pins it.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

from duty_sim.clock import Clock, SystemClock
from duty_sim.faults import TokenBucket
from duty_sim.server import HostedService, SimRequest, SimResponse, SimServer
from duty_sim.slack.args import Args, parse_call
from duty_sim.slack.errors import SlackError
from duty_sim.slack.methods import METHODS, NON_MARKETPLACE_METHODS, Context, Method
from duty_sim.slack.tokens import Caller, Tokens
from duty_sim.slack.world import SlackWorld

API_PREFIX = "/api/"
DEFAULT_TOKEN = "xoxb-sim-token"  # noqa: S105 - a fake token for the simulator, not a secret
DEFAULT_CHANNEL_ID = "CEL68S0LD"
DEFAULT_CHANNEL_NAME = "laa-ops"
BOT_NAME = "duty-tui"
DEFAULT_SCOPES = frozenset(
    {
        "channels:history",
        "channels:read",
        "chat:write",
        "reactions:read",
        "reactions:write",
        "usergroups:read",
        "users:read",
        "users:read.email",
    }
)
# What a person's token for duty-tui holds: reading the channel, replying and reacting as themselves.
DEFAULT_USER_SCOPES = frozenset(
    {
        "channels:history",
        "channels:read",
        "chat:write",
        "reactions:read",
        "reactions:write",
        "usergroups:read",
        "users:read",
    }
)
CONTENT_TYPE = "application/json; charset=utf-8"
_WARNING_TEXT = {
    "missing_charset": "[WARN] A Content-Type HTTP header was presented but did not declare a charset, "
    "such as a 'utf-8'",
}


class SlackSim(HostedService):
    """The simulated Slack Web API. Use as a context manager, or start() / stop()."""

    def __init__(
        self,
        clock: Clock | None = None,
        token: str = DEFAULT_TOKEN,
        team: str = "LAA Digital",
        workspace_url: str = "https://mojdt.slack.com/",
        port: int = 0,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.workspace_url = workspace_url if workspace_url.endswith("/") else workspace_url + "/"
        self.world = SlackWorld(self.clock, team_name=team)
        self.bot_user_id = self.world.add_user(BOT_NAME, BOT_NAME, is_bot=True)
        self.world.add_channel(DEFAULT_CHANNEL_ID, DEFAULT_CHANNEL_NAME)
        self.world.join(DEFAULT_CHANNEL_ID, self.bot_user_id)
        self.server = SimServer(self, port=port)
        self._lock = threading.Lock()
        self._tokens = Tokens(token, self.bot_user_id, DEFAULT_SCOPES)
        self._non_marketplace = False
        self._limits_on = True
        self._overrides: dict[str, int] = {}
        self._buckets = TokenBucket()
        self._bucket_keys: set[str] = set()
        self._injected: deque[tuple[str, str | None]] = deque()

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The `base_url` to give `slack_sdk.WebClient`."""
        return f"{self.server.base_url}{API_PREFIX}"

    @property
    def token(self) -> str:
        """The bot token (`xoxb-…`)."""
        return self._tokens.bot_token

    # -- user tokens ----------------------------------------------------------------------------

    def add_user_token(
        self, user_id: str, token: str | None = None, scopes: Iterable[str] = DEFAULT_USER_SCOPES
    ) -> str:
        """Issue a user token (`xoxp-…`, generated unless given) that acts as the person `user_id`.

        Its calls post, react and authenticate as that person, within `scopes`."""
        try:
            user = self.world.user(user_id)
        except SlackError:
            raise ValueError(f"no user {user_id}") from None
        if user["is_bot"]:
            raise ValueError(f"{user_id} is a bot: bots have bot tokens, not user tokens")
        return self._tokens.issue(user_id, token, scopes)

    def revoke_user_token(self, token: str) -> None:
        """That user token answers `token_revoked` from now on (the person removed the app)."""
        self._tokens.revoke(token)

    # -- toggles --------------------------------------------------------------------------------

    def set_rate_limit(self, method: str, per_minute: int) -> None:
        """Override one method's limit (per channel for chat.postMessage); 0 or less lifts it."""
        if method not in METHODS:
            raise ValueError(f"unknown Slack method {method!r}")
        with self._lock:
            self._overrides[method] = per_minute
            self._reset_buckets()

    def enable_rate_limits(self, on: bool = True) -> None:
        """Rate limits are on by default; the demo may want them off."""
        with self._lock:
            self._limits_on = on
            self._reset_buckets()

    def set_non_marketplace(self, on: bool) -> None:
        """The 2025 rule: history/replies at 1 request a minute, `limit` at most 15."""
        with self._lock:
            self._non_marketplace = on
            self._reset_buckets()

    def set_scopes(self, scopes: list[str]) -> None:
        """Replace the bot token's scopes; a method whose scope is missing answers `missing_scope`."""
        self._tokens.set_bot_scopes(scopes)

    @property
    def scopes(self) -> frozenset[str]:
        """The bot token's scopes."""
        return self._tokens.bot_scopes

    def inject_error(self, error: str, *, method: str | None = None, n: int = 1) -> None:
        """Answer the next `n` calls (of `method`, or any) with `{"ok": false, "error": error}`."""
        with self._lock:
            self._injected.extend([(error, method)] * n)

    # -- the Service protocol -------------------------------------------------------------------

    def handle(self, request: SimRequest) -> SimResponse:
        if not request.path.startswith(API_PREFIX):
            return self._answer({"ok": False, "error": "unknown_method"}, status=404)
        if request.method not in ("GET", "POST"):
            return self._answer({"ok": False, "error": "invalid_request"}, status=405)
        name = request.path.removeprefix(API_PREFIX)
        method = METHODS.get(name)
        if method is None:
            return self._answer({"ok": False, "error": "unknown_method"})
        warnings: list[str] = []
        headers: dict[str, str] = {}
        try:
            call = parse_call(request, json_args=method.accepts_json)
            warnings = call.warnings
            caller = self._authenticate(call.token)
            scopes = caller.scopes
            # Real Slack tells every authenticated caller what it has and what the method wanted.
            headers = {
                "X-OAuth-Scopes": ",".join(sorted(scopes)),
                "X-Accepted-OAuth-Scopes": method.scope or "",
            }
            retry_after = self._take(name, method, call.args)
            if retry_after is not None:
                return self.rate_limited_response(retry_after)
            self._raise_injected(name)
            if method.scope is not None and method.scope not in scopes:
                raise SlackError("missing_scope", needed=method.scope, provided=",".join(sorted(scopes)))
            context = Context(
                world=self.world,
                now=self.clock.now(),
                user_id=caller.user_id,
                is_bot=caller.is_bot,
                workspace_url=self.workspace_url,
                scopes=scopes,
                non_marketplace=self._non_marketplace,
            )
            payload = {"ok": True, **method.handler(context, call.args)}
        except SlackError as error:
            payload = {"ok": False, "error": error.error, **error.extra}
        return self._answer(payload, headers=headers, warnings=warnings)

    def error_response(self, status: int) -> SimResponse:
        if status in (502, 504):  # what a load balancer in front of Slack sends: not JSON at all
            body = f"<html><body><h1>{status} Bad Gateway</h1></body></html>".encode()
            return SimResponse(status, body, {"Content-Type": "text/html; charset=utf-8"})
        known = {503: "service_unavailable", 408: "request_timeout", 429: "ratelimited"}
        error = known.get(status, "internal_error" if status >= 500 else "invalid_request")
        return self._answer({"ok": False, "error": error}, status=status)

    def rate_limited_response(self, retry_after: int) -> SimResponse:
        return self._answer(
            {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
        )

    # -- internals ------------------------------------------------------------------------------

    def _authenticate(self, token: str | None) -> Caller:
        if token is None:
            raise SlackError("not_authed")
        caller = self._tokens.caller(token)  # invalid_auth, or token_revoked for a revoked user token
        if self.faults.token_revoked:  # the fault revokes every token the workspace issued
            raise SlackError("token_revoked")
        if not caller.is_bot and self.world.user(caller.user_id)["deleted"]:
            raise SlackError("account_inactive")  # a deactivated person's token stops working
        return caller

    def _take(self, name: str, method: Method, args: Args) -> int | None:
        """Spend a token from the method's bucket; the whole seconds to wait when it is empty."""
        key = name
        if method.per_channel:
            try:
                key = f"{name}:{args.text('channel') or ''}"
            except SlackError:
                key = name
        with self._lock:
            if key not in self._bucket_keys:
                self._bucket_keys.add(key)
                rate = self._rate(name, method)
                if rate is not None:
                    self._buckets.set_rate(key, *rate)
            buckets = self._buckets
        return buckets.take(key)

    def _rate(self, name: str, method: Method) -> tuple[int, float] | None:
        if not self._limits_on:
            return None
        if self._non_marketplace and name in NON_MARKETPLACE_METHODS:
            return (1, 60.0)
        if name in self._overrides:
            per_minute = self._overrides[name]
            return (per_minute, 60.0) if per_minute > 0 else None
        return (method.capacity, method.per_seconds)

    def _reset_buckets(self) -> None:
        # A changed limit starts from a full bucket; called with the lock held.
        self._buckets = TokenBucket()
        self._bucket_keys.clear()

    def _raise_injected(self, name: str) -> None:
        with self._lock:
            for index, (error, method) in enumerate(self._injected):
                if method is None or method == name:
                    del self._injected[index]
                    raise SlackError(error)

    def _answer(
        self,
        payload: dict[str, Any],
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        warnings: list[str] | None = None,
    ) -> SimResponse:
        if warnings:
            metadata = payload.setdefault("response_metadata", {})
            metadata["warnings"] = list(warnings)
            metadata["messages"] = [_WARNING_TEXT[w] for w in warnings]
        body = json.dumps(payload).encode("utf-8")
        return SimResponse(status, body, {"Content-Type": CONTENT_TYPE, **(headers or {})})
