"""The channel desk: #laa-ops as the pane shows it, and the place channel keys become writes.

It is the channel pane's container: the pane's intents (open a thread, show older messages, reply,
react, claim, raise a ticket, mark done, open or copy a link) bubble to it, the Slack poll loop posts to
it, and it paints what they bring. Replies, reactions, claims and tickets are recorded as outbox writes
(the store writer stores them, the one outbox writer sends them), shown at once as on their way (⟳), and
undone with a sentence when Slack or Jira refuses; a refused reply comes back in the editor. Older
messages come from the store in a worker; a thread's replies and a message's link from Slack, off the
UI thread.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol

from textual import work
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer

from duty_tui import text
from duty_tui.desks.boards import watched_boards
from duty_tui.desks.channel_messages import BoardsLoaded, ChannelCached, MessageReloaded, PermalinkFound
from duty_tui.desks.happiness import HappinessDesk
from duty_tui.desks.intents import ChannelRead, MessageIntent, OlderMessagesWanted, ThreadWanted
from duty_tui.desks.queueing import pending_count, store_writes
from duty_tui.desks.ticket_collaborators import Sender
from duty_tui.desks.ticket_messages import (
    OutboxProgressed,
    PendingWritesChanged,
    WritesNotStored,
    WritesQueued,
)
from duty_tui.desks.ui import DeskUI, post_from_thread
from duty_tui.messages import OlderMessagesLoaded, SourcePolled
from duty_tui.models import (
    ChatMessage,
    ChatUser,
    NewTicket,
    ReplyDraft,
    Service,
    SourceStatus,
    Write,
    WriteKind,
)
from duty_tui.rules import channel_actions
from duty_tui.rules.actions import Actor
from duty_tui.rules.channel_actions import Board, MessageAction, thread_of
from duty_tui.rules.happiness_asks import done_refusal
from duty_tui.rules.raised import description_of, summary_of
from duty_tui.rules.requests import CLAIM, OWN_CLAIM, Team
from duty_tui.runtime import Runtime
from duty_tui.sources.errors import SourceError
from duty_tui.store.db import why_not_stored
from duty_tui.sync.outbox import OutboxProgress
from duty_tui.sync.outcomes import MessagesPolled, PollFailed
from duty_tui.sync.slack_team import ME_KEY
from duty_tui.sync.store_writer import StoreWriter
from duty_tui.text import NameLookup

TRIAGE_NOTICE_WITHIN = timedelta(minutes=30)  # a claim that crossed longer ago was said before (or is old)
OLDER_PAGE = 100  # messages read from the store each time the engineer scrolls above the oldest
CONFIRM_SECONDS = 4.0
SEEN_KEY = "slack.seen_ts:{channel}"


class ChannelView(Protocol):
    """What the desk needs of the channel pane (`widgets.channel.ChannelPane`)."""

    @property
    def names(self) -> NameLookup: ...

    def message(self, ts: str) -> ChatMessage | None: ...

    def author(self, message: ChatMessage) -> str: ...

    def show(self, messages: Iterable[ChatMessage]) -> None: ...

    def apply(self, changed: Iterable[ChatMessage], removed: Iterable[str] = ()) -> None: ...

    def prepend(self, older: Iterable[ChatMessage]) -> None: ...

    def learn_users(self, users: Iterable[ChatUser]) -> None: ...

    def set_channel_name(self, name: str) -> None: ...

    def show_status(self, status: SourceStatus | None) -> None: ...

    def set_team(self, team: frozenset[str] | None, me: str | None = None) -> None: ...

    def set_claims(
        self, claims: Mapping[str, Mapping[str, datetime]], tickets: Mapping[str, tuple[str, ...]]
    ) -> None: ...

    def set_pending(self, pending: Mapping[str, tuple[WriteKind, ...]]) -> None: ...

    def set_seen(self, ts: str | None) -> None: ...

    def set_ticket_links(self, link: Callable[[str], str | None]) -> None: ...

    def claimed_by(self, message: ChatMessage) -> tuple[str, ...]: ...

    @property
    def team(self) -> Team: ...

    def tickets_of(self, ts: str) -> tuple[str, ...]: ...

    def over_triage(self, within: timedelta) -> list[tuple[ChatMessage, bool]]: ...

    def add_own_claim(self, ts: str, at: datetime) -> None: ...

    def remove_own_claim(self, ts: str) -> None: ...

    @property
    def me(self) -> str | None: ...

    def tick(self) -> None: ...


class ChannelDialogs(Protocol):
    """The dialogs the channel opens (`views.channel_dialogs.ChannelDialogs`)."""

    def thread(
        self, message: ChatMessage, names: NameLookup, load: Callable[[], list[ChatMessage]] | None
    ) -> Screen[None]: ...

    def reply(
        self, message: ChatMessage, names: NameLookup, author: str, initial: ReplyDraft | None
    ) -> Screen[ReplyDraft | None]: ...

    def react(
        self, message: ChatMessage, names: NameLookup, already: Iterable[str]
    ) -> Screen[str | None]: ...

    def raise_ticket(
        self,
        boards: Sequence[Board],
        summary: str,
        description: str,
        priority: str,
        load_description: Callable[[], str] | None,
    ) -> Screen[NewTicket | None]: ...


def new_id() -> str:
    return uuid.uuid4().hex


class ChannelDesk(Vertical):
    """The channel pane's container."""

    DEFAULT_CSS = """
    ChannelDesk { height: 1fr; }
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        pane: ChannelView,
        ui: DeskUI,
        dialogs: ChannelDialogs,
        store_writer: StoreWriter | None = None,
        sender: Sender | None = None,
    ) -> None:
        super().__init__(id="channel-desk")
        self.runtime = runtime
        self.channel = runtime.config.slack.channel
        self.pane = pane
        self.ui = ui
        self.dialogs = dialogs
        self.store_writer = store_writer or StoreWriter("channel writes")
        self.sender = sender  # None with --read-only, or while another duty-tui sends this data dir's outbox
        self.boards: list[Board] = []
        self.permalinks: dict[str, str] = {}
        self.pending: dict[str, list[Write]] = {}  # message ts → my writes on their way
        self._thread: tuple[str, Screen[None]] | None = None  # the open thread view, kept live
        self._confirm: tuple[str, MessageAction] | None = None
        self._confirm_until = 0.0
        self._pause = threading.Event()  # never set: a wait the store writer can take between tries
        self._triage_told: set[str] = set()  # claims already announced as past the triage time
        self._drafts: list[Write] = []  # refused replies to reopen
        self._settled: set[str] = set()  # writes the outbox has finished with (sent or refused)
        self._drafts_timer: Timer | None = None
        # `d` and the asks that follow a resolved ticket (`[happiness]`); told here when its asks are stored.
        self.happiness = HappinessDesk(
            runtime,
            store_writer=self.store_writer,
            queued=lambda writes, pending: post_from_thread(self, WritesQueued(writes, pending)),
        )

    # -- start ------------------------------------------------------------------------------------

    def show_cache(
        self, messages: list[ChatMessage], users: Mapping[str, ChatUser], channel_name: str | None
    ) -> None:
        """What the store knew at start, painted before any network call."""
        self.pane.learn_users(users.values())
        if channel_name:
            self.pane.set_channel_name(channel_name)
        self.pane.show(messages)
        self.load_channel_state(messages[0].ts if messages else "0")

    @work(thread=True, group="store-read-channel", exit_on_error=False, description="channel state")
    def load_channel_state(self, since_ts: str) -> None:
        """Claims, tickets raised, my writes on their way, the read marker and where tickets go."""
        store = self.runtime.store
        boards = self._boards()
        pending = [
            w
            for w in store.outbox.pending()
            if w.service is Service.SLACK or w.kind in (WriteKind.CREATE, WriteKind.LINK)
        ]
        post_from_thread(
            self,
            ChannelCached(
                claims=store.claims.of(self.channel, since_ts),
                tickets=dict(store.raised.of(self.channel, since_ts)),
                pending=pending,
                seen_ts=store.meta.get(SEEN_KEY.format(channel=self.channel)),
                me=store.meta.get(ME_KEY),
                boards=boards,
            ),
        )

    def _boards(self) -> list[Board]:
        """Where tickets raised from the channel can go: the watched boards whose project is known."""
        return watched_boards(self.runtime)

    @work(thread=True, group="store-read-boards", exit_on_error=False, description="boards")
    def load_boards_then_raise(self, ts: str | None) -> None:
        """A first run learns the boards' projects at the first Jira sync, after the cache was read."""
        post_from_thread(self, BoardsLoaded(self._boards(), ts))

    def _set_boards(self, boards: list[Board]) -> None:
        self.boards = boards
        projects = {b.project for b in boards}
        browse = self.runtime.jira.browse_url
        # Keys of the watched boards' projects link to Jira; other keys are left as text.
        self.pane.set_ticket_links(lambda key: browse(key) if key.rsplit("-", 1)[0] in projects else None)

    def on_boards_loaded(self, message: BoardsLoaded) -> None:
        self._set_boards(message.boards)
        if message.ts is None:
            return
        chat = self.pane.message(message.ts)
        me = self._writer_identity()
        if not self.boards:
            self.ui.notify(
                "duty-tui does not know the boards' projects yet: it learns them at the first Jira sync. "
                "Try again when Jira is reachable.",
                severity="warning",
                markup=False,
            )
        elif chat is not None and me is not None:
            self._raise(chat, me)

    def on_channel_cached(self, message: ChannelCached) -> None:
        self._set_boards(message.boards)
        self.pane.set_claims(message.claims, message.tickets)
        if message.seen_ts:
            self.pane.set_seen(message.seen_ts)
        if message.me:
            self.pane.set_team(None, message.me)
        known = {w.uid for writes in self.pending.values() for w in writes}
        for write in message.pending:
            if write.uid not in self._settled and write.uid not in known:
                self.pending.setdefault(write.key, []).append(write)
        self._show_pending()

    def on_channel_read(self, message: ChannelRead) -> None:
        """Remember where the engineer had read to, for the unread marker after a restart."""
        message.stop()
        key = SEEN_KEY.format(channel=self.channel)
        self.store_writer.submit(partial(self.runtime.store.meta.set, key, message.ts))

    # -- polls ------------------------------------------------------------------------------------

    def on_source_polled(self, message: SourcePolled) -> None:
        """A Slack poll: its messages and names go on the pane (the message goes on to the app)."""
        outcome = message.outcome
        if isinstance(outcome, MessagesPolled):
            if outcome.users:
                self.pane.learn_users(outcome.users)  # names in earlier rows may now resolve
            if outcome.channel_name:
                self.pane.set_channel_name(outcome.channel_name)
            if outcome.team:
                self.pane.set_team(outcome.team, outcome.me)
            if outcome.claims:
                self.pane.set_claims(outcome.claims, {})
            self.pane.apply(outcome.changed, outcome.removed)
            self.pane.show_status(outcome.status)
            self._keep_thread_live(outcome.changed)
            if not self.boards:  # a first run: the Jira sync may have learned them by now
                self.load_boards_then_raise(None)
            self.slack_answered()
        elif isinstance(outcome, PollFailed):
            self.pane.show_status(outcome.status)

    def _keep_thread_live(self, changed: Sequence[ChatMessage]) -> None:
        if self._thread is None:
            return
        ts, screen = self._thread
        if not screen.is_attached:
            self._thread = None
        elif any(m.ts == ts for m in changed):
            reload = getattr(screen, "reload", None)
            if callable(reload):
                reload()

    def slack_answered(self) -> None:
        """A poll reached Slack: writes waiting out a back-off go now."""
        if self.sender is not None and self.pending:
            self.store_writer.submit(self.sender.send_now)

    def tick(self) -> None:
        """The clock moved on: clocks in the rows, and my claims that have passed the triage time."""
        self.pane.tick()
        minutes = text.duration(self.runtime.config.channel.triage, "words")
        for chat, mine in self.pane.over_triage(TRIAGE_NOTICE_WITHIN):
            if not mine or chat.ts in self._triage_told:
                continue
            self._triage_told.add(chat.ts)
            self.ui.notify(
                f"You claimed {self.pane.author(chat)}'s request {minutes} ago. If it needs more than quick "
                "help, press n on it to raise a Jira ticket.",
                title="Past the triage time",
                severity="warning",
                timeout=20,
                markup=False,
            )

    # -- threads and older messages ---------------------------------------------------------------

    def on_thread_wanted(self, message: ThreadWanted) -> None:
        message.stop()
        chat = self.pane.message(message.ts)
        if chat is not None:
            load = partial(self.runtime.slack.replies, thread_of(chat))
            screen = self.dialogs.thread(chat, self.pane.names, load)
            self._thread = (chat.ts, screen)
            self.ui.push_screen(screen)

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

    @work(thread=True, group="store-read-message", exit_on_error=False, description="message")
    def reload_message(self, ts: str) -> None:
        found = self.runtime.store.messages.get(self.channel, ts)
        if found is not None:
            post_from_thread(self, MessageReloaded(found))

    def on_message_reloaded(self, message: MessageReloaded) -> None:
        if self.pane.message(message.message.ts) is not None:  # not trimmed from the window meanwhile
            self.pane.apply([message.message])

    # -- the keys ---------------------------------------------------------------------------------

    def on_message_intent(self, message: MessageIntent) -> None:
        message.stop()
        chat = self.pane.message(message.ts)
        if chat is None:
            return
        action = message.action
        if not action.writes:
            self._with_permalink(chat, action)
            return
        me = self._writer_identity()
        if me is None:
            return
        if action is MessageAction.REPLY:
            self._reply(chat, me)
        elif action is MessageAction.REACT:
            self._react(chat, me)
        elif action is MessageAction.CLAIM:
            self._claim(chat, me)
        elif action is MessageAction.RAISE:
            self._raise(chat, me)
        elif action is MessageAction.DONE:
            self._mark_done(chat, me)

    def _writer_identity(self) -> Actor | None:
        """The engineer, if writing is possible now; otherwise say why not."""
        if self.runtime.read_only:
            self.ui.notify(
                "duty-tui runs with --read-only: nothing is posted to Slack or Jira.",
                severity="warning",
                markup=False,
            )
            return None
        account = self.runtime.account.cached()
        return Actor(account.account_id if account else "", self.runtime.engineer_name())

    def _reply(self, chat: ChatMessage, me: Actor, initial: ReplyDraft | None = None) -> None:
        def written(draft: ReplyDraft | None) -> None:
            if draft is not None and draft.text.strip():
                self.queue(channel_actions.reply(chat, me, draft, self.runtime.now(), new_id))

        screen = self.dialogs.reply(chat, self.pane.names, self.pane.author(chat), initial)
        self.ui.push_screen(screen, written)

    def _react(self, chat: ChatMessage, me: Actor) -> None:
        mine = self.pane.me
        already = [r.name for r in chat.reactions if mine and mine in r.users]

        def picked(name: str | None) -> None:
            if name:
                self.queue(channel_actions.react(chat, me, name, self.runtime.now(), new_id))

        self.ui.push_screen(self.dialogs.react(chat, self.pane.names, already), picked)

    def _claim(self, chat: ChatMessage, me: Actor) -> None:
        claimers = self.pane.claimed_by(chat)
        mine = self.pane.me
        if OWN_CLAIM in claimers or (mine and mine in claimers and self.runtime.slack_writer.as_user):
            self.ui.notify("You have already claimed this request.", timeout=3, markup=False)
            return
        if claimers and not self._confirmed(chat.ts, MessageAction.CLAIM):
            names = ", ".join(self.pane.names.user_name(u) or u for u in claimers if u != OWN_CLAIM)
            self.ui.notify(
                f"{names} already claimed this request. Press t again to claim it too.",
                timeout=CONFIRM_SECONDS,
                markup=False,
            )
            return
        now = self.runtime.now()
        writes = channel_actions.claim(chat, me, now, new_id, as_user=self.runtime.slack_writer.as_user)
        self.pane.add_own_claim(chat.ts, now)
        store = self.runtime.store
        self.queue(writes, also=partial(store.claims.seen, self.channel, [(chat.ts, OWN_CLAIM)], now))

    def _mark_done(self, chat: ChatMessage, me: Actor) -> None:
        """`d`: ✅ on a request (and, with `[happiness] ask`, the ask in its thread); anything else, or a
        request already done, is said in one line."""
        refusal = done_refusal(chat, self.pane.team, self.pending.get(chat.ts, ()))
        if refusal is not None:
            self.ui.notify(refusal, timeout=4, markup=False)
            return
        self.queue(self.happiness.done_writes(chat, me, self.pane.tickets_of(chat.ts)))

    def _confirmed(self, ts: str, action: MessageAction) -> bool:
        """A second press within a few seconds confirms an action the first one was warned about."""
        now = time.monotonic()
        if self._confirm == (ts, action) and now < self._confirm_until:
            self._confirm = None
            return True
        self._confirm, self._confirm_until = (ts, action), now + CONFIRM_SECONDS
        return False

    def _raise(self, chat: ChatMessage, me: Actor) -> None:
        if not self.boards:
            self.load_boards_then_raise(chat.ts)
            return
        names, zone = self.pane.names, self.runtime.calendar.zone
        summary = summary_of(chat, names)
        description = description_of(
            chat, [], names, author=self.pane.author, zone=zone, permalink=self.permalinks.get(chat.ts)
        )

        def load_description() -> str:  # on a worker thread, while the form is open
            link = self.permalinks.get(chat.ts) or self.runtime.slack_writer.permalink(chat.ts)
            self.permalinks[chat.ts] = link
            replies = self.runtime.slack.replies(thread_of(chat))[1:] if chat.reply_count else []
            return description_of(chat, replies, names, author=self.pane.author, zone=zone, permalink=link)

        def created(ticket: NewTicket | None) -> None:
            if ticket is None:
                return
            board = next((b for b in self.boards if b.id == ticket.board_id), None)
            if board is None:
                return
            permalink = self.permalinks.get(chat.ts)
            writes = channel_actions.raise_ticket(
                chat, me, ticket, board, permalink=permalink, now=self.runtime.now(), new_id=new_id
            )
            self.queue(writes)

        screen = self.dialogs.raise_ticket(
            self.boards, summary, description, self.runtime.config.channel.priority, load_description
        )
        self.ui.push_screen(screen, created)

    # -- links ------------------------------------------------------------------------------------

    def _with_permalink(self, chat: ChatMessage, action: MessageAction) -> None:
        known = self.permalinks.get(chat.ts)
        if known:
            self.on_permalink_found(PermalinkFound(chat, action, known, None))
        else:
            self.find_permalink(chat, action)

    @work(thread=True, group="slack-permalink", exit_on_error=False, description="permalink")
    def find_permalink(self, chat: ChatMessage, action: MessageAction) -> None:
        try:
            url = self.runtime.slack_writer.permalink(chat.ts)
        except SourceError as error:
            post_from_thread(self, PermalinkFound(chat, action, None, error.message))
            return
        post_from_thread(self, PermalinkFound(chat, action, url, None))

    def on_permalink_found(self, message: PermalinkFound) -> None:
        if message.url is None:
            self.ui.notify(f"No link for the message: {message.error}", severity="warning", markup=False)
            return
        self.permalinks[message.message.ts] = message.url
        if message.action is MessageAction.OPEN:
            self.ui.open_url(message.url)
        else:
            self.ui.copy_to_clipboard(message.url)
            self.ui.notify("Copied the message's link.", timeout=3, markup=False)

    # -- queueing ---------------------------------------------------------------------------------

    def queue(self, writes: list[Write], *, also: Callable[[], None] | None = None) -> None:
        """Show the writes as on their way now, store them off the UI thread, then wake the writer."""
        for write in writes:
            self.pending.setdefault(write.key, []).append(write)
        self._show_pending()
        self.store_writer.submit(partial(self._store, writes, also))

    def _store(self, writes: list[Write], also: Callable[[], None] | None) -> None:
        """On the store writer's thread."""
        store = self.runtime.store
        try:
            stored = store_writes(store, writes, self._pause, also)
        except sqlite3.Error as error:
            post_from_thread(self, WritesNotStored(writes, error))
            return
        post_from_thread(self, WritesQueued(stored, pending_count(store)))

    def on_writes_queued(self, message: WritesQueued) -> None:
        message.stop()
        self._replace_pending(message.writes)
        if message.pending is not None:
            self.post_message(PendingWritesChanged(message.pending, None))
        if self.sender is not None:
            self.sender.wake()

    def on_writes_not_stored(self, message: WritesNotStored) -> None:
        message.stop()
        self._forget(message.writes)
        self._undo_claims(message.writes)
        self.ui.notify(
            f"Could not save “{message.writes[0].describe()}” ({why_not_stored(message.error)}): nothing "
            "was sent. Try again.",
            title="Not saved",
            severity="error",
            timeout=12,
            markup=False,
        )

    def _replace_pending(self, stored: list[Write]) -> None:
        by_uid = {w.uid: w for w in stored}
        for key, writes in self.pending.items():
            self.pending[key] = [by_uid.get(w.uid, w) for w in writes]

    def _forget(self, writes: Iterable[Write]) -> None:
        uids = {w.uid for w in writes}
        for key in list(self.pending):
            left = [w for w in self.pending[key] if w.uid not in uids]
            if left:
                self.pending[key] = left
            else:
                del self.pending[key]
        self._show_pending()

    def _show_pending(self) -> None:
        self.pane.set_pending({ts: tuple(w.kind for w in writes) for ts, writes in self.pending.items()})

    # -- what Slack and Jira made of them ---------------------------------------------------------

    def on_outbox_progressed(self, message: OutboxProgressed) -> None:
        message.stop()
        progress = message.progress
        self.post_message(
            PendingWritesChanged(progress.pending, progress.retrying if progress.pending else None)
        )
        write = progress.write
        if progress.retrying is None:
            self._settled.update(w.uid for w in (write, *progress.cancelled))
        if progress.failure is None and progress.retrying is None:
            self._forget([write])
            if write.kind is WriteKind.CREATE and write.result:
                self.pane.set_claims({}, {write.key: (write.result,)})
            elif write.service is Service.SLACK:
                self.reload_message(write.key)  # the cache now counts the reply or reaction
        elif progress.failure is not None:
            self._forget([write, *progress.cancelled])
            self._undo_claims([write, *progress.cancelled])
            self._refused(progress)
        elif progress.stuck:
            self.ui.notify(
                f"Still trying to {write.describe()}: {progress.retrying}. duty-tui keeps it and retries; "
                "r retries now.",
                title="Waiting",
                severity="warning",
                timeout=15,
                markup=False,
            )

    def _undo_claims(self, writes: Iterable[Write]) -> None:
        """Claims whose 👀 was not stored or not accepted did not happen: the request is not mine."""
        for write in writes:
            if write.kind is WriteKind.REACT and write.body == CLAIM:
                self.pane.remove_own_claim(write.key)
                forget = partial(self.runtime.store.claims.forget, self.channel, write.key, OWN_CLAIM)
                self.store_writer.submit(forget)

    def _refused(self, progress: OutboxProgress) -> None:
        write = progress.write
        service = "Jira" if write.service is Service.JIRA else "Slack"
        undone = "; the rest of that keypress was not sent" if progress.cancelled else ""
        self.ui.notify(
            f"Could not {write.describe()}: {progress.failure}{undone}",
            title=f"{service} refused",
            severity="error",
            timeout=12,
            markup=False,
        )
        if write.kind is WriteKind.REPLY and not write.announces and not write.metadata and write.body:
            self._drafts.append(write)  # the text is not lost: edit and post again
            self._reopen_drafts()

    def _reopen_drafts(self) -> None:
        """Refused replies come back in the editor one at a time, once no other dialog is open."""
        if not self._drafts:
            return
        if self.ui.screen.is_modal:
            if self._drafts_timer is None:
                self._drafts_timer = self.set_interval(0.5, self._reopen_drafts, name="refused replies")
            return
        if self._drafts_timer is not None:
            self._drafts_timer.stop()
            self._drafts_timer = None
        write = self._drafts.pop(0)
        chat = self.pane.message(write.key)
        me = self._writer_identity()
        if chat is None or me is None:
            if write.body:
                self.ui.copy_to_clipboard(write.body)
                self.ui.notify(
                    "The message has gone from the channel: your reply is on the clipboard.", markup=False
                )
            self._reopen_drafts()
            return
        self._reply(chat, me, ReplyDraft(write.body or "", write.broadcast))
