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
while what it is made from is the same object (and its time-dependent words the same minute).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from operator import attrgetter

from duty_tui import text
from duty_tui.rules.availability import FailingCheck, failing_words
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.text.timefmt import duration

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

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(sorted(self.listed, key=_ORDER))

    @property
    def count(self) -> int:
        return len(self.listed)

    @property
    def most_urgent(self) -> str | None:
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


def needs_attention(
    situation: Situation, calendar: SupportCalendar, memo: ListMemo | None = None
) -> Attention:
    """Every item that needs the engineer now (`Attention.items` orders them, most urgent first)."""
    now, me = situation.now, situation.me
    memo = memo or ListMemo()
    if me != memo.me:  # who "own" means changed: nothing made before holds
        memo.items, memo.me = {}, me
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
    _tickets(situation, calendar, known=known, kept=kept, items=items)
    if situation.uncovered:
        items.append(Item(f"{Kind.COVER}:{situation.uncovered}", Kind.COVER, situation.uncovered))
    for request in situation.requests:
        if me.slack_id is not None and request.user_id == me.slack_id:
            continue  # the engineer's own message is no request to them
        waited = duration(max(timedelta(0), now - request.sent_at), "age")
        found = known.get(request.ts)
        if found is None or found[0] is not request or found[1] != waited:
            found = (request, waited, _request(request, waited))
        kept[request.ts] = found
        items.append(found[2])
    if situation.end_of_day_due:
        day = calendar.local_date(now)
        items.append(Item(f"{Kind.END_OF_DAY}:{day.isoformat()}", Kind.END_OF_DAY, "end-of-day checklist"))
    memo.items = kept
    quiet = not calendar.is_open(now) and not situation.incident_open
    return Attention(tuple(items), quiet)


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
