"""The checklist pane: the duty day's lists, grouped by who does them, each with its progress.

Space (or x) ticks an item; who ticked it and when shows beside it. Enter on an item that names a
place (↵) asks the app to take the engineer there (`ChecklistGo`). Where the dashboard can see an
item's work is done, the item says so and offers its tick ("done? x ticks"); start-of-day items still
open at 10:00 are flagged ⚠. `[` and `]` step through past support days, read-only. The pane only
paints: the checklist desk around it stores ticks, reads days and works out the hints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from duty_tui.desks.checklist_intents import ChecklistDayWanted, ChecklistGo, ChecklistToggled
from duty_tui.models import ChecklistItem, ChecklistSection, ChecklistTick
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.checklist import kept_ticks, progress, step_day, target_of
from duty_tui.text.timefmt import clock
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content

SECTION_PREFIX = "section:"
__all__ = ["ChecklistDayWanted", "ChecklistGo", "ChecklistList", "ChecklistPane", "ChecklistToggled"]


class ChecklistList(OptionList):
    """Sections as disabled heading rows, items as options keyed by item id."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "list.down",
        "list.up",
        "list.first",
        "list.last",
        "checklist.toggle",
        "checklist.go",
        "checklist.previous_day",
        "checklist.next_day",
    )

    def _item_id(self) -> str | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return option.id if option.id and not option.disabled else None

    def action_tick(self) -> None:
        pane, item_id = self.parent, self._item_id()
        if item_id is not None and isinstance(pane, ChecklistPane):
            pane.toggle(item_id)

    def action_go(self) -> None:
        pane, item_id = self.parent, self._item_id()
        if item_id is not None and isinstance(pane, ChecklistPane):
            pane.go(item_id)

    def action_day(self, step: int) -> None:
        pane = self.parent
        if isinstance(pane, ChecklistPane):
            pane.step(step)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "day" and parameters == (1,):  # `]` means something only on a past day
            pane = self.parent
            return isinstance(pane, ChecklistPane) and pane.viewing is not None
        return True


