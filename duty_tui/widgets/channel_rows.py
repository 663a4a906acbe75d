"""How one #laa-ops message reads as a row: who, when, what, its thread, and where it stands as a request.

Kept apart from the pane (which owns the window, the cursor and the counts) so the rules for a row are
in one place: the day's first message carries the date, unread ones a marker, bot posts a mark, a
request its clock (waiting, claimed and for how long, its ticket), and the engineer's own writes still
on their way a ⟳. Everything from Slack goes through `duty_tui.text`, never markup.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from duty_tui import text
from duty_tui.config import ChannelConfig
from duty_tui.models import ChatMessage, WriteKind, ts_key, ts_to_datetime
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.requests import CLAIM, OWN_CLAIM, Request, RequestState, Team, needs_attention, request
from duty_tui.text.slack import slack_text
from duty_tui.text.timefmt import clock, duration

QUIET_SUBTYPES = frozenset(
    {"channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name", "pinned_item"}
)
FOLDED_SUBTYPES = frozenset({"channel_join", "channel_leave"})  # folded away: not shown at all
PENDING_LABEL = {WriteKind.REPLY: "reply", WriteKind.REACT: "reaction", WriteKind.CREATE: "ticket"}
# Whether a message needs the team only ever changes with time one way (a claim's triage clock runs out):
# asked at the end of time, `needs_attention` says whether it ever will.
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


@dataclass
class ChannelState:
    """What the rows need beyond the message: who the team is, claims, tickets, pending writes, unread."""

    team: Team = field(default_factory=lambda: Team(frozenset()))
    claims: dict[str, dict[str, datetime]] = field(default_factory=dict)  # ts → user → when claimed
    tickets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ts → tickets raised from it
    pending: dict[str, tuple[WriteKind, ...]] = field(default_factory=dict)  # ts → my writes on their way
    seen_ts: str | None = None  # the newest message when the engineer last left the pane
    me: str | None = None  # the engineer's Slack id, when known
    first_of_day: set[str] = field(default_factory=set)


class MessageRows:
    def __init__(
        self,
        state: ChannelState,
        names: text.NameLookup,
        *,
        author: Callable[[ChatMessage], str],
        now: Callable[[], datetime],
        zone: ZoneInfo,
        calendar: SupportCalendar,
        config: ChannelConfig,
    ) -> None:
        self.state = state
        self.names = names
        self.author = author
        self.now = now
        self.zone = zone
        self.calendar = calendar
        self.config = config

    def _with_own_claim(self, message: ChatMessage) -> tuple[ChatMessage, dict[str, datetime] | None]:
        claims = self.state.claims.get(message.ts)
        me = self.state.me
        if claims and OWN_CLAIM in claims and me:
            # My own claim counts from when I made it, and before Slack shows my 👀 (it is on its way).
            claims = {**claims, me: min(claims.get(me, claims[OWN_CLAIM]), claims[OWN_CLAIM])}
            if not message.reacted(CLAIM, me):
                message = message.with_reaction(CLAIM, me)
        return message, claims

    def request(self, message: ChatMessage) -> Request:
        message, claims = self._with_own_claim(message)
        return request(
            message,
            self.state.team,
            self.now(),
            self.calendar,
            waiting=self.config.waiting,
            triage=self.config.triage,
            claims=claims,
            tickets=self.state.tickets.get(message.ts, ()),
        )

    def needs_attention(self, message: ChatMessage, at: datetime | None = None) -> bool:
        """Whether the message needs the team now (or `at`, to judge many rows at one time)."""
        message, claims = self._with_own_claim(message)
        return needs_attention(
            message,
            self.state.team,
            self.now() if at is None else at,
            triage=self.config.triage,
            claims=claims,
            tickets=self.state.tickets.get(message.ts, ()),
        )

    def is_unread(self, message: ChatMessage) -> bool:
        seen = self.state.seen_ts
        return (
            seen is not None
            and ts_key(message.ts) > ts_key(seen)
            and message.user_id != self.state.me
            and message.subtype not in QUIET_SUBTYPES
        )

    def cells(self, message: ChatMessage) -> list[Text]:
        quiet = message.subtype in QUIET_SUBTYPES
        return [
            self.time_cell(message),
            self.author_cell(message, quiet),
            self.body_cell(message, quiet),
            self.thread_cell(message),
            self.request_cell(message),
        ]

    def time_cell(self, message: ChatMessage) -> Text:
        local = message.sent_at.astimezone(self.zone)
        if message.ts in self.state.first_of_day:
            # The day's first message carries the day, underlined: the table's day separator.
            days = (self.now().astimezone(self.zone).date() - local.date()).days
            return text.plain(local.strftime("%a %H:%M" if days < 7 else "%d %b"), "bold underline")
        return text.plain(local.strftime("%H:%M"), "dim")

    def author_cell(self, message: ChatMessage, quiet: bool) -> Text:
        cell = Text()
        if self.is_unread(message):
            cell.append("● ", "bold cyan")
        cell.append_text(text.plain(self.author(message), "dim" if quiet else "bold", single_line=True))
        if message.bot_id or message.subtype == "bot_message":
            cell.append(" bot", "dim italic")
        return cell

    def body_cell(self, message: ChatMessage, quiet: bool) -> Text:
        body = slack_text(message.text, self.names, single_line=True, limit=400)
        if message.subtype == "tombstone":
            body = text.plain("(message deleted)", "dim italic")
        if quiet:
            body.stylize("dim italic")
        if message.edited:
            body.append(" (edited)", "dim")
        for reaction in message.reactions[:6]:
            body.append_text(slack_text(f"  :{reaction.name}:", self.names))
            body.append(str(reaction.count), "bold" if self.state.me in reaction.users else "dim")
        pending = self.state.pending.get(message.ts)
        if pending:  # first, so a long message cannot push it out of sight
            kinds = ", ".join(dict.fromkeys(PENDING_LABEL.get(k, k.value) for k in pending))
            body = Text.assemble((f"⟳ {kinds} ", "yellow"), body)
        return body

    def thread_cell(self, message: ChatMessage) -> Text:
        if not message.reply_count:
            return Text("")
        label = f"💬 {message.reply_count}"
        if message.latest_reply:
            label += " " + clock(ts_to_datetime(message.latest_reply), self.zone)
        return text.plain(label, "cyan")

    def request_cell(self, message: ChatMessage) -> Text:
        found = self.request(message)
        state = found.state
        if state is RequestState.NOT_A_REQUEST:
            return Text("")
        if state is RequestState.TICKETED:
            return text.plain(
                "🎫 " + ", ".join(self.state.tickets.get(message.ts, ())), "green", single_line=True
            )
        if state is RequestState.ANSWERED:
            return text.plain("answered", "dim green")
        if state is RequestState.DONE:
            return text.plain("✅ done", "green")
        if state in (RequestState.WAITING, RequestState.OVERDUE):
            style = "bold white on red" if state is RequestState.OVERDUE else "yellow"
            paused = "" if self.calendar.is_open(self.now()) else " ⏸"  # the clock runs in support hours
            return text.plain(f"waiting {duration(found.waited, 'age')}{paused}", style)
        who = self.claimer(found, message)
        minutes = duration(found.in_triage, "age")
        if state is RequestState.TRIAGE_OVER:  # past the triage time: the notice says to press n
            return text.plain(f"👀 {who} {minutes} ⚠", "bold black on dark_orange", single_line=True)
        return text.plain(f"👀 {who} {minutes}", "cyan", single_line=True)

    def mine(self, message: ChatMessage) -> bool:
        return OWN_CLAIM in self.state.claims.get(message.ts, {})

    def claimer(self, found: Request, message: ChatMessage) -> str:
        if not found.claimed_by:
            return "?"
        first = found.claimed_by[0]
        # With the bot's token every engineer's 👀 is the bot's: only my own record says it was me.
        name = "me" if self.mine(message) else (self.names.user_name(first) or first)
        more = f" +{len(found.claimed_by) - 1}" if len(found.claimed_by) > 1 else ""
        return name.split()[0] + more


def _rank(ts: str) -> tuple[tuple[int, int], str]:
    """A row's place in the window: by time, the ts breaking ties (as the table orders them)."""
    return ts_key(ts), ts


