"""Which tickets belong on the duty engineer's list, and which of them each view of the pane shows.

The one rule, used by the poller (what the store keeps listed), the outbox (a ticket that left the
list once a write landed) and the tickets pane (its two views). Pure: `me` is the engineer's Jira
account id, or None while duty-tui has not learnt it yet.
"""

from __future__ import annotations

from duty_tui.models import Ticket


def awaiting_triage(ticket: Ticket) -> bool:
    """Nobody owns it and it is not done: it waits for the duty engineer."""
    return ticket.is_unassigned and not ticket.is_done


def is_mine(ticket: Ticket, me: str | None) -> bool:
    return me is not None and ticket.assignee_id == me


def listed(ticket: Ticket, me: str | None) -> bool:
    """On the list: waiting for triage, or the engineer's own and not done (the "mine" view)."""
    return awaiting_triage(ticket) or (is_mine(ticket, me) and not ticket.is_done)


def in_view(ticket: Ticket, *, mine: bool, me: str | None) -> bool:
    """Whether a listed ticket shows in the pane's view: the engineer's own tickets, or those waiting
    for triage, where a ticket with the engineer's writes on their way keeps its row until Jira has them."""
    if mine:
        return is_mine(ticket, me)
    if ticket.pending:
        return True
    return awaiting_triage(ticket)
