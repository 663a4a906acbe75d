"""Pilot tests of the ticket-workflow screens (assign, move, comment, ticket detail) on a tiny host app.

No network: every screen gets fake loaders. A slow loader is held on a threading.Event (never a sleep)
so the "loading" state can be seen and then released; a failing one raises. The hostile corpus goes
through every place untrusted text is shown.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

from duty_tui import text
from duty_tui.models import Comment, Person, StatusChange, Ticket, TicketDetail, Transition
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.sources.errors import SourceError
from duty_tui.views.assign import AssignScreen, fuzzy
from duty_tui.views.comment import CommentScreen, DiscardScreen
from duty_tui.views.move import MoveScreen
from duty_tui.views.ticket import TicketScreen
from tests.conftest import MORNING
from tests.support import (
    CONTROL,
    HOSTILE,
    MARKUP_LIKE,
    assert_screen_clean,
    probe,
    screen_text,
    settle,
    visible_line,
)

SIZE = (100, 30)
LARGE = (120, 35)
LONDON = SupportCalendar(ZoneInfo("Europe/London"))
T = TypeVar("T")


class Host(App[None]):
    """An empty app to push one screen on; dismiss results are collected in `results`."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []


@asynccontextmanager
async def showing(
    screen: Screen[Any], size: tuple[int, int] = SIZE
) -> AsyncIterator[tuple[Host, Pilot[None]]]:
    app = Host()
    async with app.run_test(size=size, notifications=True) as pilot:
        app.push_screen(screen, app.results.append)
        await settle(pilot, lambda: app.screen is screen)
        yield app, pilot


def gated(value: Callable[[], T]) -> tuple[Callable[..., T], threading.Event]:
    """A loader that blocks until the returned event is set: the slow service, under the test's control.
    It takes and ignores whatever the screen passes (the assign picker passes the typed query)."""
    release = threading.Event()

    def load(*_: object) -> T:
        assert release.wait(10), "the test never released the loader"
        return value()

    return load, release


def failing(message: str) -> Callable[..., Any]:
    def load(*_: object) -> Any:
        raise SourceError(message)

    return load


async def every_page(app: Host, pilot: Pilot[None], scroller: Widget) -> str:
    """Scroll `scroller` a page at a time from the top, checking each page clean; all the text seen.

    Scrolls directly: paging keys move a highlight, which can skip rows between two views.
    """
    seen = []
    y = 0
    while True:
        scroller.scroll_to(y=y, animate=False, immediate=True)
        await pilot.pause()
        seen.append(assert_screen_clean(app))  # checked clean, and its text kept: one render a page
        if y >= scroller.max_scroll_y:
            return "\n".join(seen)
        y += max(1, scroller.scrollable_content_region.height - 1)


# -- assign ------------------------------------------------------------------------------------

PEOPLE = [
    Person("u-zoe", "Zoe Adams", "zoe.adams@justice.gov.uk", is_team=True),
    Person("u-ben", "Ben Carter", "ben@justice.gov.uk", is_team=True),
    Person("u-alice", "Alice Brown", "alice.brown@digital.justice.gov.uk"),
    Person(
        "u-priya", "Priya Patel", "priya@justice.gov.uk", is_team=True, last_used=MORNING - timedelta(days=1)
    ),
    Person("u-raj", "Raj Kumar", "raj.k@example.com", last_used=MORNING - timedelta(hours=1)),
    Person("u-dan", "Dan Evans", "devans@example.com"),
]


def names(screen: AssignScreen) -> list[str]:
    return [p.name for p in screen.shown]


def highlighted(screen: AssignScreen) -> str | None:
    person = screen.highlighted_person()
    return person.name if person else None


async def test_people_are_listed_recent_then_team_then_everyone_with_tags() -> None:
    screen = AssignScreen("LAA-1", PEOPLE, current_assignee_id="u-ben")
    async with showing(screen) as (app, _pilot):
        assert names(screen) == [
            "Raj Kumar",
            "Priya Patel",
            "Ben Carter",
            "Zoe Adams",
            "Alice Brown",
            "Dan Evans",
        ]
        lines = screen_text(app).splitlines()
        assert any("Raj Kumar" in line and "recent" in line and "team" not in line for line in lines)
        assert any("Priya Patel" in line and "team" in line and "recent" in line for line in lines)
        assert any("Ben Carter" in line and "(current)" in line for line in lines)
        assert "Assign LAA-1" in screen_text(app)
        assert highlighted(screen) == "Ben Carter"  # starts on the current assignee


