"""A ticket in full: Enter on a row of the tickets pane.

What the cache knows shows at once (fields and the acknowledgement clock); the description, the comments
and the status history are read from Jira on a background thread (`views.fetch`), because they are not
cached. A slow or failing Jira never blocks the screen: it says so in place of those sections.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from duty_tui import text
from duty_tui.models import Comment, Ticket, TicketDetail
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.metrics import time_in_status
from duty_tui.rules.sla import AckClock, Band, ack_clock
from duty_tui.rules.triage import severity
from duty_tui.text.timefmt import duration
from duty_tui.views.detail import DetailScreen
from duty_tui.views.fetch import fetch
from duty_tui.widgets.content import content
from duty_tui.widgets.key_bar import KeyBar

Parts = list[Content | str | tuple[str, str]]

BAND_STYLE: Mapping[Band, str] = {
    Band.ACKNOWLEDGED: "$text-success",
    Band.OK: "$text-success",
    Band.SOON: "$text-warning",
    Band.URGENT: "bold $text-error",
    Band.BREACHED: "bold reverse $text-error",  # cannot be missed
}
BAND_WORDS: Mapping[Band, str] = {
    Band.OK: "on track",
    Band.SOON: "under an hour left",
    Band.URGENT: "under 30 minutes left",
    Band.BREACHED: "BREACHED",
}
BODY_LIMIT = 20_000  # a runaway description or log paste must not freeze the layout
NAME_LIMIT = 40
STATUS_WIDTH, TIME_WIDTH = 26, 16


def _cell(content: Content, width: int) -> Content:
    return content.truncate(width, ellipsis=True, pad=True)


class TicketScreen(DetailScreen):
    """What duty-tui and Jira know about one ticket. Esc closes; j/k and PgUp/PgDn scroll."""

    DEFAULT_CSS = """
    TicketScreen { align: center middle; }
    TicketScreen > VerticalScroll { width: 110; max-width: 95%; height: 90%;
                                    border: round $accent; background: $surface; padding: 0 1; }
    TicketScreen #ticket-body { height: auto; }
    TicketScreen #ticket-summary { margin-bottom: 1; }
    TicketScreen Grid { grid-size: 4; grid-columns: 12 1fr 12 1fr; grid-rows: auto; grid-gutter: 0 1;
                        height: auto; }
    TicketScreen #ticket-lists { grid-size: 2; grid-columns: 12 1fr; }
    TicketScreen Grid .label { color: $text-muted; }
    TicketScreen .section { margin-top: 1; height: auto; }
    TicketScreen #ticket-state { color: $text-muted; }
    TicketScreen #ticket-detail > .block { margin-bottom: 1; }
    TicketScreen #ticket-detail > .heading { margin-bottom: 0; }
    """

    def __init__(
        self,
        ticket: Ticket,
        *,
        board_labels: Mapping[str, str],
        now: Callable[[], datetime],
        calendar: SupportCalendar,
        acknowledge_within: timedelta,
        load: Callable[[], TicketDetail] | None = None,
        classification: tuple[str | None, str | None, int] | None = None,
    ) -> None:
        super().__init__()
        self.ticket = ticket
        self.board_labels = board_labels
        self.now = now
        self.calendar = calendar
        self.zone = calendar.zone
        self.acknowledge_within = acknowledge_within
        self.load = load
        self.classification = classification
        self.body = VerticalScroll()
        self.clock = Static(self.clock_text(), id="ticket-clock", classes="section")
        self.state = Static(
            "Loading description, comments and history…"
            if load
            else "Description, comments and history are not available here.",
            id="ticket-state",
            classes="section",
        )
        self.sections = Vertical(id="ticket-detail", classes="section")

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with self.body:
            with Vertical(id="ticket-body"):
                yield Static(content(self.ticket.summary or "(no summary)", "bold"), id="ticket-summary")
                fields = self.fields()
                # Short fields two to a row; the long lists and the link get a row each.
                with Grid(id="ticket-fields"):
                    for label, value in fields[:-3]:
                        yield Static(Content(label), classes="label")
                        yield Static(value, id=f"field-{label.lower()}")
                with Grid(id="ticket-lists"):
                    for label, value in fields[-3:]:
                        yield Static(Content(label), classes="label")
                        yield Static(value)
            yield self.clock
            yield self.state
            yield self.sections
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        self.set_title(self.ticket.status)
        self.body.border_subtitle = "j/k scroll · Esc closes"
        self.sections.display = False
        self.body.focus()
        self.set_interval(30, self.tick)  # the clock is live while the screen is open
        if self.load is not None:
            self.read_detail(self.load)

    def set_title(self, status: str) -> None:
        self.body.border_title = Content.assemble(
            content(self.ticket.key, "bold"),
            " · ",
            content(status, single_line=True, limit=NAME_LIMIT),
        )

    def tick(self) -> None:
        self.clock.update(self.clock_text())

    # -- what the cache knows -------------------------------------------------------------------

    def when(self, moment: datetime, zone_name: bool = False) -> str:
        local = moment.astimezone(self.zone)
        shown = local.strftime("%a %d %b %H:%M" if local.year == self.now().year else "%a %d %b %Y %H:%M")
        return f"{shown} {local.tzname()}" if zone_name else shown

    def fields(self) -> list[tuple[str, Content]]:
        t = self.ticket
        now = self.now()
        environment, service, level = self.classification or (None, None, severity(t))
        boards = ", ".join(f"{b} ({self.board_labels[b]})" if b in self.board_labels else b for b in t.boards)
        ago = duration(now - t.created, "age")
        created = f"{self.when(t.created)} ({'just now' if ago == 'now' else ago + ' ago'})"
        return [
            ("Board", content(boards or "—", single_line=True, limit=200)),
            ("Priority", content(f"{t.priority or '—'} · severity {level}", single_line=True)),
            ("Environment", content(environment or "—", single_line=True, limit=60)),
            ("Service", content(service or "—", single_line=True, limit=60)),
            ("Type", content(t.issue_type or "—", single_line=True, limit=60)),
            ("Status", content(t.status or "—", single_line=True, limit=60)),
            ("Reporter", content(t.reporter or "—", single_line=True, limit=60)),
            ("Assignee", content(t.assignee or "unassigned", single_line=True, limit=60)),
            ("Created", Content(created)),
            ("Updated", Content(self.when(t.updated))),
            ("Components", content(", ".join(t.components) or "—", single_line=True, limit=500)),
            ("Labels", content(", ".join(t.labels) or "—", single_line=True, limit=500)),
            ("Link", content(t.url or "—", text.LINK_STYLE, single_line=True, limit=500)),
        ]

    def clock_text(self) -> Content:
        t = self.ticket
        now = self.now()
        clock = ack_clock(t.created, t.acknowledged_at, now, self.calendar, self.acknowledge_within)
        heading = f"Acknowledgement (within {duration(self.acknowledge_within, 'span')} of support time)\n"
        parts: Parts = [(heading, "bold")]
        style = BAND_STYLE[clock.band]
        if clock.band is Band.ACKNOWLEDGED:
            parts += self.acknowledged(clock, style)
        elif clock.band is Band.BREACHED:
            parts += [(f" BREACHED: {duration(-clock.remaining, 'span')} overdue ", style)]
            parts += [("  due ", "dim"), self.when(clock.deadline, zone_name=True)]
        else:
            parts += [
                (f"{duration(clock.remaining, 'span')} left", f"bold {style}"),
                (f" · {BAND_WORDS[clock.band]}", style),
            ]
            parts += [("  due ", "dim"), self.when(clock.deadline, zone_name=True)]
        if clock.paused and clock.band is not Band.ACKNOWLEDGED:
            state = self.calendar.state(now)
            resumes = f", resumes {self.when(state.opens_at)}" if state.opens_at else ""
            parts += ["\n", (f"⏸ paused (outside support hours: {state.reason}{resumes})", "$text-warning")]
        return Content.assemble(*parts)

    def acknowledged(self, clock: AckClock, style: str) -> Parts:
        assert clock.acknowledged_at is not None
        parts: Parts = [("✓ acknowledged ", style), self.when(clock.acknowledged_at)]
        if clock.met:
            parts += [(" · in time", style)]
        else:
            late = self.calendar.working_time_between(clock.deadline, clock.acknowledged_at)
            parts += [(f" · {duration(late, 'span')} late", "bold $text-warning")]
        parts += [("  due ", "dim"), self.when(clock.deadline, zone_name=True)]
        if self.ticket.acknowledged_by:  # how: "assigned to … by …", "comment by …"
            parts += ["\n", content(self.ticket.acknowledged_by, "dim", single_line=True, limit=200)]
        return parts

    # -- what Jira tells us on demand -----------------------------------------------------------

    def read_detail(self, load: Callable[[], TicketDetail]) -> None:
        fetch(self, load, self.show_detail, self.show_failure)

    def show_failure(self, error: BaseException) -> None:
        self.state.update(
            Content.assemble(
                ("Could not load the description, comments and history: ", "$text-error"),
                content(text.error_sentence(error)),
            )
        )

    def show_detail(self, detail: TicketDetail) -> None:
        if detail.status and detail.status != self.ticket.status:
            self.set_title(detail.status)  # Jira is fresher than the cache
            status = content(detail.status, single_line=True, limit=60)
            self.query_one("#field-status", Static).update(status)
        description = text.jira_wiki_text(detail.description)
        blocks = [
            Content.assemble(
                ("Description\n", "bold"),
                content(description, limit=BODY_LIMIT) if description.strip() else ("No description.", "dim"),
            ),
            *self.comments(detail.comments),
            Content.assemble(*self.history(detail)),
            *self.channel_mentions(detail),
            *self.incidents(detail),
        ]
        # One Static per block: scrolling then repaints only the blocks in view, not one huge text.
        self.sections.mount_all(Static(block, classes="block") for block in blocks)
        if detail.comments:
            self.sections.children[1].add_class("heading")  # "Comments (n)" sits on its first comment
        self.state.display = False
        self.sections.display = True

    def comments(self, comments: tuple[Comment, ...]) -> list[Content]:
        if not comments:
            return [Content.assemble(("Comments\n", "bold"), ("No comments yet.", "dim"))]
        blocks = [Content.styled(f"Comments ({len(comments)})", "bold")]
        for comment in sorted(comments, key=lambda c: c.created):
            author = comment.author or "(unknown)"
            blocks.append(
                Content.assemble(
                    content(author, "bold $text-accent", single_line=True, limit=80),
                    (f"  {self.when(comment.created)}\n", "dim"),
                    content(text.jira_wiki_text(comment.body), limit=BODY_LIMIT),
                )
            )
        return blocks

    def incidents(self, detail: TicketDetail) -> list[Content]:
        """The incidents the ticket is linked to (`i` on it), open ones first."""
        if not detail.incidents:
            return []
        lines: Parts = [(f"Incidents ({len(detail.incidents)})", "bold")]
        for incident in detail.incidents:
            state: tuple[str, str] = (
                (f"{incident.priority.value} · {incident.status.value}", "$text-warning")
                if incident.is_open
                else ("✓ resolved", "$text-success")
            )
            lines += ["\n", state, "  ", content(incident.title or "(untitled)", single_line=True, limit=200)]
            lines += [(f"  declared {self.when(incident.declared_at)}", "dim")]
        return [Content.assemble(*lines)]

    def channel_mentions(self, detail: TicketDetail) -> list[Content]:
        """Where #laa-ops talked about the ticket (or where it was raised from), as the channel showed it."""
        if not detail.mentions:
            return []
        names = text.KnownNames(dict(detail.names))
        blocks = [Content.styled(f"In #laa-ops ({len(detail.mentions)})", "bold")]
        for message in detail.mentions:
            author = names.user_name(message.user_id) if message.user_id else None
            blocks.append(
                Content.assemble(
                    content(
                        author or message.bot_name or message.user_id or "?",
                        "bold",
                        single_line=True,
                        limit=60,
                    ),
                    (f"  {self.when(message.sent_at)}\n", "dim"),
                    Content.from_rich_text(text.slack_text(message.text, names, limit=BODY_LIMIT)),
                )
            )
        return blocks

    def history(self, detail: TicketDetail) -> Parts:
        now = self.now()
        spans = time_in_status(self.ticket.created, detail.status_id, detail.status, detail.history, now)
        header = Content.assemble(
            _cell(Content("Status"), STATUS_WIDTH), _cell(Content("Time in status"), TIME_WIDTH), "Visits"
        )
        parts: Parts = [("Status history\n", "bold"), header.stylize("underline"), "\n"]
        for span in spans:
            name = content(span.status or "—", single_line=True, limit=NAME_LIMIT)
            current = span.status_id == detail.status_id
            parts += [
                _cell(name.stylize("bold") if current else name, STATUS_WIDTH),
                _cell(Content(duration(span.total, "span")), TIME_WIDTH),
                f"{span.visits}\n",
            ]
        if not detail.history:
            return [*parts, ("\nNo status changes yet.", "dim")]
        parts.append("\n")
        for change in sorted(detail.history, key=lambda c: c.at):
            parts += [
                (f"{self.when(change.at)}  ", "dim"),
                content(change.from_name or "—", single_line=True, limit=NAME_LIMIT),
                " → ",
                content(change.to_name or "—", "bold", single_line=True, limit=NAME_LIMIT),
                ("  by ", "dim"),
                content(change.by or "(unknown)", single_line=True, limit=80),
                "\n",
            ]
        return parts
