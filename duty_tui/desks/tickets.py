"""The ticket desk: ticket keys become outbox writes, and the outbox writer's progress is shown.

A key posts a `TicketAction`; the desk opens a picker when the action needs one, builds the writes
(`duty.actions`), shows their optimistic effect at once, stores them in a worker (never on the UI
thread, where a poller may hold the store) and wakes the outbox writer. The writer runs in its own
thread worker and reports each delivery; a refusal undoes the optimistic change and says why.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.timer import Timer

from duty_tui import text
from duty_tui.models import Person, Ticket, Transition, Write, WriteKind
from duty_tui.rules import actions
from duty_tui.rules.actions import Actor, with_writes
from duty_tui.sources.jira.writes import JiraWriter
from duty_tui.sync.outbox import OutboxProgress, OutboxWriter
from duty_tui.widgets.tickets import TicketAction

if TYPE_CHECKING:
    from duty_tui.app import DutyApp


class OutboxProgressed(Message):
    def __init__(self, progress: OutboxProgress) -> None:
        super().__init__()
        self.progress = progress


class WritesNotStored(Message):
    """The store would not take the writes (locked, full): they were neither saved nor sent."""

    def __init__(self, writes: list[Write], error: Exception) -> None:
        super().__init__()
        self.writes = writes
        self.error = error


class WritesQueued(Message):
    """Writes are stored in the outbox (so they survive a crash); the writer can send them."""

    def __init__(self, writes: list[Write], pending: int) -> None:
        super().__init__()
        self.writes = writes
        self.pending = pending


OUTBOX_LOCK = "outbox.lock"
STORE_ATTEMPTS = 4
SETTLE_SECONDS = 1.5
CONFIRM_SECONDS = 4.0


def new_id() -> str:
    return uuid.uuid4().hex


def within_text(within: timedelta) -> str:
    """2h → "2 hours", 90m → "1h 30m": the promise as the acknowledgement comment says it."""
    hours, rest = divmod(int(within.total_seconds()), 3600)
    minutes = rest // 60
    if hours and not minutes:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes} minutes"


class TicketDesk:
    """Everything the ticket keys do, for one app (which owns it and routes the messages here)."""

    def __init__(self, app: DutyApp) -> None:
        self.app = app
        self.runtime = app.runtime
        self.config = app.config
        self.outbox: OutboxWriter | None = None
        self.note: str | None = None  # why writes are waiting, for the status bar
        self._confirm: tuple[str, str] | None = None
        self._confirm_until = 0.0
        self._before: dict[str, Ticket] = {}  # each queued keypress's ticket as it was, to undo
        self._pause = threading.Event()  # never set: a sleep the serial writer can take
        self._drafts: list[tuple[Write, Ticket | None]] = []  # refused comments to reopen
        self._drafts_timer: Timer | None = None

    # -- who and how ----------------------------------------------------------------------------

    def me(self) -> Actor | None:
        poller = self.runtime.jira_poller
        me = poller.cached_me() if poller is not None else None
        return Actor(me.account_id, me.display_name) if me else None

    def me_id(self) -> str | None:
        me = self.me()
        return me.account_id if me else None

    def jira_writer(self) -> JiraWriter | None:
        poller = self.runtime.jira_poller
        return JiraWriter(poller.jira) if poller is not None else None

    def acknowledgement(self, ticket: Ticket, me: Actor) -> str:
        # Names and summaries are other people's text: Jira must not render them as mentions or links.
        return self.config.workflow.tickets.acknowledgement(
            reporter=text.wiki_literal(ticket.reporter.split()[0] if ticket.reporter else ""),
            engineer=text.wiki_literal(me.name),
            key=ticket.key,
            summary=text.wiki_literal(ticket.summary),
            within=within_text(self.config.support.acknowledge_within),
        )

    # -- the keys -------------------------------------------------------------------------------

    def act(self, message: TicketAction) -> None:
        ticket = self.app.tickets.table.item(message.key)
        if ticket is None:
            return
        if message.action == "open":
            self.app.open_url(ticket.url)
        elif message.action == "copy":
            self.app.copy_to_clipboard(f"{ticket.key} {ticket.url}")
            self.app.notify(f"Copied {ticket.key} and its link.", timeout=3, markup=False)
        elif self._should_act(message.action, ticket):
            me = self._writer_identity()
            if me is not None:
                self._write(message.action, ticket, me)

    def _should_act(self, action: str, ticket: Ticket) -> bool:
        """Guards against a key pressed twice: the second must not double a write or hit another row."""
        now = time.monotonic()
        if self.app.tickets.just_landed(SETTLE_SECONDS):
            # A write or a poll just took the row under the cursor away; the key was meant for it.
            self.app.notify(
                f"The list just changed under the cursor; press again to act on {ticket.key}.",
                timeout=3,
                markup=False,
            )
            self.app.tickets.cursor_landed = (None, 0.0)
            return False
        mine = ticket.assignee_id is not None and ticket.assignee_id == self.me_id()
        if action == "take" and mine:  # an assignment to me on its way counts: the row shows it
            self.app.notify(f"{ticket.key} is already yours.", timeout=3, markup=False)
            return False
        if action == "acknowledge" and (ticket.acknowledged_at is not None or "comment" in ticket.pending):
            if self._confirm == (ticket.key, action) and now < self._confirm_until:
                self._confirm = None
                return True
            self._confirm, self._confirm_until = (ticket.key, action), now + CONFIRM_SECONDS
            how = ticket.acknowledged_by or "a comment is on its way"
            self.app.notify(
                f"{ticket.key} is already acknowledged ({how}). Press K again to post another comment.",
                timeout=CONFIRM_SECONDS,
                markup=False,
            )
            return False
        return True

    def _writer_identity(self) -> Actor | None:
        """The engineer, if writing is possible now; otherwise say why not."""
        if self.runtime.read_only:
            self.app.notify(
                "duty-tui runs with --read-only: nothing is written to Jira.",
                severity="warning",
                markup=False,
            )
            return None
        me = self.me()
        if me is None:
            self.app.notify(
                "duty-tui does not know your Jira account yet: it learns it at the first successful "
                "sync. Try again when Jira is reachable.",
                severity="warning",
                markup=False,
            )
        return me

    def _write(self, action: str, ticket: Ticket, me: Actor) -> None:
        now = self.runtime.now()
        if action == "take":
            self.queue(actions.take(ticket, me, self.acknowledgement(ticket, me), now, new_id))
        elif action == "acknowledge":
            self.queue(actions.acknowledge(ticket, me, self.acknowledgement(ticket, me), now, new_id))
        elif action == "unassign":
            if ticket.assignee_id is None:
                self.app.notify(f"{ticket.key} is not assigned.", timeout=3, markup=False)
            else:
                self.queue(actions.assign(ticket, me, None, now, new_id))
        elif action == "assign":
            self._pick_assignee(ticket, me)
        elif action == "move":
            self._pick_transition(ticket, me)
        elif action == "comment":
            self._write_comment(ticket, me)

    def _pick_assignee(self, ticket: Ticket, me: Actor) -> None:
        from duty_tui.views.assign import AssignScreen

        writer = self.jira_writer()
        team = self.config.workflow.team.members | {me.account_id}
        load = partial(self._refresh_people, writer, ticket.key, team) if writer else None

        def chosen(person: Person | None) -> None:
            if person is not None:
                self.queue(actions.assign(ticket, me, person, self.runtime.now(), new_id), used=person)

        screen = AssignScreen(ticket.key, self.app.people, load=load, current_assignee_id=ticket.assignee_id)
        self.app.push_screen(screen, chosen)

    def _refresh_people(self, writer: JiraWriter, key: str, team: frozenset[str], query: str) -> list[Person]:
        """Runs on the picker's thread: ask Jira (about what is typed, or everyone it lets us assign,
        plus teammates the cache does not know yet), cache the answer, return it with team and recency."""
        store = self.runtime.store
        found = writer.assignable(key, query)
        if not query:
            known = {p.account_id for p in found} | {p.account_id for p in self.app.people}
            found += [person for account_id in sorted(team - known) if (person := writer.user(account_id))]
        store.save_people(found, self.runtime.now())
        people = store.people(team)
        self.app.call_from_thread(setattr, self.app, "people", people)
        return people

    def _pick_transition(self, ticket: Ticket, me: Actor) -> None:
        from duty_tui.views.move import MoveScreen

        writer = self.jira_writer()
        if writer is None:
            return

        def chosen(transition: Transition | None) -> None:
            if transition is not None:
                self.queue(actions.move(ticket, me, transition, self.runtime.now(), new_id))

        self.app.push_screen(
            MoveScreen(ticket.key, ticket.status, partial(writer.transitions, ticket.key)), chosen
        )

    def _write_comment(self, ticket: Ticket, me: Actor) -> None:
        from duty_tui.views.comment import CommentScreen

        def written(body: str | None) -> None:
            if body:
                self.queue(actions.comment(ticket, me, body, self.runtime.now(), new_id))

        self.app.push_screen(CommentScreen(ticket.key, ticket.summary), written)

    # -- queueing -------------------------------------------------------------------------------

    def queue(self, writes: list[Write], *, used: Person | None = None) -> None:
        """Show the writes' effect now, store them off the UI thread, then wake the writer."""
        ticket = self.app.tickets.table.item(writes[0].key)
        if ticket is not None:
            self._before[writes[0].batch] = ticket
            self.app.tickets.apply([with_writes(ticket, writes)], [])
        self.app.pending_writes += len(writes)
        self.app.refresh_status()
        self.app.serial.submit(partial(self._store, writes, used))  # stored in keypress order

    def _store(self, writes: list[Write], used: Person | None) -> None:
        """On the serial writer's thread. A busy store (a long reconcile, `sync --once`) is retried."""
        store = self.runtime.store
        for attempt in range(STORE_ATTEMPTS):
            try:
                stored = store.enqueue(writes)
                break
            except sqlite3.Error as error:
                if attempt == STORE_ATTEMPTS - 1:
                    self.app.post_message(WritesNotStored(writes, error))
                    return
                self._pause.wait(0.5 * 2**attempt)
        if used is not None:
            store.mark_used(used, self.runtime.now())
        self.app.post_message(WritesQueued(stored, store.count_pending()))

    def queued(self, message: WritesQueued) -> None:
        self._before.pop(message.writes[0].batch, None)
        self.app.pending_writes = message.pending
        self.app.refresh_status()
        if self.outbox is not None:
            self.outbox.wake()

    def not_stored(self, message: WritesNotStored) -> None:
        """The store refused the writes: nothing was saved or sent, so show the ticket as it was."""
        first = message.writes[0]
        before = self._before.pop(first.batch, None)
        if before is not None:
            self.app.tickets.apply([before], [])
        self.app.pending_writes = max(0, self.app.pending_writes - len(message.writes))
        self.app.notify(
            f"Could not save “{first.describe()}” ({message.error.__class__.__name__}): nothing was sent "
            "to Jira. Try again.",
            title="Not saved",
            severity="error",
            timeout=12,
            markup=False,
        )
        self.app.refresh_status()

    def jira_answered(self) -> None:
        """A poll reached Jira: writes waiting out a back-off can go now."""
        if self.outbox is not None and self.app.pending_writes:
            self.app.serial.submit(self.outbox.send_now)

    # -- the writer -----------------------------------------------------------------------------

    def start_outbox(self) -> None:
        writer = self.jira_writer()
        poller = self.runtime.jira_poller
        if writer is None or poller is None or self.runtime.read_only:
            return
        outbox = OutboxWriter(self.runtime.store, writer, self.runtime.clock, poller.listed, self._post)
        if outbox.start(self.runtime.data_dir / OUTBOX_LOCK):
            self.outbox = outbox
        else:
            self.note = "another duty-tui on this data dir sends them"
            self.app.notify(
                "Another duty-tui is running on the same data directory: it sends the writes you "
                "make here too, while it runs.",
                severity="warning",
                timeout=10,
                markup=False,
            )

    def _post(self, progress: OutboxProgress) -> None:
        """Called on the writer's thread; post_message is thread-safe."""
        if self.app.is_running:
            self.app.post_message(OutboxProgressed(progress))

    def progressed(self, message: OutboxProgressed) -> None:
        progress = message.progress
        self.app.pending_writes = progress.pending
        self.note = progress.retrying if progress.pending else None
        ticket = progress.ticket
        if ticket is not None and ticket.boards:
            self.app.tickets.apply([ticket], [])
        elif ticket is not None:
            self.app.tickets.apply([], [ticket.key])  # no longer listed: assigned elsewhere, or done
        if progress.stuck:
            self.app.notify(
                f"Still trying to {progress.write.describe()}: {progress.retrying}. duty-tui keeps the "
                "change and retries; r retries now.",
                title="Waiting for Jira",
                severity="warning",
                timeout=15,
                markup=False,
            )
        if progress.failure:
            self._refused(progress)
        self.app.refresh_status()

    def _refused(self, progress: OutboxProgress) -> None:
        write = progress.write
        undone = "; its other changes were not sent" if progress.cancelled else ""
        self.app.notify(
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
        if self.app.screen.is_modal:
            if self._drafts_timer is None:
                self._drafts_timer = self.app.set_interval(0.5, self._reopen_drafts, name="refused drafts")
            return
        if self._drafts_timer is not None:
            self._drafts_timer.stop()
            self._drafts_timer = None
        from duty_tui.views.comment import CommentScreen

        write, stored = self._drafts.pop(0)
        ticket = self.app.tickets.table.item(write.key) or stored

        def rewritten(body: str | None) -> None:
            me = self.me()
            if body and ticket is not None and me is not None:
                self.queue(actions.comment(ticket, me, body, self.runtime.now(), new_id))
            elif body:
                self.app.copy_to_clipboard(body)
                self.app.notify(
                    f"{write.key} is not in duty-tui's cache any more: your comment is on the clipboard.",
                    severity="warning",
                    markup=False,
                )
            self._reopen_drafts()  # the next one, if several were refused

        summary = ticket.summary if ticket else ""
        self.app.push_screen(CommentScreen(write.key, summary, initial=write.body or ""), rewritten)

    def stop_outbox(self) -> None:
        if self.outbox is not None:
            self.outbox.stop()