async def test_fuzzy_search_narrows_and_enter_picks_the_best_match() -> None:
    screen = AssignScreen("LAA-1", PEOPLE)
    async with showing(screen) as (app, pilot):
        await pilot.press("z", "a", "d")
        assert names(screen)[0] == "Zoe Adams"
        assert "Dan Evans" not in names(screen)  # no z in Dan
        await pilot.press("enter")
        assert app.results == [PEOPLE[0]]


async def test_search_matches_emails_prefers_teammates_on_ties_and_moves_with_keys() -> None:
    sams = [Person("s1", "Sam Other"), Person("s2", "Sam Team", is_team=True), *PEOPLE]
    screen = AssignScreen("LAA-1", sams)
    async with showing(screen) as (app, pilot):
        await pilot.press(*"sam")
        assert names(screen)[:2] == ["Sam Team", "Sam Other"]
        await pilot.press("ctrl+j")
        assert highlighted(screen) == "Sam Other"
        await pilot.press("ctrl+k")
        assert highlighted(screen) == "Sam Team"
        screen.query_input.value = "devans"
        await pilot.pause()
        assert names(screen) == ["Dan Evans"]  # matched on the email only
        screen.query_input.value = "xyzzy [/b]"
        await pilot.pause()
        assert names(screen) == []
        assert "No one matches “xyzzy [/b]”." in screen_text(app)
        await pilot.press("enter", "escape")
        assert app.results == [None]


def test_fuzzy_scores_word_starts_and_runs_higher() -> None:
    assert (fuzzy("pp", "Priya Patel") or (0.0, ()))[1] == (0, 6)
    assert fuzzy("qq", "Priya Patel") is None
    best = fuzzy("pat", "Priya Patel")
    assert best is not None and best[1] == (6, 7, 8)
    long_name = "[b]" * 5000 + "x"  # linear: a repeated-letter name must not explode
    assert fuzzy("b]bx", long_name) is not None


async def test_refresh_keeps_the_query_and_highlight_then_a_failure_keeps_the_cache() -> None:
    fresh = [*PEOPLE, Person("u-pat", "Pat Quinn", "pat.quinn@justice.gov.uk", is_team=True)]
    load, release = gated(lambda: fresh)
    screen = AssignScreen("LAA-1", PEOPLE, load=load)
    try:
        async with showing(screen) as (app, pilot):
            assert "Refreshing the list…" in screen_text(app)
            await pilot.press("p", "a")
            await pilot.press("down")
            before = highlighted(screen)
            assert "Pat Quinn" not in names(screen)
            release.set()
            await settle(pilot, lambda: "Pat Quinn" in names(screen))
            assert screen.query_input.value == "pa"
            assert names(screen)[0] == "Pat Quinn"  # the best match now, yet the highlight stayed put
            assert highlighted(screen) == before
            assert "Refreshing" not in screen_text(app)
            assert "recent" in screen_text(app)  # last_used survived the merge
    finally:
        release.set()

    screen = AssignScreen("LAA-1", PEOPLE, load=failing("Jira is unreachable [/b] \x1b[31m"))
    async with showing(screen) as (app, pilot):
        await settle(pilot, lambda: "Could not refresh the list" in screen_text(app))
        assert "Could not refresh the list: Jira is unreachable [/b]" in screen_text(app)
        assert_screen_clean(app)
        assert len(names(screen)) == len(PEOPLE)
        await pilot.press("enter")
        assert app.results == [PEOPLE[4]]  # the most recent, on top


async def test_typing_asks_jira_once_typing_pauses() -> None:
    asked: list[str] = []
    zoe = Person("u-zoe", "Zoe Zimmerman", "zoe@justice.gov.uk")

    def load(query: str) -> list[Person]:
        asked.append(query)
        return [zoe] if query.startswith("zo") else []

    screen = AssignScreen("LAA-1", PEOPLE, load=load)
    async with showing(screen) as (app, pilot):
        await settle(pilot, lambda: asked == [""])  # everyone Jira lets us assign, at once
        await pilot.press("z", "o", "e")
        await settle(pilot, lambda: "Zoe Zimmerman" in names(screen))  # not in the first answer
        assert asked[1:] == ["zoe"]  # one search, after the typing stopped
        await pilot.press("enter")
        assert app.results == [zoe]


async def test_hostile_names_and_emails_are_shown_literally() -> None:
    people = [
        Person(f"h{n}", value, value + "@x", is_team=n % 2 == 0, last_used=MORNING if n == 3 else None)
        for n, value in enumerate(HOSTILE)
    ]
    screen = AssignScreen("LAA-[/b]", people, current_assignee_id="h1")
    async with showing(screen, LARGE) as (app, pilot):
        seen = await every_page(app, pilot, screen.options)
        for value in MARKUP_LIKE:
            assert probe(value) in seen, value
        await pilot.press(*"[/")  # highlighting matched brackets must not parse them either
        assert_screen_clean(app)
        assert "[/foo]" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.results[0], Person)


