"""The incident pane (pane 3): every incident, open ones first, each a row.

Open incidents (newest first) show their priority, status, title (with its services and what it is
linked to: tickets and third-party cases), lead, age and when the next update is due (red once overdue,
⏸ while a snooze holds it); resolved ones follow (newest first) with ✓, how long they lasted and, for a
high-priority one, "postmortem owed" until one is exported. With nothing to list it says what counts as
high priority under the team's process and which key declares one.

The pane only paints: the incident desk hands it incidents, reminders and names (`show`), and its keys
post `IncidentIntent`s for the desk to act on. Titles, services and names are untrusted: every cell is
built through `duty_tui.text`, never markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import Static

from duty_tui import text
from duty_tui.desks.incident_intents import IncidentIntent
from duty_tui.keymap import KEYS_BY_ID, display_key
from duty_tui.models import Incident, IncidentPriority, IncidentStatus
from duty_tui.text.timefmt import duration
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.keyed_table import Column, KeyedTable
from duty_tui.widgets.list_pane import ListPane

# The team's process ("What is our incident process?"): any one of these makes an incident high priority.
HIGH_PRIORITY_CRITERIA: tuple[str, ...] = (
    "An outage of a user-facing service",
    "Slowdown or degradation of a user-facing service",
    "A failure that stops one or more teams from working",
    "A failure that creates a major vulnerability in the cloud platform",
)

# The pane shares a third of the screen with the checklist: what must always show is the priority,
# the status, the title and when the next update is due; lead and age when there is room.
COLUMNS = (
    Column("priority", "Pri", width=6),
    Column("status", "Status", width=13),
    Column("title", "Incident", min_width=10),
    Column("lead", "Lead", width=12, hide_below=80),
    Column("age", "Age", width=5, hide_below=62),
    Column("next", "Next update", width=12),
)
NAME_LIMIT = 60
SERVICES_LIMIT = 120
NEVER = datetime.min.replace(tzinfo=UTC)
Reminder = tuple[datetime | None, bool]  # (when the next update is due, whether it is overdue)


@dataclass
class IncidentState:
    """What the rows need beyond the incident: names, reminders, owed postmortems and the time."""

    names: dict[str, str] = field(default_factory=dict)  # Slack id → name
    reminders: dict[str, Reminder] = field(default_factory=dict)  # incident id → (due, overdue)
    postmortem_owed: set[str] = field(default_factory=set)  # incident ids
    now: datetime = NEVER


def sort_key(incident: Incident) -> tuple[int, int, float]:
    """Open incidents first, high priority before normal, newest first; then resolved ones, most
    recently resolved first."""
    if incident.is_open:
        return 0, int(incident.priority is not IncidentPriority.HIGH), -incident.declared_at.timestamp()
    return 1, 0, -(incident.resolved_at or incident.declared_at).timestamp()


class IncidentRows:
    """How one incident reads as a row of the pane."""

    def __init__(self, state: IncidentState) -> None:
        self.state = state

    def name(self, user_id: str | None) -> str:
        if not user_id:
            return "—"
        return self.state.names.get(user_id) or user_id

    def cells(self, incident: Incident) -> list[Text]:
        return [
            self.priority_cell(incident),
            self.status_cell(incident),
            self.title_cell(incident),
            text.plain(self.name(incident.lead), single_line=True, limit=NAME_LIMIT),
            self.age_cell(incident),
            self.next_cell(incident),
        ]

    def priority_cell(self, incident: Incident) -> Text:
        style = "dim" if not incident.is_open else ""
        if incident.priority is IncidentPriority.HIGH:
            return text.plain("HIGH", "bold red" if incident.is_open else "dim red")
        return text.plain("normal", style or None)

    def status_cell(self, incident: Incident) -> Text:
        cell = Text()
        if incident.pending:  # something from here has not reached Slack yet
            cell.append("⟳ ", "yellow")
        if incident.is_open:
            cell.append(
                incident.status.value, "bold" if incident.status is IncidentStatus.INVESTIGATING else ""
            )
        else:
            cell.append("✓ resolved", "green")
        return cell

    def title_cell(self, incident: Incident) -> Text:
        cell = text.plain(incident.title or "(untitled)", "" if incident.is_open else "dim", single_line=True)
        if incident.services:
            services = ", ".join(incident.services)
            cell.append_text(text.plain(" · ", "dim"))
            cell.append_text(text.plain(services, "dim", single_line=True, limit=SERVICES_LIMIT))
        linked = [*incident.tickets, *(f"{vendor} {reference}" for vendor, reference in incident.cases)]
        if linked:  # what it is linked to: tickets (i) and third-party cases (c in the view)
            cell.append_text(text.plain(" · 🔗 ", "dim"))
            cell.append_text(text.plain(", ".join(linked), "cyan", single_line=True, limit=SERVICES_LIMIT))
        return cell

    def age_cell(self, incident: Incident) -> Text:
        if incident.is_open:
            return Text(duration(self.state.now - incident.declared_at, "age"))
        ended = incident.resolved_at or self.state.now
        return text.plain(duration(ended - incident.declared_at, "span"), "dim")

    def reminder(self, incident: Incident) -> Reminder:
        if incident.id in self.state.reminders:
            return self.state.reminders[incident.id]
        due = incident.next_update
        return due, due is not None and due <= self.state.now

    def next_cell(self, incident: Incident) -> Text:
        if not incident.is_open:
            if incident.priority is IncidentPriority.HIGH and incident.id in self.state.postmortem_owed:
                return text.plain("postmortem owed", "bold yellow")
            return Text("")
        due, overdue = self.reminder(incident)
        if due is None:
            return text.plain("—", "dim")
        if overdue:
            late = duration(self.state.now - due, "age")
            return text.plain("overdue" if late == "now" else f"overdue {late}", "bold white on red")
        left = duration(due - self.state.now, "until")
        if incident.next_update is not None and due > incident.next_update:
            return text.plain(f"⏸ snoozed, {left}", "yellow")  # a snooze holds the reminder back
        return Text(left)

    def search_text(self, incident: Incident) -> str:
        lead = self.name(incident.lead)
        return " ".join(
            [incident.title, lead, incident.status.value, incident.priority.value, *incident.services]
        )


class IncidentTable(KeyedTable[Incident]):
    """Incidents keyed by id, with the pane's own keys (Enter opens, via `KeyedTable.Selected`)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("incident.runbook", "incident.snooze", "incident.reopen")

    def action_incident(self, action: str) -> None:
        self.post_message(IncidentIntent(action, self.cursor_key))


