"""The tickets pane: both boards, PROD and severity 1–2 first, each with its acknowledgement clock.

Two views: the unassigned tickets that wait for the duty engineer (with the engineer's writes
still pending), and the engineer's own tickets. `b` narrows to one board. The keys act on the
selected ticket by posting `TicketIntent`s, which bubble to the ticket desk around the pane.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import ClassVar, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.binding import BindingType

from duty_tui import text
from duty_tui.desks.incident_intents import IncidentIntent, LinkedTicket
from duty_tui.desks.intents import TicketIntent
from duty_tui.models import SourceStatus, Ticket
from duty_tui.rules.actions import TicketAction
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.facts import Facts, TicketFacts
from duty_tui.rules.listing import in_view
from duty_tui.rules.sla import HALF_HOUR, AckClock, Band, ack_clock
from duty_tui.rules.triage import Classification, TriageRules, order_key
from duty_tui.text.timefmt import duration
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.keyed_table import Column, KeyedTable
from duty_tui.widgets.list_pane import ListPane

COLUMNS = (
    Column("board", "Board", width=5),
    Column("key", "Key", width=9),
    Column("priority", "Priority", width=8),
    Column("env", "Env", width=8, hide_below=70),
    Column("service", "Svc", width=4, hide_below=76),
    Column("ack", "Ack in", width=10, justify="right"),
    Column("age", "Age", width=4, justify="right", hide_below=95),
    Column("summary", "Summary", min_width=12),
)
SEVERITY_STYLE = {1: "bold red", 2: "red", 3: "yellow", 4: "dim", 5: "dim"}
BAND_STYLE = {
    Band.OK: "green",
    Band.SOON: "yellow",
    Band.URGENT: "bold yellow",
    Band.BREACHED: "bold white on red",
    Band.ACKNOWLEDGED: "dim green",
}
UNASSIGNED, MINE = "unassigned", "mine"
UNACKNOWLEDGED = "unacknowledged"  # waiting and not acknowledged, soonest deadline first (the checklist's)
_K = TypeVar("_K")


class TicketTable(KeyedTable[Ticket]):
    """Tickets keyed by issue key, with the ticket keys."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "ticket.take",
        "ticket.assign",
        "ticket.unassign",
        "ticket.acknowledge",
        "ticket.move",
        "ticket.comment",
        "ticket.open",
        "ticket.copy",
        "tickets.view",
        "tickets.board",
        "ticket.incident",
    )

    read_only = False

    def action_ticket(self, action: str) -> None:
        if self.cursor_key is not None:
            self.post_message(TicketIntent(TicketAction(action), self.cursor_key))

    def action_link_incident(self) -> None:
        """`i`: the incident desk asks which incident the ticket goes to."""
        ticket = self.item(self.cursor_key) if self.cursor_key is not None else None
        if ticket is not None:
            self.post_message(IncidentIntent("link", None, LinkedTicket(ticket.key, ticket.summary)))

    def action_switch_view(self) -> None:
        pane = self.parent
        if isinstance(pane, TicketsPane):
            pane.switch_view()

    def action_cycle_board(self) -> None:
        pane = self.parent
        if isinstance(pane, TicketsPane):
            pane.cycle_board()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # --read-only hides the write keys, so the footer has room to say why.
        writes = action == "ticket" and bool(parameters) and TicketAction(str(parameters[0])).writes
        return not ((writes or action == "link_incident") and self.read_only)


class Tally(NamedTuple):
    """What the pane title counts about one row."""

    boards: tuple[str, ...]
    assignee_id: str | None
    deadline: datetime | None  # set while the ticket waits unassigned and unacknowledged


class Counts(NamedTuple):
    per_board: dict[str, int]  # unassigned tickets, by board label
    breached: int
    soon: int  # under 30 minutes of support time left
    mine: int


