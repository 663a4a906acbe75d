"""The incident desk: incidents declared, updated, handed over and resolved through #laa-ops.

It is the incident pane's container. The app's incident keys (`I`, `U`, `L`, `N`, `X`, `P`, from
anywhere) and the pane's own (Enter, `z`) come here as `IncidentIntent`s. Every shared change is an
`ANNOUNCE` write: posted with the bot's token and `duty_tui_incident` metadata through the outbox, and
shown at once as pending from a copy kept in the store (so it survives a restart before Slack has it).
Every dashboard rebuilds the same incidents from those posts (`sync.incident_sync`); notes stay local.
Reminders come due by priority (`[incidents] update_minutes`); an overdue update shows in the pane and
the status bar and rings the bell once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from textual import work
from textual.containers import Vertical
from textual.screen import Screen

from duty_tui.desks.boards import watched_boards
from duty_tui.desks.incident_intents import IncidentIntent, LinkedTicket, PinnedMessage
from duty_tui.desks.incident_messages import (
    AlreadyRaised,
    IncidentNotStored,
    IncidentsChanged,
    IncidentsLoaded,
    OwnersFound,
    PostmortemExported,
    PostmortemLoaded,
)
from duty_tui.desks.incident_protocols import IncidentDialogs, IncidentView, LiveIncidentView, LivePostmortem
from duty_tui.desks.queueing import report_stored, store_writes
from duty_tui.desks.ticket_collaborators import Sender
from duty_tui.desks.ticket_messages import OutboxProgressed, PendingWritesChanged
from duty_tui.desks.ui import DeskUI, post_from_thread
from duty_tui.models import (
    IMPROVEMENT_KEY,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
    Service,
    Write,
    WriteKind,
)
from duty_tui.rules import incident_posts
from duty_tui.rules.availability import IncidentPrefill
from duty_tui.rules.channel_actions import Board
from duty_tui.rules.incidents import fold, next_update_after, payload, postmortem_owed, reminder
from duty_tui.rules.postmortem import (
    Improvement,
    improvement_ticket,
    postmortem_filename,
    postmortem_markdown,
)
from duty_tui.runtime import Runtime
from duty_tui.sources.errors import SourceError
from duty_tui.store.db import why_not_stored
from duty_tui.sync.store_writer import StoreWriter

SNOOZES = (timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1))
LOOK_BACK = timedelta(days=7)  # resolved incidents stay listed for the week


class IncidentDesk(Vertical):
    DEFAULT_CSS = """
    IncidentDesk { height: 1fr; }
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        pane: IncidentView,
        ui: DeskUI,
        dialogs: IncidentDialogs,
        store_writer: StoreWriter,
        sender: Sender | None,
        people: Callable[[], Sequence[tuple[str, str]]],
        me: Callable[[], str | None],
        names: Callable[[], Mapping[str, str]] | None = None,
        prefill: Callable[[], IncidentPrefill | None] | None = None,
    ) -> None:
        super().__init__(id="incident-desk")
        self.runtime = runtime
        self.config = runtime.config.incidents
        self.pane = pane
        self.ui = ui
        self.dialogs = dialogs
        self.store_writer = store_writer
        self.sender = sender
        self.people = people  # Slack id → name of everyone duty-tui knows (the team first)
        self.me = me  # the engineer's Slack id, once known
        self._names = names  # every Slack id the channel knows, bots included (who posted what)
        self._prefill = prefill  # what the declare form starts with (a PROD check failing), if anything
        self.incidents: list[Incident] = []
        self.snoozes: dict[str, datetime] = {}
        self.exported: set[str] = set()
        self._rang: set[tuple[str, datetime]] = set()  # reminders the bell has rung for
        self._pause = threading.Event()
        self._boards: list[Board] = []  # where an improvement's ticket can go (read with the postmortem)
        self._detail: Any = None  # the incident view (a LiveIncidentView), while it is open
        self._postmortem: tuple[str, Screen[Any]] | None = None  # (incident id, screen) while open

    # -- reading ------------------------------------------------------------------------------------

    @work(
        thread=True,
        group="store-read-incidents",
        exclusive=True,
        exit_on_error=False,
        description="incidents",
    )
    def reload(self) -> None:
        """Rebuild the incidents from the store (the channel's posts and this engineer's own entries)."""
        store = self.runtime.store
        events = store.incidents.all(since=self.runtime.now() - LOOK_BACK)
        post_from_thread(
            self, IncidentsLoaded(fold(events), store.incidents.snoozes(), store.incidents.exported())
        )

    def on_incidents_loaded(self, message: IncidentsLoaded) -> None:
        self.incidents, self.snoozes, self.exported = message.incidents, message.snoozes, message.exported
        self.repaint()

    def names(self) -> dict[str, str]:
        return dict(self._names()) if self._names is not None else dict(self.people())

    def reminders(self) -> dict[str, tuple[datetime | None, bool]]:
        now = self.runtime.now()
        found = {}
        for incident in self.incidents:
            due = reminder(
                incident, now, cadence=self.config.cadence, snoozed_until=self.snoozes.get(incident.id)
            )
            found[incident.id] = (due.due_at, due.overdue)
        return found

    def postmortem_owed(self) -> set[str]:
        """Resolved high-priority incidents whose postmortem has not been exported from here."""
        return {
            i.id for i in self.incidents if postmortem_owed(i.priority, not i.is_open, i.id in self.exported)
        }

    def repaint(self) -> None:
        reminders = self.reminders()
        names = self.names()
        self.pane.show(self.incidents, reminders, names, self.runtime.now(), self.postmortem_owed())
        detail = self._detail
        if isinstance(detail, LiveIncidentView) and detail.is_attached:
            shown = self.incident(detail.incident.id)
            if shown is not None:
                detail.show(shown, names, reminders.get(shown.id, (None, False)))
        for incident_id, (due, overdue) in reminders.items():
            late = self.incident(incident_id)
            if overdue and due is not None and late is not None and (incident_id, due) not in self._rang:
                self._rang.add((incident_id, due))
                self.ui.notify(
                    f"An update on “{late.title}” is due: press U to post one, z on it to snooze.",
                    title="Incident update due",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
                self.ui.bell()

    def overdue(self) -> tuple[int, str | None]:
        """Open incidents, and the most urgent overdue one's title (for the status bar)."""
        reminders = self.reminders()
        open_ = [i for i in self.incidents if i.is_open]
        late = sorted(
            (due, i.title) for i in open_ if (r := reminders.get(i.id)) and r[1] and (due := r[0]) is not None
        )
        return len(open_), late[0][1] if late else None

    def incident(self, incident_id: str | None) -> Incident | None:
        return next((i for i in self.incidents if i.id == incident_id), None)

    def tick(self) -> None:
        self.repaint()

    # -- the keys -------------------------------------------------------------------------------------

    def on_incident_intent(self, message: IncidentIntent) -> None:
        message.stop()
        self.act(message.action, message.incident_id, message.subject)

    def act(  # noqa: PLR0912 - one branch per incident key, each a line or two
        self, action: str, incident_id: str | None = None, subject: LinkedTicket | PinnedMessage | None = None
    ) -> None:
        if action == "declare":
            self._declare()
            return
        if action == "link" and isinstance(subject, LinkedTicket):
            self._link(subject)
            return
        if action == "pin" and isinstance(subject, PinnedMessage):
            self._pin(subject)
            return
        incident = self.incident(incident_id or self.pane.selected_id)
        if incident is None:
            self.ui.notify("No incident selected: press I to declare one.", timeout=4, markup=False)
            return
        if action == "open":
            self._open(incident)
        elif action == "snooze":
            self._snooze(incident)
        elif action == "postmortem":
            self.load_postmortem(incident.id)
        elif action == "runbook":
            self._runbook(incident)
        elif action == "note":
            self.ui.push_screen(self.dialogs.note(incident), partial(self._noted, incident))
        elif not self._can_post():
            return
        elif action == "reopen":
            if incident.is_open:
                self.ui.notify("That incident is open: only a resolved one can be reopened.", markup=False)
                return
            self.ui.push_screen(self.dialogs.reopen(incident), partial(self._reopened, incident))
        elif action == "case":
            self.ui.push_screen(self.dialogs.case(incident), partial(self._cased, incident))
        elif not incident.is_open:
            self.ui.notify(
                "That incident is resolved: R on it in the incident pane reopens it.", timeout=5, markup=False
            )
        elif action == "update":
            self.ui.push_screen(self.dialogs.update(incident), partial(self._updated, incident))
        elif action == "lead":
            self.ui.push_screen(self.dialogs.lead(self.people(), incident.lead), partial(self._led, incident))
        elif action == "resolve":
            self.ui.push_screen(self.dialogs.resolve(incident), partial(self._resolved, incident))

    def leading(self) -> list[Incident]:
        """The open incidents this engineer leads (quitting asks first while there are any)."""
        me = self.me()
        return [i for i in self.incidents if i.is_open and me is not None and i.lead == me]

    def _open(self, incident: Incident) -> None:
        screen = self.dialogs.detail(
            incident,
            self.names(),
            reminder=self.reminders().get(incident.id),
            runbooks=[url for _, url in self.runbook_links(incident)],
            on_case=partial(self.act, "case", incident.id),
            on_runbook=partial(self.act, "runbook", incident.id),
        )
        self._detail = screen
        self.ui.push_screen(screen)

    def _can_post(self) -> bool:
        if self.runtime.read_only:
            self.ui.notify(
                "duty-tui runs with --read-only: incidents are shown, nothing is posted.",
                severity="warning",
                markup=False,
            )
            return False
        return True

    def _by(self) -> str:
        return self.me() or self.runtime.engineer_name()

    def _declare(self) -> None:
        if not self._can_post():
            return

        def declared(draft: Any) -> None:
            if draft is None:
                return
            now = self.runtime.now()
            priority = draft.priority
            event = IncidentEvent(
                incident_id=uuid.uuid4().hex,
                kind=IncidentEventKind.DECLARED,
                at=now,
                by=self._by(),
                title=draft.title,
                priority=priority,
                status=IncidentStatus.INVESTIGATING,
                lead=draft.lead or self.me(),
                services=tuple(draft.services),
                next_update=next_update_after(now, priority, self.config.cadence),
                text=draft.impact,
            )
            services = tuple(draft.services)
            stakeholders = self.config.audience(services) if priority is IncidentPriority.HIGH else ()
            body = incident_posts.declared_text(
                draft.title,
                priority,
                tuple(draft.services),
                draft.environment,
                draft.impact,
                event.lead,
                event.next_update,
                stakeholders,
                self.runtime.calendar.zone,
            )
            self.post(event, body, broadcast=False)

        prefill = self._prefill() if self._prefill is not None else None
        self.ui.push_screen(self.dialogs.declare(self.people(), self.me(), prefill), declared)

    def prepare_declare(self) -> None:
        """Have the declare form made before it is first asked for (see `IncidentDialogs.prepare_declare`)."""
        if not self.runtime.read_only:
            self.dialogs.prepare_declare(self.app, self.people(), self.me())

    def _updated(self, incident: Incident, draft: Any) -> None:
        if draft is None:
            return
        now = self.runtime.now()
        event = replace(
            self._base(incident, IncidentEventKind.UPDATED, now),
            status=draft.status,
            text=draft.text,
            next_update=next_update_after(now, incident.priority, self.config.cadence),
        )
        body = incident_posts.update_text(
            draft.status, draft.text, event.next_update, self.runtime.calendar.zone
        )
        self.post(event, body, broadcast=draft.broadcast)

    def _led(self, incident: Incident, lead: str | None) -> None:
        if not lead or lead == incident.lead:
            return
        event = replace(self._base(incident, IncidentEventKind.LEAD_CHANGED, self.runtime.now()), lead=lead)
        self.post(event, incident_posts.lead_text(incident.lead, lead), broadcast=False)

    def _resolved(self, incident: Incident, summary: str | None) -> None:
        if not summary:
            return
        now = self.runtime.now()
        event = replace(
            self._base(incident, IncidentEventKind.RESOLVED, now),
            status=IncidentStatus.RESOLVED,
            text=summary,
        )
        body = incident_posts.resolved_text(summary, now - incident.declared_at)
        self.post(event, body, broadcast=True)  # the process: the team says so in the channel

    def _noted(self, incident: Incident, note: str | None) -> None:
        if not note:
            return
        event = replace(self._base(incident, IncidentEventKind.NOTE, self.runtime.now()), text=note)
        key = f"note-{uuid.uuid4().hex}"
        self.store_writer.submit(partial(self.runtime.store.incidents.save, [(key, event)]))
        self.incidents = fold([*(e for i in self.incidents for e in i.events), event])
        self.repaint()

    def _reopened(self, incident: Incident, reason: str | None) -> None:
        if not reason:
            return
        now = self.runtime.now()
        event = replace(
            self._base(incident, IncidentEventKind.REOPENED, now),
            status=IncidentStatus.INVESTIGATING,
            next_update=next_update_after(now, incident.priority, self.config.cadence),
            text=reason,
        )
        # The channel was told it was resolved, so it is told it is not.
        self.post(event, incident_posts.reopened_text(reason), broadcast=True)

    # -- what an incident is linked to ------------------------------------------------------------

    def _link(self, ticket: LinkedTicket) -> None:
        if not self._can_post():
            return
        if not self.incidents:
            self.ui.notify("No incident to link it to: press I to declare one.", timeout=5, markup=False)
            return
        purpose = f"Link {ticket.key} to which incident?"
        screen = self.dialogs.choose(self.incidents, self.pane.selected_id, purpose)
        self.ui.push_screen(screen, partial(self._linked, ticket))

    def _linked(self, ticket: LinkedTicket, incident_id: str | None) -> None:
        incident = self.incident(incident_id)
        if incident is None:
            return
        if ticket.key in incident.tickets:
            self.ui.notify(f"{ticket.key} is already linked to that incident.", timeout=4, markup=False)
            return
        event = replace(self._base(incident, IncidentEventKind.LINK, self.runtime.now()), subject=ticket.key)
        self.post(event, incident_posts.link_text(ticket.key, ticket.summary), broadcast=False)
        self.ui.notify(f"{ticket.key} linked to “{incident.title}”.", timeout=4, markup=False)

    def _cased(self, incident: Incident, case: tuple[str, str] | None) -> None:
        if case is None:
            return
        vendor, reference = case
        if (vendor, reference) in incident.cases:
            self.ui.notify("That case is already on the incident.", timeout=4, markup=False)
            return
        event = replace(
            self._base(incident, IncidentEventKind.LINK, self.runtime.now()), subject=reference, vendor=vendor
        )
        self.post(event, incident_posts.case_text(vendor, reference), broadcast=False)

    def _pin(self, message: PinnedMessage) -> None:
        if not self._can_post():
            return
        open_ones = [i for i in self.incidents if i.is_open]
        if not open_ones:
            self.ui.notify("No open incident to pin it to: press I to declare one.", timeout=5, markup=False)
        elif len(open_ones) == 1:
            self._pinned(message, open_ones[0].id)
        else:
            screen = self.dialogs.choose(
                open_ones, self.pane.selected_id, "Pin the message into which incident?"
            )
            self.ui.push_screen(screen, partial(self._pinned, message))

    def _pinned(self, message: PinnedMessage, incident_id: str | None) -> None:
        incident = self.incident(incident_id)
        if incident is None:
            return
        if any(e.kind is IncidentEventKind.PIN and e.subject == message.ts for e in incident.events):
            self.ui.notify("That message is already pinned to the incident.", timeout=4, markup=False)
            return
        zone = self.runtime.calendar.zone
        body = incident_posts.pin_text(message.author, message.text, message.at, zone)
        event = replace(
            self._base(incident, IncidentEventKind.PIN, self.runtime.now()), subject=message.ts, text=body
        )
        self.post(event, body, broadcast=False)
        self.ui.notify(f"Pinned into “{incident.title}”.", timeout=4, markup=False)

    def runbook_links(self, incident: Incident) -> list[tuple[str, str]]:
        """(service, URL) of every runbook of the incident's services (`[incidents.runbooks]`)."""
        books = {service.casefold(): urls for service, urls in self.config.runbooks.items()}
        return [(service, url) for service in incident.services for url in books.get(service.casefold(), ())]

    def _runbook(self, incident: Incident) -> None:
        links = self.runbook_links(incident)
        if not links:
            services = ", ".join(incident.services) or "its services (none recorded)"
            self.ui.notify(
                f"No runbook for {services}: add one under [incidents.runbooks] in the config.",
                timeout=6,
                markup=False,
            )
        elif len(links) == 1:
            self.ui.open_url(links[0][1])
        else:

            def chosen(url: str | None) -> None:
                if url:
                    self.ui.open_url(url)

            self.ui.push_screen(self.dialogs.runbook(links), chosen)

    def _base(self, incident: Incident, kind: IncidentEventKind, now: datetime) -> IncidentEvent:
        """The incident as it stands, for the payload every post carries."""
        return IncidentEvent(
            incident_id=incident.id,
            kind=kind,
            at=now,
            by=self._by(),
            title=incident.title,
            priority=incident.priority,
            status=incident.status,
            lead=incident.lead,
            services=incident.services,
            next_update=incident.next_update,
        )

    def _snooze(self, incident: Incident) -> None:
        now = self.runtime.now()
        current = self.snoozes.get(incident.id)
        left = (current - now) if current and current > now else timedelta(0)
        step = next((s for s in SNOOZES if s > left + timedelta(minutes=1)), None)
        until = now + step if step else None
        if until is None:
            self.snoozes.pop(incident.id, None)
        else:
            self.snoozes[incident.id] = until
        self.store_writer.submit(partial(self.runtime.store.incidents.snooze, incident.id, until))
        said = (
            f"Reminder snoozed for {int(step.total_seconds() // 60)} minutes." if step else "Snooze cleared."
        )
        self.ui.notify(said, timeout=3, markup=False)
        self.repaint()

    # -- posting ----------------------------------------------------------------------------------------

    def post(self, event: IncidentEvent, body: str, *, broadcast: bool) -> None:
        """Show the event at once (pending), store it with its write, and let the outbox post it."""
        uid = uuid.uuid4().hex
        pending = replace(event, pending=True, ref=uid)
        write = Write(
            uid=uid,
            batch=uid,
            kind=WriteKind.ANNOUNCE,
            key=event.incident_id,
            created_at=event.at,
            actor_id=self.me() or "",
            actor=self.runtime.engineer_name(),
            service=Service.SLACK,
            body=body,
            broadcast=broadcast,
            metadata=json.dumps(payload(event, outbox_id=uid)),
        )
        self.incidents = fold([*(e for i in self.incidents for e in i.events), pending])
        self.repaint()
        store = self.runtime.store
        also = partial(store.incidents.save, [(uid, pending)])
        self.store_writer.submit(partial(self._store, [write], also))

    def _store(self, writes: list[Write], also: Callable[[], None], postmortem_of: str | None = None) -> None:
        store = self.runtime.store
        try:
            store_writes(store, writes, self._pause, also)
        except AlreadyRaised:
            post_from_thread(self, IncidentNotStored("its ticket is already raised or on its way"))
            return
        except sqlite3.Error as error:
            post_from_thread(self, IncidentNotStored(why_not_stored(error)))
            return
        if postmortem_of is not None:  # the improvement now says its ticket is on its way
            improvements = store.incidents.improvements(postmortem_of)
            post_from_thread(self, PostmortemLoaded(postmortem_of, improvements, open_screen=False))
        report_stored(self, store, self.sender)

    def on_incident_not_stored(self, message: IncidentNotStored) -> None:
        self.ui.notify(
            f"Could not save the incident post ({message.reason}): nothing was sent. Try again.",
            title="Not saved",
            severity="error",
            markup=False,
        )
        self.reload()

    def on_outbox_progressed(self, message: OutboxProgressed) -> None:
        """Slack has an incident post (it is no longer pending), or refused it (its pending copy goes)."""
        message.stop()
        progress = message.progress
        note = progress.retrying if progress.pending else None
        self.post_message(PendingWritesChanged(progress.pending, note))
        if progress.write.key.startswith(IMPROVEMENT_KEY):
            self._improvement_progressed(progress.write, progress.failure, progress.retrying)
        elif progress.failure is not None:
            self.store_writer.submit(partial(self._drop, progress.write.uid))
            self.ui.notify(
                f"Could not {progress.write.describe()}: {progress.failure}",
                title="Slack refused",
                severity="error",
                timeout=12,
                markup=False,
            )
        elif progress.retrying is None:
            self.reload()  # the writer confirmed the event in the store before it said so

    def _improvement_progressed(self, write: Write, failure: str | None, retrying: str | None) -> None:
        if failure is not None:
            self.ui.notify(
                f"Could not {write.describe()}: {failure}",
                title="Jira refused",
                severity="error",
                timeout=12,
                markup=False,
            )
        elif retrying is not None:
            return
        self.store_writer.submit(partial(self._improvement_settled, write, failed=failure is not None))

    def _improvement_settled(self, write: Write, *, failed: bool) -> None:
        """On the store writer's thread: a refused creation is no longer on its way; either way the open
        postmortem shows the improvement as the store now has it (with its key once created)."""
        store = self.runtime.store
        improvement_id = write.key.removeprefix(IMPROVEMENT_KEY)
        incident_id = store.incidents.incident_of_improvement(improvement_id)
        if incident_id is not None:
            improvements = store.incidents.improvements(incident_id)
            post_from_thread(self, PostmortemLoaded(incident_id, improvements, open_screen=False))

    def _drop(self, uid: str) -> None:
        """On the store writer's thread: the refused post's pending copy goes, then the pane is rebuilt."""
        self.runtime.store.incidents.drop([uid])
        post_from_thread(self, IncidentsChanged())

    def on_incidents_changed(self, message: IncidentsChanged) -> None:
        self.reload()

    # -- postmortem -------------------------------------------------------------------------------------

    @work(thread=True, group="postmortem-read", exit_on_error=False, description="postmortem")
    def load_postmortem(self, incident_id: str) -> None:
        """Read the improvements agreed so far, who can own one and where it was exported, then open the
        postmortem (P) at once; teammates Jira has not told us of yet are asked for after it opens."""
        store = self.runtime.store
        try:
            loaded = PostmortemLoaded(
                incident_id,
                store.incidents.improvements(incident_id),
                owners=self._owners(),
                boards=watched_boards(self.runtime),
                exported_to=store.incidents.exported_to(incident_id),
            )
        except sqlite3.Error as error:
            post_from_thread(self, PostmortemExported(incident_id, None, f"reading it: {error}"))
            return
        post_from_thread(self, loaded)
        if self._team_missing():
            self.fetch_owners(incident_id)

    def _team(self) -> frozenset[str]:
        account = self.runtime.account.cached()
        return self.runtime.config.workflow.team.members | ({account.account_id} if account else set())

    def _team_missing(self) -> set[str]:
        team = self._team()
        return set(team - {p.account_id for p in self.runtime.store.people.all(team)})

    def _owners(self) -> list[tuple[str, str]]:
        """(Jira account id, name) of whoever can own an improvement, as the store knows them, the team
        first."""
        return [(p.account_id, p.name) for p in self.runtime.store.people.all(self._team())]

    @work(thread=True, group="postmortem-owners", exclusive=True, exit_on_error=False, description="owners")
    def fetch_owners(self, incident_id: str) -> None:
        """Teammates not known yet, asked of Jira one by one (offline: the list stays as it is)."""
        runtime = self.runtime
        try:
            found = [
                p
                for account_id in sorted(self._team_missing())
                if (p := runtime.jira_writer.user(account_id))
            ]
        except SourceError:
            return
        if found:
            runtime.store.people.save(found, runtime.now())
            post_from_thread(self, OwnersFound(incident_id, self._owners()))

    def on_owners_found(self, message: OwnersFound) -> None:
        live = self._live_postmortem(message.incident_id)
        if live is not None:
            live.people = message.owners

    def on_postmortem_loaded(self, message: PostmortemLoaded) -> None:
        incident = self.incident(message.incident_id)
        live = self._live_postmortem(message.incident_id)
        if live is not None:  # an improvement's ticket arrived while it is open
            live.show(message.improvements, message.exported_to)
            return
        if message.open_screen is False or incident is None:
            return
        incident_id = incident.id

        def render(improvements: Sequence[Improvement]) -> str:
            now = self.incident(incident_id) or incident
            return postmortem_markdown(
                now, improvements, names=self.names(), zone=self.runtime.calendar.zone, now=self.runtime.now()
            )

        self._boards = message.boards
        screen = self.dialogs.postmortem(
            incident,
            message.improvements,
            render=render,
            people=message.owners,
            boards=[(board.id, board.name) for board in message.boards],
            on_change=partial(self._improvements_changed, incident_id),
            on_export=partial(self._export, incident_id),
            on_raise=partial(self._raise_improvement, incident_id),
            exported_to=message.exported_to,
        )
        self._postmortem = (incident_id, screen)
        self.ui.push_screen(screen)

    def _live_postmortem(self, incident_id: str) -> LivePostmortem | None:
        if self._postmortem is None or self._postmortem[0] != incident_id:
            return None
        screen = self._postmortem[1]
        return screen if isinstance(screen, LivePostmortem) and screen.is_attached else None

    def _improvements_changed(self, incident_id: str, improvements: list[Improvement]) -> None:
        self.store_writer.submit(
            partial(self.runtime.store.incidents.save_improvements, incident_id, improvements)
        )

    def _export(self, incident_id: str, improvements: list[Improvement]) -> None:
        incident = self.incident(incident_id)
        if incident is not None:
            self.export_postmortem(incident, improvements, self.names())

    def _raise_improvement(self, incident_id: str, improvement: Improvement, board_id: int) -> bool:
        """Raise the improvement as a Jira ticket on the chosen board, assigned to its owner, through the
        outbox; the key shows in the postmortem once Jira has created it. False when refused here."""
        incident = self.incident(incident_id)
        board = next((b for b in self._boards if b.id == board_id), None)
        if incident is None or board is None or not self._can_post():
            return False
        account = self.runtime.account.cached()
        ticket = improvement_ticket(
            incident, improvement, board.id, zone=self.runtime.calendar.zone, permalink=None
        )
        uid = uuid.uuid4().hex
        write = Write(
            uid=uid,
            batch=uid,
            kind=WriteKind.CREATE,
            key=IMPROVEMENT_KEY + improvement.id,
            created_at=self.runtime.now(),
            actor_id=account.account_id if account else "",
            actor=self.runtime.engineer_name(),
            service=Service.JIRA,
            assignee_id=improvement.owner_account,
            assignee=improvement.owner,
            ticket=ticket,
            project=board.project,
            component=board.component,
        )
        self.store_writer.submit(
            partial(self._store, [write], partial(self._may_raise, improvement.id, uid), incident_id)
        )
        self.ui.notify(
            f"Raising “{ticket.summary}” on {board.name}, assigned to {improvement.owner or 'nobody'}.",
            timeout=5,
            markup=False,
        )
        return True

    def _may_raise(self, improvement_id: str, uid: str) -> None:
        """In the transaction that queues the creation: a second one for the same improvement is undone."""
        if not self.runtime.store.incidents.may_raise(improvement_id, uid):
            raise AlreadyRaised(improvement_id)

    @work(thread=True, group="postmortem", exit_on_error=False, description="postmortem")
    def export_postmortem(
        self, incident: Incident, improvements: Sequence[Improvement], names: Mapping[str, str]
    ) -> None:
        folder = self.config.postmortem_dir or (self.runtime.data_dir / "postmortems")
        zone, now = self.runtime.calendar.zone, self.runtime.now()
        store = self.runtime.store
        markdown = postmortem_markdown(incident, improvements, names=names, zone=zone, now=now)
        path = Path(folder) / postmortem_filename(incident, zone)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Owner-only, like the store: a postmortem names people and systems.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(markdown)
            os.chmod(path, 0o600)  # a file exported before keeps its old mode through O_TRUNC
            store.incidents.mark_exported(incident.id, now, str(path))
            stored = store.incidents.improvements(incident.id)
        except (OSError, sqlite3.Error) as error:
            reason = f"{error.__class__.__name__}: {getattr(error, 'strerror', None) or error}"
            post_from_thread(self, PostmortemExported(incident.id, None, reason))
            return
        post_from_thread(self, PostmortemExported(incident.id, path, None, stored))

    def on_postmortem_exported(self, message: PostmortemExported) -> None:
        if message.path is None:
            self.ui.notify(f"Could not write the postmortem: {message.error}", severity="error", markup=False)
            return
        self.ui.notify(
            f"Postmortem draft written to {message.path}", title="Postmortem", timeout=10, markup=False
        )
        live = self._live_postmortem(message.incident_id)
        if live is not None:
            live.show(message.improvements, exported_to=str(message.path))
        self.reload()
