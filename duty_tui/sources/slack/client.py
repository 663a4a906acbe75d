"""Slack: new #laa-ops messages, thread summaries and the user directory, through `slack_sdk`.

Polls `conversations.history` from the newest stored `ts` and follows cursors to the end. The sync
`WebClient` is built on first use on a background thread, without the library's retry handlers: the
poll loop itself retries and honours Retry-After on a 429 (a library sleep would block the thread
and delay shutdown).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from duty_tui.config import SlackConfig
from duty_tui.models import ChatMessage, ChatUser, Reaction
from duty_tui.sources.errors import PollCancelled, SourceError, without_secrets
from duty_tui.sources.slack.errors import translate_slack_error
from duty_tui.sources.values import items, optional_text, text

if TYPE_CHECKING:
    from slack_sdk import WebClient

HISTORY_PAGE = 200
USERS_PAGE = 200
MAX_PAGES = 500
TS = re.compile(r"\d{1,12}\.\d{1,8}")  # Slack's message key; anything else is not a message
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


class SlackSource:
    """Talks to one Slack workspace for one channel. Thread-safe."""

    def __init__(self, config: SlackConfig, token: str, *, token_name: str = "SLACK_BOT_TOKEN") -> None:  # noqa: S107
        self.config = config
        self._token = token
        self.token_name = token_name  # named in the message when Slack rejects it
        self._client: WebClient | None = None
        self._lock = threading.Lock()

    @property
    def channel(self) -> str:
        return self.config.channel

    def client(self) -> WebClient:
        with self._lock:
            if self._client is None:
                from duty_tui.sources.slack.transport import GuardedWebClient, check_supported

                check_supported()
                # No library retries: they sleep inside the thread (delaying quit) and the poll
                # loop already retries with back-off and honours Retry-After. Redirects are refused and
                # TLS always verified (`sources.slack.transport`).
                self._client = GuardedWebClient(
                    token=self._token,
                    base_url=self.config.api_url,
                    timeout=self.config.timeout_seconds,  # fractions kept: urllib takes a float
                    retry_handlers=[],
                )
            return self._client

    # -- calls ----------------------------------------------------------------------------------

    def channel_name(self) -> str:
        data = self._call("reading the channel", lambda c: c.conversations_info(channel=self.channel))
        channel = data.get("channel")
        return text(channel.get("name") or self.channel) if isinstance(channel, Mapping) else self.channel

    def history(
        self, oldest: str | None, *, inclusive: bool = False, cancelled: Callable[[], bool] = lambda: False
    ) -> list[ChatMessage]:
        """Top-level messages after `oldest` (all pages), oldest first."""
        messages: list[ChatMessage] = []
        for page in self._history_pages(oldest, inclusive, cancelled):
            messages.extend(m for raw in page if (m := self.parse_message(raw)) is not None)
        messages.sort(key=lambda m: (len(m.ts.partition(".")[0]), m.ts))
        return messages

    def _history_pages(
        self, oldest: str | None, inclusive: bool, cancelled: Callable[[], bool]
    ) -> Iterator[list[Any]]:
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            if cancelled():
                raise PollCancelled
            # Metadata carries what dashboards share through the channel (incidents); it costs nothing extra.
            args: dict[str, Any] = {
                "channel": self.channel,
                "limit": HISTORY_PAGE,
                "inclusive": inclusive,
                "include_all_metadata": True,
            }
            if oldest:
                args["oldest"] = oldest
            if cursor:
                args["cursor"] = cursor
            data = self._call("reading #laa-ops", partial(_history_call, args=args))
            page = data.get("messages")
            if not isinstance(page, list):
                raise SourceError("Slack sent a history page without messages; the poll was stopped.")
            yield page
            cursor = _next_cursor(data)
            if not cursor:
                return
        raise SourceError(f"Slack returned more than {MAX_PAGES} history pages; the poll was stopped.")

    def replies(self, ts: str, oldest: str | None = None) -> list[ChatMessage]:
        """A thread: the parent first, then its replies oldest first (all pages; with `oldest`, only
        the replies after it, and the parent)."""
        messages: list[ChatMessage] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            args: dict[str, Any] = {
                "channel": self.channel,
                "ts": ts,
                "limit": HISTORY_PAGE,
                "include_all_metadata": True,
            }
            if oldest:
                args["oldest"] = oldest
            if cursor:
                args["cursor"] = cursor
            data = self._call("reading a thread", partial(_replies_call, args=args))
            for raw in items(data.get("messages")):
                message = self.parse_message(raw)
                if message is not None and all(m.ts != message.ts for m in messages[:1]):
                    messages.append(message)
            cursor = _next_cursor(data)
            if not cursor:
                return messages
        raise SourceError("Slack returned too many pages for one thread; it was cut short.")

    def users(self) -> list[ChatUser]:
        """The whole directory (users.list, Tier 2: used to warm the cache, not per message)."""
        users: list[ChatUser] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            args: dict[str, Any] = {"limit": USERS_PAGE}
            if cursor:
                args["cursor"] = cursor
            data = self._call("reading the Slack user list", partial(_users_call, args=args))
            members = data.get("members")
            users.extend(
                u for raw in (members if isinstance(members, list) else []) if (u := parse_user(raw))
            )
            cursor = _next_cursor(data)
            if not cursor:
                return users
        raise SourceError("Slack returned too many user pages; the directory was not loaded.")

    def user(self, user_id: str) -> ChatUser | None:
        try:
            data = self._call(f"looking up Slack user {user_id}", lambda c: c.users_info(user=user_id))
        except SourceError as error:
            if error.status == 200 and "user_not_found" in error.message:
                return None
            raise
        return parse_user(data.get("user"))

    # -- parsing --------------------------------------------------------------------------------

    def parse_message(self, raw: Any) -> ChatMessage | None:
        """One history entry → ChatMessage; None for anything without a valid ts (it could not be keyed)."""
        if not isinstance(raw, Mapping) or not isinstance(raw.get("ts"), str) or not TS.fullmatch(raw["ts"]):
            return None
        try:
            return self._message(raw)
        except (ValueError, TypeError):  # one unreadable message must not hide the others
            return None

    def _message(self, raw: Mapping[str, Any]) -> ChatMessage:
        thread_ts = raw.get("thread_ts") if isinstance(raw.get("thread_ts"), str) else None
        reactions = tuple(
            Reaction(
                name=text(r.get("name")),
                count=int(r.get("count") or 0),
                users=tuple(u for u in items(r.get("users")) if isinstance(u, str)),
            )
            for r in raw.get("reactions") or []
            if isinstance(r, Mapping)
        )
        latest = raw.get("latest_reply")
        reply_count = raw.get("reply_count")
        return ChatMessage(
            ts=raw["ts"],
            channel=self.channel,
            user_id=optional_text(raw.get("user")),
            text=text(raw.get("text")),
            subtype=text(raw.get("subtype")),
            bot_name=optional_text(raw.get("username")),
            thread_ts=thread_ts if thread_ts and TS.fullmatch(thread_ts) else None,
            reply_count=reply_count if isinstance(reply_count, int) else 0,
            latest_reply=latest if isinstance(latest, str) and TS.fullmatch(latest) else None,
            reactions=reactions,
            edited=isinstance(raw.get("edited"), Mapping),
            **_metadata(raw.get("metadata")),
            reply_users=tuple(u for u in items(raw.get("reply_users")) if isinstance(u, str)),
            bot_id=optional_text(raw.get("bot_id")),
        )

    # -- plumbing -------------------------------------------------------------------------------

    def secrets(self) -> tuple[str, ...]:
        """The token: kept out of this source's error sentences, whatever Slack quotes back."""
        return (self._token,) if self._token else ()

    def _call(self, doing: str, call: Callable[[WebClient], Any]) -> Mapping[str, Any]:
        return self.call(doing, call)

    def call(self, doing: str, call: Callable[[WebClient], Any]) -> Mapping[str, Any]:
        """One Web API call; every failure becomes a `SourceError` naming what was being done."""
        try:
            response = call(self.client())
            data = response.data
        except SourceError as error:
            raise without_secrets(error, self.secrets()) from None
        except Exception as error:
            # Not chained for display: slack_sdk's error holds Slack's whole answer, which a traceback in
            # the log would print (an error page echoing the request, token and all).
            translated = translate_slack_error(
                error, self.config.api_url, doing, self.token_name, self.secrets()
            )
            raise without_secrets(translated, self.secrets()) from None
        if not isinstance(data, Mapping):
            raise SourceError(f"Slack sent a response duty-tui could not read while {doing}.")
        return data


