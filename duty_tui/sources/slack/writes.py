"""Slack writes and the reads they depend on, for the outbox: replies, reactions, deleting the bot's own
duplicate posts, permalinks, the team.

Replies and reactions go out with the engineer's own user token when there is one (so they carry the
engineer's name), else with the bot token. Reading always uses the bot token. A reply carries its outbox
id in message metadata, so a resend after a lost answer first looks for it in the thread; a reply posted
with a user token may lose its metadata (Slack does not say), so it is also recognised by its author
and text within the minutes since it was first sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from duty_tui.models import ts_to_datetime
from duty_tui.sources.errors import SourceError
from duty_tui.sources.slack.client import SlackSource
from duty_tui.sources.values import items, mapping, optional_text, text

if TYPE_CHECKING:
    from slack_sdk import WebClient

EVENT_TYPE = "duty_tui_outbox"  # the metadata event every duty-tui post carries
MAX_THREAD_PAGES = 20


class SlackWriter:
    """Posts and reacts in one channel. Thread-safe (the sources are)."""

    def __init__(self, reader: SlackSource, poster: SlackSource | None = None) -> None:
        self.reader = reader
        self.poster = poster or reader
        self._me: tuple[str, str | None] | None = None

    @property
    def as_user(self) -> bool:
        """Whether posts carry the engineer's own name (a user token) rather than the bot's."""
        return self.poster is not self.reader

    @property
    def channel(self) -> str:
        return self.reader.channel

    # -- writes -----------------------------------------------------------------------------------

    def reply(self, thread_ts: str, body: str, *, broadcast: bool, uid: str) -> str:
        """Post `body` (already escaped for Slack) in the thread of `thread_ts`; returns the new ts."""
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"outbox": uid}}

        def post(client: WebClient) -> Any:
            return client.chat_postMessage(
                channel=self.channel,
                text=body,
                thread_ts=thread_ts,
                reply_broadcast=broadcast,
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
            )

        data = self.poster.call("replying in a thread", post)
        return text(data.get("ts"))

    def announce(
        self,
        body: str,
        *,
        event_type: str,
        payload: Mapping[str, Any],
        thread_ts: str | None,
        broadcast: bool,
    ) -> str:
        """Post shared state (an incident's announcement or one of its updates) with the BOT's token, so
        its metadata is kept whoever is at the keyboard; `payload` carries the outbox id under "outbox"."""

        def post(client: WebClient) -> Any:
            return client.chat_postMessage(
                channel=self.channel,
                text=body,
                thread_ts=thread_ts,
                reply_broadcast=broadcast if thread_ts else None,
                metadata={"event_type": event_type, "event_payload": dict(payload)},
                unfurl_links=False,
                unfurl_media=False,
            )

        data = self.reader.call("posting to #laa-ops", post)
        return text(data.get("ts"))

    def delete(self, ts: str) -> None:
        """Delete a message the bot posted (a second happiness ask that lost the race), with the BOT's
        token: Slack lets a bot token delete only the bot's own posts."""
        self.reader.call(
            "deleting duty-tui's duplicate post", lambda c: c.chat_delete(channel=self.channel, ts=ts)
        )

    def find_announcement(self, thread_ts: str | None, uid: str, since: datetime) -> str | None:
        """The ts of shared state an earlier attempt posted (its answer was lost): looked for by its outbox
        id in the thread, or in the channel since `since` for a top-level post."""
        if thread_ts:
            found = self._thread(thread_ts)
        else:
            oldest = f"{int(since.timestamp()) - 60}.000000"
            found = iter(self._recent(oldest))
        for raw in found:
            if mapping(mapping(raw.get("metadata")).get("event_payload")).get("outbox") == uid:
                return text(raw.get("ts"))
        return None

    def find_reply(self, thread_ts: str, uid: str, body: str, since: datetime) -> str | None:
        """The ts of a reply an earlier attempt already posted (its answer was lost), if there is one."""
        author = self.me()[0] if self.as_user else None
        for raw in self._thread(thread_ts):
            payload = mapping(mapping(raw.get("metadata")).get("event_payload"))
            if payload.get("outbox") == uid:
                return text(raw.get("ts"))
            ts = optional_text(raw.get("ts"))
            if (
                author is not None
                and ts
                and raw.get("user") == author
                and raw.get("text") == body
                and ts_to_datetime(ts) >= since.replace(microsecond=0)
            ):
                return ts
        return None

    def react(self, ts: str, name: str) -> None:
        """Add a reaction; one already there (ours, from an earlier attempt or another device) is done."""
        from slack_sdk.errors import SlackApiError

        def add(client: WebClient) -> Any:
            try:
                return client.reactions_add(channel=self.channel, timestamp=ts, name=name)
            except SlackApiError as error:
                if error.response is not None and error.response.get("error") == "already_reacted":
                    return error.response
                raise

        self.poster.call(f"reacting :{name}:", add)

    # -- reads ------------------------------------------------------------------------------------

    def permalink(self, ts: str) -> str:
        data = self.reader.call(
            "asking Slack for the message's link",
            lambda c: c.chat_getPermalink(channel=self.channel, message_ts=ts),
        )
        link = optional_text(data.get("permalink"))
        if not link or not link.startswith(("https://", "http://")):
            raise SourceError("Slack sent no usable link for the message.")
        return link

    def me(self) -> tuple[str, str | None]:
        """(user id, bot id) of whoever posts: the engineer with a user token, else the bot."""
        if self._me is None:
            data = self.poster.call("checking who duty-tui posts as", lambda c: c.auth_test())
            user = optional_text(data.get("user_id"))
            if not user:
                raise SourceError("Slack did not say whose token duty-tui posts with.")
            self._me = (user, optional_text(data.get("bot_id")))
        return self._me

    def bot(self) -> tuple[str, str | None]:
        """(user id, bot id) of the bot token (the reader)."""
        data = self.reader.call("checking the bot's identity", lambda c: c.auth_test())
        return text(data.get("user_id")), optional_text(data.get("bot_id"))

    def usergroup_members(self, group: str) -> list[str]:
        data = self.reader.call(
            "reading the team's Slack user group", lambda c: c.usergroups_users_list(usergroup=group)
        )
        return [u for u in items(data.get("users")) if isinstance(u, str)]

    def thread_texts(self, thread_ts: str) -> list[Mapping[str, Any]]:
        """The thread's messages as Slack sent them (parent first), metadata included."""
        return list(self._thread(thread_ts))

    def _recent(self, oldest: str) -> list[Mapping[str, Any]]:
        """Top-level messages since `oldest`, metadata included (a few pages at most)."""
        found: list[Mapping[str, Any]] = []
        cursor: str | None = None
        for _ in range(MAX_THREAD_PAGES):
            args: dict[str, Any] = {
                "channel": self.channel,
                "oldest": oldest,
                "limit": 200,
                "include_all_metadata": True,
            }
            if cursor:
                args["cursor"] = cursor
            data = self.reader.call("looking for an earlier post", partial(_history, args=args))
            found.extend(map(mapping, items(data.get("messages"))))
            cursor = optional_text(mapping(data.get("response_metadata")).get("next_cursor"))
            if not cursor:
                break
        return found

    def _thread(self, thread_ts: str) -> Iterator[Mapping[str, Any]]:
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_THREAD_PAGES):
            args: dict[str, Any] = {
                "channel": self.channel,
                "ts": thread_ts,
                "limit": 200,
                "include_all_metadata": True,
            }
            if cursor:
                args["cursor"] = cursor
            data = self.reader.call("reading a thread", partial(_replies, args=args))
            for raw in map(mapping, items(data.get("messages"))):
                ts = optional_text(raw.get("ts"))
                if ts and ts not in seen:
                    seen.add(ts)
                    yield raw
            cursor = optional_text(mapping(data.get("response_metadata")).get("next_cursor"))
            if not cursor:
                return


def _replies(client: WebClient, args: dict[str, Any]) -> Any:
    return client.conversations_replies(**args)


def _history(client: WebClient, args: dict[str, Any]) -> Any:
    return client.conversations_history(**args)
