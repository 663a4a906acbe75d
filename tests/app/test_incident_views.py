"""Pilot tests of the incident dialogs (declare, update, resolve, note, lead), the incident view and pane 3.

Same harness as tests/app/test_channel_views.py: one screen pushed on a tiny host app (or the pane
mounted on one), results collected. The hostile corpus goes through every place untrusted text is
shown or typed, and what comes back must be exactly what was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from textual.app import App, ComposeResult
from textual.widgets import Checkbox, Input, Select

from duty_tui.desks.incident_intents import IncidentIntent
from duty_tui.models import (
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
)
from duty_tui.views.comment import DiscardScreen
from duty_tui.views.declare_incident import (
    HIGH_LABEL,
    NORMAL_LABEL,
    DeclareScreen,
    IncidentDraft,
    split_services,
)
from duty_tui.views.incident import IncidentScreen
from duty_tui.views.incident_update import (
    TEMPLATE,
    LeadScreen,
    NoteScreen,
    ResolveScreen,
    UpdateDraft,
    UpdateScreen,
)
from duty_tui.widgets.incident import HIGH_PRIORITY_CRITERIA, IncidentPane
from tests.app.test_views import LARGE, SIZE, Host, showing
from tests.conftest import MORNING
from tests.support import (
    CONTROL,
    HOSTILE,
    MARKUP_LIKE,
    MARKUP_SAMPLE,
    assert_screen_clean,
    probe,
    screen_text,
    settle,
)

LONDON = ZoneInfo("Europe/London")
CONTROL_LADEN = " ".join(value for value in HOSTILE if CONTROL.search(value))
PEOPLE = [("U-ME", "Sam Duty"), ("U-PRIYA", "Priya Patel"), ("U-BEN", "Ben Carter")]
NAMES = dict(PEOPLE)
SERVICES = ["CCMS", "CWA", "Apply", "MAAT"]


def event(
    incident_id: str, kind: IncidentEventKind, minutes: int, by: str = "U-ME", **fields: object
) -> IncidentEvent:
    return IncidentEvent(incident_id, kind, MORNING - timedelta(minutes=minutes), by, **fields)  # type: ignore[arg-type]


def incident(
    incident_id: str,
    title: str = "CCMS is down",
    *,
    priority: IncidentPriority = IncidentPriority.NORMAL,
    status: IncidentStatus = IncidentStatus.INVESTIGATING,
    lead: str | None = "U-ME",
    services: tuple[str, ...] = ("CCMS",),
    age: int = 30,
    next_update: datetime | None = None,
    resolved_after: int | None = None,
    events: Sequence[IncidentEvent] = (),
    pending: bool = False,
) -> Incident:
    declared = MORNING - timedelta(minutes=age)
    resolved = declared + timedelta(minutes=resolved_after) if resolved_after is not None else None
    return Incident(
        id=incident_id,
        title=title,
        priority=priority,
        status=IncidentStatus.RESOLVED if resolved else status,
        lead=lead,
        services=services,
        declared_at=declared,
        declared_by="U-ME",
        thread_ts="1700000000.000100",
        next_update=next_update,
        resolved_at=resolved,
        events=tuple(events),
        pending=pending,
    )


# -- declare ----------------------------------------------------------------------------------


async def test_declare_with_only_a_title_defaults_to_normal_priority_and_me_as_lead() -> None:
    screen = DeclareScreen(PEOPLE, "U-ME", SERVICES, HIGH_PRIORITY_CRITERIA)
    async with showing(screen, LARGE) as (app, pilot):
        assert screen.title_input.has_focus
        shown = screen_text(app)
        assert "Declare an incident" in shown and NORMAL_LABEL in shown
        assert "Sam Duty" in shown  # the lead, default me
        await pilot.press(*"CCMS down", "ctrl+s")
        assert app.results == [
            IncidentDraft("CCMS down", (), "unknown", "", (), "U-ME"),
        ]
        draft = app.results[0]
        assert isinstance(draft, IncidentDraft) and draft.priority is IncidentPriority.NORMAL


async def test_declare_needs_a_title() -> None:
    screen = DeclareScreen(PEOPLE, "U-ME", SERVICES, HIGH_PRIORITY_CRITERIA)
    async with showing(screen) as (app, pilot):
        await pilot.press("space", "ctrl+s")
        await settle(pilot, lambda: "An incident needs a title" in screen_text(app))
        assert app.screen is screen and app.results == [] and screen.title_input.has_focus


async def test_declare_every_field_and_a_criterion_makes_it_high() -> None:
    screen = DeclareScreen(PEOPLE, "U-ME", SERVICES, HIGH_PRIORITY_CRITERIA)
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press(*"Apply slow", "enter")  # Enter moves on to the services
        assert screen.services_input.has_focus
        await pilot.press(*"cc")
        await pilot.pause()
        await pilot.press("right")  # accept the suggestion: CCMS
        assert screen.services_input.value == "ccMS"  # completed as typed; the draft spells it as known
        await pilot.press(*", apply,, CCMS")
        screen.environment.value = "PROD"
        screen.impact.insert("Caseworkers cannot submit")
        assert screen.priority_label.content == NORMAL_LABEL or NORMAL_LABEL in screen_text(app)
        screen.boxes[1].focus()
        await pilot.press("space")
        await settle(pilot, lambda: HIGH_LABEL in screen_text(app))
        screen.lead.value = "U-PRIYA"
        await pilot.press("ctrl+s")
        draft = app.results[0]
        assert draft == IncidentDraft(
            "Apply slow",
            ("CCMS", "Apply"),
            "PROD",
            "Caseworkers cannot submit",
            (HIGH_PRIORITY_CRITERIA[1],),
            "U-PRIYA",
        )
        assert isinstance(draft, IncidentDraft) and draft.priority is IncidentPriority.HIGH


async def test_declare_without_me_known_adds_nobody_and_defaults_to_the_first() -> None:
    screen = DeclareScreen(PEOPLE, None, (), HIGH_PRIORITY_CRITERIA)
    async with showing(screen) as (app, pilot):
        await pilot.press(*"x", "ctrl+s")
        assert app.results == [IncidentDraft("x", (), "unknown", "", (), "U-ME")]
    screen = DeclareScreen([], "U-NEW", (), HIGH_PRIORITY_CRITERIA)  # me, not in the cached team yet
    async with showing(screen) as (app, pilot):
        await pilot.press(*"y", "ctrl+s")
        assert app.results == [IncidentDraft("y", (), "unknown", "", (), "U-NEW")]
    screen = DeclareScreen([], None, (), HIGH_PRIORITY_CRITERIA)  # nobody at all: a lead must be chosen
    async with showing(screen) as (app, pilot):
        await pilot.press(*"z", "ctrl+s")
        await settle(pilot, lambda: "Choose the incident lead" in screen_text(app))
        assert app.results == []


async def test_declare_escape_closes_at_once_when_untouched_and_asks_when_edited() -> None:
    screen = DeclareScreen(PEOPLE, "U-ME", SERVICES, HIGH_PRIORITY_CRITERIA)
    async with showing(screen) as (app, pilot):
        await pilot.press("escape")
        assert app.results == [None]

    screen = DeclareScreen(PEOPLE, "U-ME", SERVICES, HIGH_PRIORITY_CRITERIA)
    async with showing(screen) as (app, pilot):
        screen.boxes[0].value = True  # a ticked box is an edit too
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardScreen))
        assert "Discard this incident? y/n" in screen_text(app)
        await pilot.press("n")
        assert app.screen is screen and screen.title_input.has_focus
        await pilot.press("escape", "y")
        await settle(pilot, lambda: app.results == [None])


def test_services_are_split_trimmed_spelled_as_known_and_unique() -> None:
    assert split_services(" ccms, CWA,,x ,CCMS, cwa\t", SERVICES) == ("CCMS", "CWA", "x")
    assert split_services("", SERVICES) == ()


async def test_declare_hostile_people_services_and_criteria_are_shown_literally() -> None:
    app = Host()
    async with app.run_test(size=LARGE) as pilot:
        for value in [*MARKUP_SAMPLE, CONTROL_LADEN]:
            people = [("U-ME", value), ("U-X", value)]
            screen = DeclareScreen(people, "U-ME", [value, "CCMS"], [value, *HIGH_PRIORITY_CRITERIA[1:]])
            app.push_screen(screen)
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            assert_screen_clean(app)
            if value in MARKUP_LIKE and probe(value):
                assert probe(value) in screen_text(app)
            await pilot.press("escape")


async def test_declare_typed_markup_comes_back_exactly() -> None:
    screen = DeclareScreen(PEOPLE, "U-ME", SERVICES, HIGH_PRIORITY_CRITERIA)
    async with showing(screen, LARGE) as (app, pilot):
        title = " ".join(MARKUP_LIKE[:2])
        await pilot.press(*title)
        screen.services_input.value = "[/foo], $accent"
        screen.impact.insert("\n".join(MARKUP_LIKE))
        assert_screen_clean(app)
        await pilot.press("ctrl+s")
        draft = app.results[0]
        assert isinstance(draft, IncidentDraft)
        assert draft.title == title
        assert draft.services == ("[/foo]", "$accent")
        assert draft.impact == "\n".join(MARKUP_LIKE).strip()


# -- update -----------------------------------------------------------------------------------


async def test_update_starts_on_the_template_with_the_current_status() -> None:
    screen = UpdateScreen("CCMS is down", IncidentStatus.IDENTIFIED)
    async with showing(screen) as (app, pilot):
        assert screen.editor.has_focus and screen.editor.text == TEMPLATE
        assert screen.status.value == "identified"
        shown = screen_text(app)
        assert "CCMS is down" in shown and "Also send to #laa-ops" in shown
        await pilot.press("ctrl+s")  # the template as it was: refused
        await settle(pilot, lambda: "Fill in the update first" in screen_text(app))
        assert app.screen is screen and app.results == []
        await pilot.press(*" DB failover", "ctrl+b")
        assert screen.broadcast.value is True and screen.editor.has_focus
        screen.status.value = "monitoring"
        await pilot.press("ctrl+s")
        expected = TEMPLATE.replace("What we know:", "What we know: DB failover", 1).strip()
        assert app.results == [UpdateDraft(expected, IncidentStatus.MONITORING, broadcast=True)]


async def test_update_status_choices_and_escape() -> None:
    screen = UpdateScreen("x", IncidentStatus.MONITORING, broadcast=True)
    async with showing(screen) as (app, pilot):
        assert screen.status.value == "monitoring" and screen.broadcast.value is True
        await pilot.press("tab")
        assert isinstance(app.focused, Select)
        await pilot.press("escape")  # untouched: closes at once
        assert app.results == [None]

    screen = UpdateScreen("x", IncidentStatus.INVESTIGATING)
    async with showing(screen) as (app, pilot):
        await pilot.press(*"words", "escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardScreen))
        assert "Discard this update? y/n" in screen_text(app)
        await pilot.press("y")
        await settle(pilot, lambda: app.results == [None])


async def test_update_of_a_resolved_incident_starts_investigating_and_tab_reaches_the_checkbox() -> None:
    screen = UpdateScreen("x", IncidentStatus.RESOLVED)
    async with showing(screen) as (app, pilot):
        assert screen.status.value == "investigating"
        await pilot.press("tab", "tab")
        assert isinstance(app.focused, Checkbox)


async def test_update_hostile_title_and_typed_markup() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        # Every title through the update editor; the other three share its heading, so a few each.
        titles = [*MARKUP_SAMPLE, CONTROL_LADEN]
        screens = [UpdateScreen(title, IncidentStatus.INVESTIGATING) for title in titles]
        for title in [*MARKUP_LIKE[:2], CONTROL_LADEN]:
            screens += [ResolveScreen(title), NoteScreen(title), LeadScreen(PEOPLE, "U-ME", title)]
        for screen in screens:
            title = screen.incident_title
            app.push_screen(screen)
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            assert_screen_clean(app)
            if title in MARKUP_LIKE and probe(title):
                assert probe(title) in screen_text(app)
            await pilot.press("escape")
            await settle(pilot, lambda s=screen: app.screen is not s)  # type: ignore[misc]

    screen = UpdateScreen("x", IncidentStatus.INVESTIGATING)
    async with showing(screen, LARGE) as (app, pilot):
        screen.editor.clear()
        screen.editor.insert("\n".join(MARKUP_LIKE))
        assert_screen_clean(app)
        await pilot.press("ctrl+s")
        assert app.results == [UpdateDraft("\n".join(MARKUP_LIKE).strip(), IncidentStatus.INVESTIGATING)]


# -- resolve and note ---------------------------------------------------------------------------


async def test_resolve_posts_the_summary_and_refuses_an_empty_one() -> None:
    screen = ResolveScreen("CCMS is down")
    async with showing(screen) as (app, pilot):
        assert screen.editor.has_focus
        assert "Resolve" in screen_text(app) and "CCMS is down" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Write a resolution summary first" in screen_text(app))
        assert app.results == []
        await pilot.press(*"Restarted the DB", "ctrl+s")
        assert app.results == ["Restarted the DB"]


async def test_note_saves_and_escape_asks_when_written() -> None:
    screen = NoteScreen("x", initial=CONTROL_LADEN)  # a prefill is cleaned before it is shown
    async with showing(screen) as (app, pilot):
        assert_screen_clean(app)
        screen.editor.clear()
        await pilot.press(*"Called AWS", "escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardScreen))
        assert "Discard this note? y/n" in screen_text(app)
        await pilot.press("n")
        assert app.screen is screen and screen.editor.has_focus
        await pilot.press("ctrl+s")
        assert app.results == ["Called AWS"]

    screen = NoteScreen("x")
    async with showing(screen) as (app, pilot):
        await pilot.press("escape")
        assert app.results == [None]


# -- lead -------------------------------------------------------------------------------------


async def test_lead_lists_the_team_current_last_and_picks_by_search() -> None:
    screen = LeadScreen(PEOPLE, "U-ME", "CCMS is down")
    async with showing(screen) as (app, pilot):
        assert [name for _, name in screen.shown] == ["Ben Carter", "Priya Patel", "Sam Duty"]
        assert any("Sam Duty" in line and "(lead now)" in line for line in screen_text(app).splitlines())
        assert screen.highlighted_id() == "U-BEN"
        await pilot.press("down")
        assert screen.highlighted_id() == "U-PRIYA"
        await pilot.press(*"pp")
        assert screen.shown[0] == ("U-PRIYA", "Priya Patel")
        await pilot.press("enter")
        assert app.results == ["U-PRIYA"]


async def test_lead_nothing_matching_says_so_and_escape_cancels() -> None:
    screen = LeadScreen(PEOPLE, None)
    async with showing(screen) as (app, pilot):
        screen.query_input.value = "zzz [/b]"
        await pilot.pause()
        assert screen.shown == [] and "No one matches “zzz [/b]”." in screen_text(app)
        await pilot.press("enter")
        assert app.screen is screen and app.results == []
        await pilot.press("escape")
        assert app.results == [None]


async def test_lead_hostile_names_are_shown_literally() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        for value in [*MARKUP_SAMPLE, CONTROL_LADEN]:
            screen = LeadScreen([("U-1", value), ("U-2", "Ben")], "U-1")
            app.push_screen(screen, app.results.append)
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            assert_screen_clean(app)
            if value in MARKUP_LIKE and probe(value):
                assert probe(value) in screen_text(app)
            await pilot.press("escape")


# -- the incident view --------------------------------------------------------------------------

TIMELINE = (
    event(
        "inc-1",
        IncidentEventKind.DECLARED,
        45,
        priority=IncidentPriority.HIGH,
        lead="U-ME",
        text="*CCMS* down",
    ),
    event("inc-1", IncidentEventKind.NOTE, 40, by="Sam Duty", text="Called AWS support"),
    event("inc-1", IncidentEventKind.LEAD_CHANGED, 35, lead="U-PRIYA"),
    event("inc-1", IncidentEventKind.UPDATED, 30, status=IncidentStatus.IDENTIFIED, text="DB failover"),
    event("inc-1", IncidentEventKind.LINK, 25, by="Sam Duty", subject="LAA-123"),
    event(
        "inc-1", IncidentEventKind.UPDATED, 1, status=IncidentStatus.MONITORING, text="watching", pending=True
    ),
)


async def test_incident_view_shows_fields_and_timeline_in_words() -> None:
    shown_incident = incident(
        "inc-1",
        priority=IncidentPriority.HIGH,
        status=IncidentStatus.MONITORING,
        lead="U-PRIYA",
        services=("CCMS", "CWA"),
        age=45,
        next_update=MORNING - timedelta(minutes=5),
        events=TIMELINE,
    )
    screen = IncidentScreen(shown_incident, NAMES, lambda: MORNING, LONDON)
    async with showing(screen, (120, 50)) as (app, pilot):
        shown = screen_text(app)
        assert "CCMS is down" in shown and "HIGH" in shown and "Priya Patel" in shown
        assert "overdue 5m" in shown and "CCMS, CWA" in shown and "Running" in shown
        assert "Timeline (6)" in shown
        assert "declared · high priority · lead Sam Duty" in shown
        assert "CCMS down" in shown and "*CCMS*" not in shown  # posted text is Slack mrkdwn
        assert "note" in shown and "Called AWS support" in shown
        assert "lead handed to Priya Patel" in shown
        assert "update · status identified" in shown and "DB failover" in shown
        assert "linked ticket LAA-123" in shown and "Tickets     LAA-123" in shown
        assert "⟳" in shown and "(not yet in Slack)" in shown
        await pilot.press("j", "k", "end", "home")
        await pilot.press("escape")
        assert app.results == [None]


async def test_resolved_incident_view_shows_when_and_how_long() -> None:
    done = incident("inc-2", age=120, resolved_after=65, events=TIMELINE[:1])
    screen = IncidentScreen(done, NAMES, lambda: MORNING, LONDON, reminder=(None, False))
    async with showing(screen) as (app, _pilot):
        shown = screen_text(app)
        assert "✓ resolved" in shown and "after 1h 05m" in shown
        assert "Next update" not in shown


async def test_incident_view_hostile_everywhere() -> None:
    app = Host()
    async with app.run_test(size=LARGE) as pilot:
        for value in [*MARKUP_SAMPLE, CONTROL_LADEN]:
            events = [
                event("e", kind, 10, by=value, text=value, ref=value, lead="U-X")
                for kind in IncidentEventKind
            ]
            evil = incident("e", value, lead="U-X", services=(value, value), events=events)
            screen = IncidentScreen(evil, {"U-X": value}, lambda: MORNING, LONDON)
            app.push_screen(screen)
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            assert_screen_clean(app)
            if value in MARKUP_LIKE and probe(value):
                assert probe(value) in screen_text(app)
            await pilot.press("escape")


# -- the pane ---------------------------------------------------------------------------------


class PaneHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.pane = IncidentPane()
        self.intents: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield Input(id="elsewhere")  # focus starts here: the pane has never been focused
        yield self.pane

    def on_incident_intent(self, message: IncidentIntent) -> None:
        self.intents.append((message.action, message.incident_id))


HIGH_LATE = incident(
    "inc-high",
    "CCMS is down",
    priority=IncidentPriority.HIGH,
    age=50,
    next_update=MORNING - timedelta(minutes=5),
)
NORMAL = incident(
    "inc-normal",
    "Apply is slow",
    status=IncidentStatus.IDENTIFIED,
    lead="U-PRIYA",
    services=("Apply",),
    age=20,
    next_update=MORNING + timedelta(minutes=12),
)
RESOLVED = incident("inc-done", "VPN flapped", priority=IncidentPriority.HIGH, age=300, resolved_after=65)
REMINDERS = {
    "inc-high": (MORNING - timedelta(minutes=5), True),
    "inc-normal": (MORNING + timedelta(minutes=12), False),
    "inc-done": (None, False),
}


def row(app: PaneHost, key: str) -> str:
    return " ".join(cell.plain for cell in app.pane.table.row_text(key))


async def test_pane_lists_open_incidents_first_then_resolved_with_postmortem_owed() -> None:
    app = PaneHost()
    async with app.run_test(size=(120, 20)) as pilot:
        pane = app.pane
        assert "High priority" in screen_text(app)  # empty: what high priority means
        for criterion in HIGH_PRIORITY_CRITERIA:
            assert criterion in screen_text(app)
        pane.show([RESOLVED, HIGH_LATE, NORMAL], REMINDERS, NAMES, MORNING, postmortem_owed={"inc-done"})
        await pilot.pause()
        assert pane.table.row_keys() == ["inc-high", "inc-normal", "inc-done"]  # high first, then newest
        high = row(app, "inc-high")
        assert "HIGH" in high and "investigating" in high and "Sam Duty" in high and "overdue 5m" in high
        assert any(span.style == "bold red" for span in pane.table.cell("inc-high", "priority").spans)
        assert any("red" in str(span.style) for span in pane.table.cell("inc-high", "next").spans)
        normal = row(app, "inc-normal")
        assert "normal" in normal and "identified" in normal and "Priya Patel" in normal
        assert "in 12m" in normal and "20m" in normal
        done = row(app, "inc-done")
        assert "✓ resolved" in done and "1h 05m" in done and "postmortem owed" in done
        assert pane.counts == "2 open · 1 overdue · 1 resolved"
        assert "High priority" not in screen_text(app)
        pane.show([RESOLVED], REMINDERS, NAMES, MORNING, postmortem_owed=set())
        await pilot.pause()
        assert "postmortem owed" not in row(app, "inc-done")
        assert pane.counts == "none open · 1 resolved"


async def test_pane_snoozed_reminder_and_pending_marker() -> None:
    app = PaneHost()
    async with app.run_test(size=(120, 20)) as pilot:
        pending = incident("p", next_update=MORNING + timedelta(minutes=5), pending=True)
        app.pane.show([pending], {"p": (MORNING + timedelta(minutes=35), False)}, NAMES, MORNING)
        await pilot.pause()
        cells = row(app, "p")
        assert "⏸ snoozed, in 35m" in cells and "⟳ investigating" in cells
        app.pane.show([pending], {}, NAMES, MORNING + timedelta(minutes=6))  # no reminder given: its own
        assert "overdue 1m" in row(app, "p")


async def test_selected_is_the_newest_open_else_the_last_resolved_until_focused_then_the_cursor() -> None:
    app = PaneHost()
    async with app.run_test(size=(120, 20)) as pilot:
        pane = app.pane
        selected: list[str | None] = [pane.selected_id]
        pane.show([RESOLVED], REMINDERS, NAMES, MORNING)
        selected.append(pane.selected_id)  # nothing open: the one resolved last (P opens its postmortem)
        pane.show([HIGH_LATE, NORMAL, RESOLVED], REMINDERS, NAMES, MORNING)
        selected.append(pane.selected_id)
        assert selected == [None, "inc-done", "inc-normal"]
        pane.table.focus()
        await pilot.press("j", "j")
        assert pane.selected_id == "inc-done"
        app.query_one("#elsewhere").focus()
        await pilot.pause()
        assert pane.selected_id == "inc-done"  # focused once: the cursor counts from then on


async def test_pane_keys_post_intents() -> None:
    app = PaneHost()
    async with app.run_test(size=(120, 20)) as pilot:
        app.pane.show([HIGH_LATE, NORMAL], REMINDERS, NAMES, MORNING)
        app.pane.table.focus()
        await pilot.press("j", "enter", "o", "z")
        await pilot.pause()
        assert app.intents == [("open", "inc-normal"), ("runbook", "inc-normal"), ("snooze", "inc-normal")]


async def test_pane_hostile_titles_services_and_names() -> None:
    app = PaneHost()
    async with app.run_test(size=(120, 20)) as pilot:
        for value in [*MARKUP_SAMPLE, CONTROL_LADEN]:
            evil = incident("e", value, lead="U-X", services=(value,))
            app.pane.show([evil, RESOLVED], {}, {"U-X": value}, MORNING)
            await pilot.pause()
            assert_screen_clean(app)
            if value in MARKUP_LIKE and probe(value, 6):
                assert probe(value, 6) in screen_text(app)
