"""Today's support sub-team and who covers #laa-ops in each period of the day.

The process (the seed's "How does the support sub team work" and "#laa-ops channel"): one engineer and
one DBA are assigned to support in working hours, the 6DG duty consultant acknowledges every ticket, and
throughout support hours someone is on the channel, nominated for each period (lunch takes
coordination). A day's :class:`Cover` holds all of that as Slack user ids.

Shared through the channel: a cover is posted as a top-level #laa-ops message with Slack message
metadata (``event_type`` :data:`EVENT_TYPE`, ``event_payload`` from :func:`payload`), and every dashboard
adopts the latest cover post for its day (:func:`adopt`). :func:`cover_from_message` is the only door
from the channel: it accepts exactly the stable format and never raises.

Pure: times are given, nothing is read or written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import pairwise
from typing import Any, Final

from duty_tui import text
from duty_tui.models import ChatMessage, ts_key, ts_to_datetime
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.incident_posts import mention
from duty_tui.rules.incidents import SLACK_USER

EVENT_TYPE: Final = "duty_tui_cover"
MAX_PAYLOAD: Final = 8_000  # a payload past this is refused unread
MAX_PERIODS: Final = 24
LABEL_LIMIT: Final = 40
BY_LIMIT: Final = 80
_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_TS: Final = re.compile(r"\d{1,10}(?:\.\d{1,9})?")
_CLOCK: Final = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
ROLES: Final = (("engineer", "Engineer"), ("dba", "DBA"), ("duty_consultant", "6DG duty consultant"))


@dataclass(frozen=True, slots=True)
class CoverPeriod:
    """A stretch of the support day someone is nominated to cover the channel for (local times)."""

    start: time
    end: time
    label: str = ""  # "lunch"

    @property
    def span(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def title(self) -> str:
        return f"{self.span} {self.label}" if self.label else self.span


# The process's day: the morning, lunch in two halves (so two people can each eat), the afternoon.
DEFAULT_PERIODS: Final = (
    CoverPeriod(time(8, 0), time(12, 0)),
    CoverPeriod(time(12, 0), time(13, 0), "lunch"),
    CoverPeriod(time(13, 0), time(14, 0), "lunch"),
    CoverPeriod(time(14, 0), time(18, 0)),
)


@dataclass(frozen=True, slots=True)
class Slot:
    """One period and who covers the channel in it (a Slack user id; None: nobody yet)."""

    period: CoverPeriod
    who: str | None = None


@dataclass(frozen=True, slots=True)
class Cover:
    """One support day's sub-team and channel cover, set here or adopted from a #laa-ops post."""

    day: date
    engineer: str | None = None  # Slack user ids, each None when nobody is named
    dba: str | None = None
    duty_consultant: str | None = None
    slots: tuple[Slot, ...] = ()
    by: str = ""  # who set it (a name, as typed nowhere: the engineer's profile name)
    at: datetime | None = None  # when it was set (for a post: when it was posted)
    ts: str | None = None  # the #laa-ops post that carries it
    ref: str | None = None  # the outbox id of the post that shares it
    pending: bool = False  # posted from here, not yet confirmed by Slack

    @property
    def is_set(self) -> bool:
        """Someone is named somewhere (a blank day's cover is not)."""
        return any(self.role(name) for name, _ in ROLES) or any(s.who for s in self.slots)

    def role(self, name: str) -> str | None:
        value = getattr(self, name)
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class CoverDraft:
    """What the cover form gives back: the cover as chosen (day and people), and whether to post it."""

    cover: Cover
    post: bool


@dataclass(frozen=True, slots=True)
class OnChannel:
    """Who is on #laa-ops at a moment, and until when (the end of their run of consecutive periods)."""

    who: str | None  # a Slack user id; None: nobody is nominated
    until: datetime
    slot: Slot
    in_hours: bool  # the moment is in support hours (nobody then is a gap to flag)


