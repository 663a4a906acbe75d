"""What needs the engineer now: the one list behind the status bar's attention count.

Seven kinds of item, most urgent first: a PROD health check failing twice in a row or more
(`rules.availability.failing_twice`), an incident update due, a ticket due within 30 minutes of support
time (or already breached), a channel period nobody covers, a request waiting in the channel, a new
unassigned ticket, and the end-of-day list once its time has come. Within a kind the one closest to its
deadline (or waiting longest) comes first. A ticket is listed once: as due when its deadline is near,
else as new.

Each item has a stable key ("ticket-new:LAA-12", "ticket-due:LAA-12", "request:<ts>",
"incident-update:<id>", "cover:<period>", "end-of-day:<day>", "check-failing:<check>:<first failure>")
so the attention desk can tell a new item from one it has already announced (a later outage of the same
check is a new item). Items the engineer caused (a ticket they raised, or one with their own
write still on its way) are listed but marked `own`: they are never announced. A request the engineer
posted is no request to them, so it is not listed at all. Out of support hours, unless an incident is
open, the list is `quiet`: still counted, never announced.

Pure: the time, the calendar and the facts are given; item words are sanitized one-liners. A board can
hold thousands of waiting tickets and the list is made on every poll, so `ListMemo` keeps each item
while what it is made from is the same object (and its time-dependent words the same minute). Tickets
handed as `WaitingTickets` (saying which changed since the last) go further: only the changed ones, and
those whose deadline the clock has come near since the last list, are looked at.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import overload

from duty_tui import text
from duty_tui.rules.availability import FailingCheck, failing_words
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.text.timefmt import age_changes_at, duration

DUE_WITHIN = timedelta(minutes=30)
BREACHED = "breached"
WORDS_LIMIT = 80  # what the status bar can show of one item; the bar may cut it further


class Kind(StrEnum):
    """The kinds of item, in order of urgency (declaration order is the order on the list)."""

    CHECK_FAILING = "check-failing"
    INCIDENT_UPDATE = "incident-update"
    TICKET_DUE = "ticket-due"
    COVER = "cover"
    REQUEST = "request"
    TICKET_NEW = "ticket-new"
    END_OF_DAY = "end-of-day"


_RANK = {kind: rank for rank, kind in enumerate(Kind)}
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Engineer:
    """Who is at the keyboard, as far as it is known yet."""

    jira_id: str | None = None
    jira_name: str | None = None  # the Jira display name (tickets carry the reporter's name only)
    slack_id: str | None = None


@dataclass(frozen=True, slots=True)
class TicketFact:
    """A listed ticket as attention needs it."""

    key: str
    summary: str
    deadline: datetime | None  # the acknowledgement deadline; None once acknowledged
    assignee_id: str | None = None
    reporter: str = ""  # display name, as Jira sends it
    reporter_id: str | None = None  # account id, when the caller knows it
    acting: bool = False  # the engineer's own write on it is still on its way

    @property
    def waiting(self) -> bool:
        return self.assignee_id is None and self.deadline is not None


_NUMBERS = itertools.count(1)


class WaitingTickets(Sequence[TicketFact]):
    """The waiting tickets by key, saying which keys changed since the `WaitingTickets` it follows (None:
    no telling), so `needs_attention` can work on those alone when its memo made the last list from that
    one. One gatherer's `WaitingTickets` share its dict: only the newest of them is current."""

    __slots__ = ("changed", "facts", "follows", "number")

    def __init__(
        self,
        facts: Mapping[str, TicketFact],
        changed: Collection[str] | None = None,
        follows: WaitingTickets | None = None,
    ) -> None:
        self.facts = facts
        self.number = next(_NUMBERS)
        self.follows = follows.number if follows is not None and changed is not None else None
        self.changed = frozenset(changed or ())

    def __len__(self) -> int:
        return len(self.facts)

    def __iter__(self) -> Iterator[TicketFact]:
        return iter(self.facts.values())

    @overload
    def __getitem__(self, index: int) -> TicketFact: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[TicketFact]: ...
    def __getitem__(self, index: int | slice) -> TicketFact | Sequence[TicketFact]:
        return list(self.facts.values())[index]


