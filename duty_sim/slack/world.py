"""The state of the simulated Slack workspace: users, channels, messages keyed by ts, threads, reactions.

Tests and the demo scenario drive `SlackWorld` directly; `SlackSim` serves it over the Web API. One
lock guards everything and every read returns fresh copies, so server threads never see half an
update. Thread fields (`reply_count`, `latest_reply`, ...) are derived from the replies when a
message is read, so they can never drift from the thread itself.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from duty_sim.clock import Clock, SystemClock
from duty_sim.slack.errors import SlackError
from duty_sim.slack.objects import (
    SlackChannel,
    SlackUser,
    StoredMessage,
    render_content,
    render_conversation,
    render_user,
)
from duty_sim.slack.usergroups import SlackUserGroup, UserGroupsMixin

__all__ = [  # SlackError is re-exported: tests and the demo catch it from here
    "DEFAULT_TEAM_ID",
    "SLACKBOT",
    "TOMBSTONE_TEXT",
    "UNKNOWN_EMOJI",
    "SlackError",
    "SlackWorld",
    "ts_decimal",
]

DEFAULT_TEAM_ID = "T0SIMLAAD1"
SLACKBOT = "USLACKBOT"
TOMBSTONE_TEXT = "This message was deleted."
_MAX_COUNTER = 999_999
# Slack's own limits on reactions: distinct emoji per user per message, and per message.
_MAX_REACTIONS_PER_USER = 23
_MAX_EMOJI_PER_MESSAGE = 50
_EMOJI_NAME = re.compile(r"[a-z0-9_+'\-]+(::skin-tone-[2-6])?")
# Well-formed names that are not emoji anywhere, so tests can reach `invalid_name` with a real-looking name.
UNKNOWN_EMOJI = frozenset({"not_an_emoji", "no_such_emoji", "unknown_emoji"})
# Messages Slack will not start a thread on.
_UNTHREADABLE = frozenset({"channel_join", "channel_leave"})


def ts_decimal(ts: str) -> Decimal:
    """A ts as a number that sorts correctly (never a float: it would lose the counter digits)."""
    return Decimal(ts)


@dataclass(slots=True)
class _ChannelState:
    info: SlackChannel
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # every ts (replies too), ascending


class SlackWorld(UserGroupsMixin):
    """Thread-safe state of one simulated workspace. Methods raise `SlackError` for what Slack refuses."""

    def __init__(
        self, clock: Clock | None = None, *, team_id: str = DEFAULT_TEAM_ID, team_name: str = "LAA Digital"
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.team_id = team_id
        self.team_name = team_name
        self._lock = threading.RLock()
        self._users: dict[str, SlackUser] = {}
        self._channels: dict[str, _ChannelState] = {}
        self._usergroups: dict[str, SlackUserGroup] = {}
        self._counters: dict[int, int] = {}  # second -> last counter used, across the workspace
        self._hook_bots: dict[str, str] = {}  # username of a classic bot_message poster -> its bot id
        self._serial = 0

    # -- users and channels ---------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        real_name: str,
        display_name: str = "",
        *,
        is_bot: bool = False,
        deleted: bool = False,
        user_id: str | None = None,
        tz: str = "Europe/London",
        email: str | None = None,
    ) -> str:
        with self._lock:
            serial = self._next_serial()
            uid = user_id or f"U0SIM{serial:05d}"
            if uid in self._users:
                raise ValueError(f"user {uid} already exists")
            self._users[uid] = SlackUser(
                id=uid,
                name=name,
                real_name=real_name,
                display_name=display_name,
                is_bot=is_bot,
                deleted=deleted,
                tz=tz,
                email=email,
                updated=self._now_seconds(),
                bot_id=f"B0SIM{serial:05d}" if is_bot else None,
                app_id=f"A0SIM{serial:05d}" if is_bot else None,
            )
            return uid

    def user_ids(self) -> list[str]:
        with self._lock:
            return list(self._users)

    def add_channel(self, channel_id: str, name: str, topic: str = "", purpose: str = "") -> None:
        """Create a channel, or rename and re-describe an existing one (its messages stay)."""
        with self._lock:
            existing = self._channels.get(channel_id)
            if existing is not None:
                existing.info.name, existing.info.topic, existing.info.purpose = name, topic, purpose
                existing.info.topic_set = self._now_seconds()
                return
            creator = next(iter(self._users), SLACKBOT)
            now = self._now_seconds()
            info = SlackChannel(channel_id, name, topic, purpose, created=now, creator=creator, topic_set=now)
            self._channels[channel_id] = _ChannelState(info)

    def join(self, channel_id: str, user_id: str) -> None:
        with self._lock:
            self._channel(channel_id).info.members.add(self._user(user_id).id)

    def leave(self, channel_id: str, user_id: str) -> None:
        """Take someone out of a channel; for the bot this makes history and posting `not_in_channel`."""
        with self._lock:
            self._channel(channel_id).info.members.discard(user_id)

    def archive(self, channel_id: str, archived: bool = True) -> None:
        with self._lock:
            self._channel(channel_id).info.archived = archived

    def is_member(self, channel_id: str, user_id: str) -> bool:
        with self._lock:
            return user_id in self._channel(channel_id).info.members

    def is_archived(self, channel_id: str) -> bool:
        with self._lock:
            return self._channel(channel_id).info.archived

    def resolve_channel(self, ref: str, *, by_name: bool = False) -> str:
        """The channel id for `ref`; with `by_name` also a name or #name (chat.postMessage takes those)."""
        with self._lock:
            if ref in self._channels or not by_name:
                return self._channel(ref).info.id
            name = ref.removeprefix("#")
            for state in self._channels.values():
                if state.info.name == name:
                    return state.info.id
            raise SlackError("channel_not_found")

    # -- messages -------------------------------------------------------------------------------

    def post(
        self,
        channel_id: str,
        user_id: str | None,
        text: str,
        *,
        thread_ts: str | None = None,
        at: datetime | None = None,
        subtype: str | None = None,
        bot_id: str | None = None,
        username: str | None = None,
        reply_broadcast: bool = False,
        blocks: list[Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Add a message and return its ts. `at` (in the past) seeds history; None means now."""
        with self._lock:
            channel = self._channel(channel_id)
            user = self._user(user_id) if user_id is not None else None
            if user is None and subtype != "bot_message":
                raise ValueError("only a bot_message may have no user")
            parent: StoredMessage | None = None
            if thread_ts is not None:
                parent = self._find(channel, thread_ts, "thread_not_found")
                if parent.thread_ts is not None:  # a reply's ts stands for its thread
                    parent = channel.messages[parent.thread_ts]
                if parent.subtype in _UNTHREADABLE:
                    raise SlackError("cannot_reply_to_message")
            ts = self._next_ts(channel, at)
            if parent is not None and ts_decimal(ts) <= ts_decimal(parent.ts):
                raise ValueError(f"a reply ({ts}) must come after its parent ({parent.ts})")
            message = StoredMessage(
                ts=ts, user=user_id, text=text, subtype=subtype, blocks=blocks, metadata=metadata
            )
            if user is not None and user.is_bot:
                message.bot_id, message.app_id = user.bot_id, user.app_id
            if subtype == "bot_message":
                message.username = username or "bot"
                message.bot_id = bot_id or self._hook_bot_id(message.username)
            if parent is not None:
                message.thread_ts = parent.ts
                message.broadcast = reply_broadcast
                parent.replies.append(ts)
                parent.replies.sort(key=ts_decimal)
            channel.messages[ts] = message
            bisect.insort(channel.order, ts, key=ts_decimal)
            if user_id is not None:
                channel.info.members.add(user_id)
            return ts

    def edit(self, channel_id: str, ts: str, new_text: str, by_user_id: str) -> None:
        with self._lock:
            message = self._find(self._channel(channel_id), ts, "message_not_found", live=True)
            message.text = new_text
            message.blocks = None  # the old blocks would contradict the new text
            message.edited = {"user": by_user_id, "ts": f"{self._now_seconds()}.000000"}

    def delete(self, channel_id: str, ts: str, *, by: str | None = None) -> None:
        """Remove a message. A parent that still has replies stays as a tombstone, as on Slack; a reply
        leaves its thread, so the parent's summary (`reply_count`, `reply_users`, `latest_reply`) follows.

        `by` is who asks (chat.delete): a token may delete only what its owner posted, the bot its own
        posts and a person theirs (`cant_delete_message` otherwise, and in an archived channel, which
        is read-only). None is the world acting for itself (a person deleting in the client)."""
        with self._lock:
            channel = self._channel(channel_id)
            message = self._find(channel, ts, "message_not_found", live=True)
            mine = by is not None and message.user == by and message.subtype is None
            if by is not None and (not mine or channel.info.archived):
                raise SlackError("cant_delete_message")
            if message.replies:
                message.deleted = True
                message.reactions.clear()
                message.edited = message.blocks = message.metadata = None
                return
            self._remove(channel, ts)
            if message.thread_ts is not None:
                parent = channel.messages[message.thread_ts]
                parent.replies.remove(ts)
                if parent.deleted and not parent.replies:  # the last reply takes the tombstone with it
                    self._remove(channel, parent.ts)

    def react(self, channel_id: str, ts: str, name: str, user_id: str) -> None:
        with self._lock:
            channel = self._channel(channel_id)
            message = self._find(channel, ts, "message_not_found", live=True)
            if not _EMOJI_NAME.fullmatch(name) or name in UNKNOWN_EMOJI:
                raise SlackError("invalid_name")
            self._user(user_id)
            if channel.info.archived:
                raise SlackError("is_archived")
            users = message.reactions.get(name, [])
            if user_id in users:
                raise SlackError("already_reacted")
            if sum(user_id in u for u in message.reactions.values()) >= _MAX_REACTIONS_PER_USER:
                raise SlackError("too_many_reactions")
            if name not in message.reactions and len(message.reactions) >= _MAX_EMOJI_PER_MESSAGE:
                raise SlackError("too_many_emoji")
            message.reactions[name] = [*users, user_id]

    def unreact(self, channel_id: str, ts: str, name: str, user_id: str) -> None:
        with self._lock:
            message = self._find(self._channel(channel_id), ts, "message_not_found")
            users = message.reactions.get(name, [])
            if user_id not in users:
                raise SlackError("no_reaction")
            users.remove(user_id)
            if not users:
                del message.reactions[name]

    # -- reads (fresh copies) -------------------------------------------------------------------

    def messages(self, channel_id: str) -> list[dict[str, Any]]:
        """Every message of a channel, replies included, oldest first (for assertions)."""
        with self._lock:
            channel = self._channel(channel_id)
            return [self._render(channel, channel.messages[ts], metadata=True) for ts in channel.order]

    def history(self, channel_id: str, *, include_metadata: bool = False) -> list[dict[str, Any]]:
        """What conversations.history can show, oldest first: no replies except thread broadcasts."""
        with self._lock:
            channel = self._channel(channel_id)
            shown = (channel.messages[ts] for ts in channel.order)
            return [
                self._render(channel, m, metadata=include_metadata)
                for m in shown
                if m.thread_ts is None or m.broadcast
            ]

    def thread(self, channel_id: str, ts: str, *, include_metadata: bool = False) -> list[dict[str, Any]]:
        """The parent, then its replies ascending. A reply's ts gives the whole thread."""
        with self._lock:
            channel = self._channel(channel_id)
            message = self._find(channel, ts, "thread_not_found")
            parent = channel.messages[message.thread_ts] if message.thread_ts else message
            chain = [parent, *(channel.messages[r] for r in parent.replies)]
            return [self._render(channel, m, metadata=include_metadata) for m in chain]

    def message(self, channel_id: str, ts: str, *, include_metadata: bool = False) -> dict[str, Any]:
        with self._lock:
            channel = self._channel(channel_id)
            return self._render(
                channel, self._find(channel, ts, "message_not_found"), metadata=include_metadata
            )

    def user(self, user_id: str) -> dict[str, Any]:
        with self._lock:
            return render_user(self._user(user_id), self.team_id, self.clock.now())

    def users(self) -> list[dict[str, Any]]:
        with self._lock:
            now = self.clock.now()
            return [render_user(u, self.team_id, now) for u in self._users.values()]

    def channel_info(self, channel_id: str, *, viewer: str | None, num_members: bool) -> dict[str, Any]:
        with self._lock:
            return render_conversation(self._channel(channel_id).info, viewer=viewer, num_members=num_members)

    # -- internals ------------------------------------------------------------------------------

    def _render(self, channel: _ChannelState, m: StoredMessage, *, metadata: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "message"}
        if m.deleted:
            out.update(subtype="tombstone", user=SLACKBOT, text=TOMBSTONE_TEXT, ts=m.ts)
        else:
            poster = self._users.get(m.user) if m.user else None
            out.update(render_content(m, self.team_id, poster, metadata=metadata))
        if m.thread_ts is not None:
            out["thread_ts"] = m.thread_ts
            parent = channel.messages.get(m.thread_ts)
            if parent is not None and parent.user is not None:
                out["parent_user_id"] = parent.user
            if m.broadcast and parent is not None:  # a thread_broadcast carries its thread's parent
                out["root"] = self._render(channel, parent, metadata=metadata)
        elif m.replies:
            replies = [channel.messages[r] for r in m.replies]
            repliers = list(dict.fromkeys(r.user for r in replies if r.user is not None))
            out.update(thread_ts=m.ts, reply_count=len(replies), reply_users_count=len(repliers))
            if repliers:
                out["reply_users"] = repliers
            out["latest_reply"] = replies[-1].ts
        return out

    def _next_ts(self, channel: _ChannelState, at: datetime | None) -> str:
        """`<seconds>.<counter>`: unique in the workspace; a live post also comes after all in the channel."""
        when = self.clock.now() if at is None else at
        if when.tzinfo is None:
            raise ValueError("message times must be aware datetimes")
        seconds = int(when.timestamp())
        if at is None and channel.order:
            # The clock may stand still or lag seeded messages; a live post still goes last.
            seconds = max(seconds, int(channel.order[-1].partition(".")[0]))
        counter = self._counters.get(seconds, 0) + 1
        while counter > _MAX_COUNTER:
            if at is not None:
                raise ValueError(f"more than {_MAX_COUNTER} messages in one second")
            seconds += 1
            counter = self._counters.get(seconds, 0) + 1
        self._counters[seconds] = counter
        return f"{seconds}.{counter:06d}"

    def _hook_bot_id(self, username: str) -> str:
        if username not in self._hook_bots:
            self._hook_bots[username] = f"B0HOOK{len(self._hook_bots) + 1:04d}"
        return self._hook_bots[username]

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _now_seconds(self) -> int:
        return int(self.clock.now().timestamp())

    def _channel(self, channel_id: str) -> _ChannelState:
        state = self._channels.get(channel_id)
        if state is None:
            raise SlackError("channel_not_found")
        return state

    def _user(self, user_id: str) -> SlackUser:
        user = self._users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        return user

    @staticmethod
    def _find(channel: _ChannelState, ts: str, error: str, *, live: bool = False) -> StoredMessage:
        """The message at `ts`; with `live`, a tombstone counts as gone (no edits or reactions)."""
        message = channel.messages.get(ts)
        if message is None or (live and message.deleted):
            raise SlackError(error)
        return message

    @staticmethod
    def _remove(channel: _ChannelState, ts: str) -> None:
        del channel.messages[ts]
        channel.order.remove(ts)