def blank(day: date, periods: Sequence[CoverPeriod] = DEFAULT_PERIODS) -> Cover:
    """A day nobody has set cover for yet: the configured periods, nobody in them."""
    return Cover(day=day, slots=tuple(Slot(p) for p in periods))


# -- who is on the channel --------------------------------------------------------------------------


def on_channel(cover: Cover, now: datetime, calendar: SupportCalendar) -> OnChannel | None:
    """Who covers the channel at `now` (None outside every period of the cover's day)."""
    if calendar.local_date(now) != cover.day:
        return None
    slots = cover.slots
    for index, slot in enumerate(slots):
        start, end = _bounds(cover.day, slot.period, calendar)
        if start <= now < end:
            until = end
            for later in slots[index + 1 :]:  # the same person on through the next periods
                later_start, later_end = _bounds(cover.day, later.period, calendar)
                if later.who != slot.who or later_start != until:
                    break
                until = later_end
            return OnChannel(slot.who, until, slot, calendar.is_open(now))
    return None


def uncovered(cover: Cover, now: datetime, calendar: SupportCalendar) -> tuple[Slot, ...]:
    """The periods of the cover's day, in support hours and not over by `now`, that nobody covers."""
    day = cover.day
    if not calendar.is_working_day(day):
        return ()
    opening, closing = calendar.opening(day), calendar.closing(day)
    found = []
    for slot in cover.slots:
        start, end = _bounds(day, slot.period, calendar)
        if slot.who is None and end > now and start < closing and end > opening:
            found.append(slot)
    return tuple(found)


def uncovered_now(cover: Cover, now: datetime, calendar: SupportCalendar) -> OnChannel | None:
    """The period under way when it is in support hours and nobody covers it."""
    found = on_channel(cover, now, calendar)
    return found if found is not None and found.who is None and found.in_hours else None


def period_start(cover: Cover, slot: Slot, calendar: SupportCalendar) -> datetime:
    return _bounds(cover.day, slot.period, calendar)[0]


def _bounds(day: date, period: CoverPeriod, calendar: SupportCalendar) -> tuple[datetime, datetime]:
    return calendar.moment(day, period.start), calendar.moment(day, period.end)


# -- which cover counts --------------------------------------------------------------------------------


def adopt(current: Cover | None, posts: Iterable[Cover], day: date) -> Cover | None:
    """The cover to show for `day`, given the one shown now and covers found in the channel: the latest
    of them. This machine's own post, once seen in the channel, replaces its pending copy; a post and
    a cover set here at the same second go to the post (every dashboard then shows the same)."""
    best = current if current is not None and current.day == day else None
    for post in posts:
        if post.day != day or post.ts is None:
            continue
        if best is not None and best.ref is not None and post.ref == best.ref:
            best = post  # our own post, confirmed
        elif best is None or _order(post) > _order(best):
            best = post
    return best


def _order(cover: Cover) -> tuple[Any, ...]:
    if cover.ts is not None and _TS.fullmatch(cover.ts):
        return (ts_to_datetime(cover.ts), 1, *ts_key(cover.ts))
    moment = cover.at.replace(microsecond=0) if cover.at else datetime.min.replace(tzinfo=UTC)
    return (moment, 0, 0, 0)


# -- cover ↔ metadata ---------------------------------------------------------------------------------


def payload(cover: Cover, *, outbox_id: str | None = None) -> dict[str, Any]:
    """The ``event_payload`` of the post that shares ``cover`` (the stable format, see the README)."""
    body: dict[str, Any] = {
        "day": cover.day.isoformat(),
        "engineer": cover.engineer,
        "dba": cover.dba,
        "duty_consultant": cover.duty_consultant,
        "periods": [_period_payload(slot) for slot in cover.slots[:MAX_PERIODS]],
    }
    if cover.by:
        body["by"] = text.one_line(cover.by, BY_LIMIT, breaks=False)
    if outbox_id is not None:
        body["outbox"] = outbox_id
    return body


