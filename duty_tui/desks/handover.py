"""The handover desk: compose the handover to the next engineer (`H`) and read the latest one.

Composing gathers what the dashboard knows (the app's `gather`, from the panes, on the UI thread: no I/O),
writes the draft (`rules.handover`), and posts what the engineer leaves in the editor to #laa-ops with the
bot's token and `duty_tui_handover` metadata, through the outbox (a `POST` write: stored before it is
sent, sent once). Reading finds the newest handover in the cached channel, by its metadata or, for one
written by hand, by its "Handover" first line, so it works on a machine that never saw it posted and
after a fresh install. Posting or reading one records the day in the store's meta (`handover.posted_day`,
`handover.seen_day`), which the checklist uses to offer the handover items' ticks.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Final, Protocol

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

from duty_tui.desks.queueing import report_stored, store_writes
from duty_tui.desks.ticket_collaborators import Sender
from duty_tui.desks.ticket_messages import OutboxProgressed, PendingWritesChanged
from duty_tui.desks.ui import DeskUI, post_from_thread
from duty_tui.models import ChatMessage, Service, Write, WriteKind
from duty_tui.rules.handover import (
    EVENT_TYPE,
    HandoverFacts,
    handover_text,
    latest_handover,
    payload,
    post_body,
)
from duty_tui.runtime import Runtime
from duty_tui.store.db import why_not_stored
from duty_tui.sync.store_writer import StoreWriter

POSTED_DAY: Final = "handover.posted_day"
SEEN_DAY: Final = "handover.seen_day"
LOOK_BACK: Final = 400  # cached messages searched for the latest handover (newest first)


class HandoverDialogs(Protocol):
    """The dialogs the desk opens (`views.handover`, built by `views.handover_dialogs`)."""

    def compose(self, draft: str) -> Screen[Any]: ...

    def view(self, message: ChatMessage, names: Mapping[str, str]) -> Screen[Any]: ...


class HandoverFound(Message):
    def __init__(self, message: ChatMessage | None, names: dict[str, str]) -> None:
        super().__init__()
        self.message = message
        self.names = names


class HandoverNotStored(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class HandoverDesk(Widget):
    DEFAULT_CSS = """
    HandoverDesk { display: none; }
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        ui: DeskUI,
        dialogs: HandoverDialogs,
        store_writer: StoreWriter,
        sender: Sender | None,
        gather: Callable[[], HandoverFacts],
        me: Callable[[], str | None],
    ) -> None:
        super().__init__(id="handover-desk")
        self.runtime = runtime
        self.ui = ui
        self.dialogs = dialogs
        self.store_writer = store_writer
        self.sender = sender
        self.gather = gather
        self.me = me  # the engineer's Slack id, once known
        self._pause = threading.Event()

    def _today(self) -> str:
        return self.runtime.calendar.local_date(self.runtime.now()).isoformat()

    # -- composing ------------------------------------------------------------------------------------

    def compose_handover(self) -> None:
        if self.runtime.read_only:
            self.ui.notify(
                "duty-tui runs with --read-only: a handover can be read, not posted.",
                severity="warning",
                markup=False,
            )
            return
        now = self.runtime.now()
        draft = handover_text(
            self.gather(), author=self.runtime.engineer_name(), now=now, zone=self.runtime.calendar.zone
        )
        self.ui.push_screen(self.dialogs.compose(draft), self._written)

    def _written(self, edited: str | None) -> None:
        if not edited or not edited.strip():
            return
        uid = uuid.uuid4().hex
        day = self._today()
        write_as = self.runtime.engineer_name()  # who wrote it, when Slack's id is not known yet
        write = Write(
            uid=uid,
            batch=uid,
            kind=WriteKind.POST,
            key=EVENT_TYPE,
            created_at=self.runtime.now(),
            actor_id=self.me() or "",
            actor=self.runtime.engineer_name(),
            service=Service.SLACK,
            body=post_body(edited),
            metadata=json.dumps(payload(day=day, by=self.me() or write_as, outbox_id=uid)),
        )
        also = partial(self.runtime.store.meta.set, POSTED_DAY, day)
        self.store_writer.submit(partial(self._store, write, also))
        self.ui.notify(
            "Handover queued for #laa-ops: it is posted once, as soon as Slack takes it.", markup=False
        )

    def _store(self, write: Write, also: Callable[[], None]) -> None:
        """On the store writer's thread."""
        store = self.runtime.store
        try:
            store_writes(store, [write], self._pause, also)
        except sqlite3.Error as error:
            post_from_thread(self, HandoverNotStored(why_not_stored(error)))
            return
        report_stored(self, store, self.sender)

    def on_handover_not_stored(self, message: HandoverNotStored) -> None:
        self.ui.notify(
            f"Could not save the handover ({message.reason}): nothing was sent. Press H to write it again.",
            title="Not saved",
            severity="error",
            markup=False,
        )

    def on_outbox_progressed(self, message: OutboxProgressed) -> None:
        message.stop()
        progress = message.progress
        self.post_message(
            PendingWritesChanged(progress.pending, progress.retrying if progress.pending else None)
        )
        if progress.failure is not None:
            self.ui.notify(
                f"Could not post the handover: {progress.failure}",
                title="Slack refused",
                severity="error",
                timeout=12,
                markup=False,
            )
        elif progress.retrying is None:
            self.ui.notify("Handover posted to #laa-ops.", timeout=4, markup=False)

    # -- reading ----------------------------------------------------------------------------------------

    @work(thread=True, group="handover-read", exclusive=True, exit_on_error=False, description="handover")
    def show_latest(self) -> None:
        store, channel = self.runtime.store, self.runtime.config.slack.channel
        found = latest_handover(store.messages.handover_candidates(channel, limit=LOOK_BACK))
        names = {user.id: user.name for user in store.chat_users.all().values()} if found else {}
        if found is not None:
            store.meta.set(SEEN_DAY, self._today())
        post_from_thread(self, HandoverFound(found, names))

    def on_handover_found(self, message: HandoverFound) -> None:
        if message.message is None:
            self.ui.notify(
                "No handover in #laa-ops yet (duty-tui's, or a message starting “Handover”).",
                timeout=6,
                markup=False,
            )
            return
        self.ui.push_screen(self.dialogs.view(message.message, message.names))
