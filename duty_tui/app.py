"""DutyApp: composes the panes and the desks, owns the app-wide keys, the status bar and the loops.

The app only paints. The store is read in a worker and the panes paint from it before any network
call; each source's poll loop runs on its own daemon thread and posts one message per poll to its
desk (Jira's to the ticket desk, Slack's to the channel desk), which paints it on its pane and lets it
bubble on here for the status bar; checklist ticks and the desks' writes are stored by one store
writer, in order, off the UI thread.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget

from duty_tui.config.cover import support_ways
from duty_tui.desks.attention import COVER, DAY, AttentionDesk, HealthWatch, ProbesReported
from duty_tui.desks.channel import ChannelDesk
from duty_tui.desks.checklist import ChecklistDesk
from duty_tui.desks.cover import CoverChanged, CoverDesk
from duty_tui.desks.handover import HandoverDesk
from duty_tui.desks.incident_intents import IncidentIntent
from duty_tui.desks.incidents import IncidentDesk
from duty_tui.desks.metrics import MetricsDesk
from duty_tui.desks.notifier import DesktopNotifier
from duty_tui.desks.ticket_messages import OutboxProgressed, PendingWritesChanged
from duty_tui.desks.tickets import TicketDesk
from duty_tui.desks.ui import post_from_thread
from duty_tui.heap import Heap
from duty_tui.keymap import KEYS, display_key
from duty_tui.messages import CacheLoaded, Snapshot, SourcePolled
from duty_tui.models import IMPROVEMENT_KEY, Service, WriteKind
from duty_tui.rules.attention import Engineer
from duty_tui.rules.availability import IncidentPrefill, ProbeResult, incident_prefill
from duty_tui.rules.checklist import Evidence, Place
from duty_tui.rules.cover import EVENT_TYPE as COVER_EVENT
from duty_tui.rules.facts import TicketFacts
from duty_tui.rules.handover import EVENT_TYPE as HANDOVER_EVENT
from duty_tui.rules.handover import HandoverFacts
from duty_tui.runtime import Runtime
from duty_tui.store.db import why_not_stored
from duty_tui.sync.outbox import OutboxProgress, OutboxWriter
from duty_tui.sync.outcomes import MessagesPolled, PollFailed, PollOutcome, TicketsPolled
from duty_tui.sync.poll import PollLoop
from duty_tui.sync.probes import ProbeLoop
from duty_tui.sync.store_writer import StoreWriter
from duty_tui.views.channel_dialogs import ChannelDialogs
from duty_tui.views.cover import cover_form
from duty_tui.views.dashboard import DashboardScreen
from duty_tui.views.handover_dialogs import HandoverDialogs
from duty_tui.views.incident_dialogs import IncidentDialogs
from duty_tui.views.kept import KeptDialogs
from duty_tui.views.metrics import MetricsScreen
from duty_tui.views.ticket_dialogs import TicketDialogs
from duty_tui.widgets.attention_facts import AttentionFacts
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.channel import WINDOW, ChannelPane
from duty_tui.widgets.checklist import ChecklistGo, ChecklistPane
from duty_tui.widgets.handover_facts import gather as gather_handover
from duty_tui.widgets.incident import IncidentPane
from duty_tui.widgets.key_bar import KeyBar
from duty_tui.widgets.list_pane import ListPane
from duty_tui.widgets.status import StatusBar
from duty_tui.widgets.tickets import UNACKNOWLEDGED, UNASSIGNED, TicketsPane

log = logging.getLogger(__name__)

OUTBOX_LOCK = "outbox.lock"
SENDING_ELSEWHERE = "another duty-tui on this data dir sends them"


class DutyApp(App[None]):
    """The duty engineer's dashboard."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it
    TITLE = "duty-tui"
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "app.focus_tickets",
        "app.focus_channel",
        "app.focus_incident",
        "app.focus_checklist",
        "app.filter",
        "app.refresh",
        "app.help",
        "app.quit",
        "app.read_only",
        "incident.declare",
        "incident.update",
        "incident.lead",
        "incident.note",
        "incident.resolve",
        "incident.postmortem",
        "app.handover",
        "app.cover",
        "app.metrics",
    )

    def __init__(self, runtime: Runtime, *, heap: Heap | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        # Freezing the heap is for the one app a process runs all day (the CLI passes one); tests run
        # thousands of apps in one process, where frozen survivors of one would outlive it.
        self.heap = heap
        self.config = runtime.config
        self.zone = runtime.calendar.zone
        self.loops: list[PollLoop] = []
        self.probes: ProbeLoop | None = None  # the health checks, once polling starts (when any are set)
        self.statuses = runtime.store.statuses.all()
        self.refreshing: set[str] = set()  # sources polled on request whose answer has not come yet
        self.exit_message: str | None = None
        self.painted = False
        self.declare_prepared = False  # the declare form made ahead (see on_source_polled)
        self.day: date = runtime.calendar.local_date(runtime.now())
        self.pending_writes = 0  # writes waiting for a service, as the desks report them
        self.pending_note: str | None = None  # why they wait
        self.sending_elsewhere = False  # another duty-tui on this data dir holds the outbox
        labels = {board.name: board.short for board in self.config.jira.boards}
        # Derived per ticket once; primed with the cache in the reading worker, off the UI thread.
        self.facts = TicketFacts(
            self.config.workflow.triage, runtime.calendar, self.config.support.acknowledge_within
        )
        self.tickets = TicketsPane(
            labels,
            runtime.now,
            runtime.calendar,
            rules=self.config.workflow.triage,
            within=self.config.support.acknowledge_within,
            me=runtime.account.cached_id,
            read_only=runtime.read_only,
            facts=self.facts,
        )
        self.channel = ChannelPane(
            runtime.now, self.zone, runtime.calendar, self.config.channel, read_only=runtime.read_only
        )
        self.incident = IncidentPane()
        self.checklist = ChecklistPane(
            runtime.sections,
            self.zone,
            runtime.now,
            runtime.engineer_name,
            calendar=runtime.calendar,
            tick_key=display_key(self.current_keys()["checklist.toggle"]).split()[-1],
        )
        # Store writes the UI makes (ticks, queued outbox writes), in the order they were made.
        self.store_writer = StoreWriter("store writes", on_error=self._store_write_failed)
        # The one writer for every service's writes; none with --read-only.
        self.outbox: OutboxWriter | None = (
            None if runtime.read_only else runtime.outbox_writer(self._post_outbox_progress)
        )
        self.kept_dialogs = KeptDialogs()  # the app's own dialogs opened again and again (help)
        dialogs = TicketDialogs(runtime.now, runtime.calendar, self.config.support.acknowledge_within)
        self.ticket_desk = TicketDesk(
            runtime,
            pane=self.tickets,
            ui=self,
            dialogs=dialogs,
            store_writer=self.store_writer,
            sender=self.outbox,
        )
        self.channel_desk = ChannelDesk(
            runtime,
            pane=self.channel,
            ui=self,
            dialogs=ChannelDialogs(runtime.now, self.zone),
            store_writer=self.store_writer,
            sender=self.outbox,
        )
        self.incident_desk = IncidentDesk(
            runtime,
            pane=self.incident,
            ui=self,
            dialogs=IncidentDialogs(runtime.now, self.zone),
            store_writer=self.store_writer,
            sender=self.outbox,
            people=self._slack_people,
            me=lambda: self.channel.me,
            names=lambda: {u.id: u.name for u in self.channel.directory.users.values()},
            prefill=self._incident_prefill,
        )
        self.handover_desk = HandoverDesk(
            runtime,
            ui=self,
            dialogs=HandoverDialogs(runtime.now, self.zone, lambda: self.channel.title),
            store_writer=self.store_writer,
            sender=self.outbox,
            gather=self._handover_facts,
            me=lambda: self.channel.me,
        )
        self.checklist_desk = ChecklistDesk(
            runtime,
            pane=self.checklist,
            ui=self,
            store_writer=self.store_writer,
            evidence=self._checklist_evidence,
        )
        # Today's sub-team and who is on #laa-ops when (`D`); the status bar shows who is on now.
        self.cover_desk = CoverDesk(
            runtime,
            ui=self,
            form=lambda cover, people, can_post: cover_form(cover, people, self.zone, can_post=can_post),
            store_writer=self.store_writer,
            sender=self.outbox,
            people=self._slack_people,
            names=lambda: {u.id: u.name for u in self.channel.directory.users.values()},
            me=lambda: self.channel.me,
        )
        # The metrics screen (`5`): figures worked out off the UI thread, the last ones kept per period.
        self.metrics_desk = MetricsDesk(
            runtime,
            ui=self,
            screens=partial(
                MetricsScreen, zone=self.zone, promise=self.config.support.acknowledge_within, now=runtime.now
            ),
        )
        self.status_bar = StatusBar()
        notify = self.config.notify
        # What needs the engineer now: counted in the status bar, each new item announced once.
        self.attention = AttentionDesk(
            self,
            runtime.calendar,
            DesktopNotifier(notify, os.environ, self.write_to_terminal) if notify.desktop else None,
            bell=notify.bell,
            declare_key=display_key(self.current_keys()["incident.declare"]),
        )
        # The health checks' latest results, as "failing twice" reads them (a PROD check down needs you).
        self.probe_watch = HealthWatch(self.config.availability.checks)
        self.attention_facts = AttentionFacts()

    # -- layout ---------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return DashboardScreen()

    if not TYPE_CHECKING:  # Textual's typed overloads stand; this only wraps them at run time

        def push_screen(self, screen, *args, **kwargs):
            """Textual's, without the dashboard's second full frame under a dialog (views/dashboard.py)."""
            stack = self.screen_stack
            under = stack[-1] if stack else None
            if isinstance(under, DashboardScreen):
                with under.going_under():
                    return super().push_screen(screen, *args, **kwargs)
            return super().push_screen(screen, *args, **kwargs)

    def compose(self) -> ComposeResult:
        yield self.status_bar
        with Horizontal(id="panes"):
            with Vertical(id="work"):
                with self.ticket_desk:
                    yield self.tickets
                with self.channel_desk:
                    yield self.channel
            with Vertical(id="duty"):
                with self.incident_desk:
                    yield self.incident
                with self.checklist_desk:
                    yield self.checklist
        yield self.handover_desk
        yield self.cover_desk
        yield self.metrics_desk
        yield KeyBar()

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        self.refresh_status()
        self.load_cache()
        self.set_interval(30, self.on_clock_tick, name="clock tick")
        self.tickets.table.focus()

    # -- painting from the store -----------------------------------------------------------------

    @work(thread=True, group="store-read", exit_on_error=False, description="read the cache")
    def load_cache(self) -> None:
        store, channel = self.runtime.store, self.config.slack.channel
        tickets = store.tickets.on_list()
        self.facts.prime(tickets)  # classification and deadlines, here rather than on the UI thread
        snapshot = Snapshot(
            tickets=tickets,
            messages=store.messages.recent(channel, limit=WINDOW),
            users=store.chat_users.all(),
            statuses=store.statuses.all(),
            day=self.day,
            ticks=store.checklist.of_day(self.day),
            channel_name=store.meta.get(f"slack.channel_name:{channel}"),
            people=store.people.all(self.config.workflow.team.members),
            pending=store.outbox.count_pending(),
        )
        self.post_message(CacheLoaded(snapshot))

    def on_cache_loaded(self, message: CacheLoaded) -> None:
        # The tickets first, alone in a frame: the rows the engineer opens the dashboard for reach
        # the terminal before the channel's rows (and the emoji tables they load) are built.
        self.tickets.show(message.snapshot.tickets)
        self.call_after_refresh(self.show_rest_of_cache, message.snapshot)

    def show_rest_of_cache(self, snapshot: Snapshot) -> None:
        self.channel_desk.show_cache(snapshot.messages, snapshot.users, snapshot.channel_name)
        self.checklist_desk.show_cache(snapshot.day, snapshot.ticks)
        self.statuses.update(snapshot.statuses)
        self.pending_writes = snapshot.pending  # shown in this first status, before the desk says so
        self.ticket_desk.show_cache(snapshot.people, snapshot.pending)
        self.refresh_status()
        self.attention.settle(DAY)  # what the cache and the clock show now is not news
        self.painted = True
        self.incident_desk.reload()
        self.start_polling()
        self.start_outbox()
        if self.heap is not None:  # after this frame: start-up's heap is what later collections skip
            self.call_after_refresh(self.heap.settle)

    # -- polling --------------------------------------------------------------------------------

    def start_polling(self) -> None:
        """One loop per source, each on its own daemon thread (see `sync.loop` for why not a worker).
        Each source's polls go to its desk (and bubble on here, for the status bar)."""
        runtime = self.runtime
        for poller, interval, target in (
            (runtime.jira_poller, self.config.jira.poll_seconds, self.ticket_desk),
            (runtime.slack_poller, self.config.slack.poll_seconds, self.channel_desk),
        ):
            loop = PollLoop(poller, runtime.store, runtime.clock, interval, partial(self._post_poll, target))
            self.loops.append(loop)
            loop.start()
        self.probes = runtime.probe_loop(self._post_probes)  # availability: to the store, and here
        if self.probes is not None:
            self.start_probes(self.probes)

    @work(thread=True, group="probes-seed", exit_on_error=False, description="last health probes")
    def start_probes(self, probes: ProbeLoop) -> None:
        """Each check's last two stored results first (stale after a restart: they raise nothing until
        the next probe confirms them), then the loop, so its results always come after these."""
        try:
            latest = self.runtime.store.probes.latest([check.name for check in probes.checks], 2)
            post_from_thread(self, ProbesReported(tuple(r for found in latest.values() for r in found)))
        except Exception:
            log.exception("could not read the last health probe results")
        finally:
            if not probes.stopping:
                probes.start()

    def _post_probes(self, results: tuple[ProbeResult, ...]) -> None:
        """Called on the probe loop's thread; post_message is thread-safe."""
        if self.is_running:
            post_from_thread(self, ProbesReported(results))

    def on_probes_reported(self, message: ProbesReported) -> None:
        self.probe_watch.add(message.results)
        self.refresh_status()

    def _incident_prefill(self) -> IncidentPrefill | None:
        """What `I` fills the declare form with while a PROD check fails: the most recent outage."""
        failing = self.probe_watch.most_recent(self.runtime.now())
        return incident_prefill(failing, self.zone) if failing is not None else None

    def _post_poll(self, target: Widget, outcome: PollOutcome) -> None:
        """Called on a poller's thread; post_message is thread-safe."""
        if self.is_running:
            self.ready_poll(outcome)
            post_from_thread(target, SourcePolled(outcome))

    def ready_poll(self, outcome: PollOutcome) -> None:
        """On the poller's thread, before the outcome goes to the UI thread: each changed ticket's
        classification and deadline, which the pane would otherwise work out there as it shows the
        rows (~10 µs a ticket: half a millisecond of a 50-ticket poll's 4). The memo holds by
        ticket identity, so the UI thread finds these very versions made."""
        if isinstance(outcome, TicketsPolled):
            self.facts.prime(outcome.changed)

    def on_source_polled(self, message: SourcePolled) -> None:
        outcome = message.outcome
        if isinstance(outcome, MessagesPolled) and outcome.incidents_changed:
            self.incident_desk.reload()  # incident posts arrived (from here or another dashboard)
        if isinstance(outcome, TicketsPolled) and outcome.resolved:
            self.channel_desk.happiness.tickets_resolved(outcome.resolved)  # [happiness] asks
        self.statuses[outcome.status.source] = outcome.status
        self.refreshing.discard(outcome.status.source)
        if isinstance(outcome, PollFailed):
            self.on_poll_failed(outcome)
        self.checklist_desk.refresh_hints()  # what the poll brought may undo (or do) a checklist item
        if outcome.status.source == Service.SLACK:  # a newer cover post for today, and the launch check
            self.cover_desk.polled_slack(outcome.changed if isinstance(outcome, MessagesPolled) else ())
        self.refresh_status()
        self.attention.settle(outcome.status.source)  # its first poll was the backlog; from now on, news
        if not self.declare_prepared and {Service.JIRA, Service.SLACK} <= self.attention.settled:
            # Both sources have answered once (the team and who "me" is are known): the declare form is
            # made now, after this frame, instead of at the first `I` of the day, in an outage.
            self.declare_prepared = True
            self.call_after_refresh(self.incident_desk.prepare_declare)

    def on_poll_failed(self, outcome: PollFailed) -> None:
        error = outcome.error
        # Rejected credentials on the first try, or a service that has never once answered, are setup
        # problems the engineer must fix now. With a warm cache an outage is just an outage: work offline.
        never_synced = outcome.status.last_success is None
        if outcome.never_succeeded and (error.auth or (error.unreachable and never_synced)):
            fix = " Check the URL in the config and your network." if error.unreachable else ""
            self.exit_message = error.message + fix
            self.exit(return_code=2)

    # -- time -----------------------------------------------------------------------------------

    def on_clock_tick(self) -> None:
        if self.heap is not None:  # Textual's hold on closed widgets (dialogs, editors) let go
            self.heap.tick(self)
        today = self.runtime.calendar.local_date(self.runtime.now())
        if today != self.day:  # a new support day (the checklist desk reads its ticks)
            self.day = today
        self.checklist_desk.tick()  # a new day's list, the 10:00 flags, the end-of-day offer
        self.tickets.table.invalidate()  # ages
        self.tickets.update_counts()  # breached and due-soon move on with the clock, polls or not
        self.channel_desk.tick()  # waiting and triage clocks, day labels
        self.incident_desk.tick()  # update reminders
        self.cover_desk.tick()  # who is on the channel; a period starting with nobody on it
        for pane, source in ((self.tickets, "jira"), (self.channel, "slack")):
            pane.show_status(self.statuses.get(source))
        self.refresh_status()

    def refresh_status(self) -> None:
        now = self.runtime.now()
        open_incidents, overdue = self.incident_desk.overdue()
        on_channel = self.cover_desk.on_channel_now()
        self.status_bar.show(
            now,
            self.zone,
            self.runtime.calendar.state(now),
            self.statuses,
            refreshing=self.refreshing,
            pending_writes=self.pending_writes,
            pending_note=self.pending_note or (SENDING_ELSEWHERE if self.sending_elsewhere else None),
            incidents=open_incidents,
            overdue_update=overdue,
            read_only=self.runtime.read_only,
            demo=self.runtime.demo,
            covering=on_channel.words if on_channel else None,
            uncovered=bool(on_channel and on_channel.gap),
            attention=self._attention_now(now),
        )

    def _attention_now(self, now: datetime) -> tuple[int, str | None]:
        """What needs the engineer now (each new thing announced once): how many, and the most urgent."""
        account = self.runtime.account.cached()
        situation = self.attention_facts.gather(
            now=now,
            calendar=self.runtime.calendar,
            me=Engineer(account.account_id, account.display_name, self.channel.me)
            if account is not None
            else Engineer(slack_id=self.channel.me),
            tickets=self.tickets,
            channel=self.channel,
            incidents=self.incident_desk.incidents,
            reminders=self.incident_desk.reminders(),
            checklist=self.checklist,
            end_of_day=self.config.checklist.end_of_day,
            uncovered=self.cover_desk.uncovered_now(),
        )
        found = self.attention.update(replace(situation, failing=self.probe_watch.failing(now)))
        if self.cover_desk.loaded and self.cover_desk.polled:
            self.attention.settle(COVER)  # the day's cover as it stood at start is the backlog, not news
        return found

    def write_to_terminal(self, sequence: str) -> None:
        """A control sequence duty-tui built itself (a notification escape; never untrusted text), written
        between frames on the UI thread, the way Textual rings its bell."""
        if not self.is_headless and self._driver is not None:
            self._driver.write(sequence)

    # -- checklist ------------------------------------------------------------------------------

    def _store_write_failed(self, error: Exception) -> None:
        """On the serial writer's thread: say so, and show the checklist as actually stored."""
        self.call_from_thread(
            self.notify,
            f"duty-tui could not save a change ({why_not_stored(error)}); see the log.",
            severity="error",
            markup=False,
        )
        self.call_from_thread(self.checklist_desk.reload)

    async def on_checklist_go(self, message: ChecklistGo) -> None:
        """Enter on a checklist item: to the pane (and the view of it) where that duty is done."""
        place, board_id = message.target.place, message.target.board
        board = next((b.name for b in self.config.jira.boards if b.id == board_id), None)
        if place is Place.CHANNEL:
            self.channel.go_to_unread()
            self.action_focus_pane("channel")
        elif place is Place.BOARD and board is None:
            self.notify(f"Board {board_id} is not one of the config's [[jira.boards]].", markup=False)
        elif place in (Place.BOARD, Place.TICKETS, Place.UNACKNOWLEDGED):
            self.tickets.show_view(UNACKNOWLEDGED if place is Place.UNACKNOWLEDGED else UNASSIGNED, board)
            self.action_focus_pane("tickets")
        elif place is Place.INCIDENTS:
            self.action_focus_pane("incident")
        else:  # the handover desk's: the latest handover, or the composer
            await self.run_action("latest_handover" if place is Place.HANDOVER else "handover")

    def _checklist_evidence(self) -> Evidence:
        """What the panes show that says a checklist item is done: the channel read to its end today, and
        the boards whose waiting tickets are all acknowledged (as Jira last said, while it answers)."""
        jira, read = self.statuses.get("jira"), self.channel.read_to_end()
        channel_read = read is not None and self.runtime.calendar.local_date(read) == self.day
        if jira is None or jira.last_success is None or not jira.ok:
            return Evidence(channel_read=channel_read)
        waiting = self.tickets.unacknowledged_boards()
        return Evidence(
            channel_read=channel_read,
            acknowledged_boards=frozenset(b.id for b in self.config.jira.boards if b.name not in waiting),
            all_acknowledged=not waiting,
        )

    # -- actions --------------------------------------------------------------------------------

    def action_focus_pane(self, pane_id: str) -> None:
        pane = self.query_one(f"#{pane_id}")
        target: Widget = pane
        if isinstance(pane, ListPane):
            target = pane.table
        elif isinstance(pane, ChecklistPane):
            target = pane.list
        target.focus()

    def focused_list_pane(self) -> ListPane | ChecklistPane | None:
        node = self.focused
        while node is not None:
            if isinstance(node, ListPane | ChecklistPane):
                return node
            node = node.parent  # type: ignore[assignment]
        return None

    def action_filter(self) -> None:
        pane = self.focused_list_pane()
        if isinstance(pane, ListPane):
            pane.open_filter()
        else:
            self.notify("Focus the tickets (1) or channel (2) pane to filter it.", markup=False)

    def action_refresh(self) -> None:
        self.runtime.slack_poller.rescan_soon()
        for loop in self.loops:
            self.refreshing.add(loop.source)
            loop.wake()
        self.ticket_desk.jira_answered()  # and send any write waiting out a back-off
        self.channel_desk.slack_answered()
        self.refresh_status()

    def action_incident(self, action: str) -> None:
        """The incident keys work from anywhere on the dashboard (not over a dialog: there they are text)."""
        if not self.screen.is_modal:
            self.incident_desk.act(action)

    def on_incident_intent(self, message: IncidentIntent) -> None:
        """`i` on a ticket, `p` on a message: the incident desk links or pins it (pane 3's own intents
        stop at the desk, which contains it; these come from the other panes)."""
        message.stop()
        self.incident_desk.act(message.action, message.incident_id, message.subject)

    def action_cover(self) -> None:
        """`D`: today's cover (not over a dialog, where D is a letter)."""
        if not self.screen.is_modal:
            self.cover_desk.open_form()

    def on_cover_changed(self, message: CoverChanged) -> None:
        message.stop()
        self.refresh_status()

    def action_handover(self) -> None:
        """`H`: compose the handover (not over a dialog, where H is a letter)."""
        if not self.screen.is_modal:
            self.handover_desk.compose_handover()

    def action_metrics(self) -> None:
        """`5`: the metrics screen (not over a dialog, where 5 is a digit)."""
        if not self.screen.is_modal:
            self.metrics_desk.open()

    def action_latest_handover(self) -> None:
        self.handover_desk.show_latest()

    def _handover_facts(self) -> HandoverFacts:
        desk = self.incident_desk
        return gather_handover(
            tickets=self.tickets,
            channel=self.channel,
            incidents=desk.incidents,
            reminders=desk.reminders(),
            slack_names=desk.names(),
            checklist=self.checklist,
            now=self.runtime.now(),
        )

    def _slack_people(self) -> list[tuple[str, str]]:
        """Everyone the channel knows by name, the team first (for the lead pickers)."""
        team = self.channel.state.team.members
        users = [u for u in self.channel.directory.users.values() if not u.is_bot and not u.deleted]
        users.sort(key=lambda u: (u.id not in team, u.name.lower()))
        return [(u.id, u.name) for u in users]

    def action_help(self) -> None:
        from duty_tui.views.help import HelpScreen, SupportWays

        keys = self.current_keys()
        support = SupportWays(self._support_ways(), self.config.contacts.escalation)
        help_screen = self.kept_dialogs.get(
            HelpScreen, lambda: HelpScreen(keys, support=support), lambda kept: kept.reopen(keys, support)
        )
        self.push_screen(help_screen)

    def _support_ways(self) -> list[tuple[str, str]]:
        """How users get support (the channel, each board), for the help screen."""
        config, boards = self.config, self.config.jira.boards
        return support_ways(
            config.slack.channel,
            self.channel.title.lstrip("#") or "laa-ops",
            config.jira.url,
            [(board.name, board.id, board.component) for board in boards],
        )

    def current_keys(self) -> dict[str, str]:
        """Binding id → keys as now in force (defaults plus the config's [keys])."""
        return {spec.id: self.config.keys.get(spec.id, spec.keys) for spec in KEYS}

    async def action_quit(self) -> None:
        from duty_tui.views.incident_choice import QuitWhileLeadingScreen

        leading = self.incident_desk.leading()
        if leading and not isinstance(self.screen, QuitWhileLeadingScreen):
            handover = display_key(self.current_keys()["incident.lead"])
            screen = QuitWhileLeadingScreen([i.title for i in leading], handover)
            self.push_screen(screen, self._quit_answered)
            return
        self._quit()

    def _quit_answered(self, quit_anyway: bool | None) -> None:
        if quit_anyway:
            self._quit()

    def _quit(self) -> None:
        self.stop_polling()
        self.exit()

    def stop_polling(self) -> None:
        for loop in self.loops:
            loop.stop()
        if self.probes is not None:
            self.probes.stop()
        self.store_writer.stop()
        if self.outbox is not None:
            self.outbox.stop()

    def on_unmount(self) -> None:
        self.stop_polling()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        yield from super().get_system_commands(screen)
        yield SystemCommand("Refresh now", "Poll Jira and Slack now", self.action_refresh)
        yield SystemCommand("Keys and help", "Every key binding and what the panes show", self.action_help)
        yield SystemCommand(
            "Latest handover", "Read the latest handover in #laa-ops", self.action_latest_handover
        )
        yield SystemCommand("Write a handover", "Hand over to the next engineer (H)", self.action_handover)
        yield SystemCommand(
            "Metrics",
            "Ticket flow per board, incidents, availability and happiness over 7, 30 or 90 days (5)",
            self.metrics_desk.open,
        )
        yield SystemCommand(
            "Today's cover",
            "The engineer, the DBA, the duty consultant and who is on #laa-ops (D)",
            self.action_cover,
        )
        for pane_id, title in (
            ("tickets", "Tickets"),
            ("channel", "#laa-ops"),
            ("incident", "Incident"),
            ("checklist", "Checklist"),
        ):
            yield SystemCommand(
                f"Go to {title}", f"Focus the {title} pane", partial(self.action_focus_pane, pane_id)
            )

    # -- writes ---------------------------------------------------------------------------------

    def start_outbox(self) -> None:
        """Send the outbox from this process, unless another duty-tui on this data dir already does."""
        if self.outbox is None or self.outbox.start_locked(self.runtime.data_dir / OUTBOX_LOCK):
            return
        # The other process owns the outbox and its back-offs: this one neither sends nor hurries it.
        self.outbox = None
        self.ticket_desk.sender = None
        self.channel_desk.sender = None
        self.incident_desk.sender = None
        self.handover_desk.sender = None
        self.cover_desk.sender = None
        self.sending_elsewhere = True
        self.refresh_status()
        self.notify(
            "Another duty-tui is running on the same data directory: it sends the writes you "
            "make here too, while it runs.",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def _post_outbox_progress(self, progress: OutboxProgress) -> None:
        """Called on the outbox writer's thread: to the desk whose key made the write."""
        if self.is_running:
            write = progress.write
            desk: Widget = self.ticket_desk
            if write.kind is WriteKind.ANNOUNCE or write.key.startswith(IMPROVEMENT_KEY):
                desk = self.incident_desk
            elif write.key == HANDOVER_EVENT:
                desk = self.handover_desk
            elif write.key == COVER_EVENT:
                desk = self.cover_desk
            elif write.service is Service.SLACK or write.kind in (WriteKind.CREATE, WriteKind.LINK):
                desk = self.channel_desk
            post_from_thread(desk, OutboxProgressed(progress))

    def on_pending_writes_changed(self, message: PendingWritesChanged) -> None:
        if (message.count, message.note) == (self.pending_writes, self.pending_note):
            return  # a retry of a write still waiting: the bar says so already (a refresh costs a pass
            # over what needs the engineer)
        self.pending_writes, self.pending_note = message.count, message.note
        self.refresh_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "read_only_reason":
            return self.runtime.read_only  # only shown (in the footer) when writes are off
        return True

    def action_read_only_reason(self) -> None:
        self.notify(
            "duty-tui was started with --read-only: the ticket keys that write to Jira are off.",
            timeout=6,
            markup=False,
        )

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: object) -> None:
        names = ", ".join(sorted(f"{b.id or b.action} ({b.key})" for b in clashed_bindings))
        self.notify(
            f"Key clash in [keys]: {names}. The pane's own binding wins.", severity="warning", markup=False
        )
