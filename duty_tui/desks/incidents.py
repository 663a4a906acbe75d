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
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from textual import work
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen

from duty_tui.desks.incident_intents import IncidentIntent
from duty_tui.desks.queueing import store_writes
from duty_tui.desks.ticket_collaborators import Sender
from duty_tui.desks.ticket_messages import OutboxProgressed, PendingWritesChanged
from duty_tui.desks.ui import DeskUI, post_from_thread
from duty_tui.models import (
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
from duty_tui.rules.incidents import fold, next_update_after, payload, reminder
from duty_tui.rules.postmortem import postmortem_filename, postmortem_markdown
from duty_tui.runtime import Runtime
from duty_tui.sync.store_writer import StoreWriter

SNOOZES = (timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1))
LOOK_BACK = timedelta(days=7)  # resolved incidents stay listed for the week


class IncidentsLoaded(Message):
    def __init__(self, incidents: list[Incident], snoozes: dict[str, datetime], exported: set[str]) -> None:
        super().__init__()
        self.incidents = incidents
        self.snoozes = snoozes
        self.exported = exported


class IncidentsChanged(Message):
    """The store's incident events changed off the UI thread: read them again."""


class IncidentView(Protocol):
    """What the desk needs of the incident pane (`widgets.incident.IncidentPane`)."""

    @property
    def selected_id(self) -> str | None: ...

    def show(
        self,
        incidents: Sequence[Incident],
        reminders: Mapping[str, tuple[datetime | None, bool]],
        names: Mapping[str, str],
        now: datetime,
    ) -> None: ...


class IncidentDialogs(Protocol):
    """The dialogs the desk opens (`views.incident_dialogs.IncidentDialogs`)."""

    def declare(self, people: Sequence[tuple[str, str]], me: str | None) -> Screen[Any]: ...

    def update(self, incident: Incident) -> Screen[Any]: ...

    def lead(self, people: Sequence[tuple[str, str]], current: str | None) -> Screen[Any]: ...

    def note(self, incident: Incident) -> Screen[Any]: ...

    def resolve(self, incident: Incident) -> Screen[Any]: ...

    def detail(self, incident: Incident, names: Mapping[str, str]) -> Screen[Any]: ...


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
        self.incidents: list[Incident] = []
        self.snoozes: dict[str, datetime] = {}
        self.exported: set[str] = set()
        self._rang: set[tuple[str, datetime]] = set()  # reminders the bell has rung for
        self._pause = threading.Event()

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

    def repaint(self) -> None:
        reminders = self.reminders()
        self.pane.show(self.incidents, reminders, self.names(), self.runtime.now())
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
                self.app.bell()

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
        self.act(message.action, message.incident_id)

    def act(self, action: str, incident_id: str | None = None) -> None:
        if action == "declare":
            self._declare()
            return
        incident = self.incident(incident_id or self.pane.selected_id)
        if incident is None:
            self.ui.notify("No incident selected: press I to declare one.", timeout=4, markup=False)
            return
        if action == "open":
            self.ui.push_screen(self.dialogs.detail(incident, self.names()))
        elif action == "snooze":
            self._snooze(incident)
        elif action == "postmortem":
            self.export_postmortem(incident)
        elif action == "note":
            self.ui.push_screen(self.dialogs.note(incident), partial(self._noted, incident))
        elif not self._can_post():
            return
        elif action == "update":
            self.ui.push_screen(self.dialogs.update(incident), partial(self._updated, incident))
        elif action == "lead":
            self.ui.push_screen(self.dialogs.lead(self.people(), incident.lead), partial(self._led, incident))
        elif action == "resolve":
            if not incident.is_open:
                self.ui.notify("That incident is already resolved.", timeout=4, markup=False)
                return
            self.ui.push_screen(self.dialogs.resolve(incident), partial(self._resolved, incident))

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
            stakeholders = self.config.stakeholders if priority is IncidentPriority.HIGH else ()
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

        self.ui.push_screen(self.dialogs.declare(self.people(), self.me()), declared)

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

    def _store(self, writes: list[Write], also: Callable[[], None]) -> None:
        try:
            store_writes(self.runtime.store, writes, self._pause, also)
        except sqlite3.Error as error:
            post_from_thread(self, IncidentNotStored(str(error.__class__.__name__)))
            return
        post_from_thread(self, PendingWritesChanged(self.runtime.store.outbox.count_pending(), None))
        if self.sender is not None:
            self.sender.wake()

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
        if progress.failure is not None:
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

    def _drop(self, uid: str) -> None:
        """On the store writer's thread: the refused post's pending copy goes, then the pane is rebuilt."""
        self.runtime.store.incidents.drop([uid])
        post_from_thread(self, IncidentsChanged())

    def on_incidents_changed(self, message: IncidentsChanged) -> None:
        self.reload()

    # -- postmortem -------------------------------------------------------------------------------------

    @work(thread=True, group="postmortem", exit_on_error=False, description="postmortem")
    def export_postmortem(self, incident: Incident) -> None:
        folder = self.config.postmortem_dir or (self.runtime.data_dir / "postmortems")
        zone, now = self.runtime.calendar.zone, self.runtime.now()
        markdown = postmortem_markdown(incident, [], names=self.names(), zone=zone, now=now)
        path = Path(folder) / postmortem_filename(incident, zone)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown, encoding="utf-8")
        except OSError as error:
            post_from_thread(
                self, PostmortemExported(None, f"{error.__class__.__name__}: {error.strerror or error}")
            )
            return
        self.runtime.store.incidents.mark_exported(incident.id, now)
        post_from_thread(self, PostmortemExported(path, None))

    def on_postmortem_exported(self, message: PostmortemExported) -> None:
        if message.path is None:
            self.ui.notify(f"Could not write the postmortem: {message.error}", severity="error", markup=False)
            return
        self.ui.notify(
            f"Postmortem draft written to {message.path}", title="Postmortem", timeout=10, markup=False
        )
        self.reload()


class IncidentNotStored(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class PostmortemExported(Message):
    def __init__(self, path: Path | None, error: str | None) -> None:
        super().__init__()
        self.path = path
        self.error = error
