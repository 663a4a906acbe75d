"""The ticket desk: what the ticket keys mean, recorded as outbox writes, and what became of them.

A key on the tickets pane posts a `TicketIntent`, which bubbles to this desk (the pane's container).
The desk opens a dialog when the action needs one, builds the writes (`rules.actions`), shows their
optimistic effect at once, has the store writer store them (never on the UI thread, where a poller
may hold the store) and wakes the outbox writer. The writer reports each delivery back here; a
refusal undoes the optimistic change and says why, and a refused comment comes back in the editor.
The desk also applies its source's polls (`SourcePolled` for Jira) to the pane.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from dataclasses import replace
from functools import partial

from textual.containers import Vertical
from textual.timer import Timer

from duty_tui import text
from duty_tui.desks.intents import TicketIntent
from duty_tui.desks.queueing import pending_count, store_writes
from duty_tui.desks.ticket_collaborators import Sender, TicketDialogs, TicketsView
from duty_tui.desks.ticket_messages import (
    OutboxProgressed,
    PendingWritesChanged,
    PeopleFound,
    TicketsReread,
    WritesNotStored,
    WritesQueued,
)
from duty_tui.desks.ticket_readings import Admitted, TicketReadings
from duty_tui.desks.ui import DeskUI, post_from_thread
from duty_tui.messages import SourcePolled
from duty_tui.models import Person, Ticket, TicketDetail, Transition, Write, WriteKind, ts_key
from duty_tui.rules import actions
from duty_tui.rules.actions import Actor, TicketAction, with_writes
from duty_tui.rules.incidents import fold
from duty_tui.rules.listing import is_mine
from duty_tui.runtime import Runtime
from duty_tui.store.db import why_not_stored
from duty_tui.sync.outbox import OutboxProgress
from duty_tui.sync.outcomes import PollFailed, TicketsPolled
from duty_tui.sync.store_writer import StoreWriter

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.5
CONFIRM_SECONDS = 4.0


def new_id() -> str:
    return uuid.uuid4().hex


class TicketDesk(Vertical):
    """The tickets pane's container and the one place ticket keys become writes."""

    DEFAULT_CSS = """
    TicketDesk { height: 1fr; }
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        pane: TicketsView,
        ui: DeskUI,
        dialogs: TicketDialogs,
        store_writer: StoreWriter,
        sender: Sender | None,
    ) -> None:
        super().__init__(id="ticket-desk")
        self.runtime = runtime
        self.config = runtime.config
        self.pane = pane
        self.ui = ui
        self.dialogs = dialogs
        self.store_writer = store_writer
        self.sender = sender  # None with --read-only: nothing is sent
        self.people: list[Person] = []  # the assign picker's cache of who can take a ticket
        self.pending = 0  # writes waiting for Jira, for the status bar
        self.note: str | None = None  # why they wait
        self._confirm: tuple[str, TicketAction] | None = None
        self._confirm_until = 0.0
        self._before: dict[str, Ticket] = {}  # each queued keypress's ticket as it was, to undo
        self.readings = TicketReadings()  # never an older reading over a newer one
        self._pause = threading.Event()  # never set: a wait the store writer can take between tries
        self._drafts: list[tuple[Write, Ticket | None]] = []  # refused comments to reopen
        self._drafts_timer: Timer | None = None

    # -- who and how ----------------------------------------------------------------------------

    def me(self) -> Actor | None:
        me = self.runtime.account.cached()
        return Actor(me.account_id, me.display_name) if me else None

    def acknowledgement(self, ticket: Ticket, me: Actor) -> str:
        # Names and summaries are other people's text: Jira must not render them as mentions or links.
        return self.config.workflow.tickets.acknowledgement(
            reporter=text.wiki_literal(ticket.reporter.split()[0] if ticket.reporter else ""),
            engineer=text.wiki_literal(me.name),
            key=ticket.key,
            summary=text.wiki_literal(ticket.summary),
            within=text.duration(self.config.support.acknowledge_within, "words"),
        )

    def show_cache(self, people: list[Person], pending: int) -> None:
        """What the store knew at start: whom tickets were assigned to, and writes not yet sent."""
        self.people = people
        self._pending(pending, self.note)

    def _pending(self, count: int, note: str | None) -> None:
        """Tell the app (the status bar) how many writes wait and why. Always: the other desks report
        their counts to the same bar, so whether this is news only the app can tell."""
        self.pending, self.note = max(0, count), note
        self.post_message(PendingWritesChanged(self.pending, self.note))

    # -- the keys -------------------------------------------------------------------------------

    def on_ticket_intent(self, message: TicketIntent) -> None:
        message.stop()
        ticket = self.pane.ticket(message.key)
        if ticket is None:
            return
        if message.action is TicketAction.OPEN:
            self.ui.open_url(ticket.url)
        elif message.action is TicketAction.COPY:
            self.ui.copy_to_clipboard(f"{ticket.key} {ticket.url}")
            self.ui.notify(f"Copied {ticket.key} and its link.", timeout=3, markup=False)
        elif message.action is TicketAction.DETAIL:
            self._show_detail(ticket)
        elif self._should_act(message.action, ticket):
            me = self._writer_identity()
            if me is not None:
                self._write(message.action, ticket, me)

    def _should_act(self, action: TicketAction, ticket: Ticket) -> bool:
        """Guards against a key pressed twice: the second must not double a write or hit another row."""
        now = time.monotonic()
        if self.pane.just_landed(SETTLE_SECONDS):
            # A write or a poll just took the row under the cursor away; the key was meant for it.
            self.ui.notify(
                f"The list just changed under the cursor; press again to act on {ticket.key}.",
                timeout=3,
                markup=False,
            )
            self.pane.forget_landing()
            return False
        if action is TicketAction.TAKE and is_mine(
            ticket, self.runtime.account.cached_id()
        ):  # an assignment to me on its way counts: the row shows it
            self.ui.notify(f"{ticket.key} is already yours.", timeout=3, markup=False)
            return False
        if action is TicketAction.ACKNOWLEDGE and (
            ticket.acknowledged_at is not None or WriteKind.COMMENT in ticket.pending
        ):
            if self._confirm == (ticket.key, action) and now < self._confirm_until:
                self._confirm = None
                return True
            self._confirm, self._confirm_until = (ticket.key, action), now + CONFIRM_SECONDS
            how = ticket.acknowledged_by or "a comment is on its way"
            self.ui.notify(
                f"{ticket.key} is already acknowledged ({how}). Press K again to post another comment.",
                timeout=CONFIRM_SECONDS,
                markup=False,
            )
            return False
        return True

    def _writer_identity(self) -> Actor | None:
        """The engineer, if writing is possible now; otherwise say why not."""
        if self.runtime.read_only:
            self.ui.notify(
                "duty-tui runs with --read-only: nothing is written to Jira.",
                severity="warning",
                markup=False,
            )
            return None
        me = self.me()
        if me is None:
            self.ui.notify(
                "duty-tui does not know your Jira account yet: it learns it at the first successful "
                "sync. Try again when Jira is reachable.",
                severity="warning",
                markup=False,
            )
        return me

    def _write(self, action: TicketAction, ticket: Ticket, me: Actor) -> None:
        now = self.runtime.now()
        if action is TicketAction.TAKE:
            self.queue(actions.take(ticket, me, self.acknowledgement(ticket, me), now, new_id))
        elif action is TicketAction.ACKNOWLEDGE:
            self.queue(actions.acknowledge(ticket, me, self.acknowledgement(ticket, me), now, new_id))
        elif action is TicketAction.UNASSIGN:
            if ticket.assignee_id is None:
                self.ui.notify(f"{ticket.key} is not assigned.", timeout=3, markup=False)
            else:
                self.queue(actions.assign(ticket, me, None, now, new_id))
        elif action is TicketAction.ASSIGN:
            self._pick_assignee(ticket, me)
        elif action is TicketAction.MOVE:
            self._pick_transition(ticket, me)
        elif action is TicketAction.COMMENT:
            self._write_comment(ticket, me)

    # -- the dialogs ----------------------------------------------------------------------------

    def _show_detail(self, ticket: Ticket) -> None:
        screen = self.dialogs.detail(
            ticket,
            self.pane.board_labels,
            partial(self._detail, ticket.key),
            self.pane.classification(ticket),
        )
        self.ui.push_screen(screen)

    def _detail(self, key: str) -> TicketDetail:
        """On a worker thread: Jira's detail, and what #laa-ops said about the ticket (from the cache)."""
        detail = self.runtime.jira_writer.detail(key)
        store, channel = self.runtime.store, self.config.slack.channel
        found = {m.ts: m for m in store.messages.mentioning(channel, key) if key in text.ticket_keys(m.text)}
        for where, ts in store.raised.messages_of(key):
            if where == channel and ts not in found and (raised := store.messages.get(channel, ts)):
                found[ts] = raised
        mentions = tuple(sorted(found.values(), key=lambda m: ts_key(m.ts)))
        users = store.chat_users.all() if mentions else {}
        linked = set(store.incidents.incidents_of_ticket(key))
        incidents = tuple(fold(e for e in store.incidents.all() if e.incident_id in linked)) if linked else ()
        names = tuple((u.id, u.name) for u in users.values())
        return replace(detail, mentions=mentions, names=names, incidents=incidents)

    def _pick_assignee(self, ticket: Ticket, me: Actor) -> None:
        team = self.config.workflow.team.members | {me.account_id}

        def chosen(person: Person | None) -> None:
            if person is not None:
                self.queue(actions.assign(ticket, me, person, self.runtime.now(), new_id), used=person)

        load = partial(self._refresh_people, ticket.key, team)
        self.ui.push_screen(self.dialogs.assign(ticket.key, self.people, load, ticket.assignee_id), chosen)

    def _refresh_people(self, key: str, team: frozenset[str], query: str) -> list[Person]:
        """Runs on the picker's thread: ask Jira (about what is typed, or everyone it lets us assign,
        plus teammates the cache does not know yet), cache the answer, return it with team and recency."""
        writer, store = self.runtime.jira_writer, self.runtime.store
        found = writer.assignable(key, query)
        if not query:
            known = {p.account_id for p in found} | {p.account_id for p in self.people}
            found += [person for account_id in sorted(team - known) if (person := writer.user(account_id))]
        store.people.save(found, self.runtime.now())
        people = store.people.all(team)
        post_from_thread(self, PeopleFound(people))
        return people

    def on_people_found(self, message: PeopleFound) -> None:
        self.people = message.people

    def _pick_transition(self, ticket: Ticket, me: Actor) -> None:
        def chosen(transition: Transition | None) -> None:
            if transition is not None:
                self.queue(actions.move(ticket, me, transition, self.runtime.now(), new_id))

        load = partial(self.runtime.jira_writer.transitions, ticket.key)
        self.ui.push_screen(self.dialogs.move(ticket.key, ticket.status, load), chosen)

    def _write_comment(self, ticket: Ticket, me: Actor) -> None:
        def written(body: str | None) -> None:
            if body:
                self.queue(actions.comment(ticket, me, body, self.runtime.now(), new_id))

        self.ui.push_screen(self.dialogs.comment(ticket.key, ticket.summary), written)

    # -- queueing -------------------------------------------------------------------------------

    def queue(self, writes: list[Write], *, used: Person | None = None) -> None:
        """Show the writes' effect now, store them off the UI thread, then wake the writer."""
        ticket = self.pane.ticket(writes[0].key)
        if ticket is not None:
            self._before[writes[0].batch] = ticket
            self.readings.keypress(ticket.key)
            self.pane.apply([with_writes(ticket, writes)], [])
        self._pending(self.pending + len(writes), self.note)
        self.store_writer.submit(partial(self._store, writes, used))  # stored in keypress order

    def _store(self, writes: list[Write], used: Person | None) -> None:
        """On the store writer's thread."""
        store = self.runtime.store
        try:
            stored = store_writes(store, writes, self._pause)
        except sqlite3.Error as error:
            post_from_thread(self, WritesNotStored(writes, error))
            return
        version = store.db.version
        if used is not None:
            # Only the picker's order of people: the desk must hear of the stored writes whatever it says.
            try:
                store.people.mark_used(used, self.runtime.now())
            except sqlite3.Error:
                log.warning("could not record whom the assign picker chose", exc_info=True)
        post_from_thread(self, WritesQueued(stored, pending_count(store), version))

    def on_writes_queued(self, message: WritesQueued) -> None:
        first = message.writes[0]
        if self._before.pop(first.batch, None) is not None and self.readings.stored(
            first.key, message.version
        ):
            self._reread((first.key,))  # a reading was held back while the writes were not stored
        if message.pending is not None and message.pending != self.pending:  # mostly no news
            self._pending(message.pending, self.note)
        if self.sender is not None:
            self.sender.wake()

    def on_writes_not_stored(self, message: WritesNotStored) -> None:
        """The store refused the writes: nothing was saved or sent, so show the ticket as it was."""
        first = message.writes[0]
        before = self._before.pop(first.batch, None)
        if before is not None:
            self.pane.apply([before], [])
            if self.readings.not_stored(before.key):
                self._reread((before.key,))
        self._pending(self.pending - len(message.writes), self.note)
        self.ui.notify(
            f"Could not save “{first.describe()}” ({why_not_stored(message.error)}): nothing was sent "
            "to Jira. Try again.",
            title="Not saved",
            severity="error",
            timeout=12,
            markup=False,
        )

    # -- Jira's answers -------------------------------------------------------------------------

    def on_source_polled(self, message: SourcePolled) -> None:
        """A Jira poll: its changes go on the pane (the message goes on to the app for the status bar)."""
        outcome = message.outcome
        if isinstance(outcome, TicketsPolled):
            self.jira_answered()
            self._show(self.readings.admit(outcome.changed, outcome.removed, outcome.version))
            self.pane.show_status(outcome.status)
        elif isinstance(outcome, PollFailed):
            self.pane.show_status(outcome.status)

    def jira_answered(self) -> None:
        """A poll reached Jira (or the engineer pressed refresh): writes waiting out a back-off go now."""
        if self.sender is not None and self.pending:
            self.store_writer.submit(self.sender.send_now)

    def on_outbox_progressed(self, message: OutboxProgressed) -> None:
        progress = message.progress
        self._pending(progress.pending, progress.retrying if progress.pending else None)
        if progress.ticket is not None:
            self._show_read({progress.ticket.key: progress.ticket}, progress.version)
        if progress.stuck:
            self.ui.notify(
                f"Still trying to {progress.write.describe()}: {progress.retrying}. duty-tui keeps the "
                "change and retries; r retries now.",
                title="Waiting for Jira",
                severity="warning",
                timeout=15,
                markup=False,
            )
        if progress.failure:
            self._refused(progress)

    def _show(self, admitted: Admitted) -> None:
        """Put what a reading may show on the pane; read again what it could not say."""
        if admitted.changed or admitted.removed:
            self.pane.apply(admitted.changed, admitted.removed)
        if admitted.again:
            self._reread(admitted.again)

    def _reread(self, keys: tuple[str, ...]) -> None:
        """Read these tickets again, on the store writer's thread (after the writes queued before)."""
        self.store_writer.submit(partial(self._read_again, keys))

    def _read_again(self, keys: tuple[str, ...]) -> None:
        """On the store writer's thread."""
        tickets, version = self.runtime.store.tickets.dated(keys)
        post_from_thread(self, TicketsReread(tickets, version))

    def on_tickets_reread(self, message: TicketsReread) -> None:
        self._show_read(message.tickets, message.version)

    def _show_read(self, tickets: dict[str, Ticket | None], version: int) -> None:
        """Tickets read from the store: those a board lists on the pane, the rest (assigned elsewhere,
        done, or no longer cached) off it."""
        listed = [t for t in tickets.values() if t is not None and t.boards]
        gone = [key for key, t in tickets.items() if t is None or not t.boards]
        self._show(self.readings.admit(listed, gone, version))

    def _refused(self, progress: OutboxProgress) -> None:
        write = progress.write
        undone = "; its other changes were not sent" if progress.cancelled else ""
        self.ui.notify(
            f"Could not {write.describe()}: {progress.failure}{undone}",
            title="Jira refused a change",
            severity="error",
            timeout=12,
            markup=False,
        )
        if write.kind is WriteKind.COMMENT and write.body:
            self._drafts.append((write, progress.ticket))  # the text is not lost: edit and post again
            self._reopen_drafts()

    def _reopen_drafts(self) -> None:
        """Refused comments come back in the editor one at a time, once no other dialog is open (the
        engineer may be typing in one)."""
        if not self._drafts:
            return
        if self.ui.screen.is_modal:
            if self._drafts_timer is None:
                self._drafts_timer = self.set_interval(0.5, self._reopen_drafts, name="refused drafts")
            return
        if self._drafts_timer is not None:
            self._drafts_timer.stop()
            self._drafts_timer = None
        write, stored = self._drafts.pop(0)
        ticket = self.pane.ticket(write.key) or stored

        def rewritten(body: str | None) -> None:
            me = self.me()
            if body and ticket is not None and me is not None:
                self.queue(actions.comment(ticket, me, body, self.runtime.now(), new_id))
            elif body:
                self.ui.copy_to_clipboard(body)
                self.ui.notify(
                    f"{write.key} is not in duty-tui's cache any more: your comment is on the clipboard.",
                    severity="warning",
                    markup=False,
                )
            self._reopen_drafts()  # the next one, if several were refused

        summary = ticket.summary if ticket else ""
        self.ui.push_screen(self.dialogs.comment(write.key, summary, initial=write.body or ""), rewritten)
