"""Ticket histories for the metrics, read from the simulated Jira Cloud over HTTP with the real `jira` client:
long changelogs read in full, reopened tickets, assignments, comments, board moves, and what is malformed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from duty_sim.jira.model import ChangeItem, History
from duty_sim.jira.service import JiraSim
from duty_tui.clock import ManualClock
from duty_tui.config import BoardConfig, JiraConfig
from duty_tui.rules.flow_history import (
    AssigneeItem,
    BoardItem,
    CommentEntry,
    Status,
    StatusItem,
    TicketHistory,
)
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.changelog import ChangelogReader, HistoryBoard
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.jira.ticket_history import BoardMoves, BoardScope, StatusBook, ticket_history

# Both desks over one project, as on the real site: the 6DG desk is the project's tickets with its component.
AWS = BoardConfig(id=262, name="AWS Ops", label="AWS")
SIXDG = BoardConfig(id=265, name="6DG Ops", label="6DG", component="laa-6dg-support")
TODO = Status("10000", "To Do", "new")
IN_PROGRESS = Status("3", "In Progress", "indeterminate")
DONE = Status("10001", "Done", "done")


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[JiraSim]:
    with JiraSim(clock=clock) as sim:
        world = sim.world
        world.add_project("LAA", "LAA Support")
        world.add_component("LAA", "laa-6dg-support")
        world.add_component("LAA", "platform")
        world.add_board(262, "AWS Ops", "LAA", "project = LAA ORDER BY Rank ASC")
        world.add_board(
            265, "6DG Ops", "LAA", 'project = LAA AND component = "laa-6dg-support" ORDER BY Rank'
        )
        yield sim


@pytest.fixture
def people(sim: JiraSim) -> dict[str, str]:
    world = sim.world
    return {
        "tom": world.add_user("Tom Hargreaves", email="tom@example.com"),
        "aisha": world.add_user("Aisha Bello", email="aisha@example.com"),
        "lucy": world.add_user("Lucy Requester", email="lucy@example.com"),
    }


class Reading:
    """One reader over both boards, as the history fetch builds it."""

    def __init__(self, sim: JiraSim) -> None:
        config = JiraConfig(url=sim.url, email=sim.email, boards=(AWS, SIXDG))
        jira = JiraSource(config, sim.token)
        self.boards = {b.id: HistoryBoard(b, jira.board_info(b)) for b in (AWS, SIXDG)}
        self.reader = ChangelogReader(jira, list(self.boards.values()), StatusBook())

    def board(self, board: BoardConfig = AWS) -> dict[str, TicketHistory]:
        target = self.boards[board.id]
        found: dict[str, TicketHistory] = {}
        for page in self.reader.pages(target, "-129600m"):
            for raw in page:
                ticket = self.reader.ticket(raw, target)
                assert ticket is not None
                found[ticket.key] = ticket
        return found


def read(sim: JiraSim, board: BoardConfig = AWS) -> dict[str, TicketHistory]:
    return Reading(sim).board(board)


def changelog_requests(sim: JiraSim) -> list[dict[str, list[str]]]:
    return [entry.query for entry in sim.log.find("GET", "/changelog")]


@pytest.mark.parametrize(("histories", "pages"), [(130, [("0", "30")]), (260, [("0", "100"), ("100", "60")])])
def test_a_changelog_cut_short_is_completed_from_the_oldest_pages(
    sim: JiraSim, clock: ManualClock, people: dict[str, str], histories: int, pages: list[tuple[str, str]]
) -> None:
    world, tom = sim.world, people["tom"]
    created = clock.now() - timedelta(days=10)
    key = world.create_issue("LAA", "noisy", created=created)
    world.transition_to(key, "In Progress", by=tom, at=created + timedelta(hours=1))  # the oldest history
    for n in range(histories - 1):
        clock.advance(timedelta(seconds=1))
        world.set_labels(key, [f"touched-{n}"], by=tom)

    ticket = read(sim)[key]

    # Only the histories the search left out were asked for: one request up to 200 histories.
    assert [(q["startAt"][0], q["maxResults"][0]) for q in changelog_requests(sim)] == pages
    assert len(ticket.history) == histories and ticket.history_complete
    assert ticket.history[0].status == StatusItem(TODO, IN_PROGRESS)
    assert ticket.history[0].at == created + timedelta(hours=1) and ticket.history[0].by == tom
    assert all(entry.status is None and entry.by == tom for entry in ticket.history[1:])
    assert [entry.at for entry in ticket.history] == sorted(entry.at for entry in ticket.history)
    assert len({entry.at for entry in ticket.history}) == histories  # each once: the overlap was merged


def test_a_short_changelog_costs_no_request(sim: JiraSim, clock: ManualClock, people: dict[str, str]) -> None:
    key = sim.world.create_issue("LAA", "quiet", created=clock.now() - timedelta(days=1))
    sim.world.transition_to(key, "In Progress", by=people["tom"])
    ticket = read(sim)[key]
    assert [entry.status for entry in ticket.history] == [StatusItem(TODO, IN_PROGRESS)]
    assert not changelog_requests(sim) and not sim.log.find("GET", "/comment")


def test_a_reopened_ticket_keeps_every_move_with_its_category(
    sim: JiraSim, clock: ManualClock, people: dict[str, str]
) -> None:
    world, aisha = sim.world, people["aisha"]
    created = clock.now() - timedelta(days=3)
    key = world.create_issue("LAA", "came back", created=created)
    for hours, status in enumerate(("In Progress", "Done", "In Progress", "Done"), start=1):
        world.transition_to(key, status, by=aisha, at=created + timedelta(hours=hours))

    ticket = read(sim)[key]

    assert ticket.created == created and ticket.status == DONE and ticket.board == "AWS Ops"
    assert [entry.status for entry in ticket.history] == [
        StatusItem(TODO, IN_PROGRESS),
        StatusItem(IN_PROGRESS, DONE),
        StatusItem(DONE, IN_PROGRESS),  # reopened: the resolution item beside it is not a status move
        StatusItem(IN_PROGRESS, DONE),
    ]
    assert [entry.at for entry in ticket.history] == [created + timedelta(hours=h) for h in range(1, 5)]


def test_assignments_and_unassignments_are_account_ids(
    sim: JiraSim, clock: ManualClock, people: dict[str, str]
) -> None:
    world, tom, aisha = sim.world, people["tom"], people["aisha"]
    created = clock.now() - timedelta(days=2)
    key = world.create_issue("LAA", "passed around", created=created)
    world.assign(key, tom, by=tom, at=created + timedelta(minutes=10))
    world.assign(key, None, by=tom, at=created + timedelta(minutes=20))
    world.assign(key, aisha, by=tom, at=created + timedelta(minutes=30))

    ticket = read(sim)[key]

    assert [(entry.assignee, entry.by) for entry in ticket.history] == [
        (AssigneeItem(None, tom), tom),
        (AssigneeItem(tom, None), tom),
        (AssigneeItem(None, aisha), tom),
    ]


@pytest.mark.parametrize("embedded", [None, 1])
def test_comments_by_anyone_with_their_authors(
    sim: JiraSim, clock: ManualClock, people: dict[str, str], embedded: int | None
) -> None:
    world = sim.world
    world.comment_embed_cap = embedded  # 1: the search carries only the first comment
    created = clock.now() - timedelta(days=1)
    key = world.create_issue("LAA", "any news?", created=created, reporter=people["lucy"])
    world.add_comment(key, people["lucy"], "Any news?", at=created + timedelta(minutes=5))
    world.add_comment(key, people["aisha"], "Looking now", at=created + timedelta(minutes=30))
    world.add_comment(key, people["tom"], "Fixed", at=created + timedelta(minutes=50))

    ticket = read(sim)[key]

    assert ticket.comments == (
        CommentEntry(created + timedelta(minutes=5), people["lucy"]),  # a requester's comment is kept too
        CommentEntry(created + timedelta(minutes=30), people["aisha"]),
        CommentEntry(created + timedelta(minutes=50), people["tom"]),
    )
    assert ticket.history_complete
    assert len(sim.log.find("GET", f"/issue/{key}/comment")) == (0 if embedded is None else 1)


def test_a_component_change_is_a_board_move(sim: JiraSim, clock: ManualClock, people: dict[str, str]) -> None:
    world, tom = sim.world, people["tom"]
    key = world.create_issue("LAA", "for the 6DG desk", created=clock.now() - timedelta(days=1))
    world.set_components(key, ["platform"], by=tom)  # no board's component: not a move
    clock.advance(timedelta(minutes=1))
    world.set_components(key, ["platform", "laa-6dg-support"], by=tom)
    clock.advance(timedelta(minutes=1))
    world.set_components(key, ["laa-6dg-support"], by=tom)

    reading = Reading(sim)
    ticket = reading.board(SIXDG)[key]
    assert ticket.board == "6DG Ops"
    assert [entry.board for entry in ticket.history] == [None, BoardItem("AWS Ops", "6DG Ops"), None]

    clock.advance(timedelta(minutes=1))
    world.set_components(key, [], by=tom)
    back = reading.board(AWS)[key]
    assert back.board == "AWS Ops" and back.history[-1].board == BoardItem("6DG Ops", "AWS Ops")


def test_board_moves_are_only_told_when_both_ends_are_known() -> None:
    moves = BoardMoves([BoardScope("AWS Ops", None, "LAA"), BoardScope("6DG Ops", "laa-6dg-support", "LM")])
    # The 6DG desk in its own project: an LM ticket without the component is on no configured board.
    assert moves.move("LM", set(), {"laa-6dg-support"}) is None
    assert moves.move("LM", {"laa-6dg-support"}, set()) is None
    assert moves.move("LAA", set(), {"laa-6dg-support"}) == BoardItem("AWS Ops", "6DG Ops")
    assert moves.move("LAA", {"laa-6dg-dba"}, {"platform"}) is None
    assert moves.precedence("6DG Ops") < moves.precedence("AWS Ops")


def test_malformed_histories_are_skipped_and_the_ticket_says_so(
    sim: JiraSim, clock: ManualClock, people: dict[str, str]
) -> None:
    world, tom = sim.world, people["tom"]
    created = clock.now() - timedelta(days=1)
    key = world.create_issue("LAA", "odd history", created=created)
    world.transition_to(key, "In Progress", by=tom, at=created + timedelta(minutes=5))
    issue = world.find_issue(key)
    assert issue is not None
    with world.lock:
        world.histories[issue.id] += [
            # A status move to nowhere: unreadable.
            History(
                "90001",
                issue.id,
                tom,
                created + timedelta(minutes=6),
                (ChangeItem("status", "status", "3", "In Progress", None, None),),
            ),
            # A field the flow does not read: still an update.
            History(
                "90002",
                issue.id,
                None,
                created + timedelta(minutes=7),
                (ChangeItem("Sprint", "customfield_10020", None, None, "12", "Sprint 12"),),
            ),
        ]
    fine = world.create_issue("LAA", "fine", created=created)

    found = read(sim)

    ticket = found[key]
    assert not ticket.history_complete
    assert [(e.at - created, e.status, e.by) for e in ticket.history] == [
        (timedelta(minutes=5), StatusItem(TODO, IN_PROGRESS), tom),
        (timedelta(minutes=7), None, None),
    ]
    assert found[fine].history_complete


def test_unreadable_parts_of_a_search_result_are_skipped() -> None:
    book, moves = StatusBook(), BoardMoves([BoardScope("AWS Ops", None, "LAA")])
    raw = {
        "key": "LAA-1",
        "fields": {
            "created": "2026-11-20T09:00:00.000+0000",
            "status": {"id": "3", "name": "In Progress", "statusCategory": {"key": "indeterminate"}},
        },
    }
    histories = [
        {"id": "1", "created": "yesterday", "items": []},
        "not a history",
        {"id": "2", "created": "2026-11-20T10:00:00.000+0000", "items": ["junk", {"field": "assignee"}]},
        {
            "id": "3",
            "created": "2026-11-20T11:00:00.000+0000",
            "author": {"accountId": 7},
            "items": [
                {
                    "field": "status",
                    "from": "10000",
                    "fromString": "To Do",
                    "to": "3",
                    "toString": "In Progress",
                }
            ],
        },
    ]
    comments = [{"created": None}, {"created": "2026-11-20T12:00:00.000+0000", "author": "nobody"}]

    ticket = ticket_history(raw, "AWS Ops", histories, comments, book=book, moves=moves)

    assert ticket is not None and not ticket.history_complete
    assert ticket.status == Status("3", "In Progress", "indeterminate")
    # An unknown status id has no category rather than a guessed one.
    assert [(e.by, e.assignee, e.status) for e in ticket.history] == [
        (None, None, None),
        (
            None,
            None,
            StatusItem(Status("10000", "To Do", "undefined"), Status("3", "In Progress", "indeterminate")),
        ),
    ]
    assert ticket.comments == (CommentEntry(datetime.fromisoformat("2026-11-20T12:00:00+00:00"), None),)
    assert ticket_history({"key": "LAA-2", "fields": {}}, "AWS Ops", [], [], book=book, moves=moves) is None


def test_a_status_jira_no_longer_lists_is_looked_up_once(
    sim: JiraSim, clock: ManualClock, people: dict[str, str]
) -> None:
    world = sim.world
    created = clock.now() - timedelta(days=1)
    for n in range(2):
        key = world.create_issue("LAA", f"retired status {n}", created=created)
        issue = world.find_issue(key)
        assert issue is not None
        with world.lock:
            world.histories[issue.id].append(
                History(
                    f"9100{n}",
                    issue.id,
                    people["tom"],
                    created + timedelta(minutes=1),
                    (ChangeItem("status", "status", "77777", "Triage", "10000", "To Do"),),
                )
            )

    found = read(sim)

    assert len(sim.log.find("GET", "/status")) == 1
    moves = [t.history[0].status for t in found.values()]
    assert moves == [StatusItem(Status("77777", "Triage", "undefined"), TODO)] * 2


def test_a_ticket_gone_from_sight_keeps_what_the_search_had(
    sim: JiraSim, clock: ManualClock, people: dict[str, str]
) -> None:
    world = sim.world
    key = world.create_issue("LAA", "noisy", created=clock.now() - timedelta(days=1))
    for n in range(120):
        world.set_labels(key, [f"touched-{n}"], by=people["tom"])
    sim.faults.fail_next(1, status=404, match="changelog")
    ticket = read(sim)[key]
    assert len(ticket.history) == 100 and not ticket.history_complete

    sim.faults.fail_next(1, status=500, match="changelog")
    with pytest.raises(SourceError, match=r"server error \(500\)"):
        read(sim)


def test_histories_both_embedded_and_on_a_page_count_once(
    sim: JiraSim, clock: ManualClock, people: dict[str, str]
) -> None:
    world = sim.world
    key = world.create_issue("LAA", "noisy", created=clock.now() - timedelta(days=1))
    for n in range(130):
        clock.advance(timedelta(seconds=1))
        world.set_labels(key, [f"touched-{n}"], by=people["tom"])
    issue = world.find_issue(key)
    assert issue is not None
    reading = Reading(sim)
    sim.faults.hold(match="changelog")
    found: list[TicketHistory] = []
    worker = threading.Thread(target=lambda: found.extend(reading.board().values()))
    worker.start()
    try:
        assert sim.log.wait_for("GET", "/search/jql", timeout=10)
        with world.lock:  # the oldest ten vanish between the search and the changelog page
            del world.histories[issue.id][:10]
    finally:
        sim.faults.release()
        worker.join(timeout=10)

    # The page (histories 11-40) overlaps the embedded newest 100 (31-130): each is kept once.
    (ticket,) = found
    assert len(ticket.history) == 120 and len({entry.at for entry in ticket.history}) == 120


def test_an_embedded_changelog_without_a_total_is_cut_short_when_its_page_is_full() -> None:
    """Jira's enhanced search may leave `total` out: a full page must not pass for the whole history."""
    from duty_tui.sources.jira.history import histories

    page = [{"id": str(n), "created": "2026-11-26T10:00:00.000+0000", "items": []} for n in range(40)]
    assert histories({"maxResults": 40, "histories": page}) == (page, True)
    assert histories({"maxResults": 40, "histories": page[:39]}) == (page[:39], False)
    assert histories({"total": 40, "maxResults": 40, "histories": page}) == (page, False)
    assert histories({"histories": page}) == (page, False)  # nothing says it was cut
