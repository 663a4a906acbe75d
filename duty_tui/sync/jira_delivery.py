"""How a Jira write reaches Jira exactly once, and what the cache shows once it has.

Each write of a keypress is sent after one state check of the ticket (shared by the keypress's
writes):
- an assignment is skipped if Jira already has it, and refused if a colleague changed the assignee
  since the engineer acted (it says who, and does not overwrite);
- a move is skipped if the ticket already has the target status, and refused if someone moved it
  elsewhere meanwhile; the transition is chosen by target status, never by its name;
- a comment that may have landed before a dropped connection is looked up by its outbox id first;
- a ticket raised from a channel message is looked up by its outbox id (an issue property) among the
  engineer's recent tickets before it is created; its link back to the Slack thread is an upsert.
Once Jira has a write, its effect is applied to the cached ticket in the same transaction that marks
it sent, so the row does not flicker back before the next poll.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from duty_tui import text
from duty_tui.models import IMPROVEMENT_KEY, Ticket, Write, WriteKind
from duty_tui.rules.actions import Reached
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.creation import TicketCreator
from duty_tui.sources.jira.writes import IssueState, JiraWriter, choose_transition
from duty_tui.store import Store
from duty_tui.store.tickets import Listed
from duty_tui.sync.outbox import Delivered

PREFERRED_IN_PROGRESS = "In Progress"
POSTMORTEM_LABELS = ("postmortem", "duty-tui")  # an improvement's ticket says where it came from


class Conflict(SourceError):
    """Someone else changed the ticket since the engineer acted: refuse rather than overwrite."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, status=409)


@dataclass(frozen=True, slots=True)
class _Carry:
    """What a keypress's later writes reuse: the ticket's state after the last write, and when the
    ticket last changed before the first (Jira's clock)."""

    state: IssueState | None
    before: datetime | None


class JiraDelivery:
    """The outbox writer's `Delivery` for Jira."""

    def __init__(
        self,
        writer: JiraWriter,
        store: Store,
        listed: Listed,
        *,
        issue_type: str = "Task",
        channel: str = "",
        now: Callable[[], datetime] | None = None,
        permalink: Callable[[str], str] | None = None,
    ) -> None:
        self.writer = writer
        self.creator = TicketCreator(writer)
        self.store = store
        self.listed = listed
        self.issue_type = issue_type
        self.channel = channel  # the Slack channel tickets are raised from
        self.now = now or (lambda: datetime.now(UTC))
        self.permalink = permalink  # a message's link, asked of Slack when the form had none yet

    def deliver(self, write: Write, carry: object | None) -> Delivered:
        if write.kind is WriteKind.CREATE:
            return Delivered(result=self.create(write))
        if write.kind is WriteKind.LINK:
            self.link(write)
            return Delivered()
        previous = carry if isinstance(carry, _Carry) else _Carry(None, None)
        state = self.send(write, previous.state)
        before = previous.before or (state.updated if state else None)
        reached = Reached(state.status_id, state.status, state.status_category, before) if state else None
        return Delivered(_Carry(state, before), reached)

    def confirmed(self, write: Write, delivered: Delivered, at: datetime) -> None:
        if write.kind is WriteKind.CREATE and delivered.result and write.key.startswith(IMPROVEMENT_KEY):
            self.store.incidents.raised(write.key.removeprefix(IMPROVEMENT_KEY), delivered.result)
        elif write.kind is WriteKind.CREATE and delivered.result:
            self.store.raised.link(self.channel, write.key, delivered.result, at)
        elif write.kind is not WriteKind.LINK:
            self.store.tickets.confirm(write, at, self.listed, delivered.reached)

    def shown(self, write: Write) -> Ticket | None:
        if write.kind in (WriteKind.CREATE, WriteKind.LINK):
            return None  # the new ticket shows when a poll finds it on a board
        return self.store.tickets.get(write.key)

    # -- tickets raised from the channel -------------------------------------------------------

    def create(self, write: Write) -> str:
        if write.ticket is None or not write.project:
            raise SourceError("The new ticket's details were lost; nothing was created.", permanent=True)
        made = (self.now() - write.created_at).total_seconds() / 60
        if write.attempts > 1 and (key := self.creator.find_created(write.uid, made)):
            return key  # an earlier attempt created it; Jira's answer was lost
        return self.creator.create(
            write.ticket,
            project=write.project,
            issue_type=self.issue_type,
            component=write.component,
            uid=write.uid,
            assignee=write.assignee_id,
            labels=POSTMORTEM_LABELS if write.key.startswith(IMPROVEMENT_KEY) else (),
        )

    def link(self, write: Write) -> None:
        key = self.store.outbox.created_in(write.batch)
        if key is None:
            raise SourceError("The ticket was not created, so there is nothing to link.", permanent=True)
        # The form may have been sent before Slack gave the link: ask now (an outage waits and retries).
        url = write.url or (self.permalink(write.key) if self.permalink else None)
        if not url:
            raise SourceError(
                "Slack gave no link for the message, so the ticket links nowhere.", permanent=True
            )
        summary = write.ticket.summary if write.ticket else key
        self.creator.link(key, url, f"#laa-ops: {text.one_line(summary, 120)}")

    # -- one write ---------------------------------------------------------------------------

    def send(self, write: Write, state: IssueState | None) -> IssueState | None:
        """Send one write unless Jira already has it. Returns the ticket's state after it."""
        if write.kind is WriteKind.ASSIGN:
            state = state or self.writer.state(write.key)
            if state.assignee_id == write.assignee_id:
                return state  # already so (maybe our own earlier attempt, before the connection dropped)
            if state.assignee_id != write.expected_assignee_id:
                who = state.assignee or "someone"
                raise Conflict(
                    f"{write.key} is now assigned to {who} (not as when you acted); "
                    "duty-tui did not overwrite it."
                    if state.assignee_id
                    else f"{write.key} was unassigned meanwhile; duty-tui did not change it."
                )
            self.writer.assign(write.key, write.assignee_id)
            return replace(state, assignee_id=write.assignee_id, assignee=write.assignee)
        if write.kind is WriteKind.TRANSITION:
            return self._transition(write, state)
        if write.attempts > 1 and self.writer.has_comment(write.key, write.uid):
            return state  # an earlier attempt landed; Jira's answer was lost
        assert write.body is not None
        # No control characters to Jira, whatever path queued the text (as the Slack delivery does).
        self.writer.comment(write.key, text.sanitize(write.body), write.uid)
        return state

    def _transition(self, write: Write, state: IssueState | None) -> IssueState:
        if state is None or not state.transitions:
            state = self.writer.state(write.key)
        there = (
            (state.status_id == write.to_status_id)
            if write.to_status_id
            else (state.status_category == write.to_category)
        )
        if there:
            return state
        moved = (
            (state.status_id != write.expected_status_id)
            if write.expected_status_id
            else (write.expected_status is not None and state.status != write.expected_status)
        )
        if moved:
            raise Conflict(f"{write.key} was moved to {state.status} meanwhile; duty-tui did not move it.")
        transition = choose_transition(
            state.transitions,
            to_status_id=write.to_status_id,
            to_category=write.to_category,
            preferred=write.to_status or PREFERRED_IN_PROGRESS,
        )
        if transition is None:
            target = write.to_status or write.to_category
            raise Conflict(
                f"{write.key} cannot move from {state.status} to {target}: Jira offers no such transition."
            )
        self.writer.transition(write.key, transition.id)
        return replace(
            state,
            status_id=transition.to_id,
            status=transition.to_name,
            status_category=transition.to_category,
            transitions=(),
        )
