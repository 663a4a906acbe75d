"""What needs the engineer now, gathered from what the panes show (on the UI thread, no I/O): the tickets
waiting unassigned and unacknowledged (from the tickets pane's tally), the requests nobody in the team
has answered or claimed, the incidents whose update is due, and whether the end-of-day list is due and
still open. `rules.attention` makes the list from it.

It runs on every poll, so the facts it made are kept by what they were made from (the pane's tally
entry, the message object), and of the tickets it looks only at those whose tally entry the pane's
journal says changed: a poll that changes 50 of 5,000 tickets looks at 50 and makes 50, and hands
`rules.attention` `WaitingTickets` saying which, so the list is worked out again for those alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time

from duty_tui import text
from duty_tui.models import ChatMessage, Incident
from duty_tui.rules.attention import (
    Engineer,
    RequestFact,
    Situation,
    TicketFact,
    UpdateDue,
    WaitingTickets,
)
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.checklist import END, end_of_day_due
from duty_tui.rules.requests import CLAIM
from duty_tui.widgets.channel import ChannelPane
from duty_tui.widgets.checklist import ChecklistPane
from duty_tui.widgets.tickets import Tally, TicketsPane


class AttentionFacts:
    """Gathers a `Situation` from the panes, remembering the facts it made."""

    def __init__(self) -> None:
        self._tickets: dict[str, tuple[Tally, TicketFact]] = {}  # the waiting ones, by key
        self._facts: dict[str, TicketFact] = {}  # the same facts alone (what `WaitingTickets` holds)
        self._pane: TicketsPane | None = None
        self._position: tuple[int, int] | None = None  # where the pane's tally journal was last read
        self._waiting = WaitingTickets(self._facts)
        self._requests: dict[str, tuple[object, RequestFact | None]] = {}
        self._asking: list[RequestFact] = []
        self._walked: tuple[object, ...] | None = None  # what the channel was when `_asking` was made

    def gather(
        self,
        *,
        now: datetime,
        calendar: SupportCalendar,
        me: Engineer,
        tickets: TicketsPane,
        channel: ChannelPane,
        incidents: Sequence[Incident],
        reminders: Mapping[str, tuple[datetime | None, bool]],
        checklist: ChecklistPane,
        end_of_day: time,
        uncovered: str | None = None,
    ) -> Situation:
        updates: list[UpdateDue] = []
        for incident in incidents:
            due_at, overdue = reminders.get(incident.id, (None, False))
            if incident.is_open and overdue and due_at is not None:
                updates.append(UpdateDue(incident.id, incident.title, due_at))
        end_items = [item.id for s in checklist.sections if s.when == END for item in s.items]
        end_done = bool(end_items) and all(item_id in checklist.ticks for item_id in end_items)
        return Situation(
            now=now,
            me=me,
            tickets=self._waiting_tickets(tickets),
            requests=self._waiting_requests(channel),
            updates_due=updates,
            incident_open=any(incident.is_open for incident in incidents),
            uncovered=uncovered,
            end_of_day_due=end_of_day_due(now, calendar, end_of_day) and not end_done,
        )

    def _waiting_tickets(self, pane: TicketsPane) -> WaitingTickets:
        """The same `WaitingTickets` as last time while no tally entry has changed; else new ones saying
        which keys changed. Only the keys the pane's journal names are looked at (the pane makes a new
        tally entry for every change to its ticket), unless it cannot tell (the tally replaced whole)."""
        since = self._position if self._pane is pane else None
        self._pane = pane
        self._position, changed = pane.tally_changes(since)
        if changed is not None and not changed:
            return self._waiting
        current, kept = pane.tally, self._tickets
        facts = self._facts
        if changed is None:  # read the whole tally, keeping the facts made from the same entries
            known, kept, facts = kept, {}, {}
            keys: Iterable[str] = current.keys()
        else:
            known = kept
            keys = dict.fromkeys(changed)
        for key in keys:
            tally = current.get(key)
            found = known.get(key)
            if tally is None or tally.assignee_id is not None or tally.deadline is None:
                found = None  # gone, taken, or acknowledged: its clock has stopped
            elif found is None or found[0] is not tally:  # the pane makes a new tally entry per change
                ticket = pane.ticket(key)
                if ticket is None or ticket.is_done:
                    found = None
                else:
                    fact = TicketFact(
                        key,
                        ticket.summary,
                        tally.deadline,
                        reporter=ticket.reporter,
                        acting=bool(ticket.pending),  # the engineer's own write on it is on its way
                    )
                    found = (tally, fact)
            if found is None:
                kept.pop(key, None)
                facts.pop(key, None)
            else:
                kept[key] = found
                facts[key] = found[1]
        self._tickets, self._facts = kept, facts
        self._waiting = WaitingTickets(facts, changed, self._waiting if changed is not None else None)
        return self._waiting

    def _waiting_requests(self, pane: ChannelPane) -> list[RequestFact]:
        """Whether a message waits does not depend on the time (only a claim's triage clock does, and a
        claimed request waits on whoever claimed it), so it is worked out again only when the message,
        the team, a ticket raised from it, the engineer's own claim or the names known change."""
        state, names = pane.state, len(pane.directory.users)
        # The channel's window moves its revision on with every change to a row, a claim, a ticket raised
        # from one, the team or the engineer: while it stands, the last list holds (a Jira poll, a tick).
        walked = (pane, pane.window.revision, state.team, names)
        if walked == self._walked:
            return self._asking
        self._walked = walked
        known, kept = self._requests, {}
        waiting: list[RequestFact] = []
        same = True
        for message in pane.table.items():
            ts = message.ts
            made_from = (message, state.team, state.tickets.get(ts), pane.rows.mine(message), names)
            found = known.get(ts)
            if found is None or found[0] != made_from:
                found = (made_from, self._request(pane, message))
                same = False
            kept[ts] = found
            if found[1] is not None:
                waiting.append(found[1])
        if same and len(kept) == len(known):
            return self._asking  # the same list: the attention desk can tell nothing changed
        self._requests, self._asking = kept, waiting
        return waiting

    @staticmethod
    def _request(pane: ChannelPane, message: ChatMessage) -> RequestFact | None:
        if not pane.rows.needs_attention(message):
            return None
        team = pane.state.team
        if pane.rows.mine(message) or any(
            r.name == CLAIM and any(u in team for u in r.users) for r in message.reactions
        ):
            return None  # claimed: waiting on the one who claimed it, not on the desk
        said = text.slack_text(message.text, pane.names).plain  # mentions by name
        return RequestFact(message.ts, message.user_id, pane.author(message), said, message.sent_at)
