"""The channel pane: #laa-ops as a live log, newest at the bottom, where the duty engineer works requests.

It holds a bounded window of the newest messages; moving above the first row asks the channel desk
(its container) for older ones from the store, so memory stays flat over a working day. The newest
message is in view at launch and stays in view while the cursor is on the last row; scrolling up to
read is never yanked back. Its keys post `MessageIntent`s (reply, react, claim, raise a ticket, mark
done, open, copy) and Enter a `ThreadWanted` to the desk; the desk paints back what they and the polls
bring. The title counts unread messages and requests waiting for the team.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import events
from textual.binding import BindingType

from duty_tui import text
from duty_tui.config import ChannelConfig
from duty_tui.desks.incident_intents import IncidentIntent, PinnedMessage
from duty_tui.desks.intents import ChannelRead, MessageIntent, OlderMessagesWanted, ThreadWanted
from duty_tui.models import ChatMessage, ChatUser, SourceStatus, WriteKind, ts_key
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.channel_actions import MessageAction
from duty_tui.rules.requests import OWN_CLAIM, RequestState, Team
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.channel_rows import FOLDED_SUBTYPES, ChannelState, ChannelWindow, MessageRows
from duty_tui.widgets.keyed_table import Column, KeyedTable
from duty_tui.widgets.list_pane import ListPane

WINDOW = 400  # messages kept in the pane; older ones are read from the store on demand
COLUMNS = (
    Column("time", "Time", width=9),
    Column("author", "Author", width=14),
    Column("text", "Message", min_width=12),
    Column("replies", "Thread", width=10, hide_below=70),
    Column("request", "Request", width=13),
)


class Directory(text.NameLookup):
    """Slack user and channel names for rendering mentions, and links for ticket keys of watched boards."""

    def __init__(
        self, users: Mapping[str, ChatUser] | None = None, channels: Mapping[str, str] | None = None
    ) -> None:
        self.users: dict[str, ChatUser] = dict(users or {})
        self.channels: dict[str, str] = dict(channels or {})
        self.ticket_link: Callable[[str], str | None] = lambda key: None

    def user_name(self, user_id: str) -> str | None:
        user = self.users.get(user_id)
        return user.name if user else None

    def channel_name(self, channel_id: str) -> str | None:
        return self.channels.get(channel_id)

    def ticket_url(self, key: str) -> str | None:
        return self.ticket_link(key)


class MessageTable(KeyedTable[ChatMessage]):
    """Messages keyed by ts, with the channel keys."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "channel.reply",
        "channel.react",
        "channel.claim",
        "channel.raise",
        "channel.done",
        "channel.open",
        "channel.copy",
        "channel.pin",
    )

    read_only = False

    def action_message(self, action: str) -> None:
        if self.cursor_key is not None:
            self.post_message(MessageIntent(MessageAction(action), self.cursor_key))

    def action_pin_incident(self) -> None:
        """`p`: the incident desk pins the message into an open incident's timeline."""
        pane = self.parent
        message = self.item(self.cursor_key) if self.cursor_key is not None else None
        if message is not None and isinstance(pane, ChannelPane):
            said = text.slack_text(message.text, pane.names).plain
            pinned = PinnedMessage(message.ts, pane.author(message), said, message.sent_at)
            self.post_message(IncidentIntent("pin", None, pinned))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # --read-only hides the write keys, so the footer has room to say why.
        writes = action == "message" and bool(parameters) and MessageAction(str(parameters[0])).writes
        return not ((writes or action == "pin_incident") and self.read_only)


