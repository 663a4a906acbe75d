"""The cover desk: today's support sub-team and who is on #laa-ops in each period of the day (`D`).

It has no pane: the status bar shows who covers the channel now ("Channel: Aisha until 12:00"), and `D`
opens the form (`views.cover`). A cover set here is stored at once and, when ticked, posted to #laa-ops
as a top-level `POST` write (the bot's token, `duty_tui_cover` metadata) through the outbox: stored
before it is sent, sent once. Every dashboard adopts the latest cover post for today from its Slack
polls (`rules.cover.adopt`), this one included (its own post then replaces the pending copy).

A period in support hours with nobody covering it is flagged (a warning toast): once on the day's first
launch, after the first Slack poll (so a colleague's cover post is seen first), listing the periods left
without cover, and once when such a period starts. Flags are stored, so a restart does not repeat them.
`uncovered_now()` says the same for the attention list.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, time
from functools import partial
from typing import Any, Final

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

from duty_tui.desks.queueing import report_stored, store_writes
from duty_tui.desks.ticket_collaborators import Sender
from duty_tui.desks.ticket_messages import OutboxProgressed, PendingWritesChanged
from duty_tui.desks.ui import DeskUI, post_from_thread
from duty_tui.models import ChatMessage, Service, Write, WriteKind
from duty_tui.rules.cover import (
    EVENT_TYPE,
    Cover,
    CoverDraft,
    CoverPeriod,
    Slot,
    adopt,
    blank,
    cover_from_message,
    on_channel,
    payload,
    period_start,
    post_text,
    uncovered,
    uncovered_now,
)
from duty_tui.runtime import Runtime
from duty_tui.store.db import why_not_stored
from duty_tui.sync.store_writer import StoreWriter
from duty_tui.text.timefmt import clock

LAUNCH: Final = "launch"  # the day's first-launch flag

# Opens the form: (today's cover, the people to pick from, whether it may be posted).
CoverForm = Callable[[Cover, Sequence[tuple[str, str]], bool], Screen[Any]]


@dataclass(frozen=True, slots=True)
class OnChannelNow:
    """Who is on #laa-ops now, in words for the status bar; `gap` when nobody is, in support hours."""

    words: str
    gap: bool


class CoverLoaded(Message):
    """A day's cover as stored, the cover posts cached for that day, and the flags already raised."""

    def __init__(self, day: date, stored: Cover | None, posts: list[Cover], flagged: set[str]) -> None:
        super().__init__()
        self.day = day
        self.stored = stored
        self.posts = posts
        self.flagged = flagged


class CoverChanged(Message):
    """Who covers the channel may read differently now (bubbles to the app, for the status bar)."""