METADATA_LIMIT = 16_000  # bytes of payload kept; anything bigger is not a dashboard's


def _metadata(raw: Any) -> dict[str, str | None]:
    """Slack message metadata → (type, payload as JSON), or nothing. Validated by whoever reads it."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("event_type"), str):
        return {}
    try:
        payload = json.dumps(raw.get("event_payload"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return {}
    if len(payload) > METADATA_LIMIT:
        return {}
    return {"metadata_type": raw["event_type"][:100], "metadata": payload}


def _history_call(client: WebClient, args: dict[str, Any]) -> Any:
    return client.conversations_history(**args)


def _users_call(client: WebClient, args: dict[str, Any]) -> Any:
    return client.users_list(**args)


def _replies_call(client: WebClient, args: dict[str, Any]) -> Any:
    return client.conversations_replies(**args)


def _next_cursor(data: Mapping[str, Any]) -> str | None:
    metadata = data.get("response_metadata")
    return (metadata.get("next_cursor") if isinstance(metadata, Mapping) else None) or None


def mentioned_users(messages: list[ChatMessage]) -> set[str]:
    """Every user id a batch of messages needs a name for: authors and <@U…> mentions."""
    ids = {m.user_id for m in messages if m.user_id}
    for message in messages:
        ids.update(MENTION.findall(message.text))
    return ids


def parse_user(raw: Any) -> ChatUser | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        return None
    profile: Mapping[str, Any] = raw["profile"] if isinstance(raw.get("profile"), Mapping) else {}
    name = next(
        (
            value
            for value in (
                profile.get("display_name"),
                profile.get("real_name"),
                raw.get("real_name"),
                raw.get("name"),
            )
            if isinstance(value, str) and value.strip()
        ),
        raw["id"],
    )
    return ChatUser(
        id=text(raw["id"]), name=text(name), is_bot=bool(raw.get("is_bot")), deleted=bool(raw.get("deleted"))
    )
