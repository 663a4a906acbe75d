"""The Slack objects the simulator keeps and hands out: users, channels, messages, in the Web API's shapes.

Field names and types follow the official Web API schemas (objs_user, objs_user_profile,
objs_bot_profile, objs_conversation), so clients read the same keys they would from real Slack.
"""

from __future__ import annotations

import copy
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

AVATAR_BASE = "https://avatars.slack-edge.com/sim"
# What real profiles show for the zones the team lives in; other zones fall back to the abbreviation.
_TZ_LABELS = {
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "UTC": "Coordinated Universal Time",
}


@dataclass(slots=True)
class SlackUser:
    """One member of the simulated workspace; bots carry their bot and app ids."""

    id: str
    name: str
    real_name: str
    display_name: str
    is_bot: bool
    deleted: bool
    tz: str
    email: str | None
    updated: int
    bot_id: str | None = None
    app_id: str | None = None


@dataclass(slots=True)
class SlackChannel:
    """A public channel: its descriptive fields and who is in it (messages live in the world)."""

    id: str
    name: str
    topic: str
    purpose: str
    created: int
    creator: str
    topic_set: int
    members: set[str] = field(default_factory=set)
    archived: bool = False


@dataclass(slots=True)
class StoredMessage:
    """A message as the world keeps it; thread fields are derived when it is rendered."""

    ts: str
    user: str | None
    text: str
    subtype: str | None = None
    thread_ts: str | None = None  # the parent's ts, on replies only
    bot_id: str | None = None
    app_id: str | None = None
    username: str | None = None
    broadcast: bool = False
    blocks: list[Any] | None = None
    metadata: dict[str, Any] | None = None
    edited: dict[str, str] | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)  # name -> users, in order of arrival
    replies: list[str] = field(default_factory=list)  # ts of the replies, ascending
    deleted: bool = False  # a deleted parent that still has replies: rendered as a tombstone


def normalized(text: str) -> str:
    """Slack's `*_normalized` fields: the same text without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _images(user_id: str) -> dict[str, str]:
    return {f"image_{size}": f"{AVATAR_BASE}/{user_id}_{size}.png" for size in (24, 32, 48, 72, 192, 512)}


def _tz_fields(tz: str, now: datetime) -> dict[str, Any]:
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return {"tz": tz, "tz_label": tz, "tz_offset": 0}
    local = now.astimezone(zone)
    offset = local.utcoffset()
    abbreviation = local.tzname() or tz
    return {
        "tz": tz,
        "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
    }


def render_profile(user: SlackUser, team_id: str) -> dict[str, Any]:
    first, _, last = user.real_name.partition(" ")
    profile: dict[str, Any] = {
        "title": "",
        "phone": "",
        "skype": "",
        "real_name": user.real_name,
        "real_name_normalized": normalized(user.real_name),
        "display_name": user.display_name,
        "display_name_normalized": normalized(user.display_name),
        "fields": None,
        "status_text": "",
        "status_emoji": "",
        "status_expiration": 0,
        "avatar_hash": f"g{zlib.crc32(user.id.encode()):08x}",
        "first_name": first,
        "last_name": last,
        **_images(user.id),
        "team": team_id,
    }
    if user.email is not None:
        profile["email"] = user.email
    if user.is_bot:
        profile["bot_id"] = user.bot_id
        profile["api_app_id"] = user.app_id
        profile["always_active"] = True
    return profile


def render_user(user: SlackUser, team_id: str, now: datetime) -> dict[str, Any]:
    """A `users.info` / `users.list` member. Deleted users lose their tz and role flags, as on Slack."""
    out: dict[str, Any] = {
        "id": user.id,
        "team_id": team_id,
        "name": user.name,
        "deleted": user.deleted,
        "profile": render_profile(user, team_id),
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": user.updated,
    }
    if not user.deleted:
        out.update(
            color=f"{zlib.crc32(user.name.encode()) & 0xFFFFFF:06x}",
            real_name=user.real_name,
            **_tz_fields(user.tz, now),
            is_admin=False,
            is_owner=False,
            is_primary_owner=False,
            is_restricted=False,
            is_ultra_restricted=False,
        )
    return out


def render_bot_profile(user: SlackUser, team_id: str) -> dict[str, Any]:
    """The `bot_profile` that app bots' messages carry."""
    return {
        "id": user.bot_id,
        "deleted": user.deleted,
        "name": user.name,
        "updated": user.updated,
        "app_id": user.app_id,
        "icons": {f"image_{size}": f"{AVATAR_BASE}/{user.bot_id}_{size}.png" for size in (36, 48, 72)},
        "team_id": team_id,
    }


def render_conversation(channel: SlackChannel, *, viewer: str | None, num_members: bool) -> dict[str, Any]:
    """A `conversations.info` channel; `is_member` is from the point of view of `viewer`."""

    def text_field(value: str) -> dict[str, Any]:
        # An unset topic has an empty creator and last_set 0, as on Slack.
        return {
            "value": value,
            "creator": channel.creator if value else "",
            "last_set": channel.topic_set if value else 0,
        }

    out: dict[str, Any] = {
        "id": channel.id,
        "name": channel.name,
        "is_channel": True,
        "is_group": False,
        "is_im": False,
        "is_mpim": False,
        "is_private": False,
        "created": channel.created,
        "is_archived": channel.archived,
        "is_general": False,
        "unlinked": 0,
        "name_normalized": normalized(channel.name),
        "is_shared": False,
        "is_org_shared": False,
        "is_ext_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "is_member": viewer is not None and viewer in channel.members,
        "creator": channel.creator,
        "previous_names": [],
        "topic": text_field(channel.topic),
        "purpose": text_field(channel.purpose),
    }
    if num_members:
        out["num_members"] = len(channel.members)
    return out


def render_content(
    m: StoredMessage, team_id: str, poster: SlackUser | None, *, metadata: bool
) -> dict[str, Any]:
    """The fields of a live (not deleted) message other than `type` and the thread fields."""
    out: dict[str, Any] = {}
    subtype = "thread_broadcast" if m.broadcast else m.subtype
    if subtype:
        out["subtype"] = subtype
    if m.user is not None:
        out["user"] = m.user
    out.update(text=m.text, ts=m.ts)
    if m.user is not None:
        out["team"] = team_id
    extras = {"bot_id": m.bot_id, "app_id": m.app_id, "username": m.username}
    out.update({key: value for key, value in extras.items() if value is not None})
    if poster is not None and poster.is_bot:
        out["bot_profile"] = render_bot_profile(poster, team_id)
    if m.blocks is not None:
        out["blocks"] = copy.deepcopy(m.blocks)
    if m.edited is not None:
        out["edited"] = dict(m.edited)
    if m.reactions:
        out["reactions"] = [{"name": n, "users": list(u), "count": len(u)} for n, u in m.reactions.items()]
    if metadata and m.metadata is not None:
        out["metadata"] = copy.deepcopy(m.metadata)
    return out