@dataclass(frozen=True, slots=True)
class RequestFact:
    """A request in the channel nobody in the team has answered or claimed yet."""

    ts: str
    user_id: str | None
    author: str
    text: str  # as shown: Slack mrkdwn already rendered, by the caller
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class UpdateDue:
    """An open incident whose next update is due now (or overdue)."""

    incident_id: str
    title: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Situation:
    """Everything the list is made from, at one moment."""

    now: datetime
    me: Engineer = Engineer()
    tickets: Sequence[TicketFact] = ()
    requests: Sequence[RequestFact] = ()
    updates_due: Sequence[UpdateDue] = ()
    incident_open: bool = False
    # The support period under way that nobody covers, in words that name it (the cover desk's
    # "Nobody covers #laa-ops until 13:00"): its words and its key.
    uncovered: str | None = None
    end_of_day_due: bool = False
    failing: Sequence[FailingCheck] = ()  # the PROD checks failing twice in a row or more


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    kind: Kind
    said: str  # what it is, as built (untrusted parts included); `words` is what may be shown
    at: datetime | None = None  # orders items of one kind: deadline, due time, when sent
    own: bool = False  # the engineer's own doing: listed, never announced
    order: tuple[int, datetime, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", (_RANK[self.kind], self.at or _EARLIEST, self.key))

    @property
    def words(self) -> str:
        """One short sanitized line: "LAA-12 due in 12m: CCMS down". Made when asked for: only the most
        urgent item and the new ones are ever shown."""
        return text.one_line(self.said, WORDS_LIMIT, breaks=False)


@dataclass(frozen=True, slots=True)
class Attention:
    """The list at one moment. `listed` is in no particular order; `items` sorts it by urgency."""

    listed: tuple[Item, ...]
    quiet: bool  # out of support hours with no incident open: listed, not announced
    # What changed since the memo's last list, when it is known (the tickets came as `WaitingTickets`
    # following the last ones): the items whose keys are new, and the keys gone. And the most urgent item.
    added: tuple[Item, ...] | None = field(default=None, compare=False, repr=False)
    removed: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    first: Item | None = field(default=None, compare=False, repr=False)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(sorted(self.listed, key=_ORDER))

    @property
    def count(self) -> int:
        return len(self.listed)

    @property
    def most_urgent(self) -> str | None:
        if self.first is not None:
            return self.first.words
        return min(self.listed, key=_ORDER).words if self.listed else None

    def summary(self) -> tuple[int, str | None]:
        """What the status bar shows: how many, and the most urgent in words."""
        return self.count, self.most_urgent


_ORDER = attrgetter("order")


class ListMemo:
    """The items of the last list by key, each with what it was made from. Hand the same memo to every
    `needs_attention` call of one list; it holds no more than the last list's items."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[object, str | None, Item]] = {}
        self.me: Engineer | None = None
        self.tickets: _TicketMemo | None = None  # while the tickets come as `WaitingTickets`
        self.requests = _RequestMemo()


class _RequestMemo:
    """The waiting requests' items as of the last list, each kept until its "waiting 3h" next reads
    differently (`age_changes_at`): a list made from the same requests before the first of those
    moments reuses them all, and otherwise only the requests that changed or moved on are made again."""

    def __init__(self) -> None:
        self.source: Sequence[RequestFact] | None = None  # the requests the items were made from
        self.now: datetime | None = None  # when they were
        self.found: dict[str, tuple[RequestFact, datetime, Item]] = {}  # ts → (request, right until, item)
        self.items: list[Item] = []  # in the requests' order, the engineer's own left out
        self.keys: frozenset[str] = frozenset()  # the items' keys
        self.until: datetime | None = None  # the first moment one of the items reads differently
        self.first: Item | None = None  # the most urgent of them: the longest waiting


class _TicketMemo:
    """The waiting tickets' items as of the last list, kept by key, and their deadlines in order: a list
    made from `WaitingTickets` that follow the last ones works on the changed keys, and on the deadlines
    `now` may have moved past (or near) since, alone."""

    def __init__(self, number: int, now: datetime) -> None:
        self.number = number  # the `WaitingTickets` the items were made from
        self.now = now
        self.bound: datetime | None = now  # deadlines from here on were surely not due; None: no bound
        self.found: dict[str, tuple[TicketFact, str | None, Item]] = {}
        self.listed: dict[str, Item] = {}  # the items alone, in the same order
        self.deadlines: list[tuple[datetime, str]] = []  # (deadline, ticket key), in order
        self.others: frozenset[str] = frozenset()  # the other items' keys

    def first(self) -> Item | None:
        """The most urgent ticket item: the due one with the earliest deadline (only a deadline under the
        bound can be due), else the new one with the earliest."""
        bound, listed = self.bound, self.listed
        for deadline, key in self.deadlines:
            if bound is not None and deadline >= bound:
                break
            item = listed[key]
            if item.kind is Kind.TICKET_DUE:
                return item
        return listed[self.deadlines[0][1]] if self.deadlines else None


def needs_attention(
    situation: Situation, calendar: SupportCalendar, memo: ListMemo | None = None
) -> Attention:
    """Every item that needs the engineer now (`Attention.items` orders them, most urgent first)."""
    now, me = situation.now, situation.me
    memo = memo or ListMemo()
    if me != memo.me:  # who "own" means changed: nothing made before holds
        memo.items, memo.me, memo.tickets, memo.requests = {}, me, None, _RequestMemo()
    known: dict[str, tuple[object, str | None, Item]] = memo.items
    kept: dict[str, tuple[object, str | None, Item]] = {}
    items: list[Item] = [
        Item(failing.key, Kind.CHECK_FAILING, failing_words(failing, now), failing.since)
        for failing in situation.failing
    ]
    for update in situation.updates_due:
        late = now - update.due_at
        when = f"overdue {duration(late, 'age')}" if late >= timedelta(minutes=1) else "due"
        said = f"incident update {when}: {update.title}"
        items.append(
            Item(f"{Kind.INCIDENT_UPDATE}:{update.incident_id}", Kind.INCIDENT_UPDATE, said, update.due_at)
        )
    waiting = situation.tickets
    incremental = isinstance(waiting, WaitingTickets)
    if incremental:
        ticket_memo, changes = _kept_tickets(situation, calendar, memo.tickets)
        memo.tickets = ticket_memo
    else:
        memo.tickets = None
        _tickets(situation, calendar, known=known, kept=kept, items=items)
    if situation.uncovered:
        items.append(Item(f"{Kind.COVER}:{situation.uncovered}", Kind.COVER, situation.uncovered))
    if situation.end_of_day_due:
        day = calendar.local_date(now)
        items.append(Item(f"{Kind.END_OF_DAY}:{day.isoformat()}", Kind.END_OF_DAY, "end-of-day checklist"))
    memo.items = kept
    requests = _request_items(situation.requests, now, me, memo.requests)
    quiet = not calendar.is_open(now) and not situation.incident_open
    if not incremental:
        return Attention((*items, *requests.items), quiet)
    others = frozenset(item.key for item in items) | requests.keys
    first = min(items, key=_ORDER, default=None)
    if requests.first is not None and (first is None or requests.first.order < first.order):
        first = requests.first
    ticket_first = ticket_memo.first()
    if ticket_first is not None and (first is None or ticket_first.order < first.order):
        first = ticket_first
    added: tuple[Item, ...] | None = None
    removed: frozenset[str] = frozenset()
    if changes is not None:
        before, gone, new = ticket_memo.others, changes[0], changes[1]
        fresh = requests.items if not requests.keys <= before else ()  # no request key new: none added
        added = (*(item for item in (*items, *fresh) if item.key not in before), *new)
        removed = (before - others) | gone
    ticket_memo.others = others
    return Attention((*items, *requests.items, *ticket_memo.listed.values()), quiet, added, removed, first)


def _request_items(
    requests: Sequence[RequestFact], now: datetime, me: Engineer, memo: _RequestMemo
) -> _RequestMemo:
    """The requests' items, in `memo` (returned): the same list when the requests are the same ones and
    no item's words have moved on; else each item made again only if its request changed or its words
    did. The engineer's own messages are no requests to them."""
    if memo.now is not None and now < memo.now:  # the clock went back: nothing made holds
        memo.found, memo.source = {}, None
    if requests is memo.source and (memo.until is None or now < memo.until):  # nothing moved on
        memo.now = now
        return memo
    found: dict[str, tuple[RequestFact, datetime, Item]] = {}
    items: list[Item] = []
    until: datetime | None = None
    for request in requests:
        if me.slack_id is not None and request.user_id == me.slack_id:
            continue
        made = memo.found.get(request.ts)
        if made is None or made[0] is not request or now >= made[1]:
            waited = max(timedelta(0), now - request.sent_at)
            made = (
                request,
                request.sent_at + age_changes_at(waited),
                _request(request, duration(waited, "age")),
            )
        found[request.ts] = made
        items.append(made[2])
        if until is None or made[1] < until:
            until = made[1]
    # The same requests, and (the memo is reset for a new engineer) the same me: the same keys.
    same_source = requests is memo.source
    memo.source, memo.now, memo.found, memo.items, memo.until = requests, now, found, items, until
    memo.first = min(items, key=_ORDER, default=None)
    if not same_source:
        memo.keys = frozenset(item.key for item in items)
    return memo


def _tickets(
    situation: Situation,
    calendar: SupportCalendar,
    *,
    known: dict[str, tuple[object, str | None, Item]],
    kept: dict[str, tuple[object, str | None, Item]],
    items: list[Item],
) -> None:
    """The waiting tickets' items, due or new. Support time left is never more than wall time left, and
    at least 30 minutes from `surely_new` on: the calendar's arithmetic only for the few deadlines those
    cannot settle. This runs over every waiting ticket on every poll, so a ticket still new reuses its
    item without any arithmetic."""
    now, me = situation.now, situation.me
    soon, surely_new = now + DUE_WITHIN, _surely_not_due(now, calendar)
    for ticket in situation.tickets:
        deadline = ticket.deadline
        if ticket.assignee_id is not None or deadline is None:
            continue
        if deadline <= now:
            due: str | None = BREACHED
        elif surely_new is not None and deadline >= soon and deadline >= surely_new:
            due = None
        else:
            left = deadline - now if deadline < soon else calendar.working_time_between(now, deadline)
            due = f"due in {duration(left, 'span')}" if left < DUE_WITHIN else None
        found = known.get(ticket.key)
        if found is None or found[0] is not ticket or found[1] != due:
            found = (ticket, due, _new_ticket(ticket, me) if due is None else _due_ticket(ticket, due))
        kept[ticket.key] = found
        items.append(found[2])


def _kept_tickets(
    situation: Situation, calendar: SupportCalendar, memo: _TicketMemo | None
) -> tuple[_TicketMemo, tuple[frozenset[str], list[Item]] | None]:
    """The waiting tickets' items kept in a `_TicketMemo`, worked out again only for the tickets that
    changed and those whose deadline `now` has come near since (a ticket's item changes with the time
    only while its deadline is under `_bound` away), with the changes to the list's keys when the memo
    followed on (None when made from scratch)."""
    waiting = situation.tickets
    assert isinstance(waiting, WaitingTickets)
    now, me = situation.now, situation.me
    soon, surely_new = now + DUE_WITHIN, _surely_not_due(now, calendar)
    bound = None if surely_new is None else max(soon, surely_new)
    facts = waiting.facts
    # The very tickets the memo was made from (something else changed: a request, the minute) have no
    # changes to apply: only the time can have moved some items on.
    same = memo is not None and waiting.number == memo.number
    if memo is None or (not same and waiting.follows != memo.number) or now < memo.now:
        fresh = _TicketMemo(waiting.number, now)
        known = memo.found if memo is not None else {}
        for ticket in facts.values():
            if ticket.assignee_id is None and ticket.deadline is not None:
                fresh.deadlines.append((ticket.deadline, ticket.key))
                _put(fresh, ticket, _due(ticket.deadline, now, soon, surely_new, calendar), me, known)
        fresh.deadlines.sort()
        fresh.bound = bound
        return fresh, None
    touched = (
        {}
        if same
        else _apply_changes(
            waiting, memo, now=now, soon=soon, surely_new=surely_new, calendar=calendar, me=me
        )
    )
    found, listed, deadlines = memo.found, memo.listed, memo.deadlines
    # Breached at the last `now` is breached still; at or past both bounds it was and is surely not due.
    low = bisect.bisect_right(deadlines, (memo.now, "\U0010ffff"))
    top = len(deadlines) if bound is None or memo.bound is None else None
    if top is None:
        assert bound is not None and memo.bound is not None
        top = bisect.bisect_left(deadlines, (max(bound, memo.bound), ""))
    for deadline, key in deadlines[low:top]:
        old = found[key]
        due = _due(deadline, now, soon, surely_new, calendar)
        if old[1] != due:
            touched.setdefault(key, old[2].key)
            _put(memo, old[0], due, me, found)
    memo.number, memo.now, memo.bound = waiting.number, now, bound
    gone: set[str] = set()
    new: list[Item] = []
    for key, before in touched.items():
        item = listed.get(key)
        if item is not None and item.key == before:
            continue
        if before is not None:
            gone.add(before)
        if item is not None:
            new.append(item)
    return memo, (frozenset(gone), new)


def _apply_changes(
    waiting: WaitingTickets,
    memo: _TicketMemo,
    *,
    now: datetime,
    soon: datetime,
    surely_new: datetime | None,
    calendar: SupportCalendar,
    me: Engineer,
) -> dict[str, str | None]:
    """The changed tickets' items made again; returns each touched ticket's item key before."""
    touched: dict[str, str | None] = {}  # ticket key: its item's key before
    found, listed, deadlines, facts = memo.found, memo.listed, memo.deadlines, waiting.facts
    for key in waiting.changed:
        old = found.get(key)
        ticket = facts.get(key)
        if old is not None and old[0] is ticket:
            continue
        touched.setdefault(key, old[2].key if old is not None else None)
        # The deadline it waits on (None: it waits no longer). One that did not move keeps its place in
        # `deadlines`: most edits leave it alone.
        deadline = ticket.deadline if ticket is not None and ticket.assignee_id is None else None
        stays = old is not None and deadline is not None and old[0].deadline == deadline
        if old is not None:
            del found[key], listed[key]
            if not stays:
                del deadlines[bisect.bisect_left(deadlines, (old[0].deadline, key))]
        if ticket is not None and deadline is not None:
            if not stays:
                bisect.insort(deadlines, (deadline, key))
            _put(memo, ticket, _due(deadline, now, soon, surely_new, calendar), me, found)
    return touched


def _put(
    memo: _TicketMemo,
    ticket: TicketFact,
    due: str | None,
    me: Engineer,
    known: Mapping[str, tuple[TicketFact, str | None, Item]],
) -> None:
    found = known.get(ticket.key)
    if found is None or found[0] is not ticket or found[1] != due:
        found = (ticket, due, _new_ticket(ticket, me) if due is None else _due_ticket(ticket, due))
    memo.found[ticket.key] = found
    memo.listed[ticket.key] = found[2]


def _due(
    deadline: datetime, now: datetime, soon: datetime, surely_new: datetime | None, calendar: SupportCalendar
) -> str | None:
    """What a waiting ticket's item says of its deadline: breached, due in so long, or None (new)."""
    if deadline <= now:
        return BREACHED
    if surely_new is not None and deadline >= soon and deadline >= surely_new:
        return None
    left = deadline - now if deadline < soon else calendar.working_time_between(now, deadline)
    return f"due in {duration(left, 'span')}" if left < DUE_WITHIN else None


def _new_ticket(ticket: TicketFact, me: Engineer) -> Item:
    return Item(
        f"{Kind.TICKET_NEW}:{ticket.key}",
        Kind.TICKET_NEW,
        f"new ticket {ticket.key}: {ticket.summary}",
        ticket.deadline,
        own=ticket.acting or _reported_by(ticket, me),
    )


def _due_ticket(ticket: TicketFact, due: str) -> Item:
    return Item(
        f"{Kind.TICKET_DUE}:{ticket.key}",
        Kind.TICKET_DUE,
        f"{ticket.key} {due}: {ticket.summary}",
        ticket.deadline,
    )


def _request(request: RequestFact, waited: str) -> Item:
    said = "new request" if waited == "now" else f"request waiting {waited}"
    return Item(
        f"{Kind.REQUEST}:{request.ts}",
        Kind.REQUEST,
        f"{said}: {request.author}: {request.text}",
        request.sent_at,
    )


def _surely_not_due(now: datetime, calendar: SupportCalendar) -> datetime | None:
    """A deadline at or after this has at least 30 minutes of support time left: the current (or next)
    support period has that much in it before the deadline."""
    state = calendar.state(now)
    start, end = (now, state.closes_at) if state.open else (state.opens_at, None)
    if not state.open and start is not None:
        end = calendar.state(start).closes_at
    if start is None or end is None or end - start < DUE_WITHIN:
        return None
    return start + DUE_WITHIN


def _reported_by(ticket: TicketFact, me: Engineer) -> bool:
    if ticket.reporter_id is not None and me.jira_id is not None:
        return ticket.reporter_id == me.jira_id
    return (
        bool(me.jira_name and ticket.reporter) and ticket.reporter.casefold() == str(me.jira_name).casefold()
    )