def _period_payload(slot: Slot) -> dict[str, Any]:
    found: dict[str, Any] = {
        "start": f"{slot.period.start:%H:%M}",
        "end": f"{slot.period.end:%H:%M}",
        "who": slot.who,
    }
    if slot.period.label:
        found["label"] = slot.period.label[:LABEL_LIMIT]
    return found


class _Malformed(Exception):
    """A payload that is not the stable format (never leaves this module)."""


def cover_from_message(message: ChatMessage) -> Cover | None:
    """The cover a #laa-ops post carries, or None for a plain message, another app's metadata or a
    payload that is not exactly the stable format. Never raises."""
    if message.metadata_type != EVENT_TYPE or not isinstance(message.metadata, str):
        return None
    try:
        return _cover(message)
    except (_Malformed, ValueError, TypeError, OverflowError, RecursionError):
        return None


def _cover(message: ChatMessage) -> Cover:
    raw = message.metadata or ""
    if len(raw) > MAX_PAYLOAD or not isinstance(message.ts, str) or not _TS.fullmatch(message.ts):
        raise _Malformed
    body = json.loads(raw, parse_constant=_no_constant)
    if not isinstance(body, dict):
        raise _Malformed
    day = body.get("day")
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        raise _Malformed
    people = {name: _user(body.get(name)) for name, _ in ROLES}
    periods = body.get("periods")
    if not isinstance(periods, list) or len(periods) > MAX_PERIODS:
        raise _Malformed
    slots = tuple(_slot(item) for item in periods)
    for before, after in pairwise(slots):
        if after.period.start < before.period.end:
            raise _Malformed  # periods in order, none overlapping
    outbox = body.get("outbox")
    if outbox is not None and not (isinstance(outbox, str) and _ID.fullmatch(outbox)):
        raise _Malformed
    by = body.get("by", "")
    if not isinstance(by, str):
        raise _Malformed
    return Cover(
        day=date.fromisoformat(day),
        engineer=people["engineer"],
        dba=people["dba"],
        duty_consultant=people["duty_consultant"],
        slots=slots,
        by=text.one_line(by, BY_LIMIT, breaks=False),
        at=ts_to_datetime(message.ts),
        ts=message.ts,
        ref=outbox,
    )


def _slot(item: object) -> Slot:
    if not isinstance(item, dict):
        raise _Malformed
    start, end = _clock(item.get("start")), _clock(item.get("end"))
    if start >= end:
        raise _Malformed
    label = item.get("label", "")
    if not isinstance(label, str):
        raise _Malformed
    return Slot(
        CoverPeriod(start, end, text.one_line(label, LABEL_LIMIT, breaks=False)), _user(item.get("who"))
    )


def _clock(value: object) -> time:
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _Malformed
    return time(int(match[1]), int(match[2]))


def _user(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not SLACK_USER.fullmatch(value):
        raise _Malformed
    return value


def _no_constant(name: str) -> object:
    raise _Malformed(name)  # NaN, Infinity, -Infinity: not JSON


# -- the post -------------------------------------------------------------------------------------------


def post_text(cover: Cover) -> str:
    """The #laa-ops post that shares the cover, in Slack mrkdwn. People are mentioned by id (so each
    learns they are on); the setter's name is escaped, so it cannot mention or link anything."""
    header = f":telephone_receiver: *Support cover for {cover.day:%a %d %b}*"
    if cover.by:
        header += f" (set by {text.slack_escape(text.one_line(cover.by, BY_LIMIT, breaks=False))})"
    team = " · ".join(f"*{title}:* {_person(cover.role(name))}" for name, title in ROLES)
    lines = [header, team, "*On #laa-ops:*"]
    for slot in cover.slots:
        label = f" ({text.slack_escape(slot.period.label)})" if slot.period.label else ""
        lines.append(f"• {slot.period.span}{label}: {_person(slot.who)}")
    return "\n".join(lines)


def _person(slack_id: str | None) -> str:
    return mention(slack_id) or "_nobody yet_"
