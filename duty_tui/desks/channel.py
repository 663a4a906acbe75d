"""The channel desk: #laa-ops as the pane shows it, from the cache, the Slack polls and on demand.

It is the channel pane's container: the pane's intents (open a thread, show older messages) bubble
to it, the Slack poll loop posts to it, and it paints what they bring. Older messages come from the
store in a worker; a thread's replies from Slack, in the thread dialog. Reading only, today: replies,
reactions and claims (the next desk work) will be written through the outbox like the ticket desk's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Protocol

from textual import work
from textual.containers import Vertical
from textual.screen import Screen

from duty_tui.desks.intents import OlderMessagesWanted, ThreadWanted
from duty_tui.desks.ui import DeskUI
from duty_tui.messages import OlderMessagesLoaded, SourcePolled
from duty_tui.models import ChatMessage, ChatUser, SourceStatus
from duty_tui.runtime import Runtime
from duty_tui.sync.outcomes import MessagesPolled, PollFailed
from duty_tui.text import NameLookup

OLDER_PAGE = 100  # messages read from the store each time the engineer scrolls above the oldest


class ChannelView(Protocol):
    """What the desk needs of the channel pane (`widgets.channel.ChannelPane`)."""

    @property
    def names(self) -> NameLookup: ...

    def message(self, ts: str) -> ChatMessage | None: ...

    def show(self, messages: Iterable[ChatMessage]) -> None: ...

    def apply(self, changed: Iterable[ChatMessage], removed: Iterable[str] = ()) -> None: ...

    def prepend(self, older: Iterable[ChatMessage]) -> None: ...

    def learn_users(self, users: Iterable[ChatUser]) -> None: ...

    def set_channel_name(self, name: str) -> None: ...

    def show_status(self, status: SourceStatus | None) -> None: ...


class ChannelDialogs(Protocol):
    """The dialogs the channel opens (`views.channel_dialogs.ChannelDialogs`)."""

    def thread(
        self, message: ChatMessage, names: NameLookup, load: Callable[[], list[ChatMessage]] | None
    ) -> Screen[None]: ...


class ChannelDesk(Vertical):
    """The channel pane's container."""

    DEFAULT_CSS = """
    ChannelDesk { height: 1fr; }
    """

    def __init__(self, runtime: Runtime, *, pane: ChannelView, ui: DeskUI, dialogs: ChannelDialogs) -> None:
        super().__init__(id="channel-desk")
        self.runtime = runtime
        self.channel = runtime.config.slack.channel
        self.pane = pane
        self.ui = ui
        self.dialogs = dialogs

    def show_cache(
        self, messages: list[ChatMessage], users: Mapping[str, ChatUser], channel_name: str | None
    ) -> None:
        """What the store knew at start, painted before any network call."""
        self.pane.learn_users(users.values())
        if channel_name:
            self.pane.set_channel_name(channel_name)
        self.pane.show(messages)

    def on_source_polled(self, message: SourcePolled) -> None:
        """A Slack poll: its messages and names go on the pane (the message goes on to the app)."""
        outcome = message.outcome
        if isinstance(outcome, MessagesPolled):
            if outcome.users:
                self.pane.learn_users(outcome.users)  # names in earlier rows may now resolve
            if outcome.channel_name:
                self.pane.set_channel_name(outcome.channel_name)
            self.pane.apply(outcome.changed, outcome.removed)
            self.pane.show_status(outcome.status)
        elif isinstance(outcome, PollFailed):
            self.pane.show_status(outcome.status)

    def on_thread_wanted(self, message: ThreadWanted) -> None:
        message.stop()
        chat = self.pane.message(message.ts)
        if chat is not None:
            load = partial(self.runtime.slack.replies, chat.ts)
            self.ui.push_screen(self.dialogs.thread(chat, self.pane.names, load))

    def on_older_messages_wanted(self, message: OlderMessagesWanted) -> None:
        message.stop()
        self.load_older(message.before_ts)

    @work(thread=True, group="store-read-older", exclusive=True, exit_on_error=False, description="older")
    def load_older(self, before_ts: str) -> None:
        older = self.runtime.store.messages.recent(self.channel, limit=OLDER_PAGE, before_ts=before_ts)
        if older:
            self.post_message(OlderMessagesLoaded(older))

    def on_older_messages_loaded(self, message: OlderMessagesLoaded) -> None:
        self.pane.prepend(message.messages)
