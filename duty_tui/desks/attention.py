"""The attention desk: says once, out loud, that something new needs the engineer.

The app hands it the situation on every status refresh (each poll, each clock tick); it works out the
list (`rules.attention`), remembers which items it has seen by key, and for each update that brings new
ones rings the terminal bell once and, where `[notify] desktop = true`, raises one desktop notification
naming the most urgent of them. It stays silent for the engineer's own doing, out of support hours
unless an incident is open, and for what was already there when duty-tui started: until a source's first
poll has come in (`settle`), whatever its items are is the backlog, seen but not announced. An item that
goes away and comes back (a ticket unassigned again, an incident update due again after the last one)
is new again. An incident update due rings no bell here: the incident desk rings its own.

A PROD check failing twice in a row is news whenever it shows: only fresh probes raise it (the last
results from before a restart are stale), so there is no backlog of them. Its announcement also says,
in a toast, that the declare key opens the incident form filled in from it. `HealthWatch` keeps what
"failing twice" reads from the probes' results (`ProbesReported`, posted from the probe loop's thread).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter
from typing import Protocol

from textual.message import Message
from textual.notifications import SeverityLevel

from duty_tui.desks.notifier import DesktopNotifier
from duty_tui.rules.attention import Attention, Item, Kind, ListMemo, Situation, needs_attention
from duty_tui.rules.availability import FailingCheck, HealthCheck, ProbeResult, failing_twice
from duty_tui.rules.calendar import SupportCalendar

log = logging.getLogger(__name__)

DAY = "day"  # the clock and the day's lists: settled once the cache has painted
COVER = "cover"  # the day's cover: settled once it has been read and Slack has answered once
# Whose answer makes an item's kind news rather than backlog.
SOURCE = {
    Kind.CHECK_FAILING: DAY,  # fresh probes only (they start after the cache has painted): never backlog
    Kind.INCIDENT_UPDATE: "slack",
    Kind.TICKET_DUE: "jira",
    Kind.COVER: COVER,
    Kind.REQUEST: "slack",
    Kind.TICKET_NEW: "jira",
    Kind.END_OF_DAY: DAY,
}


class ProbesReported(Message):
    """Health probe results: one step of the probe loop's, or each check's last stored ones at start."""

    def __init__(self, results: tuple[ProbeResult, ...]) -> None:
        super().__init__()
        self.results = results


@dataclass(frozen=True, slots=True)
class _Row:
    """A check's current row of failures: its first and latest failure, and how many."""

    first: ProbeResult
    last: ProbeResult
    failures: int


class HealthWatch:
    """What "failing twice" needs of each check's results, and no more: the current row of failures (its
    first failure, so an outage keeps its key however long it lasts; its latest; how many). A success
    ends the row. Results come oldest first per check (the stored ones at start, then the loop's); one
    older than the check's latest known is ignored."""

    def __init__(self, checks: Sequence[HealthCheck]) -> None:
        self.checks = tuple(checks)
        self._names = {check.name for check in self.checks}
        self._latest: dict[str, datetime] = {}
        self._rows: dict[str, _Row] = {}

    def add(self, results: Iterable[ProbeResult]) -> None:
        for result in sorted(results, key=attrgetter("at")):  # stable: one step's results keep their order
            name = result.check
            if name not in self._names or (name in self._latest and result.at < self._latest[name]):
                continue
            self._latest[name] = result.at
            row = self._rows.get(name)
            if result.ok:
                self._rows.pop(name, None)
            elif row is None:
                self._rows[name] = _Row(result, result, 1)
            else:
                self._rows[name] = _Row(row.first, result, row.failures + 1)

    def failing(self, now: datetime) -> tuple[FailingCheck, ...]:
        """The PROD checks failing twice in a row or more, the latest failure recent, in config order."""
        rows = self._rows
        results = [r for row in rows.values() if row.failures > 1 for r in (row.first, row.last)]
        return tuple(
            replace(found, failures=rows[found.check.name].failures)
            for found in failing_twice(results, self.checks, now)
        )

    def most_recent(self, now: datetime) -> FailingCheck | None:
        """The failing check whose outage started last (what the declare form is filled in from)."""
        return max(self.failing(now), key=attrgetter("since"), default=None)


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
        declare_key: str = "I",
    ) -> None:
        self.ui = ui
        self.declare_key = declare_key  # as shown: the key that opens the declare form
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
        if attention.added is not None:  # what changed since the last list (the memo made that one too)
            fresh = [item for item in attention.added if not item.own and SOURCE[item.kind] in settled]
            announced -= attention.removed
            announced.update(item.key for item in attention.added)
        else:
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
            and situation.failing == last.failing
        )

    def _announce(self, fresh: list[Item]) -> None:
        self.rang.extend(item.key for item in fresh)
        log.info("needs attention: %s", ", ".join(item.key for item in fresh))
        if self.ring and any(item.kind is not Kind.INCIDENT_UPDATE for item in fresh):
            self.ui.bell()
        for item in fresh:
            if item.kind is Kind.CHECK_FAILING:
                self.ui.notify(
                    f"{item.words}. {self.declare_key} declares an incident, the form filled in.",
                    title="PROD health check failing",
                    severity="error",
                    timeout=20,
                    markup=False,
                )
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