class ChannelWindow:
    """The pane's rows as its title and day markers read them, kept up to date from the rows that change.

    Which rows are unread, which need the team, which will once a claim's triage time passes, every ts
    in time order, and each local day's first shown row (`ChannelState.first_of_day`). A 10-hour day
    polls thousands of times, so a poll of a few messages into the 400 must cost those few: the pane
    tells the window what changed (rows, claims, tickets, where the engineer read to) and only the
    clock makes it look again, at the few claimed rows still inside their triage time.
    """

    def __init__(self, rows: MessageRows, zone: ZoneInfo) -> None:
        self.rows = rows
        self.zone = zone
        self.messages: dict[str, ChatMessage] = {}
        self.order: list[str] = []  # every ts in the window, oldest first (see `_rank`)
        self.unread: set[str] = set()
        self.attention: set[str] = set()  # requests the team owes an answer or a ticket, now
        self.later: set[str] = set()  # claimed requests that will need a ticket when their triage time passes
        self._days: dict[date, list[str]] = {}  # local day → the ts of its shown rows, oldest first
        self._judged_at: datetime | None = None  # the latest time a row was judged at
        # Moves on whenever rows come, go or are judged again: every change to a message, a claim, a
        # ticket raised, the team or the read marker comes through here (readers that keep what they
        # made from the rows, like the attention list's requests, know by it that nothing changed). A
        # clock tick with no claimed row to look at again leaves it.
        self.revision = 0

    def reset(self, messages: Iterable[ChatMessage]) -> None:
        """Every row afresh: a new window."""
        self.messages = {m.ts: m for m in messages}
        self.order = sorted(self.messages, key=_rank)
        self._days = {}
        for ts in self.order:  # oldest first, so each day's list comes out sorted
            if (day := self._day(self.messages[ts])) is not None:
                self._days.setdefault(day, []).append(ts)
        self.rows.state.first_of_day = {keys[0] for keys in self._days.values()}
        self.unread, self.attention, self.later = set(), set(), set()
        self._judged_at = None
        self.revision += 1  # a new window, even an empty one
        self.judge(self.order)

    def update(self, changed: Iterable[ChatMessage], removed: Iterable[str] = ()) -> set[str]:
        """Upsert `changed` and drop `removed` by ts; returns the rows that gained or lost their day's
        marker (they must be drawn again), some of which may be gone."""
        firsts: dict[date, str | None] = {}  # each touched day's first row before the update
        for ts in removed:
            if (old := self.messages.pop(ts, None)) is not None:
                del self.order[self._index(ts)]
                self._move_day(ts, self._day(old), None, firsts)
                self._forget(ts)
                self.revision += 1
        judged = []
        for message in changed:
            ts = message.ts
            old = self.messages.get(ts)
            if old is None:
                bisect.insort(self.order, ts, key=_rank)
            self.messages[ts] = message
            self._move_day(ts, self._day(old) if old is not None else None, self._day(message), firsts)
            judged.append(ts)
        self.judge(judged)
        return self._days_moved(firsts)

    def judge(self, keys: Iterable[str]) -> None:
        """Judge these rows again (their message, claims, tickets, the team or the read marker changed)."""
        now = self.rows.now()
        set_back = self._judged_at is not None and now < self._judged_at
        if set_back:  # the clock went back: a triage time judged passed may not have passed after all
            keys = self.order
        judged = False
        for ts in keys:
            judged = True
            message = self.messages.get(ts)
            if message is None:
                self._forget(ts)
                continue
            _mark(self.unread, ts, self.rows.is_unread(message))
            attention = self.rows.needs_attention(message, now)
            _mark(self.attention, ts, attention)
            _mark(self.later, ts, not attention and self.rows.needs_attention(message, END_OF_TIME))
        self._judged_at = now if set_back or self._judged_at is None else max(self._judged_at, now)
        if judged:
            self.revision += 1

    def catch_up(self) -> None:
        """The clock moved: the claimed rows whose triage time has passed now need the team (the only way
        time changes what the title counts), so only those rows are judged again."""
        self.judge(list(self.later))

    def read_between(self, before: str, after: str) -> list[str]:
        """The rows whose unread mark can change when the read marker moves from `before` to `after`:
        those newer than the older of the two and no newer than the newer."""
        low, high = sorted((ts_key(before), ts_key(after)))
        start = bisect.bisect_right(self.order, low, key=ts_key)
        return self.order[start : bisect.bisect_right(self.order, high, key=ts_key)]

    def newer_than(self, ts: str) -> list[str]:
        return self.order[bisect.bisect_right(self.order, ts_key(ts), key=ts_key) :]

    def _index(self, ts: str) -> int:
        return bisect.bisect_left(self.order, _rank(ts), key=_rank)

    def _day(self, message: ChatMessage) -> date | None:
        """The local day the row can carry, or None for a row folded away (never shown)."""
        if message.subtype in FOLDED_SUBTYPES:
            return None
        return message.sent_at.astimezone(self.zone).date()

    def _move_day(self, ts: str, old: date | None, new: date | None, firsts: dict[date, str | None]) -> None:
        if old == new:
            return
        for day in (old, new):
            if day is not None and day not in firsts:
                keys = self._days.get(day)
                firsts[day] = keys[0] if keys else None
        if old is not None:
            keys = self._days[old]
            del keys[bisect.bisect_left(keys, _rank(ts), key=_rank)]
        if new is not None:
            bisect.insort(self._days.setdefault(new, []), ts, key=_rank)

    def _days_moved(self, firsts: dict[date, str | None]) -> set[str]:
        moved: set[str] = set()
        marked = self.rows.state.first_of_day
        for day, was in firsts.items():
            keys = self._days.get(day)
            now = keys[0] if keys else None
            if not keys:
                self._days.pop(day, None)
            if now != was:
                for ts, on in ((was, False), (now, True)):
                    if ts is not None:
                        _mark(marked, ts, on)
                        moved.add(ts)
        return moved

    def _forget(self, ts: str) -> None:
        self.unread.discard(ts)
        self.attention.discard(ts)
        self.later.discard(ts)


def _mark(keys: set[str], key: str, on: bool) -> None:
    if on:
        keys.add(key)
    else:
        keys.discard(key)
