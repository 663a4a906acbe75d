"""The dialogs the ticket desk opens, built here so the desk never imports a view.

The desk declares what it needs (`desks.tickets.TicketDialogs`); the app hands it this. Each screen
is imported when first opened, so none of them slows the start. The write dialogs (assign, move,
comment) are kept and opened again (`views.kept`): closing one then costs a repaint, not a layout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from textual.screen import Screen

from duty_tui.models import Person, Ticket, TicketDetail, Transition
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.triage import Classification
from duty_tui.views.kept import KeptDialogs


class TicketDialogs:
    def __init__(
        self, now: Callable[[], datetime], calendar: SupportCalendar, acknowledge_within: timedelta
    ) -> None:
        self.now = now
        self.calendar = calendar
        self.acknowledge_within = acknowledge_within
        self.kept = KeptDialogs()

    def assign(
        self,
        key: str,
        people: list[Person],
        load: Callable[[str], list[Person]] | None,
        current_assignee_id: str | None,
    ) -> Screen[Person | None]:
        from duty_tui.views.assign import AssignScreen

        return self.kept.get(
            AssignScreen,
            lambda: AssignScreen(key, people, load=load, current_assignee_id=current_assignee_id),
            lambda screen: screen.reopen(key, people, load=load, current_assignee_id=current_assignee_id),
        )

    def move(self, key: str, status: str, load: Callable[[], list[Transition]]) -> Screen[Transition | None]:
        from duty_tui.views.move import MoveScreen

        return self.kept.get(
            MoveScreen, lambda: MoveScreen(key, status, load), lambda screen: screen.reopen(key, status, load)
        )

    def comment(self, key: str, summary: str, initial: str = "") -> Screen[str | None]:
        from duty_tui.views.comment import CommentScreen

        return self.kept.get(
            CommentScreen,
            lambda: CommentScreen(key, summary, initial=initial),
            lambda screen: screen.reopen(key, summary, initial),
        )

    def detail(
        self,
        ticket: Ticket,
        board_labels: Mapping[str, str],
        load: Callable[[], TicketDetail] | None,
        classification: Classification,
    ) -> Screen[None]:
        from duty_tui.views.ticket import TicketScreen

        return TicketScreen(
            ticket,
            board_labels=board_labels,
            now=self.now,
            calendar=self.calendar,
            acknowledge_within=self.acknowledge_within,
            load=load,
            classification=(classification.environment, classification.service, classification.severity),
        )
