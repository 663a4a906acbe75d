"""What needs the engineer now, gathered from what the panes show (on the UI thread, no I/O): the tickets
waiting unassigned and unacknowledged (from the tickets pane's tally), the requests nobody in the team
has answered or claimed, the incidents whose update is due, and whether the end-of-day list is due and
still open. `rules.attention` makes the list from it.

It runs on every poll over every waiting ticket, so the facts it made are kept by what they were made
from (the pane's tally entry, the message object): a poll that changes 50 of 5,000 tickets makes 50.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from operator import is_

from duty_tui import text
from duty_tui.models import ChatMessage, Incident
from duty_tui.rules.attention import Engineer, RequestFact, Situation, TicketFact, UpdateDue
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.checklist import END, end_of_day_due
from duty_tui.rules.requests import CLAIM
from duty_tui.widgets.channel import ChannelPane
from duty_tui.widgets.checklist import ChecklistPane
from duty_tui.widgets.tickets import Tally, TicketsPane


class AttentionFacts:
    """Gathers a `Situation` from the panes, remembering the facts it made."""

    def __init__(self) -> None:
        self._tickets: dict[str, tuple[Tally, TicketFact]] = {}
        self._tally: dict[str, Tally] = {}  # the pane's tally as last read
        self._waiting: list[TicketFact] = []
        self._requests: dict[str, tuple[object, RequestFact | None]] = {}
        self._asking: list[RequestFact] = []

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

    def _waiting_tickets(self, pane: TicketsPane) -> list[TicketFact]:
        """The same list as last time while no tally entry has changed (the pane replaces an entry for
        every change to its ticket; comparing them by identity is a C loop, 5,000 in well under 1 ms)."""
        current, seen = pane.tally, self._tally
        if current.keys() == seen.keys() and all(map(is_, current.values(), seen.values())):
            return self._waiting
        self._tally = dict(current)
        known, kept = self._tickets, {}
        waiting: list[TicketFact] = []
        for key, tally in current.items():
            if tally.assignee_id is not None or tally.deadline is None:
                continue  # taken, or acknowledged: its clock has stopped
            found = known.get(key)
            if found is None or found[0] is not tally:  # the pane makes a new tally entry per change
                ticket = pane.ticket(key)
                if ticket is None or ticket.is_done:
                    continue
                fact = TicketFact(
                    key,
                    ticket.summary,
                    tally.deadline,
                    reporter=ticket.reporter,
                    acting=bool(ticket.pending),  # the engineer's own write on it is on its way
                )
                found = (tally, fact)
            kept[key] = found
            waiting.append(found[1])
        self._tickets, self._waiting = kept, waiting
        return waiting

    def _waiting_requests(self, pane: ChannelPane) -> list[RequestFact]:
        """Whether a message waits does not depend on the time (only a claim's triage clock does, and a
        claimed request waits on whoever claimed it), so it is worked out again only when the message,
        the team, a ticket raised from it, the engineer's own claim or the names known change."""
        known, kept = self._requests, {}
        state, names = pane.state, len(pane.directory.users)
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