class TicketsPane(ListPane):
    """Pane 1."""

    def __init__(
        self,
        board_labels: Mapping[str, str],
        now: Callable[[], datetime],
        calendar: SupportCalendar,
        *,
        rules: TriageRules | None = None,
        within: timedelta = timedelta(hours=2),
        me: Callable[[], str | None] = lambda: None,
        read_only: bool = False,
        facts: TicketFacts | None = None,
    ) -> None:
        self.board_labels = dict(board_labels)
        self.now = now
        self.calendar = calendar
        self.zone: ZoneInfo = calendar.zone
        self.rules = rules or TriageRules()
        self.within = within
        self.me = me
        self.view = UNASSIGNED
        self.board: str | None = None  # a board name, or None for all
        self.known = facts or TicketFacts(self.rules, calendar, within)
        self.cursor_landed: tuple[str | None, float] = (None, 0.0)  # see just_landed
        self.held_order: dict[str, tuple[object, ...]] = {}  # see sort_key
        self._tally: dict[str, Tally] = {}  # what the title counts, per row; see update_counts
        # The tally summed up, kept as rows change: unassigned rows by boards, assigned rows by assignee,
        # the waiting (unassigned, unacknowledged) rows by boards, and their deadlines in order.
        self._unassigned: dict[tuple[str, ...], int] = {}
        self._assigned: dict[str, int] = {}
        self._waiting: dict[tuple[str, ...], int] = {}
        self._deadlines: list[datetime] = []
        # The keys whose tally entry changed, in order, for readers that keep up (see tally_changes): the
        # tally replaced whole starts a new epoch; entries already read are dropped now and then.
        self._journal: list[str] = []
        self._journal_start = 0  # how many entries were dropped from the journal's front
        self._tally_epoch = 0
        self._clocks: tuple[datetime | None, dict[tuple[datetime, datetime | None], AckClock]] = (None, {})
        table = TicketTable(
            COLUMNS,
            key=lambda t: t.key,
            cells=self.cells,
            sort_key=self.sort_key,
            search_text=self.search_text,
            empty_text="No unassigned tickets on the boards.",
            id="ticket-table",
        )
        table.read_only = read_only
        super().__init__(1, "Tickets", table, id="tickets")
        self._me_shown: str | None = None  # whom `shown` took for "me" when rows were last re-tested
        table.set_predicate(self.shown)

    # -- what a row says ------------------------------------------------------------------------

    def facts(self, ticket: Ticket) -> Facts:
        return self.known.of(ticket)

    def classification(self, ticket: Ticket) -> Classification:
        return self.facts(ticket).classification

    def ticket(self, key: str) -> Ticket | None:
        """A row's ticket as shown (with the engineer's writes still on their way)."""
        return self.table.item(key)

    def on_keyed_table_selected(self, message: KeyedTable.Selected) -> None:
        """Enter on a row asks for the ticket in full."""
        message.stop()
        self.post_message(TicketIntent(TicketAction.DETAIL, message.key))

    def clock(self, ticket: Ticket) -> AckClock:
        """Memoised for the current `now`: an edit that leaves `created` and the acknowledgement alone
        (most of a poll's) keeps its clock, and a long-breached ticket's costs a walk over many days."""
        now = self.now()
        at, known = self._clocks
        if at != now:
            known = {}
            self._clocks = (now, known)
        made_from = (ticket.created, ticket.acknowledged_at)
        found = known.get(made_from)
        if found is None:
            found = known[made_from] = ack_clock(*made_from, now, self.calendar, self.within)
        return found

    def sort_key(self, ticket: Ticket) -> tuple[object, ...]:
        facts = self.facts(ticket)
        found: tuple[object, ...] = order_key(ticket, facts.classification, facts.deadline)
        if self.view == UNACKNOWLEDGED:  # the 2-hour promise: whatever breaches first comes first
            found = (facts.deadline, ticket.created, ticket.key)
        if not ticket.pending:
            self.held_order.pop(ticket.key, None)
            return found
        # A row with writes in flight keeps its place: the take the engineer just made must not carry
        # the row (and the cursor with it) down the list as each write is confirmed, then drop the
        # cursor somewhere else when the row leaves.
        return self.held_order.setdefault(ticket.key, found)

    def cells(self, ticket: Ticket) -> list[Text]:
        facts = self.facts(ticket)
        found = facts.classification
        clock = self.clock(ticket)
        labels = [self.board_labels.get(b, b[:3]) for b in ticket.boards] or ["—"]
        key = text.plain(ticket.key, "bold red" if clock.band is Band.BREACHED else "bold")
        if ticket.pending:
            key.append(" ⟳", "cyan")
        label = clock.label()
        if clock.band is not Band.ACKNOWLEDGED and {"assign", "comment"} & set(ticket.pending):
            label = "⟳" + label  # acknowledgement on its way: the clock still runs until Jira has it
        ack = text.plain(
            label, "dim" if clock.paused and clock.band is not Band.BREACHED else BAND_STYLE[clock.band]
        )
        return [
            text.plain("+".join(labels), "cyan"),
            key,
            text.plain(ticket.priority or "—", SEVERITY_STYLE[found.severity]),
            text.plain(found.environment or "", "bold red" if found.environment == "PROD" else ""),
            text.plain(found.service or ""),
            ack,
            text.plain(duration(self.now() - ticket.created, "age")),
            text.plain(ticket.summary, single_line=True, limit=300),
        ]

    def search_text(self, ticket: Ticket) -> str:
        found = self.facts(ticket).classification
        boards = " ".join(self.board_labels.get(b, b) + " " + b for b in ticket.boards)
        return " ".join(
            [
                ticket.key,
                ticket.summary,
                boards,
                ticket.priority,
                ticket.reporter,
                found.environment or "",
                found.service or "",
                *ticket.components,
                *ticket.labels,
            ]
        )

    # -- which rows show --------------------------------------------------------------------------

    def shown(self, ticket: Ticket) -> bool:
        if self.board is not None and self.board not in ticket.boards:
            return False
        if self.view == UNACKNOWLEDGED:
            waiting = in_view(ticket, mine=False, me=None)
            return waiting and (bool(ticket.pending) or ticket.acknowledged_at is None)
        mine = self.view == MINE
        # Only the "mine" view needs to know who "me" is: this runs for every row of a full re-test.
        return in_view(ticket, mine=mine, me=self.me() if mine else None)

    def _refilter(self) -> None:
        """Re-test every row: what `shown` reads besides the row (view, board, me) changed."""
        self._me_shown = self.me()
        self.table.set_predicate(self.shown)

    def switch_view(self) -> None:
        self.show_view(MINE if self.view == UNASSIGNED else UNASSIGNED, self.board)

    def show_view(self, view: str, board: str | None = None) -> None:
        """A view (UNASSIGNED, MINE, UNACKNOWLEDGED) of one board (by name) or of all (None)."""
        resort = (view == UNACKNOWLEDGED) != (self.view == UNACKNOWLEDGED)
        self.view, self.board = view, board
        self.table.empty_text = {
            MINE: "No tickets assigned to you.",
            UNACKNOWLEDGED: "Every waiting ticket is acknowledged.",
        }.get(view, "No unassigned tickets.")
        if resort:  # the unacknowledged view orders by deadline alone
            self.held_order.clear()
            self.table.set_rows(self.table.items())
        self._refilter()
        self.update_counts()

    def unacknowledged_boards(self) -> set[str]:
        """The boards (by name) with a ticket waiting that nobody has acknowledged yet."""
        return {board for boards in self._waiting for board in boards}

    def cycle_board(self) -> None:
        names = list(self.board_labels)
        position = names.index(self.board) + 1 if self.board in names else 0
        self.board = names[position] if position < len(names) else None
        self._refilter()
        self.update_counts()

    # -- data -----------------------------------------------------------------------------------

    def show(self, tickets: Iterable[Ticket]) -> None:
        tickets = list(tickets)
        self.table.set_rows(tickets)
        self.tally = {ticket.key: self._tally_of(ticket) for ticket in tickets}
        self.update_counts()

    @property
    def tally(self) -> Mapping[str, Tally]:
        """What the title counts, per row (a new entry for every change to the row's ticket)."""
        return self._tally

    @tally.setter
    def tally(self, tally: Mapping[str, Tally]) -> None:
        self._tally = {}
        self._unassigned, self._assigned, self._waiting, self._deadlines = {}, {}, {}, []
        for key, entry in tally.items():
            self._set_tally(key, entry)
        self._journal, self._journal_start = [], 0
        self._tally_epoch += 1

    def tally_changes(self, since: tuple[int, int] | None) -> tuple[tuple[int, int], list[str] | None]:
        """Where the tally's journal stands now, and the keys whose entry changed (was set, replaced or
        dropped) since `since`, a position this returned before; None when that cannot be told (the tally
        was replaced whole, or the journal trimmed, since): read the whole tally then."""
        journal, start = self._journal, self._journal_start
        position = (self._tally_epoch, start + len(journal))
        if since is None or since[0] != self._tally_epoch or not start <= since[1] <= position[1]:
            changed = None
        else:
            changed = journal[since[1] - start :]
        if len(journal) > 4 * len(self._tally) + 4096:  # readers that fall this far behind read it all
            self._journal, self._journal_start = [], position[1]
        return position, changed

    def _set_tally(self, key: str, entry: Tally | None) -> None:
        """Replace (or with None, drop) a row's tally entry, keeping the sums `_count` reads."""
        old = self._tally.pop(key, None) if entry is None else self._tally.get(key)
        self._journal.append(key)
        if entry is not None:
            self._tally[key] = entry  # a new entry even when equal: readers tell changes by identity
        if old == entry:
            return  # most of a poll's edits leave what is counted alone: the sums stay
        if old is not None:
            self._add(old, -1)
        if entry is not None:
            self._add(entry, 1)

    def _add(self, entry: Tally, sign: int) -> None:
        boards, assignee_id, deadline = entry
        if assignee_id is not None:
            _bump(self._assigned, assignee_id, sign)
            return
        _bump(self._unassigned, boards, sign)
        if deadline is None:
            return
        _bump(self._waiting, boards, sign)
        if sign > 0:
            bisect.insort(self._deadlines, deadline)
        else:
            del self._deadlines[bisect.bisect_left(self._deadlines, deadline)]

    def apply(self, changed: Iterable[Ticket], removed: Iterable[str]) -> None:
        # A ticket as the row already shows it (the outbox reporting a write still on its way, say) changes
        # nothing: the row, its place and the tally entry the attention list is kept by all stay.
        changed = [ticket for ticket in changed if ticket != self.table.item(ticket.key)]
        removed = list(removed)
        if changed or removed:  # most polls change nothing: keep them free
            before = self.table.cursor_key
            self.known.forget(removed)
            for key in removed:
                self.held_order.pop(key, None)
                self._set_tally(key, None)
            for ticket in changed:
                self._set_tally(ticket.key, self._tally_of(ticket))
            if self.view == MINE and self.me() != self._me_shown:  # learnt who "me" is: re-test all rows
                self._refilter()
            self.table.apply(changed, removed)
            after = self.table.cursor_key
            if before is not None and after != before:  # the row under the cursor left the list
                self.cursor_landed = (after, time.monotonic())
            self.update_counts()

    def just_landed(self, within: float) -> bool:
        """Whether the cursor was moved onto its row by an update (not by the engineer) in the last
        `within` seconds: a key pressed then was meant for the row that left."""
        key, at = self.cursor_landed
        return key is not None and key == self.table.cursor_key and time.monotonic() - at < within

    def forget_landing(self) -> None:
        """The engineer was told about the landing: the next key acts on the row under the cursor."""
        self.cursor_landed = (None, 0.0)

    def _tally_of(self, ticket: Ticket) -> Tally:
        waiting = ticket.assignee_id is None and ticket.acknowledged_at is None
        return Tally(ticket.boards, ticket.assignee_id, self.facts(ticket).deadline if waiting else None)

    def update_counts(self) -> None:
        """The title: per board what waits, what is breached and what is due within 30 minutes."""
        now = self.now()
        counts = self._count(now)
        self.title = {MINE: "My tickets", UNACKNOWLEDGED: "Unacknowledged"}.get(self.view, "Tickets")
        if self.view == MINE:
            parts = [f"{counts.mine} assigned to you"]
        else:
            per_board = counts.per_board
            ordered = [label for label in self.board_labels.values() if label in per_board]
            parts = [" · ".join(f"{label} {per_board[label]}" for label in ordered) or "none waiting"]
            if self.view == UNACKNOWLEDGED:
                parts = [f"{self.table.row_count} to acknowledge, soonest deadline first"]
            if counts.breached:
                parts.append(f"{counts.breached} breached")
            if counts.soon:
                parts.append(f"{counts.soon} due <30m")
        if self.board is not None:
            parts.append(f"board: {self.board_labels.get(self.board, self.board)}")
        if not self.calendar.is_open(now):
            parts.append("⏸ clocks paused: out of hours")
        self.counts = " · ".join(parts)
        self.refresh_title()

    def _count(self, now: datetime) -> Counts:
        """Runs on every poll and every minute, so it reads the sums `_set_tally` keeps as rows change:
        by boards and by assignee, and the waiting rows' deadlines in order, where two bisections find
        what is breached and what has under 30 minutes of support time left."""
        me = self.me()
        deadlines = self._deadlines
        due = bisect.bisect_right(deadlines, now)  # deadline <= now: breached
        soon = bisect.bisect_left(deadlines, self._half_hour_on(now), lo=due) - due
        per_board: dict[str, int] = {}
        for boards, count in self._unassigned.items():
            for board in boards:
                label = self.board_labels.get(board, board)
                per_board[label] = per_board.get(label, 0) + count
        return Counts(per_board, due, soon, self._assigned.get(me, 0) if me is not None else 0)

    def _half_hour_on(self, now: datetime) -> datetime:
        """The moment 30 minutes of support time from `now` have passed: support time left before a
        deadline is under 30 minutes exactly when the deadline comes before it (the time left only
        grows with the deadline, and first reaches 30 minutes there)."""
        try:
            return self.calendar.add_working_time(now, HALF_HOUR)
        except ValueError:  # no support day for years: no support time is ever left
            return datetime.max.replace(tzinfo=UTC)

    def show_status(self, status: SourceStatus | None) -> None:
        self.banner.show_status("Jira", status, self.now(), self.zone)


def _bump(counts: dict[_K, int], key: _K, by: int) -> None:
    left = counts.get(key, 0) + by
    if left:
        counts[key] = left
    else:
        del counts[key]
