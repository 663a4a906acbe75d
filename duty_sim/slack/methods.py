"""The Web API methods the simulated Slack serves, each a function from arguments to a response body.

Handlers raise `SlackError` for Slack's documented errors; `SlackSim` has already checked the token,
the rate limit and the scope. `METHODS` also records each method's scope, rate limit and whether it
reads a JSON body. Every handler acts as the caller (`Context.user_id`): the app's bot for the bot
token, the person for a user token.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from duty_sim.slack.args import TS_ARGUMENT, Args, decode_cursor, encode_cursor
from duty_sim.slack.errors import SlackError
from duty_sim.slack.world import SlackWorld, ts_decimal

MAX_TEXT = 40_000
HISTORY_LIMIT = (100, 999)  # default, max
REPLIES_LIMIT = (1000, 1000)
USERS_LIST_MAX = 1000
NON_MARKETPLACE_LIMIT = 15  # the 2025 rule for history/replies of non-Marketplace distributed apps


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler may know about the call besides its arguments."""

    world: SlackWorld
    now: datetime
    user_id: str  # who the token acts as: the bot user, or the person who owns a user token
    is_bot: bool
    workspace_url: str
    scopes: frozenset[str]
    non_marketplace: bool


Handler = Callable[[Context, Args], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Method:
    """A served method: its handler, the scope it needs, and its default limit (capacity per period)."""

    handler: Handler
    scope: str | None
    capacity: int
    per_seconds: float = 60.0
    per_channel: bool = False  # chat.postMessage is limited per channel
    # Some methods read only a query or form ("This method does not currently accept application/json").
    accepts_json: bool = True


def auth_test(ctx: Context, args: Args) -> dict[str, Any]:
    user = ctx.world.user(ctx.user_id)
    out: dict[str, Any] = {
        "url": ctx.workspace_url,
        "team": ctx.world.team_name,
        "user": user["name"],
        "team_id": ctx.world.team_id,
        "user_id": ctx.user_id,
    }
    if ctx.is_bot:  # a user token's answer has no bot_id: that is how a client tells them apart
        out["bot_id"] = user["profile"]["bot_id"]
    out["is_enterprise_install"] = False
    return out


def conversations_history(ctx: Context, args: Args) -> dict[str, Any]:
    channel = _readable_channel(ctx, args)
    oldest, latest = _bound(args, "oldest"), _bound(args, "latest")
    inclusive = args.flag("inclusive")
    limit = _limit(ctx, args, *HISTORY_LIMIT)
    messages = ctx.world.history(channel, include_metadata=args.flag("include_all_metadata"))
    newest_first = [m for m in reversed(messages) if _within(m["ts"], oldest, latest, inclusive)]
    page, cursor = _page(newest_first, args.text("cursor"), limit, descending=True)
    return {
        "messages": page,
        "has_more": bool(cursor),
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }


def conversations_replies(ctx: Context, args: Args) -> dict[str, Any]:
    channel = _readable_channel(ctx, args)
    ts = args.text("ts")
    if ts is None or not TS_ARGUMENT.fullmatch(ts):
        raise SlackError("thread_not_found")
    oldest, latest = _bound(args, "oldest"), _bound(args, "latest")
    inclusive = args.flag("inclusive")
    limit = _limit(ctx, args, *REPLIES_LIMIT)
    parent, *replies = ctx.world.thread(channel, ts, include_metadata=args.flag("include_all_metadata"))
    in_range = [m for m in replies if _within(m["ts"], oldest, latest, inclusive)]
    # Slack repeats the parent at the top of every page; the limit counts it.
    page, cursor = _page(in_range, args.text("cursor"), max(1, limit - 1), descending=False)
    return {
        "messages": [parent, *page],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


def conversations_info(ctx: Context, args: Args) -> dict[str, Any]:
    channel = _channel_id(ctx, args.text("channel"))
    info = ctx.world.channel_info(channel, viewer=ctx.user_id, num_members=args.flag("include_num_members"))
    return {"channel": info}


def users_info(ctx: Context, args: Args) -> dict[str, Any]:
    user_id = args.text("user")
    if user_id is None:
        raise SlackError("user_not_found")
    return {"user": _visible_user(ctx, ctx.world.user(user_id), args.flag("include_locale"))}


def users_list(ctx: Context, args: Args) -> dict[str, Any]:
    limit = args.number("limit") or 0
    if limit < 0:
        raise SlackError("invalid_arguments")
    members = ctx.world.users()
    start = 0
    cursor = args.text("cursor")
    if cursor is not None:
        after = decode_cursor(cursor, "user")
        ids = [m["id"] for m in members]
        if after not in ids:
            raise SlackError("invalid_cursor")
        start = ids.index(after)
    # No limit means everything at once, as Slack tries to do.
    size = min(limit, USERS_LIST_MAX) if limit else len(members)
    page = members[start : start + size]
    rest = members[start + size :]
    locale = args.flag("include_locale")
    return {
        "members": [_visible_user(ctx, m, locale) for m in page],
        "cache_ts": int(ctx.now.timestamp()),
        "response_metadata": {"next_cursor": encode_cursor("user", rest[0]["id"]) if rest else ""},
    }


def chat_post_message(ctx: Context, args: Args) -> dict[str, Any]:
    channel = _channel_id(ctx, args.text("channel"), by_name=True)
    if not ctx.world.is_member(channel, ctx.user_id):
        raise SlackError("not_in_channel")
    if ctx.world.is_archived(channel):
        raise SlackError("is_archived")
    text = args.text("text")
    blocks = _blocks(args.raw("blocks"))
    if text is None and blocks is None:
        raise SlackError("no_text")
    if text is not None and len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    thread_ts = args.text("thread_ts")
    if thread_ts is not None and not TS_ARGUMENT.fullmatch(thread_ts):
        raise SlackError("thread_not_found")
    metadata = _metadata(args.raw("metadata"))
    ts = ctx.world.post(
        channel,
        ctx.user_id,
        text or "",
        thread_ts=thread_ts,
        reply_broadcast=args.flag("reply_broadcast"),
        blocks=blocks,
        # Slack does not say whether a message posted with a user token keeps its metadata; the
        # simulator assumes the worse case and drops it, so clients need another way to find it.
        metadata=metadata if ctx.is_bot else None,
    )
    return {"channel": channel, "ts": ts, "message": ctx.world.message(channel, ts, include_metadata=True)}


def chat_delete(ctx: Context, args: Args) -> dict[str, Any]:
    """https://docs.slack.dev/reference/methods/chat.delete: `channel` (an id) and `ts`, both required. "When
    used with a bot token, this method may delete only messages posted by that bot"; a user token, what
    the person may delete (here: their own posts; nobody in the simulated workspace is an admin)."""
    channel = _channel_id(ctx, args.text("channel"))
    ts = args.text("ts")
    if ts is None or not TS_ARGUMENT.fullmatch(ts):
        raise SlackError("message_not_found")
    ctx.world.delete(channel, ts, by=ctx.user_id)
    return {"channel": channel, "ts": ts}


def chat_get_permalink(ctx: Context, args: Args) -> dict[str, Any]:
    channel = _channel_id(ctx, args.text("channel"))
    ts = args.text("message_ts")
    if ts is None:
        raise SlackError("message_not_found")
    return {"channel": channel, "permalink": permalink(ctx, channel, ctx.world.message(channel, ts))}


def reactions_add(ctx: Context, args: Args) -> dict[str, Any]:
    channel, ts = _reaction_item(ctx, args)
    if not ctx.world.is_member(channel, ctx.user_id):
        raise SlackError("not_in_channel")
    ctx.world.react(channel, ts, _reaction_name(args), ctx.user_id)
    return {}


def reactions_remove(ctx: Context, args: Args) -> dict[str, Any]:
    channel, ts = _reaction_item(ctx, args)
    ctx.world.unreact(channel, ts, _reaction_name(args), ctx.user_id)
    return {}


def reactions_get(ctx: Context, args: Args) -> dict[str, Any]:
    channel, ts = _reaction_item(ctx, args)
    message = ctx.world.message(channel, ts)
    message["permalink"] = permalink(ctx, channel, message)
    return {"type": "message", "channel": channel, "message": message}


def usergroups_users_list(ctx: Context, args: Args) -> dict[str, Any]:
    group = args.text("usergroup")
    if group is None:
        raise SlackError("invalid_arguments")
    return {"users": ctx.world.usergroup_users(group, include_disabled=args.flag("include_disabled"))}


def permalink(ctx: Context, channel: str, message: dict[str, Any]) -> str:
    ts = message["ts"]
    link = f"{ctx.workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
    thread_ts = message.get("thread_ts")
    if thread_ts is not None and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link


METHODS: dict[str, Method] = {
    "auth.test": Method(auth_test, None, 600),
    "conversations.history": Method(conversations_history, "channels:history", 50),
    "conversations.replies": Method(conversations_replies, "channels:history", 50),
    "conversations.info": Method(conversations_info, "channels:read", 50),
    "users.info": Method(users_info, "users:read", 100),
    "users.list": Method(users_list, "users:read", 20),
    # About one message a second per channel, with a short burst.
    "chat.postMessage": Method(chat_post_message, "chat:write", 5, per_seconds=5.0, per_channel=True),
    "chat.delete": Method(chat_delete, "chat:write", 50),
    "chat.getPermalink": Method(chat_get_permalink, None, 600),
    "reactions.add": Method(reactions_add, "reactions:write", 50),
    "reactions.remove": Method(reactions_remove, "reactions:write", 50),
    "reactions.get": Method(reactions_get, "reactions:read", 50),
    "usergroups.users.list": Method(usergroups_users_list, "usergroups:read", 20, accepts_json=False),
}
NON_MARKETPLACE_METHODS = frozenset({"conversations.history", "conversations.replies"})


# -- argument helpers ---------------------------------------------------------------------------


def _channel_id(ctx: Context, ref: str | None, *, by_name: bool = False) -> str:
    if ref is None:
        raise SlackError("channel_not_found")
    # Only chat.postMessage takes a channel name; the other methods want the id.
    return ctx.world.resolve_channel(ref, by_name=by_name)


def _readable_channel(ctx: Context, args: Args) -> str:
    channel = _channel_id(ctx, args.text("channel"))
    if not ctx.world.is_member(channel, ctx.user_id):
        raise SlackError("not_in_channel")
    return channel


def _bound(args: Args, name: str) -> Decimal | None:
    value = args.text(name)
    if value is None:
        return None
    if not TS_ARGUMENT.fullmatch(value):
        raise SlackError(f"invalid_ts_{name}")
    return Decimal(value)


def _within(ts: str, oldest: Decimal | None, latest: Decimal | None, inclusive: bool) -> bool:
    value = ts_decimal(ts)
    if oldest is not None and (value < oldest or (value == oldest and not inclusive)):
        return False
    return latest is None or value < latest or (value == latest and inclusive)


def _limit(ctx: Context, args: Args, default: int, maximum: int) -> int:
    if ctx.non_marketplace:
        default = maximum = NON_MARKETPLACE_LIMIT
    limit = args.number("limit")
    if limit is None or limit == 0:
        return default
    if limit < 0:
        raise SlackError("invalid_arguments")
    return min(limit, maximum)


def _page(
    messages: list[dict[str, Any]], cursor: str | None, limit: int, *, descending: bool
) -> tuple[list[dict[str, Any]], str]:
    """One page of ts-ordered messages and the cursor for the next ("" on the last page)."""
    if cursor is not None:
        boundary_ts = decode_cursor(cursor, "next_ts")
        if not TS_ARGUMENT.fullmatch(boundary_ts):
            raise SlackError("invalid_cursor")
        boundary = Decimal(boundary_ts)
        messages = [
            m
            for m in messages
            if (ts_decimal(m["ts"]) <= boundary if descending else ts_decimal(m["ts"]) >= boundary)
        ]
    page, rest = messages[:limit], messages[limit:]
    return page, encode_cursor("next_ts", rest[0]["ts"]) if rest else ""


def _visible_user(ctx: Context, user: dict[str, Any], locale: bool) -> dict[str, Any]:
    if "users:read.email" not in ctx.scopes:
        user["profile"].pop("email", None)
    if locale and not user["deleted"]:
        user["locale"] = "en-GB"
    return user


def _blocks(value: Any) -> list[Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):  # a form body carries blocks as a JSON string
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise SlackError("invalid_blocks_format") from error
    if not isinstance(value, list) or not all(
        isinstance(b, dict) and isinstance(b.get("type"), str) for b in value
    ):
        raise SlackError("invalid_blocks")
    return value or None


def _metadata(value: Any) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise SlackError("invalid_metadata_format") from error
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("event_type"), str)
        or not value["event_type"].strip()
        or not isinstance(value.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")
    return {"event_type": value["event_type"], "event_payload": value["event_payload"]}


def _reaction_item(ctx: Context, args: Args) -> tuple[str, str]:
    channel, ts = args.text("channel"), args.text("timestamp")
    if channel is None or ts is None:
        raise SlackError("no_item_specified")
    if not TS_ARGUMENT.fullmatch(ts):
        raise SlackError("bad_timestamp")
    return _channel_id(ctx, channel), ts


def _reaction_name(args: Args) -> str:
    name = args.text("name")
    if name is None:
        raise SlackError("invalid_name")
    return name