class IncidentPane(ListPane):
    """Pane 3."""

    DEFAULT_CSS = """
    IncidentPane.-empty > IncidentTable { height: 2; }
    IncidentPane > #incident-help { display: none; height: auto; padding: 0 1; }
    IncidentPane.-empty > #incident-help { display: block; }
    """

    def __init__(self, declare_key: str | None = None) -> None:
        self.state = IncidentState()
        self.rows = IncidentRows(self.state)
        self.declare_key = declare_key or KEYS_BY_ID["incident.declare"].keys
        table = IncidentTable(
            COLUMNS,
            key=lambda incident: incident.id,
            cells=self.rows.cells,
            sort_key=sort_key,
            search_text=self.rows.search_text,
            empty_text="No incident in progress.",
            id="incident-table",
        )
        super().__init__(3, "Incidents", table, id="incident")
        self.help = Static(self.help_text(), id="incident-help")
        self.focused_once = False
        self.counts = "none open"

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield self.help

    def on_mount(self) -> None:
        self.set_class(self.table.total_count == 0, "-empty")
        super().on_mount()

    def help_text(self) -> Content:
        parts: list[str | tuple[str, str] | Content] = [("High priority", "bold"), " means any of:\n"]
        parts += [f" • {criterion}\n" for criterion in HIGH_PRIORITY_CRITERIA]
        parts.append((f"{display_key(self.declare_key)} declares an incident, from anywhere.", "dim"))
        return Content.assemble(*parts)

    # -- what the desk tells the pane ---------------------------------------------------------------

    def show(
        self,
        incidents: Sequence[Incident],
        reminders: Mapping[str, Reminder],
        names: Mapping[str, str],
        now: datetime,
        postmortem_owed: set[str] | None = None,
    ) -> None:
        """Every incident to list, their reminders (id → (due, overdue)), Slack names, and the time."""
        self.state.reminders = dict(reminders)
        self.state.names = dict(names)
        self.state.now = now
        if postmortem_owed is not None:
            self.state.postmortem_owed = set(postmortem_owed)
        self.table.set_rows(incidents)
        self.table.invalidate()  # names, reminders and the time touch rows whose incident did not change
        self.set_class(not incidents, "-empty")
        self.update_counts()

    def tick(self, now: datetime) -> None:
        """The clock moved on: ages and next updates."""
        self.state.now = now
        self.table.invalidate()
        self.update_counts()

    def incident(self, incident_id: str) -> Incident | None:
        return self.table.item(incident_id)

    @property
    def selected_id(self) -> str | None:
        """The incident the incident keys act on: the row under the cursor once the pane has been
        focused; before that, the newest open incident, else the one resolved last (for its postmortem)."""
        if self.focused_once:
            return self.table.cursor_key
        incidents = self.table.items()
        open_ones = [i for i in incidents if i.is_open]
        newest = max(open_ones, key=lambda i: i.declared_at, default=None)
        if newest is None:
            newest = max(incidents, key=lambda i: i.resolved_at or i.declared_at, default=None)
        return newest.id if newest else None

    def update_counts(self) -> None:
        incidents = self.table.items()
        open_ones = [i for i in incidents if i.is_open]
        overdue = sum(1 for i in open_ones if self.rows.reminder(i)[1])
        resolved = len(incidents) - len(open_ones)
        parts = [
            f"{len(open_ones)} open" if open_ones else "none open",
            f"{overdue} overdue" if overdue else "",
            f"{resolved} resolved" if resolved else "",
        ]
        self.counts = " · ".join(p for p in parts if p)
        self.refresh_title()

    # -- the table ------------------------------------------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget is self.table:
            self.focused_once = True

    def on_keyed_table_selected(self, message: KeyedTable.Selected) -> None:
        """Enter on an incident opens it in full."""
        message.stop()
        self.post_message(IncidentIntent("open", message.key))
