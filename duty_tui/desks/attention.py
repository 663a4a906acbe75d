"""The attention desk: says once, out loud, that something new needs the engineer.

The app hands it the situation on every status refresh (each poll, each clock tick); it works out the
list (`rules.attention`), remembers which items it has seen by key, and for each update that brings new
ones rings the terminal bell once and, where `[notify] desktop = true`, raises one desktop notification
naming the most urgent of them. It stays silent for the engineer's own doing, out of support hours
unless an incident is open, and for what was already there when duty-tui started: until a source's first
poll has come in (`settle`), whatever its items are is the backlog, seen but not announced. An item that
goes away and comes back (a ticket unassigned again, an incident update due again after the last one)
is new again. An incident update due rings no bell here: the incident desk rings its own.
"""

from __future__ import annotations

import logging
from typing import Protocol

from textual.notifications import SeverityLevel

from duty_tui.desks.notifier import DesktopNotifier
from duty_tui.rules.attention import Attention, Item, Kind, ListMemo, Situation, needs_attention
from duty_tui.rules.calendar import SupportCalendar

log = logging.getLogger(__name__)

DAY = "day"  # the clock and the day's lists: settled once the cache has painted
COVER = "cover"  # the day's cover: settled once it has been read and Slack has answered once
# Whose answer makes an item's kind news rather than backlog.
SOURCE = {
    Kind.INCIDENT_UPDATE: "slack",
    Kind.TICKET_DUE: "jira",
    Kind.COVER: COVER,
    Kind.REQUEST: "slack",
    Kind.TICKET_NEW: "jira",
    Kind.END_OF_DAY: DAY,
}


class AttentionUI(Protocol):
    def bell(self) -> None: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...


class AttentionDesk:
    """Keeps the attention list and announces what is new on it."""

    def __init__(
        self,
        ui: AttentionUI,
        calendar: SupportCalendar,
        notifier: DesktopNotifier | None = None,
        *,
        bell: bool = True,
    ) -> None:
        self.ui = ui
        self.calendar = calendar
        self.notifier = notifier
        self.ring = bell
        self.attention = Attention((), quiet=True)
        self.announced: set[str] = set()  # the keys on the list as last seen
        self.settled: set[str] = set()  # sources whose first answer is in
        self.rang: list[str] = []  # every key announced, in order (the log and the tests read it)
        self._problem_told = False
        self._memo = ListMemo()  # the last list's items, for the next (see rules.attention)
        self._last: Situation | None = None
        self._summary: tuple[int, str | None] = (0, None)

    def settle(self, source: str) -> None:
        """`source` has answered once since start: from now on its new items are news."""
        self.settled.add(source)

    def update(self, situation: Situation) -> tuple[int, str | None]:
        """The list as it stands now, announcing what is new on it; returns (count, most urgent words)."""
        if self._same_as_last(situation):
            return self._summary  # every poll and tick asks; most find nothing changed
        self._last = situation
        attention = self.attention = needs_attention(situation, self.calendar, self._memo)
        announced, settled = self.announced, self.settled
        fresh = [
            item
            for item in attention.listed
            if item.key not in announced and not item.own and SOURCE[item.kind] in settled
        ]
        self.announced = {item.key for item in attention.listed}
        if fresh and not attention.quiet:
            self._announce(sorted(fresh, key=lambda item: item.order))
        self._summary = attention.summary()
        return self._summary

    def _same_as_last(self, situation: Situation) -> bool:
        """The same facts (the gatherer hands back the same lists while nothing in them changed) in the
        same minute: the list's words and kinds move on by the minute."""
        last = self._last
        return (
            last is not None
            and situation.tickets is last.tickets
            and situation.requests is last.requests
            and situation.now.replace(second=0, microsecond=0) == last.now.replace(second=0, microsecond=0)
            and situation.now >= last.now
            and (situation.me, situation.updates_due, situation.incident_open)
            == (last.me, last.updates_due, last.incident_open)
            and (situation.uncovered, situation.end_of_day_due) == (last.uncovered, last.end_of_day_due)
        )

    def _announce(self, fresh: list[Item]) -> None:
        self.rang.extend(item.key for item in fresh)
        log.info("needs attention: %s", ", ".join(item.key for item in fresh))
        if self.ring and any(item.kind is not Kind.INCIDENT_UPDATE for item in fresh):
            self.ui.bell()
        if self.notifier is None:
            return
        problem = self.notifier.problem
        if problem is not None:
            if not self._problem_told:
                self._problem_told = True
                self.ui.notify(problem, severity="warning", timeout=10, markup=False)
            return
        more = f" (+{len(fresh) - 1} more)" if len(fresh) > 1 else ""
        self.notifier.notify(fresh[0].words + more)