# -- move --------------------------------------------------------------------------------------

TRANSITIONS = [
    Transition("21", "Resolve", "5", "Done", "done"),
    Transition("11", "Start work", "3", "In Progress", "indeterminate"),
    Transition("31", "Back to queue", "1", "To Do", "new"),
]


async def test_move_lists_transitions_by_target_status_and_returns_the_pick() -> None:
    load, release = gated(lambda: TRANSITIONS)
    screen = MoveScreen("LAA-7", "To Do", load)
    try:
        async with showing(screen) as (app, pilot):
            assert "Loading transitions…" in screen_text(app)
            release.set()
            await settle(pilot, lambda: "→ In Progress" in screen_text(app))
            shown = screen_text(app)
            assert "Move LAA-7 from To Do" in shown
            lines = [line for line in shown.splitlines() if "→" in line]
            assert ["To Do" in lines[0], "In Progress" in lines[1], "Done" in lines[2]] == [True] * 3
            assert "Start work" in lines[1] and "(current status)" in lines[0]
            await pilot.press("j")
            await pilot.press("enter")
            assert app.results == [TRANSITIONS[1]]
    finally:
        release.set()


async def test_move_says_when_nothing_is_available_or_jira_fails() -> None:
    screen = MoveScreen("LAA-7", "Waiting [/b]", lambda: [])
    async with showing(screen) as (app, pilot):
        await settle(pilot, lambda: "No transitions" in screen_text(app))
        assert "No transitions are available from Waiting [/b]." in screen_text(app)
        await pilot.press("enter", "escape")
        assert app.results == [None]

    screen = MoveScreen("LAA-7", "To Do", failing("[@click=app.quit]boom[/] \x1b]0;t\x07"))
    async with showing(screen) as (app, pilot):
        await settle(pilot, lambda: "Could not load the transitions" in screen_text(app))
        assert "[@click=app.quit]boom[/]" in screen_text(app)
        assert_screen_clean(app)
        await pilot.press("q")  # q closes, as in the other views
        assert app.results == [None]


async def test_move_shows_hostile_transition_names_literally() -> None:
    transitions = [
        Transition(str(n), value, f"s{n}", value, ("new", "indeterminate", "done", "weird")[n % 4])
        for n, value in enumerate(HOSTILE)
    ]
    screen = MoveScreen("LAA-7", HOSTILE[0], lambda: transitions)
    async with showing(screen, LARGE) as (app, pilot):
        await settle(pilot, lambda: screen.options.display)
        seen = await every_page(app, pilot, screen.options)
        for value in MARKUP_LIKE:
            assert probe(value) in seen, value
        await pilot.press("enter")
        assert isinstance(app.results[0], Transition)


# -- comment -----------------------------------------------------------------------------------


async def test_comment_posts_stripped_text_and_refuses_an_empty_one() -> None:
    screen = CommentScreen("LAA-3", "Claims batch failed", initial="  Looking into")
    async with showing(screen) as (app, pilot):
        assert "Comment on LAA-3" in screen_text(app) and "Claims batch failed" in screen_text(app)
        assert "ctrl+s posts · Esc cancels" in screen_text(app)
        await pilot.press("space", *"it", "enter", "enter", "ctrl+s")
        assert app.results == ["Looking into it"]

    screen = CommentScreen("LAA-3", "Claims batch failed")
    async with showing(screen) as (app, pilot):
        await pilot.press("space", "enter", "ctrl+s")
        await settle(pilot, lambda: "Write something first" in screen_text(app))
        assert app.screen is screen and app.results == []