class CoverNotStored(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class CoverDesk(Widget):
    DEFAULT_CSS = """
    CoverDesk { display: none; }
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        ui: DeskUI,
        form: CoverForm,
        store_writer: StoreWriter,
        sender: Sender | None,
        people: Callable[[], Sequence[tuple[str, str]]],
        names: Callable[[], Mapping[str, str]],
        me: Callable[[], str | None],
    ) -> None:
        super().__init__(id="cover-desk")
        self.runtime = runtime
        self.calendar = runtime.calendar
        self.periods: tuple[CoverPeriod, ...] = runtime.config.cover.periods
        self.ui = ui
        self.form = form
        self.store_writer = store_writer
        self.sender = sender
        self.people = people  # (Slack id, name), the team first
        self.names = names  # every Slack id the channel knows
        self.me = me  # the engineer's Slack id, once known
        self.day = self.calendar.local_date(runtime.now())
        self.cover: Cover | None = None  # the day's cover as known (None: nobody has set it)
        self.loaded = False  # the store has been read for `day`
        self.polled = False  # the first Slack poll of this run has answered (or failed)
        self.launch_checked = False
        self.flagged: set[str] = set()
        self._early: list[Cover] = []  # cover posts a poll brought before the store was read
        self._pause = threading.Event()

    def on_mount(self) -> None:
        self.load(self.day)

    # -- reading ------------------------------------------------------------------------------------

    @work(thread=True, group="store-read-cover", exclusive=True, exit_on_error=False, description="cover")
    def load(self, day: date) -> None:
        """The day's cover as stored, and any cover post of the day in the cached channel (one may have
        arrived in a run that ended before it was adopted)."""
        store = self.runtime.store
        since = f"{int(self.calendar.moment(day, time(0)).timestamp())}.000000"
        posts = store.cover.posts(self.runtime.config.slack.channel, since)
        found = [cover for message in posts if (cover := cover_from_message(message)) is not None]
        post_from_thread(self, CoverLoaded(day, store.cover.of_day(day), found, store.cover.flagged(day)))

    def on_cover_loaded(self, message: CoverLoaded) -> None:
        if message.day != self.day:
            return  # the day moved on while it was read
        self.loaded = True
        self.flagged |= message.flagged
        self.cover = message.stored
        self._adopt([*message.posts, *self._early])
        self._early = []
        self.post_message(CoverChanged())
        self.check()

    def polled_slack(self, messages: Sequence[ChatMessage]) -> None:
        """A Slack poll answered (`messages`: what it changed) or failed (none): adopt a newer cover post
        for today; after the first, the day's first-launch check can run."""
        posts = [c for m in messages if m.metadata_type == EVENT_TYPE and (c := cover_from_message(m))]
        if posts and not self.loaded:
            self._early += posts  # adopted once the store has been read
        elif posts:
            self._adopt(posts)
            self.post_message(CoverChanged())
        self.polled = True
        self.check()

    def _adopt(self, posts: Sequence[Cover]) -> None:
        chosen = adopt(self.cover, posts, self.day)
        if chosen is not None and chosen != self.cover:
            if self.cover is not None and chosen.ref is not None and chosen.ref == self.cover.ref:
                chosen = replace(chosen, by=self.cover.by or chosen.by)
            self.cover = chosen
            self.store_writer.submit(partial(self.runtime.store.cover.save, chosen))

    def today(self) -> Cover:
        """The day's cover, or a blank one on the configured periods when nobody has set it."""
        return self.cover if self.cover is not None else blank(self.day, self.periods)

    # -- what the status bar and the attention list say ---------------------------------------------

    def on_channel_now(self) -> OnChannelNow | None:
        """Who covers #laa-ops now ("Aisha until 12:00"), or "nobody until 13:00" (a gap) in support
        hours; None outside the day's periods."""
        if not self.loaded:
            return None
        found = on_channel(self.today(), self.runtime.now(), self.calendar)
        if found is None:
            return None
        until = clock(found.until, self.calendar.zone)
        if found.who is None:
            return OnChannelNow(f"nobody until {until}", True) if found.in_hours else None
        return OnChannelNow(f"{self.first_name(found.who)} until {until}", False)

    def uncovered_now(self) -> str | None:
        """The period under way when nobody covers it in support hours, in words ("Nobody covers
        #laa-ops until 13:00"); None when someone does, or out of hours."""
        if not self.loaded:
            return None
        found = uncovered_now(self.today(), self.runtime.now(), self.calendar)
        if found is None:
            return None
        return f"Nobody covers #laa-ops until {clock(found.until, self.calendar.zone)}"

    def person(self, slack_id: str) -> str:
        return self.names().get(slack_id) or slack_id

    def first_name(self, slack_id: str) -> str:
        words = self.person(slack_id).split()
        return words[0] if words else slack_id

    # -- time ---------------------------------------------------------------------------------------

    def tick(self) -> None:
        """The clock moved on: a new day starts without cover; a period starting uncovered is flagged."""
        today = self.calendar.local_date(self.runtime.now())
        if today != self.day:
            self.day, self.cover, self.loaded, self.flagged = today, None, False, set()
            self.load(today)
            return
        self.check()

    def check(self) -> None:
        """Flag periods in support hours that nobody covers: on the day's first launch (once the first
        Slack poll has answered), and when each starts. Each flag once a day, across restarts."""
        if not (self.loaded and self.polled):
            return
        now = self.runtime.now()
        cover = self.today()
        gaps = uncovered(cover, now, self.calendar)
        raised: list[str] = []
        if not self.launch_checked:
            self.launch_checked = True
            if gaps and LAUNCH not in self.flagged:
                if cover.is_set:
                    spans = ", ".join(slot.period.title for slot in gaps)
                    self._warn(f"Nobody covers #laa-ops {spans} today. Press D to nominate someone.")
                else:
                    self._warn("Nobody is nominated for #laa-ops today. Press D to set today's cover.")
                raised.append(LAUNCH)
                raised += [_started(slot) for slot in gaps if period_start(cover, slot, self.calendar) <= now]
        for slot in gaps:
            key = _started(slot)
            if (
                key not in self.flagged
                and key not in raised
                and period_start(cover, slot, self.calendar) <= now
            ):
                self._warn(f"Nobody covers #laa-ops now ({slot.period.title}). Press D to nominate someone.")
                raised.append(key)
        if raised:
            self.flagged.update(raised)
            self.store_writer.submit(partial(self.runtime.store.cover.flag, self.day, raised, now))

    def _warn(self, words: str) -> None:
        self.ui.notify(words, title="#laa-ops cover", severity="warning", timeout=12, markup=False)

    # -- setting it ---------------------------------------------------------------------------------

    def open_form(self) -> None:
        """`D`: the form, on today's cover as known (or the configured periods, nobody in them)."""
        if not self.loaded:
            self.ui.notify("Today's cover is still being read; try again in a moment.", markup=False)
            return
        screen = self.form(self.today(), self.people(), not self.runtime.read_only)
        self.ui.push_screen(screen, self._chosen)

    def _chosen(self, draft: CoverDraft | None) -> None:
        if draft is None or draft.cover.day != self.day:
            return
        now = self.runtime.now()
        cover = replace(
            draft.cover, by=self.runtime.engineer_name(), at=now, ts=None, ref=None, pending=False
        )
        store = self.runtime.store
        if draft.post and not self.runtime.read_only:
            uid = uuid.uuid4().hex
            cover = replace(cover, ref=uid, pending=True)
            write = Write(
                uid=uid,
                batch=uid,
                kind=WriteKind.POST,
                key=EVENT_TYPE,
                created_at=now,
                actor_id=self.me() or "",
                actor=cover.by,
                service=Service.SLACK,
                body=post_text(cover),
                metadata=json.dumps(payload(cover, outbox_id=uid)),
            )
            self.store_writer.submit(partial(self._store, [write], partial(store.cover.save, cover)))
            said = "Today's cover is set, and on its way to #laa-ops."
        else:
            self.store_writer.submit(partial(store.cover.save, cover))
            said = "Today's cover is set (on this machine only)."
        self.cover = cover
        self.ui.notify(said, timeout=4, markup=False)
        self.post_message(CoverChanged())

    def _store(self, writes: list[Write], also: Callable[[], None]) -> None:
        """On the store writer's thread: the post's write and the cover, in one transaction."""
        store = self.runtime.store
        try:
            store_writes(store, writes, self._pause, also)
        except sqlite3.Error as error:
            post_from_thread(self, CoverNotStored(why_not_stored(error)))
            return
        report_stored(self, store, self.sender)

    def on_cover_not_stored(self, message: CoverNotStored) -> None:
        self.ui.notify(
            f"Could not save today's cover ({message.reason}): nothing was posted. Try again.",
            title="Not saved",
            severity="error",
            markup=False,
        )
        self.cover, self.loaded = None, False
        self.load(self.day)

    def on_outbox_progressed(self, message: OutboxProgressed) -> None:
        """Slack has the cover post (it is no longer pending), or refused it (the cover stays, unshared)."""
        message.stop()
        progress = message.progress
        self.post_message(
            PendingWritesChanged(progress.pending, progress.retrying if progress.pending else None)
        )
        uid, store = progress.write.uid, self.runtime.store
        mine = self.cover is not None and self.cover.ref == uid
        if progress.failure is not None:
            self.store_writer.submit(partial(store.cover.unposted, uid))
            if mine and self.cover is not None:
                self.cover = replace(self.cover, ref=None, pending=False)
            self.ui.notify(
                f"Could not {progress.write.describe()}: {progress.failure}",
                title="Slack refused",
                severity="error",
                timeout=12,
                markup=False,
            )
        elif progress.retrying is None and progress.write.result:
            self.store_writer.submit(partial(store.cover.confirm, uid, progress.write.result))
            if mine and self.cover is not None:
                self.cover = replace(self.cover, ts=progress.write.result, pending=False)
        self.post_message(CoverChanged())


def _started(slot: Slot) -> str:
    return f"start {slot.period.span}"