class ChecklistPane(Vertical):
    """Pane 4."""

    DEFAULT_CSS = """
    ChecklistPane { height: 1fr; }
    ChecklistPane OptionList, ChecklistPane OptionList:focus { height: 1fr; border: none; padding: 0; }
    """

    def __init__(
        self,
        sections: Sequence[ChecklistSection],
        zone: ZoneInfo,
        now: Callable[[], datetime],
        engineer: Callable[[], str],
        *,
        calendar: SupportCalendar | None = None,
        tick_key: str = "x",
    ) -> None:
        super().__init__(id="checklist", classes="pane")
        self.sections = tuple(sections)
        self.items: dict[str, ChecklistItem] = {i.id: i for s in self.sections for i in s.items}
        self.zone = zone
        self.now = now
        self.engineer = engineer
        self.calendar = calendar or SupportCalendar(zone)
        self.tick_key = tick_key  # named in the "done?" hint
        self.day: date | None = None  # today, the support day ticks go to
        self.ticks: dict[str, ChecklistTick] = {}  # today's
        self.viewing: date | None = None  # a past day shown read-only, or None for today
        self.past_ticks: dict[str, ChecklistTick] = {}
        self.late: frozenset[str] = frozenset()  # start-of-day items still open past their time
        self.done: frozenset[str] = frozenset()  # items the dashboard can see are done
        self.list = ChecklistList(id="checklist-list")

    def compose(self) -> ComposeResult:
        yield self.list

    def on_mount(self) -> None:
        self.rebuild()

    # -- what the desk tells the pane ---------------------------------------------------------------

    def show_ticks(self, day: date, ticks: Mapping[str, ChecklistTick]) -> None:
        """Today's ticks (a new day, the store's view after a failed write, or the first read)."""
        if self.viewing is not None and self.viewing >= day:
            self.viewing = None
        self.day = day
        self.ticks = kept_ticks(self.sections, ticks)
        self.rebuild()

    def show_past(self, day: date, ticks: Mapping[str, ChecklistTick]) -> None:
        """A past day's ticks, read-only (today's stay as they are, for when `]` comes back)."""
        if self.day is not None and day >= self.day:
            self.viewing = None
        else:
            self.viewing, self.past_ticks = day, kept_ticks(self.sections, ticks)
        self.rebuild()

    def show_hints(self, late: frozenset[str], done: frozenset[str]) -> None:
        if (late, done) != (self.late, self.done):
            self.late, self.done = late, done
            self.rebuild()

    def focus_group(self, when: str) -> bool:
        """Put the cursor on the first open item of the `when` lists ("start", "end"), or their first
        item when all are ticked; today's list is shown for it. False when no list is for that time."""
        items = [item for section in self.sections if section.when == when for item in section.items]
        if not items:
            return False
        if self.viewing is not None:
            self.viewing = None
            self.rebuild()
        wanted = next((item for item in items if item.id not in self.ticks), items[0])
        self.list.highlighted = self.list.get_option_index(wanted.id)
        return True

    # -- what the engineer does ---------------------------------------------------------------------

    def toggle(self, item_id: str) -> None:
        """Flip the item on screen at once, then ask the desk to store exactly this state."""
        if self.day is None:
            return
        if self.viewing is not None:
            # Refused: a tick records who did the duty and when, on the day it was done. Ticking a past
            # day now would record a time that day never had; its list is the record of that day.
            self.notify(
                f"{self.viewing:%a %d %b} is a past day: its list is a record and cannot be changed. "
                "Press ] to come back to today.",
                markup=False,
            )
            return
        tick = ChecklistTick(item_id=item_id, day=self.day, by=self.engineer(), at=self.now())
        ticked = item_id not in self.ticks
        if ticked:
            self.ticks[item_id] = tick
        else:
            del self.ticks[item_id]
        self.rebuild()
        self.post_message(ChecklistToggled(tick, ticked))

    def go(self, item_id: str) -> None:
        item = self.items.get(item_id)
        target = target_of(item) if item is not None else None
        if target is None:
            self.notify(
                f"This item does not open anything: press {self.tick_key} when it is done.", markup=False
            )
            return
        self.post_message(ChecklistGo(target, item_id))

    def step(self, step: int) -> None:
        """`[` an earlier support day, `]` a later one (up to today)."""
        if self.day is None:
            return
        shown = self.viewing or self.day
        wanted = step_day(shown, step, self.day, self.calendar)
        if wanted >= self.day:
            if self.viewing is not None:
                self.viewing = None
                self.rebuild()
        elif wanted != shown:
            self.post_message(ChecklistDayWanted(wanted))

    # -- painting ---------------------------------------------------------------------------------------

    @property
    def shown_ticks(self) -> Mapping[str, ChecklistTick]:
        return self.past_ticks if self.viewing is not None else self.ticks

    def rebuild(self) -> None:
        highlighted = self.list.highlighted
        kept = self.list.get_option_at_index(highlighted).id if highlighted is not None else None
        ticks = self.shown_ticks
        options: list[Option] = []
        for section in self.sections:
            state = progress([section], ticks)
            heading = Content.assemble(
                ("✔ " if state.complete else "", "green"),
                content(section.title, "bold", single_line=True),
                (f"  {state.done}/{state.total}", "green" if state.complete else "dim"),
            )
            options.append(Option(heading, id=f"{SECTION_PREFIX}{section.id}", disabled=True))
            options += [Option(self.item_prompt(item), id=item.id) for item in section.items]
        self.list.set_options(options)
        index = next((i for i, o in enumerate(options) if kept is not None and o.id == kept), None)
        if index is None:
            index = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.list.highlighted = index
        self.list.refresh_bindings()  # `]` shows while a past day is
        self.refresh_title()

    def item_prompt(self, item: ChecklistItem) -> Content:
        opens = ("  ↵", "dim") if item.opens else ""
        tick = self.shown_ticks.get(item.id)
        if tick is not None:
            who = Content.assemble(
                ("  ✓ ", "green"), content(tick.by), (f" {clock(tick.at, self.zone)}", "dim")
            )
            return Content.assemble(("☑ ", "bold green"), content(item.text).stylize("dim"), opens, who)
        if self.viewing is not None:  # a past day: what was left open, without today's hints
            return Content.assemble(("☐ ", "bold"), content(item.text), opens)
        late = item.id in self.late
        box = ("⚠ ", "bold $warning") if late else ("☐ ", "bold")
        text = content(item.text, "$warning" if late else None)
        hint = (f"  done? {self.tick_key} ticks", "bold $success") if item.id in self.done else ""
        return Content.assemble(box, text, opens, hint)

    def refresh_title(self) -> None:
        state = progress(self.sections, self.shown_ticks)
        parts: list[str | tuple[str, str]] = [
            ("4 ", "bold"),
            ("Checklist", "bold"),
            f" · {state.done}/{state.total}",
        ]
        if self.viewing is not None:
            parts.append((f" · {self.viewing:%a %d %b} (past)", "bold $warning"))
        elif self.day is not None:
            parts.append(f" · {self.day:%a %d %b}")
        self.border_title = Content.assemble(*parts)
        self.border_subtitle = "read-only · ] back to today" if self.viewing is not None else ""
