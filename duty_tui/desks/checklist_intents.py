"""What the checklist pane asks: a tick to store and a past day to read (the checklist desk's), and a
place to go (the app's: it routes between panes).

Kept apart from the desk so the pane can post them without importing what the desk works with.
"""

from __future__ import annotations

from datetime import date

from textual.message import Message

from duty_tui.models import ChecklistTick
from duty_tui.rules.checklist import Target


class ChecklistToggled(Message):
    """The engineer ticked or unticked an item (already shown; the desk stores it)."""

    def __init__(self, tick: ChecklistTick, ticked: bool) -> None:
        super().__init__()
        self.tick = tick
        self.ticked = ticked


class ChecklistDayWanted(Message):
    """`[` or `]`: the pane wants a past support day's ticks (the desk reads them)."""

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day


class ChecklistGo(Message):
    """Enter on an item that names a place: the app takes the engineer there."""

    def __init__(self, target: Target, item_id: str) -> None:
        super().__init__()
        self.target = target
        self.item_id = item_id
