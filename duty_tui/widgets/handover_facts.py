"""What the handover says, gathered from what the panes show now (on the UI thread: no I/O, a few hundred
rows at most): open incidents, tickets in progress, acknowledgements breached or due within the hour,
unassigned tickets per board, requests waiting in #laa-ops, and today's unticked checklist items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from duty_tui import text
from duty_tui.models import Incident, StatusCategory
from duty_tui.rules.handover import HandoverFacts, IncidentLine, RequestLine, TicketLine
from duty_tui.widgets.channel import ChannelPane
from duty_tui.widgets.checklist import ChecklistPane
from duty_tui.widgets.tickets import TicketsPane

DUE_WITHIN = timedelta(hours=1)


def gather(
    *,
    tickets: TicketsPane,
    channel: ChannelPane,
    incidents: Sequence[Incident],
    reminders: Mapping[str, tuple[datetime | None, bool]],
    slack_names: Mapping[str, str],
    checklist: ChecklistPane,
    now: datetime,
) -> HandoverFacts:
    open_incidents = [
        IncidentLine(
            title=i.title,
            priority=i.priority.value,
            status=i.status.value,
            lead=slack_names.get(i.lead or "", i.lead or ""),
            next_update=reminders.get(i.id, (i.next_update, False))[0],
        )
        for i in incidents
        if i.is_open
    ]
    in_progress: list[TicketLine] = []
    breached: list[TicketLine] = []
    due_soon: list[TicketLine] = []
    unassigned: dict[str, int] = {}
    for ticket in sorted(tickets.table.items(), key=lambda t: t.key):
        if ticket.is_done:
            continue
        if ticket.assignee_id is None:
            for board in ticket.boards:
                unassigned[board] = unassigned.get(board, 0) + 1
            if ticket.acknowledged_at is None:
                deadline = tickets.facts(ticket).deadline
                line = TicketLine(ticket.key, ticket.summary, deadline=deadline)
                if deadline <= now:
                    breached.append(line)
                elif deadline - now <= DUE_WITHIN:
                    due_soon.append(line)
        elif ticket.status_category == StatusCategory.IN_PROGRESS:
            in_progress.append(TicketLine(ticket.key, ticket.summary, ticket.status, ticket.assignee or ""))
    breached.sort(key=lambda t: t.deadline or now)
    due_soon.sort(key=lambda t: t.deadline or now)
    requests = [
        RequestLine(channel.author(m), text.slack_text(m.text, channel.names).plain, m.sent_at)
        for m in channel.table.items()
        if channel.rows.needs_attention(m)
    ]
    requests.sort(key=lambda r: r.at)
    # The same item can sit in two groups (the AWS and the 6DG engineer both check the channel): once.
    unticked = list(
        dict.fromkeys(
            item.text
            for section in checklist.sections
            for item in section.items
            if item.id not in checklist.ticks
        )
    )
    return HandoverFacts(
        incidents=open_incidents,
        in_progress=in_progress,
        breached=breached,
        due_soon=due_soon,
        unassigned=sorted(unassigned.items()),
        requests=requests,
        unticked=unticked,
    )