async def test_escape_asks_before_discarding_text_and_cancels_at_once_when_empty() -> None:
    screen = CommentScreen("LAA-3", "x")
    async with showing(screen) as (app, pilot):
        await pilot.press(*"hi", "escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardScreen))
        assert "Discard this comment? y/n" in screen_text(app)
        await pilot.press("n")
        assert app.screen is screen and screen.editor.has_focus and screen.editor.text == "hi"
        await pilot.press("escape", "n", "escape", "y")
        await settle(pilot, lambda: app.results == [None])
        assert not isinstance(app.screen, (CommentScreen, DiscardScreen))

    screen = CommentScreen("LAA-3", "x")
    async with showing(screen) as (app, pilot):
        await pilot.press("escape")
        assert app.results == [None]


async def test_comment_title_shows_a_hostile_key_and_summary_literally() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        # Two markup-like values per screen (key and summary); then every control-laden one at once.
        pairs = list(zip(MARKUP_LIKE[::2], MARKUP_LIKE[1::2], strict=True))
        pairs.append(("LAA-1", " ".join(value for value in HOSTILE if CONTROL.search(value))))
        for key, summary in pairs:
            screen = CommentScreen(key, summary)
            app.push_screen(screen)
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            assert_screen_clean(app)
            if summary in MARKUP_LIKE:
                assert probe(key) in screen_text(app) and probe(summary) in screen_text(app)
            await pilot.press("escape")


# -- ticket ------------------------------------------------------------------------------------

TICKET = Ticket(
    key="LAA-42",
    id="10042",
    summary="CCMS PROD: 'Submit claims batch' did not run at 02:00",
    status="To Do",
    status_category="new",
    priority="High",
    issue_type="Incident",
    created=MORNING - timedelta(minutes=45),  # Thu 26 Nov 09:45 London
    updated=MORNING - timedelta(minutes=5),
    reporter="Raj Patel",
    assignee_id=None,
    assignee=None,
    components=("laa-6dg-support",),
    labels=("prod", "ccms"),
    url="https://dsdmoj.atlassian.net/browse/LAA-42",
    boards=("AWS Ops",),
)
DETAIL = TicketDetail(
    key="LAA-42",
    description="h2. What happened\nThe *batch* did not run.",
    comments=(
        Comment("c1", "u-priya", "Priya Patel", MORNING - timedelta(minutes=10), "On it, _checking_ logs."),
    ),
    history=(
        StatusChange(MORNING - timedelta(minutes=30), "1", "To Do", "3", "In Progress", "Priya Patel"),
        StatusChange(MORNING - timedelta(minutes=20), "3", "In Progress", "1", "To Do", "Priya Patel"),
        StatusChange(MORNING - timedelta(minutes=10), "1", "To Do", "3", "In Progress", "Ben Carter"),
    ),
    status_id="3",
    status="In Progress",
)


def ticket_screen(ticket: Ticket = TICKET, now: datetime = MORNING, **kwargs: Any) -> TicketScreen:
    return TicketScreen(
        ticket,
        board_labels={"AWS Ops": "AWS"},
        now=lambda: now,
        calendar=LONDON,
        acknowledge_within=timedelta(hours=2),
        **kwargs,
    )


def clock(created: datetime, now: datetime = MORNING, **changes: Any) -> str:
    return ticket_screen(replace(TICKET, created=created, **changes), now).clock_text().plain


@pytest.mark.parametrize(
    ("minutes_ago", "expected"),
    [
        (45, "1h 15m left · on track"),
        (80, "40m left · under an hour left"),
        (105, "15m left · under 30 minutes left"),
        (150, "BREACHED: 30m overdue"),
    ],
)
def test_the_clock_shows_each_band(minutes_ago: int, expected: str) -> None:
    shown = clock(MORNING - timedelta(minutes=minutes_ago))
    assert expected in shown and "due Thu 26 Nov" in shown and "GMT" in shown
    assert "paused" not in shown


def test_the_clock_pauses_outside_hours_and_reports_the_acknowledgement() -> None:
    evening = datetime(2026, 11, 26, 19, 0, tzinfo=UTC)
    shown = clock(datetime(2026, 11, 26, 17, 0, tzinfo=UTC), evening)
    assert "1h 00m left" in shown and "due Fri 27 Nov 09:00 GMT" in shown
    assert "paused (outside support hours: After hours, resumes Fri 27 Nov 08:00)" in shown

    ack = {
        "acknowledged_at": MORNING - timedelta(minutes=30),
        "acknowledged_by": "assigned to Priya by Priya",
    }
    shown = clock(MORNING - timedelta(minutes=45), **ack)
    assert (
        "✓ acknowledged Thu 26 Nov 10:00 · in time  due Thu 26 Nov 11:45 GMT\nassigned to Priya by Priya"
        in shown
    )
    late = clock(datetime(2026, 11, 26, 6, 0, tzinfo=UTC), acknowledged_at=MORNING - timedelta(minutes=10))
    assert "20m late" in late and "due Thu 26 Nov 10:00" in late  # raised before hours: due 2h after 08:00


async def test_ticket_shows_the_cache_at_once_then_description_comments_and_history() -> None:
    load, release = gated(lambda: DETAIL)
    screen = ticket_screen(load=load, classification=("PROD", "CCMS", 1))
    try:
        async with showing(screen, LARGE) as (app, pilot):
            shown = screen_text(app)
            assert "LAA-42 · To Do" in shown and "'Submit claims batch' did not run at 02:00" in shown
            for expected in ("AWS Ops (AWS)", "High · severity 1", "PROD", "CCMS", "Raj Patel", "unassigned"):
                assert expected in shown, expected
            assert "Thu 26 Nov 09:45 (45m ago)" in shown and "1h 15m left" in shown
            assert "Loading description, comments and history…" in shown
            release.set()
            await settle(pilot, lambda: "Status history" in screen_text(app))
            await pilot.press("end")
            shown = screen_text(app)
            assert "The batch did not run." in shown and "On it, checking logs." in shown
            assert "Priya Patel  Thu 26 Nov 10:20" in shown
            status_rows = [line for line in shown.splitlines() if "To Do" in line and "→" not in line]
            assert any("25m" in row and " 2" in row for row in status_rows)  # 09:45–10:00 + 10:10–10:20
            assert "Thu 26 Nov 10:00  To Do → In Progress  by Priya Patel" in shown
            assert "LAA-42 · In Progress" in shown  # the fresher status from Jira
            await pilot.press("home", "j", "pagedown", "k", "pageup", "escape")
            assert app.results == [None]
    finally:
        release.set()


async def test_ticket_detail_failure_is_one_line_and_the_rest_stays() -> None:
    screen = ticket_screen(load=failing("Jira said 500 [/] \x1b]52;c;aGk=\x07"))
    async with showing(screen) as (app, pilot):
        await settle(pilot, lambda: "Could not load" in screen_text(app))
        assert "Jira said 500 [/]" in screen_text(app) and "1h 15m left" in screen_text(app)
        assert_screen_clean(app)


def hostile_ticket(cycle: int) -> tuple[Ticket, TicketDetail]:
    """Markup-like text in every single-valued field (rotating, so each value lands in some field) and,
    on the first cycle, every value in each list: description lines, comments, status changes."""
    pick = [MARKUP_LIKE[(cycle * 7 + role) % len(MARKUP_LIKE)] for role in range(7)]
    ticket = replace(
        TICKET,
        summary=pick[0],
        status=pick[1],
        reporter=pick[2],
        assignee=pick[3],
        acknowledged_at=MORNING,
        acknowledged_by=pick[4],
        issue_type=pick[5],
        labels=(pick[6],),
        components=(pick[6],),
    )
    values = MARKUP_LIKE if cycle == 0 else pick[:1]
    comments = tuple(Comment(str(n), None, v, MORNING, v) for n, v in enumerate(values))
    history = tuple(StatusChange(MORNING, str(n), v, "3", "Done", v) for n, v in enumerate(values))
    return ticket, TicketDetail("LAA-42", "\n".join(values), comments, history, "3", pick[1])


async def test_ticket_shows_hostile_fields_and_detail_literally() -> None:
    app = Host()
    async with app.run_test(size=LARGE) as pilot:
        for cycle in range(4):
            ticket, detail = hostile_ticket(cycle)
            screen = ticket_screen(ticket, load=lambda d=detail: d)  # type: ignore[misc]
            app.push_screen(screen)
            await settle(pilot, lambda s=screen: s.sections.display)  # type: ignore[misc]
            seen = await every_page(app, pilot, screen.body)
            singles = [ticket.summary, ticket.status, ticket.reporter, ticket.assignee, ticket.issue_type]
            for value in [*singles, ticket.acknowledged_by or "", ticket.labels[0]]:
                assert probe(value) in seen, value
            for comment in detail.comments:
                assert probe(comment.author) in seen and probe(detail.history[0].by) in seen
                assert visible_line(text.jira_wiki_text(comment.body))[:12].rstrip() in seen
            for line in text.jira_wiki_text(detail.description).splitlines():
                assert probe(line) in seen, line
            await pilot.press("escape")

        evil = list(HOSTILE)  # the whole corpus everywhere at once: nothing may reach the terminal
        ticket = replace(
            TICKET,
            summary="".join(evil[:40]),
            reporter=evil[16],
            assignee=evil[17],
            components=tuple(evil),
            acknowledged_at=MORNING,
            acknowledged_by=evil[18],
        )
        comments = tuple(Comment(str(n), None, value, MORNING, value) for n, value in enumerate(evil))
        history = tuple(StatusChange(MORNING, "1", v, "3", v, v) for v in evil)
        screen = ticket_screen(
            ticket, load=lambda: TicketDetail("LAA-42", "\n".join(evil), comments, history, "3", evil[19])
        )
        app.push_screen(screen)
        await settle(pilot, lambda: screen.sections.display)
        await every_page(app, pilot, screen.body)
