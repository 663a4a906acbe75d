"""An incident in full: Enter on a row of the incident pane.

Its title, priority, status and lead; when it was declared (and resolved) and how long it has run; when
the next update is due (red once overdue); the affected services; and the timeline, oldest first: who
did what, when, in words that fit each kind of entry, entries not yet confirmed by Slack marked ⟳.
Everything people wrote (titles, updates, notes, names) is untrusted: posted text goes through
`slack_text` (it is Slack mrkdwn), local text through `content`; nothing is parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from duty_tui import text
from duty_tui.models import Incident, IncidentEvent, IncidentEventKind, IncidentPriority
from duty_tui.text.timefmt import day_clock, duration
from duty_tui.views.detail import DetailScreen
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.key_bar import KeyBar

Parts = list[Content | str | tuple[str, str]]
BODY_LIMIT = 20_000  # a runaway paste must not freeze the layout
NAME_LIMIT = 60
TITLE_LIMIT = 300
# Kinds whose text was posted to Slack (mrkdwn) rather than typed here.
POSTED = frozenset(
    {
        IncidentEventKind.DECLARED,
        IncidentEventKind.UPDATED,
        IncidentEventKind.RESOLVED,
        IncidentEventKind.REOPENED,
        IncidentEventKind.LEAD_CHANGED,
        IncidentEventKind.PIN,
        IncidentEventKind.LINK,
    }
)


class IncidentScreen(DetailScreen):
    """One incident and its timeline. Esc closes; j/k and PgUp/PgDn scroll; `c` adds a third-party
    case, `o` opens a runbook (through the desk's callbacks). `show` repaints it when the incident moves
    on while it is open."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("incident.case", "incident.view_runbook")

    DEFAULT_CSS = """
    IncidentScreen { align: center middle; }
    IncidentScreen > VerticalScroll { width: 110; max-width: 95%; height: 90%;
                                      border: round $accent; background: $surface; padding: 0 1; }
    IncidentScreen #incident-title { margin-bottom: 1; }
    IncidentScreen #incident-fields { height: auto; }
    IncidentScreen .section { margin-top: 1; height: auto; }
    IncidentScreen #incident-timeline > .entry { margin-bottom: 1; }
    """

    def __init__(
        self,
        incident: Incident,
        names: Mapping[str, str],
        now: Callable[[], datetime],
        zone: ZoneInfo,
        *,
        reminder: tuple[datetime | None, bool] | None = None,
        runbooks: Sequence[str] = (),
        on_case: Callable[[], None] | None = None,
        on_runbook: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.incident = incident
        self.runbooks = tuple(runbooks)
        self.on_case = on_case
        self.on_runbook = on_runbook
        self.names = dict(names)
        self.lookup = text.KnownNames(self.names)
        self.now = now
        self.zone = zone
        self.reminder = reminder
        self.body = VerticalScroll()
        self.fields = Static(self.fields_text(), id="incident-fields")
        self.timeline = Vertical(id="incident-timeline", classes="section")

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with self.body:
            yield Static(
                content(self.incident.title or "(untitled)", "bold", limit=TITLE_LIMIT), id="incident-title"
            )
            yield self.fields
            yield Static(
                self.timeline_heading(),
                classes="section",
                id="incident-timeline-heading",
            )
            with self.timeline:
                yield from self.entries()
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def entries(self) -> list[Static]:
        if not self.incident.events:
            return [Static(Content.styled("Nothing recorded yet.", "dim"))]
        # One Static per entry: scrolling repaints only the entries in view.
        return [Static(self.entry(event), classes="entry") for event in self.incident.events]

    def show(
        self, incident: Incident, names: Mapping[str, str], reminder: tuple[datetime | None, bool]
    ) -> None:
        """The incident as it stands now (a post confirmed, a case added, a colleague's update)."""
        changed = incident.events != self.incident.events
        self.incident, self.reminder = incident, reminder
        self.names = dict(names)
        self.lookup = text.KnownNames(self.names)
        self.fields.update(self.fields_text())
        if changed:
            self.query_one("#incident-timeline-heading", Static).update(self.timeline_heading())
            self.timeline.remove_children()
            self.timeline.mount_all(self.entries())

    def timeline_heading(self) -> Content:
        return Content.styled(f"Timeline ({len(self.incident.events)})", "bold")

    def action_case(self) -> None:
        if self.on_case is not None:
            self.on_case()

    def action_runbook(self) -> None:
        if self.on_runbook is not None:
            self.on_runbook()

    def on_mount(self) -> None:
        incident = self.incident
        priority = ("HIGH", "bold $text-error") if incident.priority is IncidentPriority.HIGH else "normal"
        self.body.border_title = Content.assemble(
            ("Incident", "bold"), " · ", priority, " · ", incident.status.value
        )
        self.body.border_subtitle = "j/k scroll · Esc closes"
        self.body.focus()
        self.set_interval(30, self.tick)  # ages and the next update are live while the screen is open

    def tick(self) -> None:
        self.fields.update(self.fields_text())

    # -- what is known --------------------------------------------------------------------------

    def person(self, user_id: str | None) -> Content:
        if not user_id:
            return Content("—")
        return content(self.names.get(user_id) or user_id, single_line=True, limit=NAME_LIMIT)

    def when(self, moment: datetime) -> str:
        return day_clock(moment, self.now(), self.zone)

    def fields_text(self) -> Content:
        incident = self.incident
        now = self.now()
        high = incident.priority is IncidentPriority.HIGH
        rows: list[tuple[str, Parts]] = [
            ("Priority", [("HIGH", "bold $text-error") if high else "normal"]),
            ("Status", [("✓ resolved", "$text-success") if not incident.is_open else incident.status.value]),
            ("Lead", [self.person(incident.lead)]),
            (
                "Declared",
                [self.when(incident.declared_at), ("  by ", "dim"), self.person(incident.declared_by)],
            ),
        ]
        if incident.resolved_at is not None:
            span = duration(incident.resolved_at - incident.declared_at, "span")
            rows.append(("Resolved", [self.when(incident.resolved_at), (f"  after {span}", "dim")]))
        else:
            rows.append(("Running", [duration(now - incident.declared_at, "span")]))
            rows.append(("Next update", self.next_update(now)))
        services = ", ".join(incident.services)
        rows.append(("Services", [content(services or "—", limit=1000)]))
        tickets = ", ".join(incident.tickets)
        rows.append(
            ("Tickets", [content(tickets, limit=1000) if tickets else ("— (i on a ticket links it)", "dim")])
        )
        cases = "; ".join(f"{vendor} {reference}" for vendor, reference in incident.cases)
        rows.append(("Cases", [content(cases, limit=1000) if cases else ("— (c adds one)", "dim")]))
        if self.runbooks:
            rows.append(("Runbooks", [content(" ".join(self.runbooks), limit=1000), ("  (o opens)", "dim")]))
        if incident.pending:
            rows.append(("Slack", [("⟳ not all of it has reached Slack yet", "$text-warning")]))
        parts: Parts = []
        for number, (label, value) in enumerate(rows):
            parts += ["\n" if number else "", (f"{label:<12}", "$text-muted"), *value]
        return Content.assemble(*parts)

    def next_update(self, now: datetime) -> Parts:
        if self.reminder is not None:
            due, overdue = self.reminder
        else:
            due = self.incident.next_update
            overdue = due is not None and due <= now
        if due is None:
            return [("—", "dim")]
        if overdue:
            late = duration(now - due, "age")
            return [
                ("overdue" if late == "now" else f"overdue {late}", "bold $text-error"),
                f"  ({self.when(due)})",
            ]
        return [duration(due - now, "until"), ("  ", ""), (self.when(due), "dim")]

    # -- the timeline ---------------------------------------------------------------------------

    def what(self, event: IncidentEvent) -> Parts:
        kind = event.kind
        if kind is IncidentEventKind.DECLARED:
            parts: Parts = [("declared", "bold")]
            if event.priority is not None:
                high = event.priority is IncidentPriority.HIGH
                parts += [" · ", ("high priority", "bold $text-error") if high else "normal priority"]
            if event.lead:
                parts += [" · lead ", self.person(event.lead)]
            return parts
        if kind is IncidentEventKind.UPDATED:
            parts = [("update", "bold")]
            if event.status is not None:
                parts += [" · status ", (event.status.value, "bold")]
            if event.priority is not None:
                parts += [" · ", event.priority.value, " priority"]
            return parts
        if kind is IncidentEventKind.LEAD_CHANGED:
            return [("lead handed to ", "bold"), self.person(event.lead)]
        if kind is IncidentEventKind.RESOLVED:
            return [("✓ resolved", "bold $text-success")]
        if kind is IncidentEventKind.REOPENED:
            return [("reopened", "bold $text-warning")]
        if kind is IncidentEventKind.NOTE:
            return [("note", "bold")]
        if kind is IncidentEventKind.PIN:
            return [("pinned a message from #laa-ops", "bold")]
        parts = [(f"linked {event.vendor} case " if event.vendor else "linked ticket ", "bold")]
        parts.append(content(event.subject or "", "bold", single_line=True, limit=120))
        return parts

    def entry(self, event: IncidentEvent) -> Content:
        parts: Parts = []
        if event.pending:
            parts.append(("⟳ ", "$text-warning"))
        parts += [
            (self.when(event.at), "dim"),
            "  ",
            self.person(event.by).stylize("$text-accent"),
            "  ",
            *self.what(event),
        ]
        if event.pending:
            parts.append((" (not yet in Slack)", "dim"))
        if event.text.strip():
            parts.append("\n")
            if event.kind in POSTED:
                parts.append(
                    Content.from_rich_text(text.slack_text(event.text, self.lookup, limit=BODY_LIMIT))
                )
            else:
                parts.append(content(event.text, limit=BODY_LIMIT))
        return Content.assemble(*parts)
