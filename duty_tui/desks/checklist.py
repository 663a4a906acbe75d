"""The checklist desk: the duty day as the checklist pane shows it, following the support calendar.

It is the checklist pane's container: the pane's ticks are stored here (through the store writer, in
order, off the UI thread), past days are read in a worker for `[` and `]`, and a new support day's
ticks are read when the clock rolls over. It works out what the pane hints at: start-of-day items still
open at `[checklist] start_by` (flagged) and items whose work the dashboard can see is done (their tick
offered, never made: the app's `evidence` says what the panes show; the handover desk's meta says
whether a handover was read or posted today). Once each support day it offers the start-of-day lists
(on the first launch) and, from `[checklist] end_of_day`, the end-of-day list: a notice, and the pane's
cursor on that list. Keyboard focus stays where the engineer has it: a list offered at 17:30 must not
take the keys from someone typing a reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Protocol

from textual import events, work
from textual.containers import Vertical
from textual.message import Message

from duty_tui.desks.checklist_intents import ChecklistDayWanted, ChecklistToggled
from duty_tui.desks.ui import DeskUI, post_from_thread
from duty_tui.messages import ChecklistLoaded
from duty_tui.models import ChecklistSection, ChecklistTick
from duty_tui.rules.checklist import END, START, Evidence, day_offer, late_items, looks_done
from duty_tui.runtime import Runtime
from duty_tui.sync.store_writer import StoreWriter

log = logging.getLogger(__name__)

START_OFFERED = "checklist.start_offered"  # the support day the start-of-day lists were last offered
END_OFFERED = "checklist.end_offered"
HANDOVER_SEEN = "handover.seen_day"  # written by the handover desk: the day a handover was last read
HANDOVER_POSTED = "handover.posted_day"  # … and posted by this engineer
DAY_KEYS = (START_OFFERED, END_OFFERED, HANDOVER_SEEN, HANDOVER_POSTED)
NOTICE_SECONDS = 12


class ChecklistView(Protocol):
    """What the desk needs of the checklist pane (`widgets.checklist.ChecklistPane`)."""

    sections: tuple[ChecklistSection, ...]
    day: date | None
    ticks: dict[str, ChecklistTick]

    def show_ticks(self, day: date, ticks: Mapping[str, ChecklistTick]) -> None: ...

    def show_past(self, day: date, ticks: Mapping[str, ChecklistTick]) -> None: ...

    def show_hints(self, late: frozenset[str], done: frozenset[str]) -> None: ...

    def focus_group(self, when: str) -> bool: ...


class DayFactsRead(Message):
    """The store's day bookkeeping (`DAY_KEYS` → value), read in a worker."""

    def __init__(self, values: dict[str, str | None]) -> None:
        super().__init__()
        self.values = values