class ChannelPane(ListPane):
    """Pane 2."""

    def __init__(
        self,
        now: Callable[[], datetime],
        zone: ZoneInfo,
        calendar: SupportCalendar,
        config: ChannelConfig | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self.directory = Directory()
        self.now = now
        self.zone = zone
        self.state = ChannelState()
        self.left_at: datetime | None = None  # when the engineer last left the message list
        self.rows = MessageRows(
            self.state,
            self.directory,
            author=self.author,
            now=now,
            zone=zone,
            calendar=calendar,
            config=config or ChannelConfig(),
        )
        self.window = ChannelWindow(self.rows, zone)  # what the title counts, kept as rows change
        table = MessageTable(
            COLUMNS,
            key=lambda m: m.ts,
            cells=self.rows.cells,
            sort_key=lambda m: ts_key(m.ts),
            search_text=self.search_text,
            empty_text="No messages yet.",
            follow_tail=True,
            id="message-table",
        )
        table.read_only = read_only
        table.set_predicate(lambda m: m.subtype not in FOLDED_SUBTYPES)  # joins and leaves folded away
        super().__init__(2, "#laa-ops", table, id="channel")

    @property
    def names(self) -> text.NameLookup:
        """Slack ids → names, as the pane knows them (for a thread shown elsewhere)."""
        return self.directory

    def message(self, ts: str) -> ChatMessage | None:
        return self.table.item(ts)

    # -- what the desk tells the pane ---------------------------------------------------------------

    def learn_users(self, users: Iterable[ChatUser]) -> None:
        """Names from the store or a poll: rows already shown may now name someone they did not."""
        users = list(users)
        if users:
            self.directory.users.update((user.id, user) for user in users)
            self.table.invalidate()

    def set_ticket_links(self, link: Callable[[str], str | None]) -> None:
        self.directory.ticket_link = link
        self.table.invalidate()

    @property
    def me(self) -> str | None:
        """The Slack id the engineer's posts and reactions come from, once known."""
        return self.state.me

    def set_team(self, team: frozenset[str] | None, me: str | None = None) -> None:
        """Who the team is in Slack (None: as before) and who the engineer is (None: as before)."""
        me = me or self.state.me
        team = self.state.team.members if team is None else team
        members = team | {me} if me else team  # whoever duty-tui posts as answers for the team
        if members != self.state.team.members or me != self.state.me:
            self.state.team = Team(frozenset(members))
            self.state.me = me
            self.window.judge(self.window.order)  # who is a requester, and whose posts are mine: every row
            self.table.invalidate()
            self.update_counts()

    @property
    def team(self) -> Team:
        """Who answers for the team in Slack (the engineer included), as the rows judge requests."""
        return self.state.team

    def tickets_of(self, ts: str) -> tuple[str, ...]:
        """The tickets raised from the message, as far as the pane knows."""
        return self.state.tickets.get(ts, ())

    def claimed_by(self, message: ChatMessage) -> tuple[str, ...]:
        """Who has claimed the message ("self" when this engineer has, whatever Slack shows yet)."""
        found = self.rows.request(message).claimed_by
        return (OWN_CLAIM, *found) if self.rows.mine(message) else found

    def over_triage(self, within: timedelta) -> list[tuple[ChatMessage, bool]]:
        """Claimed requests that passed the triage time less than `within` ago, and whether each is this
        engineer's claim (older ones were said before, or before a restart)."""
        triage = self.rows.config.triage
        found = []
        self.window.catch_up()
        for ts in sorted(self.window.attention, key=ts_key):  # a row past its triage time needs the team
            message = self.window.messages[ts]
            request = self.rows.request(message)
            if request.state is RequestState.TRIAGE_OVER and request.in_triage < triage + within:
                found.append((message, self.rows.mine(message)))
        return found

    def remove_own_claim(self, ts: str) -> None:
        """Slack refused my 👀: the request is not mine after all."""
        if self.state.claims.get(ts, {}).pop(OWN_CLAIM, None) is not None:
            self._judged_again([ts])

    def add_own_claim(self, ts: str, at: datetime) -> None:
        self.state.claims.setdefault(ts, {}).setdefault(OWN_CLAIM, at)
        self._judged_again([ts])

    def set_claims(
        self, claims: Mapping[str, Mapping[str, datetime]], tickets: Mapping[str, tuple[str, ...]]
    ) -> None:
        """Claims (when each was first seen) and tickets raised, for the rows' request clocks. A poll
        brings the claims of the messages it changed: only rows whose claims or tickets differ are
        judged and drawn again."""
        touched = []
        for ts, found in claims.items():
            known_claims = self.state.claims.setdefault(ts, {})
            if any(known_claims.get(user) != at for user, at in found.items()):
                known_claims.update(found)
                touched.append(ts)
        for ts, keys in tickets.items():  # a second ticket from the same message adds to the first
            known = self.state.tickets.get(ts, ())
            self.state.tickets[ts] = known + tuple(k for k in keys if k not in known)
            if self.state.tickets[ts] != known:
                touched.append(ts)
        self._judged_again(touched)

    def _judged_again(self, keys: Iterable[str]) -> None:
        """These rows' claims, tickets or unread mark changed: count and draw them again."""
        keys = list(dict.fromkeys(keys))
        self.window.judge(keys)
        self.table.apply([m for ts in keys if (m := self.table.item(ts)) is not None])
        self.update_counts()

    def set_pending(self, pending: Mapping[str, tuple[WriteKind, ...]]) -> None:
        """The engineer's writes still on their way, by message: their rows show ⟳."""
        touched = set(pending) ^ set(self.state.pending) | {
            ts for ts in pending if pending[ts] != self.state.pending.get(ts)
        }
        self.state.pending = dict(pending)
        rows = [m for ts in touched if (m := self.table.item(ts)) is not None]
        self.table.apply(rows)

    def set_seen(self, ts: str | None) -> None:
        """Where the engineer has read to: only the rows between the old mark and the new one change."""
        before, self.state.seen_ts = self.state.seen_ts, ts
        if before == ts:
            return
        if before is None or ts is None:  # from nothing read, or to it: every row's mark may change
            self.window.judge(self.window.order)
            self.table.invalidate()
            self.update_counts()
        else:
            self._judged_again(self.window.read_between(before, ts))

    # -- the table ------------------------------------------------------------------------------------

    def on_keyed_table_selected(self, message: KeyedTable.Selected) -> None:
        """Enter on a message asks for its thread."""
        message.stop()
        self.post_message(ThreadWanted(message.key))

    def on_keyed_table_reached_top(self, message: KeyedTable.ReachedTop) -> None:
        """Above the oldest row (and not filtering): ask for older messages."""
        message.stop()
        if self.table.filter_text:  # older messages would not show through the filter anyway
            return
        oldest = self.oldest_ts()  # a scan of the window: only when it is needed
        if oldest is not None:
            self.post_message(OlderMessagesWanted(oldest))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving the pane: everything in it has been seen, so the unread marker moves to the end."""
        newest = self.newest_ts() if event.widget is self.table else None
        if event.widget is self.table:
            self.left_at = self.now()
        if newest is not None and (self.state.seen_ts is None or ts_key(newest) > ts_key(self.state.seen_ts)):
            self.set_seen(newest)
            self.post_message(ChannelRead(newest))

    def author(self, message: ChatMessage) -> str:
        if message.user_id:
            return self.directory.user_name(message.user_id) or message.bot_name or message.user_id
        return message.bot_name or "(bot)"

    def search_text(self, message: ChatMessage) -> str:
        return f"{self.author(message)} {message.text}"

    def show(self, messages: Iterable[ChatMessage]) -> None:
        messages = list(messages)
        if self.state.seen_ts is None and messages:
            self.state.seen_ts = messages[-1].ts  # a first run: what is there now is not "new"
        self.window.reset(messages)
        self.table.set_rows(messages)
        self.update_counts()

    def apply(self, changed: Iterable[ChatMessage], removed: Iterable[str] = ()) -> None:
        changed, removed = list(changed), list(removed)
        if not changed and not removed:
            return
        first_read = None
        if changed and self.state.seen_ts is None:  # a first run: what the first poll brings is not news
            first_read = self.state.seen_ts = max((m.ts for m in changed), key=ts_key)
        moved = self.window.update(changed, removed)
        cursor = self.table.cursor_key
        # Trimmed in the same table update (each costs a re-layout). The cursor stays on its row or
        # follows the tail, so the rows that go are known now; unless its row was removed: then where it
        # lands is the table's to say, and the window waits for the next poll to shrink.
        dropped = [] if cursor is not None and cursor in set(removed) else self._to_trim()
        moved |= self.window.update((), dropped)
        self._redraw([*(m.ts for m in changed), *moved], [*removed, *dropped])
        if first_read is not None:  # rows already there and newer than it are unread now
            self._judged_again(self.window.newer_than(first_read))
        self.update_counts()

    def prepend(self, older: Iterable[ChatMessage]) -> None:
        """Older messages from the store, above the current first row."""
        older = list(older)
        moved = self.window.update(older)
        self._redraw([*(m.ts for m in older), *moved])
        self.update_counts()

    def _redraw(self, keys: Iterable[str], gone: Sequence[str] = ()) -> None:
        """One table update (each costs a re-layout): the rows of `keys` still in the window as the window
        has them now (changed, or their day's marker came or went), and `gone` dropped. A row trimmed
        away may be among the changed ones: it must not come back."""
        window = self.window.messages
        rows = [window[ts] for ts in dict.fromkeys(keys) if ts in window]
        if rows or gone:
            self.table.apply(rows, gone)

    def oldest_ts(self) -> str | None:
        return self.window.order[0] if self.window.order else None

    def newest_ts(self) -> str | None:
        return self.window.order[-1] if self.window.order else None

    def _to_trim(self) -> list[str]:
        """The oldest rows beyond the window (it stays bounded), or none while the cursor is on one of
        them: the engineer is reading the part that would go."""
        dropped = self.window.order[: max(0, len(self.window.order) - WINDOW)]
        return [] if self.table.cursor_key in dropped else dropped

    def tick(self) -> None:
        """The clock moved on: waiting and triage clocks, and day labels."""
        self.table.invalidate()
        self.update_counts()

    def update_counts(self) -> None:
        self.window.catch_up()  # claims that passed their triage time since: the clock's only effect
        unread, waiting = len(self.window.unread), len(self.window.attention)
        parts = [f"{unread} unread" if unread else "", f"{waiting} waiting" if waiting else ""]
        self.counts = " · ".join(p for p in parts if p) or f"{self.table.row_count} shown"
        self.refresh_title()

    def read_to_end(self) -> datetime | None:
        """When the engineer last left the pane with everything in it read, or None: not since duty-tui
        started (what was there at a first start is not "read"), or something came in since."""
        if self.left_at is None or self.window.unread:
            return None
        return self.left_at

    def go_to_unread(self) -> None:
        """The cursor on the first unread message, or on the newest when everything is read."""
        keys = self.table.row_keys()
        unread = (k for k in keys if k in self.window.unread)
        wanted = next(unread, keys[-1] if keys else None)
        if wanted is not None:
            self.table.move_cursor_to(wanted)

    def set_channel_name(self, name: str) -> None:
        self.title = "#" + text.sanitize(name)
        self.refresh_title()

    def show_status(self, status: SourceStatus | None) -> None:
        self.banner.show_status("Slack", status, self.now(), self.zone)
