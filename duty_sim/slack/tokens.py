"""Who is calling the simulated Slack: the app's bot token and the user tokens tests and the demo issue.

Slack acts as whoever owns the token. A bot token (`xoxb-`) acts as the app's bot user: its posts carry
`bot_id`, `app_id` and `bot_profile`, and `auth.test` names the bot. A user token (`xoxp-`) acts as the
person who installed the app for themselves: their posts are theirs alone, their reactions count as
theirs, and `auth.test` has no `bot_id` (https://docs.slack.dev/authentication/tokens). Each token
carries its own scopes, and a method whose scope the token lacks answers `missing_scope`.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from duty_sim.slack.errors import SlackError

USER_TOKEN_PREFIX = "xoxp-"  # noqa: S105 - the prefix Slack gives user tokens, not a secret


@dataclass(frozen=True, slots=True)
class Caller:
    """The identity a call acts as: a user id, whether it is the app's bot, and the token's scopes."""

    user_id: str
    is_bot: bool
    scopes: frozenset[str]


@dataclass(slots=True)
class _UserToken:
    user_id: str
    scopes: frozenset[str]
    revoked: bool = False


class Tokens:
    """The tokens one workspace accepts. Thread-safe: tests issue tokens while the server answers."""

    def __init__(self, bot_token: str, bot_user_id: str, bot_scopes: Iterable[str]) -> None:
        self._lock = threading.Lock()
        self.bot_token = bot_token
        self._bot_user_id = bot_user_id
        self._bot_scopes = frozenset(bot_scopes)
        self._users: dict[str, _UserToken] = {}

    @property
    def bot_scopes(self) -> frozenset[str]:
        with self._lock:
            return self._bot_scopes

    def set_bot_scopes(self, scopes: Iterable[str]) -> None:
        with self._lock:
            self._bot_scopes = frozenset(scopes)

    def issue(self, user_id: str, token: str | None, scopes: Iterable[str]) -> str:
        """Register a user token for `user_id` (generated in Slack's shape when `token` is None)."""
        token = token or _new_user_token()
        if not token.startswith(USER_TOKEN_PREFIX):
            raise ValueError(f"a user token starts with {USER_TOKEN_PREFIX!r}")
        with self._lock:
            if token == self.bot_token or token in self._users:
                raise ValueError("that token is already in use")
            self._users[token] = _UserToken(user_id, frozenset(scopes))
        return token

    def revoke(self, token: str) -> None:
        """From now on the token answers `token_revoked`, as after the person uninstalls the app."""
        with self._lock:
            if token not in self._users:
                raise ValueError("no such user token")
            self._users[token].revoked = True

    def caller(self, token: str) -> Caller:
        """Who the token acts as; `invalid_auth` for a token Slack never issued, `token_revoked`."""
        if hmac.compare_digest(token.encode(), self.bot_token.encode()):
            return Caller(self._bot_user_id, is_bot=True, scopes=self.bot_scopes)
        with self._lock:
            user_token = self._users.get(token)
            if user_token is None:
                raise SlackError("invalid_auth")
            if user_token.revoked:
                raise SlackError("token_revoked")
            return Caller(user_token.user_id, is_bot=False, scopes=user_token.scopes)


def _new_user_token() -> str:
    """xoxp-<team>-<user>-<install>-<secret>, the shape real user tokens have."""
    numbers = "-".join(str(10**11 + secrets.randbelow(9 * 10**11)) for _ in range(3))
    return f"{USER_TOKEN_PREFIX}{numbers}-{secrets.token_hex(16)}"