class ChecklistDesk(Vertical):
    DEFAULT_CSS = """
    ChecklistDesk { height: 3fr; }
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        pane: ChecklistView,
        ui: DeskUI,
        store_writer: StoreWriter,
        evidence: Callable[[], Evidence] = Evidence,
    ) -> None:
        super().__init__(id="checklist-desk")
        self.runtime = runtime
        self.settings = runtime.config.checklist
        self.calendar = runtime.calendar
        self.pane = pane
        self.ui = ui
        self.store_writer = store_writer
        self.evidence = evidence  # what the panes show (the channel read, tickets acknowledged)
        self.day_facts: dict[str, str | None] = {}
        self.facts_read = False  # the first read decides the launch's offer
        self.wanted_past: date | None = None  # the past day `[`/`]` asked for, while it is read

    def today(self) -> date:
        return self.calendar.local_date(self.runtime.now())

    # -- from the app ---------------------------------------------------------------------------------

    def show_cache(self, day: date, ticks: Mapping[str, ChecklistTick]) -> None:
        """The first read of the store: paint today, then read the day's bookkeeping for the offers."""
        self.pane.show_ticks(day, ticks)
        self.refresh_hints()
        self.read_day_facts()
        warning = self.runtime.checklist_warning
        if warning:
            log.warning("%s", warning)
            self.ui.notify(warning, title="Checklist", severity="warning", timeout=20, markup=False)

    def tick(self) -> None:
        """The clock moved on (every 30 s): a new day's ticks, the flags, a handover read elsewhere, the
        end-of-day offer."""
        today = self.today()
        if self.pane.day is not None and today != self.pane.day:  # a new support day starts unticked
            self.load_ticks(today)
        self.refresh_hints()
        self.read_day_facts()

    def reload(self) -> None:
        """A write failed: show today's list as actually stored."""
        self.load_ticks(self.today())

    # -- reading ------------------------------------------------------------------------------------

    @work(thread=True, group="checklist-ticks", exit_on_error=False, description="read checklist ticks")
    def load_ticks(self, day: date) -> None:
        post_from_thread(self, ChecklistLoaded(day, self.runtime.store.checklist.of_day(day)))

    @work(thread=True, group="checklist-day", exit_on_error=False, description="read the checklist's day")
    def read_day_facts(self) -> None:
        meta = self.runtime.store.meta
        post_from_thread(self, DayFactsRead({key: meta.get(key) for key in DAY_KEYS}))

    def on_checklist_loaded(self, message: ChecklistLoaded) -> None:
        message.stop()
        if message.day == self.today():
            self.pane.show_ticks(message.day, message.ticks)
            self.refresh_hints()
        elif message.day == self.wanted_past:
            self.wanted_past = None
            self.pane.show_past(message.day, message.ticks)

    def on_day_facts_read(self, message: DayFactsRead) -> None:
        message.stop()
        at_launch = not self.facts_read
        self.facts_read = self.facts_read or self.pane.day is not None  # the launch is once today shows
        self.day_facts.update(message.values)
        self.refresh_hints()
        self.offer(at_launch=at_launch)

    # -- what the pane asks -------------------------------------------------------------------------

    def on_checklist_toggled(self, message: ChecklistToggled) -> None:
        message.stop()
        tick = message.tick
        self.store_writer.submit(
            partial(
                self.runtime.store.checklist.set,
                tick.item_id,
                tick.day,
                ticked=message.ticked,
                by=tick.by,
                at=tick.at,
            )
        )
        self.refresh_hints()

    def on_checklist_day_wanted(self, message: ChecklistDayWanted) -> None:
        message.stop()
        self.wanted_past = message.day
        self.load_ticks(message.day)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Back at the checklist (say, from reading the channel or a handover): what is done may have
        changed; the pane that was left moves its own markers first, so look after the screen has
        refreshed, and read whether a handover was read or posted meanwhile."""
        self.call_after_refresh(self.refresh_hints)
        self.read_day_facts()

    # -- the hints and the day's offers -------------------------------------------------------------

    def refresh_hints(self) -> None:
        pane = self.pane
        if pane.day is None:
            return
        now, today = self.runtime.now(), self.today()
        late = late_items(pane.sections, pane.ticks, now, self.calendar, self.settings.start_by)
        evidence = replace(
            self.evidence(),
            handover_read=self.day_facts.get(HANDOVER_SEEN) == today.isoformat(),
            handover_posted=self.day_facts.get(HANDOVER_POSTED) == today.isoformat(),
        )
        pane.show_hints(late, looks_done(pane.sections, pane.ticks, evidence))

    def offer(self, *, at_launch: bool) -> None:
        """Offer the start- or end-of-day list, once a support day (remembered in the store)."""
        today = self.today()
        which = day_offer(
            self.runtime.now(),
            self.calendar,
            end_of_day=self.settings.end_of_day,
            start_offered=_day(self.day_facts.get(START_OFFERED)),
            end_offered=_day(self.day_facts.get(END_OFFERED)),
            at_launch=at_launch,
        )
        if which is None or self.pane.day != today:
            return
        # An end-of-day offer on a late first launch stands for the start one too.
        keys = (START_OFFERED, END_OFFERED) if which == END else (START_OFFERED,)
        for key in keys:
            self.day_facts[key] = today.isoformat()
            self.store_writer.submit(partial(self.runtime.store.meta.set, key, today.isoformat()))
        if not self.pane.focus_group(which):
            return
        if which == START:
            notice = "A new support day: the start-of-day lists are ready in the checklist (4)."
        else:
            notice = (
                f"It is {self.settings.end_of_day:%H:%M}: time for the end-of-day list in the checklist "
                "(4) — hand over planned work and incidents in progress before you go."
            )
        self.ui.notify(notice, title="Checklist", timeout=NOTICE_SECONDS, markup=False)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
