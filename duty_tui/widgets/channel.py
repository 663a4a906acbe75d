"""The channel pane: #laa-ops as a live log, newest at the bottom, replies summarised per thread.

It holds a bounded window of the newest messages; moving above the first row asks the channel desk
(its container) for older ones from the store, so memory stays flat over a working day. Enter asks
the desk for the message's thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from duty_tui import text
from duty_tui.desks.intents import OlderMessagesWanted, ThreadWanted
from duty_tui.models import ChatMessage, ChatUser, SourceStatus, ts_key, ts_to_datetime
from duty_tui.text.slack import slack_text  # with its emoji tables: loaded with the app, not at first paint
from duty_tui.text.timefmt import clock, day_clock
from duty_tui.widgets.keyed_table import Column, KeyedTable
from duty_tui.widgets.list_pane import ListPane

WINDOW = 400  # messages kept in the pane; older ones are read from the store on demand
COLUMNS = (
    Column("time", "Time", width=9),
    Column("author", "Author", width=14),
    Column("text", "Message", min_width=12),
    Column("replies", "Thread", width=11),
)
QUIET_SUBTYPES = {
    "channel_join",
    "channel_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "pinned_item",
}


class Directory(text.NameLookup):
    """Slack user and channel names for rendering mentions; filled from the store and polls."""

    def __init__(
        self, users: Mapping[str, ChatUser] | None = None, channels: Mapping[str, str] | None = None
    ) -> None:
        self.users: dict[str, ChatUser] = dict(users or {})
        self.channels: dict[str, str] = dict(channels or {})

    def user_name(self, user_id: str) -> str | None:
        user = self.users.get(user_id)
        return user.name if user else None

    def channel_name(self, channel_id: str) -> str | None:
        return self.channels.get(channel_id)


class MessageTable(KeyedTable[ChatMessage]):
    """Messages keyed by ts."""


class ChannelPane(ListPane):
    """Pane 2."""

    def __init__(self, now: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.directory = Directory()
        self.now = now
        self.zone = zone
        table = MessageTable(
            COLUMNS,
            key=lambda m: m.ts,
            cells=self.cells,
            sort_key=lambda m: ts_key(m.ts),
            search_text=self.search_text,
            empty_text="No messages yet.",
            follow_tail=True,
            id="message-table",
        )
        super().__init__(2, "#laa-ops", table, id="channel")

    @property
    def names(self) -> text.NameLookup:
        """Slack ids → names, as the pane knows them (for a thread shown elsewhere)."""
        return self.directory

    def message(self, ts: str) -> ChatMessage | None:
        return self.table.item(ts)

    def learn_users(self, users: Iterable[ChatUser]) -> None:
        """Names from the store or a poll: rows already shown may now name someone they did not."""
        users = list(users)
        if users:
            self.directory.users.update((user.id, user) for user in users)
            self.table.invalidate()

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

    def author(self, message: ChatMessage) -> str:
        if message.user_id:
            return self.directory.user_name(message.user_id) or message.bot_name or message.user_id
        return message.bot_name or "(bot)"

    def cells(self, message: ChatMessage) -> list[Text]:
        quiet = message.subtype in QUIET_SUBTYPES
        body = slack_text(message.text, self.directory, single_line=True, limit=400)
        if message.subtype == "tombstone":
            body = text.plain("(message deleted)", "dim italic")
        if quiet:
            body.stylize("dim italic")
        if message.edited:
            body.append(" (edited)", "dim")
        for reaction in message.reactions[:4]:
            body.append_text(slack_text(f" :{reaction.name}:", self.directory))
            body.append(str(reaction.count), "dim")
        author_style = "dim" if quiet else "bold"
        return [
            text.plain(day_clock(message.sent_at, self.now(), self.zone), "dim"),
            text.plain(self.author(message), author_style, single_line=True),
            body,
            self.thread_cell(message),
        ]

    def thread_cell(self, message: ChatMessage) -> Text:
        if not message.reply_count:
            return Text("")
        label = f"💬 {message.reply_count}"
        if message.latest_reply:
            label += " " + clock(ts_to_datetime(message.latest_reply), self.zone)
        return text.plain(label, "cyan")

    def search_text(self, message: ChatMessage) -> str:
        return f"{self.author(message)} {message.text}"

    def show(self, messages: Iterable[ChatMessage]) -> None:
        self.table.set_rows(messages)
        self.update_counts()

    def apply(self, changed: Iterable[ChatMessage], removed: Iterable[str] = ()) -> None:
        changed, removed = list(changed), list(removed)
        if changed or removed:
            self.table.apply(changed, removed)
            self.trim()
            self.update_counts()

    def prepend(self, older: Iterable[ChatMessage]) -> None:
        """Older messages from the store, above the current first row."""
        self.table.apply(older)
        self.update_counts()

    def oldest_ts(self) -> str | None:
        return min((m.ts for m in self.table.items()), key=ts_key, default=None)

    def trim(self) -> None:
        """Keep the window bounded, unless the engineer is reading the part that would go."""
        keys = sorted((m.ts for m in self.table.items()), key=ts_key)
        excess = len(keys) - WINDOW
        if excess <= 0:
            return
        dropped = keys[:excess]
        cursor = self.table.cursor_key
        if cursor is not None and cursor in set(dropped):
            return
        self.table.apply((), dropped)

    def update_counts(self) -> None:
        self.counts = f"{self.table.total_count} shown"
        self.refresh_title()

    def set_channel_name(self, name: str) -> None:
        self.title = "#" + text.sanitize(name)
        self.refresh_title()

    def show_status(self, status: SourceStatus | None) -> None:
        self.banner.show_status("Slack", status, self.now(), self.zone)
