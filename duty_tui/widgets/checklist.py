"""The checklist pane: the day's duty lists from the team's process, ticked with space.

Who ticked an item and when is shown beside it; ticks belong to the support day, so a new day
starts unticked. Ticking posts `ChecklistToggled`; the app stores it and calls `show_ticks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from duty_tui.models import ChecklistSection, ChecklistTick
from duty_tui.rules.checklist import progress
from duty_tui.text.timefmt import clock
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content


class ChecklistToggled(Message):
    """The engineer ticked or unticked an item (already shown; the app stores it)."""

    def __init__(self, tick: ChecklistTick, ticked: bool) -> None:
        super().__init__()
        self.tick = tick
        self.ticked = ticked


class ChecklistList(OptionList):
    """Sections as disabled heading rows, items as options keyed by item id."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "list.down", "list.up", "list.first", "list.last", "checklist.toggle"
    )

    def action_tick(self) -> None:
        pane = self.parent
        if self.highlighted is None or not isinstance(pane, ChecklistPane):
            return
        option = self.get_option_at_index(self.highlighted)
        if option.id and not option.disabled:
            pane.toggle(option.id)


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
    ) -> None:
        super().__init__(id="checklist", classes="pane")
        self.sections = tuple(sections)
        self.zone = zone
        self.now = now
        self.engineer = engineer
        self.day: date | None = None
        self.ticks: dict[str, ChecklistTick] = {}
        self.list = ChecklistList(id="checklist-list")

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.list

    def on_mount(self) -> None:
        self.rebuild()

    def show_ticks(self, day: date, ticks: Mapping[str, ChecklistTick]) -> None:
        self.day = day
        self.ticks = dict(ticks)
        self.rebuild()

    def toggle(self, item_id: str) -> None:
        """Flip the item on screen at once, then ask the app to store exactly this state."""
        if self.day is None:
            return
        tick = ChecklistTick(item_id=item_id, day=self.day, by=self.engineer(), at=self.now())
        ticked = item_id not in self.ticks
        if ticked:
            self.ticks[item_id] = tick
        else:
            del self.ticks[item_id]
        self.rebuild()
        self.post_message(ChecklistToggled(tick, ticked))

    def rebuild(self) -> None:
        highlighted = self.list.highlighted
        options: list[Option] = []
        for section in self.sections:
            state = progress([section], self.ticks)
            heading = Content.assemble(
                ("✔ " if state.complete else "", "green"),
                (section.title, "bold"),
                (f"  {state.done}/{state.total}", "green" if state.complete else "dim"),
            )
            options.append(Option(heading, id=f"section:{section.id}", disabled=True))
            for item in section.items:
                options.append(Option(self.item_prompt(item.id, item.text), id=item.id))
        self.list.set_options(options)
        if highlighted is not None and highlighted < len(options):
            self.list.highlighted = highlighted
        elif options:
            self.list.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.refresh_title()

    def item_prompt(self, item_id: str, item_text: str) -> Content:
        tick = self.ticks.get(item_id)
        if tick is None:
            return Content.assemble(("☐ ", "bold"), content(item_text))
        who = Content.assemble(("  ✓ ", "green"), content(tick.by), (f" {clock(tick.at, self.zone)}", "dim"))
        return Content.assemble(("☑ ", "bold green"), content(item_text).stylize("dim"), who)

    def refresh_title(self) -> None:
        state = progress(self.sections, self.ticks)
        day = f" · {self.day:%a %d %b}" if self.day else ""
        self.border_title = Content.assemble(
            ("4 ", "bold"), ("Checklist", "bold"), f" · {state.done}/{state.total}{day}"
        )
