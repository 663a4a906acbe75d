"""Ticket flow from Jira's history, against golden figures worked out by hand.

The support calendar is 08:00-18:00 Europe/London, Monday to Friday, without England's bank holidays; the
team promises to acknowledge within 2 support hours. Every expected figure says how it was counted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.rules.flow import TicketFlow, minutes, ticket_flow, ticket_flows
from duty_tui.rules.flow_figures import board_figures, boards_json, period_weeks, stats
from duty_tui.rules.flow_history import (
    AssigneeItem,
    BoardItem,
    CommentEntry,
    HistoryEntry,
    Period,
    Status,
    StatusItem,
    TicketHistory,
    in_period,
    report_period,
)
from duty_tui.rules.sla import EventKind
from tests.conftest import MORNING

LONDON = ZoneInfo("Europe/London")
CAL = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))
TEAM = frozenset({"ops-1", "ops-2"})

TODO = Status("10000", "To Do", "new")
PROGRESS = Status("3", "In Progress", "indeterminate")
WAITING = Status("10002", "Waiting for customer", "indeterminate")
DONE = Status("10001", "Done", "done")
CLOSED = Status("6", "Closed", "done")


def london(year: int, month: int, day: int, hour: int, minute: int, *, second: int = 0) -> datetime:
    """A wall-clock time in London, as the UTC instant the history would carry."""
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON).astimezone(UTC)


def move(at: datetime, old: Status | None, new: Status, by: str = "ops-1") -> HistoryEntry:
    return HistoryEntry(at, by, status=StatusItem(old, new))


def assign(at: datetime, to: str | None, old: str | None = None, by: str = "ops-1") -> HistoryEntry:
    return HistoryEntry(at, by, assignee=AssigneeItem(old, to))


def comment(at: datetime, author: str) -> CommentEntry:
    return CommentEntry(at, author)


def ticket(
    created: datetime,
    *history: HistoryEntry,
    status: Status | None = None,
    comments: tuple[CommentEntry, ...] = (),
    key: str = "LAA-1",
    board: str = "AWS Ops",
    complete: bool = True,
) -> TicketHistory:
    moves = [entry.status for entry in history if entry.status is not None]
    now = status or (moves[-1].new if moves else TODO)
    return TicketHistory(key, board, created, now, tuple(history), comments, complete)


def flow(history: TicketHistory, end: datetime) -> TicketFlow:
    return ticket_flow(history, end, CAL, TEAM)


def spent(minutes: float, working: float) -> dict[str, float]:
    return {"minutes": minutes, "working_minutes": working}


def status_minutes(found: TicketFlow) -> dict[str, Any]:
    return found.to_json()["time_in_status"]  # type: ignore[no-any-return]


# -- one ticket, the whole JSON --------------------------------------------------------------------


def test_a_ticket_over_a_weekend_in_the_reports_json() -> None:
    """Raised Friday 27 November 17:00; a customer comments at 17:30 (not an acknowledgement); assigned
    Monday 08:30, started 09:00, done 11:00; the period ends Monday 7 December 00:00."""
    history = ticket(
        london(2026, 11, 27, 17, 0),
        assign(london(2026, 11, 30, 8, 30), "ops-1"),
        move(london(2026, 11, 30, 9, 0), TODO, PROGRESS),
        move(london(2026, 11, 30, 11, 0), PROGRESS, DONE),
        comments=(comment(london(2026, 11, 27, 17, 30), "customer-1"),),
        key="LAA-101",
    )
    assert flow(history, london(2026, 12, 7, 0, 0)).to_json() == {
        "key": "LAA-101",
        "board": "AWS Ops",
        "created": "2026-11-27T17:00:00+00:00",
        "acknowledged": "2026-11-30T08:30:00+00:00",
        "resolved": "2026-11-30T11:00:00+00:00",
        # Deadline: Friday 17:00-18:00, then Monday 08:00-09:00. 08:30 is in time.
        "acknowledge_breached": False,
        # Friday 17:00 → Monday 08:30 is 63.5 hours; in support hours 60 + 30 minutes.
        "time_to_acknowledge": spent(3810.0, 90.0),
        # → Monday 11:00: 66 hours; 60 + 180 minutes.
        "time_to_resolution": spent(3960.0, 240.0),
        "time_in_status": {
            "To Do": spent(3840.0, 120.0),  # Friday 17:00 → Monday 09:00
            "In Progress": spent(120.0, 120.0),  # 09:00 → 11:00
            # Monday 11:00 → Monday 7 December 00:00: 157 hours; 7 hours on Monday, 10 on each of 4 days.
            "Done": spent(9420.0, 2820.0),
        },
        "time_in_category": {
            "To Do": spent(3840.0, 120.0),
            "In Progress": spent(120.0, 120.0),
            "Done": spent(9420.0, 2820.0),
        },
        "history_complete": True,
    }


def test_an_open_unacknowledged_ticket_has_nulls_and_all_three_categories() -> None:
    history = ticket(london(2026, 11, 26, 9, 0))  # Thursday 09:00, never touched
    found = flow(history, london(2026, 11, 26, 12, 0)).to_json()
    assert found["acknowledged"] is None and found["resolved"] is None
    assert found["time_to_acknowledge"] is None and found["time_to_resolution"] is None
    assert found["acknowledge_breached"] is True  # due 11:00, unacknowledged at 12:00
    assert found["time_in_status"] == {"To Do": spent(180.0, 180.0)}
    assert found["time_in_category"] == {
        "To Do": spent(180.0, 180.0),
        "In Progress": spent(0.0, 0.0),
        "Done": spent(0.0, 0.0),
    }


# -- bank holidays, clock changes -------------------------------------------------------------------


def test_an_england_bank_holiday_does_not_count() -> None:
    """Raised Friday 28 August 17:00 BST; Monday 31 August is the Late Summer Bank Holiday (England only),
    so the 2 support hours end Tuesday 09:00. Assigned on the holiday at 10:00: in time."""
    history = ticket(london(2026, 8, 28, 17, 0), assign(london(2026, 8, 31, 10, 0), "ops-2"))
    found = flow(history, london(2026, 9, 1, 12, 0))
    assert found.acknowledge_deadline == london(2026, 9, 1, 9, 0)
    assert found.acknowledge_breached is False
    assert found.to_json()["time_to_acknowledge"] == spent(3900.0, 60.0)  # 65 hours; only Friday's hour
    # Still To Do at Tuesday 12:00: Friday's hour and Tuesday's four.
    assert status_minutes(found) == {"To Do": spent(5460.0, 300.0)}  # 91 hours


def test_christmas_straight_to_done_exactly_at_the_deadline_is_not_a_breach() -> None:
    """Raised Christmas Eve 17:00; Christmas Day, the weekend and Boxing Day (observed Monday 28) are shut,
    so it is due Tuesday 29 December 09:00. Moved straight from To Do to Done exactly then."""
    history = ticket(london(2026, 12, 24, 17, 0), move(london(2026, 12, 29, 9, 0), TODO, DONE))
    found = flow(history, london(2026, 12, 29, 10, 0))
    assert found.acknowledge_deadline == london(2026, 12, 29, 9, 0)
    assert found.acknowledged == found.resolved == london(2026, 12, 29, 9, 0)
    assert found.acknowledged_how is EventKind.MOVED
    assert found.acknowledge_breached is False
    assert found.to_json()["time_to_resolution"] == spent(6720.0, 120.0)  # Thu 17:00 → Tue 09:00
    assert found.to_json()["time_in_category"]["In Progress"] == spent(0.0, 0.0)


@pytest.mark.parametrize(
    ("acknowledged", "breached"),
    [
        (london(2026, 11, 26, 10, 59), False),
        (london(2026, 11, 26, 11, 0), False),  # exactly at the deadline
        (london(2026, 11, 26, 11, 0) + timedelta(seconds=1), True),
    ],
)
def test_the_deadline_itself_is_in_time(acknowledged: datetime, breached: bool) -> None:
    history = ticket(london(2026, 11, 26, 9, 0), assign(acknowledged, "ops-1"))
    assert flow(history, london(2026, 11, 27, 0, 0)).acknowledge_breached is breached


@pytest.mark.parametrize(
    ("end", "breached"),
    [(london(2026, 11, 26, 11, 0), False), (london(2026, 11, 26, 11, 1), True)],
)
def test_unacknowledged_breaches_only_once_the_end_is_past_the_deadline(
    end: datetime, breached: bool
) -> None:
    assert flow(ticket(london(2026, 11, 26, 9, 0)), end).acknowledge_breached is breached


def test_march_clock_change_a_stay_has_its_true_length() -> None:
    """Raised Friday 27 March 17:00 GMT; clocks go forward on Sunday; started Monday 30 March 09:00 BST
    (08:00 UTC). That is 63 hours, not the 64 the wall clock shows."""
    history = ticket(london(2026, 3, 27, 17, 0), move(london(2026, 3, 30, 9, 0), TODO, PROGRESS))
    found = flow(history, london(2026, 3, 30, 10, 0))
    assert status_minutes(found) == {"To Do": spent(3780.0, 120.0), "In Progress": spent(60.0, 60.0)}
    assert found.acknowledge_deadline == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 BST
    assert found.acknowledge_breached is False
    assert found.to_json()["acknowledged"] == "2026-03-30T09:00:00+01:00"


def test_october_clock_change_a_stay_has_its_true_length() -> None:
    """Raised Friday 23 October 17:00 BST, started 17:30 BST; clocks go back on Sunday; done Monday 26
    October 09:00 GMT. In Progress lasted 64.5 hours (the wall clock shows 63.5): 30 minutes on Friday and
    Monday's first hour in support time."""
    history = ticket(
        london(2026, 10, 23, 17, 0),
        move(london(2026, 10, 23, 17, 30), TODO, PROGRESS),
        move(london(2026, 10, 26, 9, 0), PROGRESS, DONE),
    )
    found = flow(history, london(2026, 10, 26, 10, 0))
    document = found.to_json()
    assert document["time_in_status"]["In Progress"] == spent(3870.0, 90.0)
    assert document["time_to_resolution"] == spent(3900.0, 120.0)
    assert document["created"] == "2026-10-23T17:00:00+01:00"
    assert document["resolved"] == "2026-10-26T09:00:00+00:00"


def test_a_stay_through_the_night_the_clocks_go_back() -> None:
    # Saturday 24 October 23:00 BST → Sunday 03:00 GMT: five hours (the wall clock shows four), all closed.
    history = ticket(london(2026, 10, 24, 23, 0), move(london(2026, 10, 25, 3, 0), TODO, PROGRESS))
    found = status_minutes(flow(history, london(2026, 10, 25, 4, 0)))
    assert found == {"To Do": spent(300.0, 0.0), "In Progress": spent(60.0, 0.0)}


# -- reopened, Done to Done, zero-length stays ------------------------------------------------------


def test_a_reopened_ticket_counts_every_stay_and_resolves_at_its_last_done() -> None:
    """Thursday 26 November: To Do 09:00-09:30, In Progress -10:00, Done -11:00, reopened In Progress
    -12:00, Done again; the end is 13:00."""
    history = ticket(
        london(2026, 11, 26, 9, 0),
        move(london(2026, 11, 26, 9, 30), TODO, PROGRESS),
        move(london(2026, 11, 26, 10, 0), PROGRESS, DONE),
        move(london(2026, 11, 26, 11, 0), DONE, PROGRESS),
        move(london(2026, 11, 26, 12, 0), PROGRESS, DONE),
    )
    found = flow(history, london(2026, 11, 26, 13, 0))
    assert status_minutes(found) == {
        "To Do": spent(30.0, 30.0),
        "In Progress": spent(90.0, 90.0),  # 30 + 60
        "Done": spent(120.0, 120.0),  # 60 + 60 (to the end)
    }
    assert [(s.name, s.stays) for s in found.time_in_status] == [
        ("To Do", 1),
        ("In Progress", 2),
        ("Done", 2),
    ]
    assert found.resolved == london(2026, 11, 26, 12, 0)
    assert found.to_json()["time_to_resolution"] == spent(180.0, 180.0)


def test_reopened_and_not_done_again_is_not_resolved() -> None:
    history = ticket(
        london(2026, 11, 26, 9, 0),
        move(london(2026, 11, 26, 10, 0), TODO, DONE),
        move(london(2026, 11, 26, 11, 0), DONE, PROGRESS),
    )
    found = flow(history, london(2026, 11, 26, 12, 0))
    assert found.resolved is None and found.time_to_resolution is None


def test_moving_between_two_done_statuses_does_not_reopen() -> None:
    """Done at 10:00, Closed (also Done) at 12:00: resolved at 10:00."""
    history = ticket(
        london(2026, 11, 26, 9, 0),
        move(london(2026, 11, 26, 9, 30), TODO, PROGRESS),
        move(london(2026, 11, 26, 10, 0), PROGRESS, DONE),
        move(london(2026, 11, 26, 12, 0), DONE, CLOSED),
    )
    found = flow(history, london(2026, 11, 26, 13, 0))
    assert found.resolved == london(2026, 11, 26, 10, 0)
    assert status_minutes(found)["Closed"] == spent(60.0, 60.0)
    assert found.to_json()["time_in_category"]["Done"] == spent(180.0, 180.0)  # Done 120 + Closed 60


def test_stays_of_zero_length_count_zero() -> None:
    # An automation moves it through In Progress to Done in the same instant.
    at = london(2026, 11, 26, 10, 0)
    history = ticket(london(2026, 11, 26, 9, 0), move(at, TODO, PROGRESS), move(at, PROGRESS, DONE))
    found = flow(history, london(2026, 11, 26, 11, 0))
    assert status_minutes(found) == {
        "To Do": spent(60.0, 60.0),
        "In Progress": spent(0.0, 0.0),
        "Done": spent(60.0, 60.0),
    }
    assert found.resolved == at


def test_durations_round_to_a_tenth_of_a_minute() -> None:
    assert minutes(timedelta(seconds=63)) == 1.1  # 1.05: halves go up
    assert minutes(timedelta(seconds=62, microseconds=999_999)) == 1.0
    assert minutes(timedelta(seconds=2, microseconds=999_999)) == 0.0
    history = ticket(london(2026, 11, 26, 9, 0), move(london(2026, 11, 26, 9, 0, second=3), TODO, PROGRESS))
    assert status_minutes(flow(history, london(2026, 11, 26, 9, 0, second=3)))["To Do"] == spent(0.1, 0.1)


# -- acknowledgement --------------------------------------------------------------------------------


def test_only_the_teams_comments_acknowledge() -> None:
    """The requester comments at 09:10 (no), is unassigned-from at 09:20 (no), a team member comments at
    09:40 (yes), assigned at 10:00 (later)."""
    history = ticket(
        london(2026, 11, 26, 9, 0),
        assign(london(2026, 11, 26, 9, 20), None, old="someone"),
        assign(london(2026, 11, 26, 10, 0), "ops-1"),
        comments=(
            comment(london(2026, 11, 26, 9, 10), "customer-1"),
            comment(london(2026, 11, 26, 9, 40), "ops-2"),
        ),
    )
    found = flow(history, london(2026, 11, 26, 12, 0))
    assert found.acknowledged == london(2026, 11, 26, 9, 40)
    assert (found.acknowledged_how, found.acknowledged_by) == (EventKind.COMMENTED, "ops-2")


def test_a_comment_by_anyone_else_never_acknowledges() -> None:
    history = ticket(
        london(2026, 11, 26, 9, 0), comments=(comment(london(2026, 11, 26, 9, 10), "customer-1"),)
    )
    found = flow(history, london(2026, 11, 26, 12, 0))
    assert found.acknowledged is None and found.acknowledge_breached is True


def test_assignment_to_anyone_acknowledges_and_an_unassignment_does_not() -> None:
    unassigned = ticket(london(2026, 11, 26, 9, 0), assign(london(2026, 11, 26, 9, 5), None, old="x"))
    assert flow(unassigned, london(2026, 11, 26, 12, 0)).acknowledged is None
    to_a_stranger = ticket(london(2026, 11, 26, 9, 0), assign(london(2026, 11, 26, 9, 5), "stranger", by="x"))
    assert flow(to_a_stranger, london(2026, 11, 26, 12, 0)).acknowledged == london(2026, 11, 26, 9, 5)


def test_a_move_within_in_progress_is_not_a_move_out_of_to_do() -> None:
    # Raised straight into In Progress (an odd workflow), then moved to Waiting: neither leaves To Do.
    history = ticket(london(2026, 11, 26, 9, 0), move(london(2026, 11, 26, 9, 30), PROGRESS, WAITING))
    assert flow(history, london(2026, 11, 26, 12, 0)).acknowledged is None


# -- the end of the period --------------------------------------------------------------------------


def test_history_after_the_end_is_ignored() -> None:
    """At the end (Thursday 12:00) it is in To Do, unacknowledged and unresolved; what came after does not
    count, and the status held at the end counts up to the end."""
    history = ticket(
        london(2026, 11, 26, 9, 0),
        move(london(2026, 11, 26, 14, 0), TODO, PROGRESS),
        move(london(2026, 11, 26, 15, 0), PROGRESS, DONE),
        comments=(comment(london(2026, 11, 26, 13, 0), "ops-1"),),
    )
    found = flow(history, london(2026, 11, 26, 12, 0))
    assert (found.acknowledged, found.resolved, found.acknowledge_breached) == (None, None, True)
    assert status_minutes(found) == {"To Do": spent(180.0, 180.0)}
    assert found.history_complete is True


def test_a_change_exactly_at_the_end_is_after_it() -> None:
    # The period is [since, until): a move at the very end belongs to the next one.
    history = ticket(london(2026, 11, 26, 9, 0), move(london(2026, 11, 26, 10, 0), TODO, DONE))
    at_the_end = flow(history, london(2026, 11, 26, 10, 0))
    assert (at_the_end.acknowledged, at_the_end.resolved) == (None, None)
    assert status_minutes(at_the_end) == {"To Do": spent(60.0, 60.0)}


# -- missing history, renamed statuses, moved tickets -----------------------------------------------


def test_missing_history_assumes_the_status_now_from_creation_and_says_so() -> None:
    history = ticket(london(2026, 11, 26, 9, 0), status=PROGRESS, complete=False)
    found = flow(history, london(2026, 11, 26, 12, 0))
    assert status_minutes(found) == {"In Progress": spent(180.0, 180.0)}
    assert found.to_json()["history_complete"] is False


def test_truncated_history_assumes_the_first_known_status_from_creation() -> None:
    # Jira kept only the newest entry: Waiting → Done at 11:00; the move out of To Do was cut off.
    history = ticket(
        london(2026, 11, 26, 9, 0), move(london(2026, 11, 26, 11, 0), WAITING, DONE), complete=False
    )
    found = flow(history, london(2026, 11, 26, 12, 0))
    assert status_minutes(found) == {"Waiting for customer": spent(120.0, 120.0), "Done": spent(60.0, 60.0)}
    assert found.history_complete is False


@pytest.mark.parametrize(
    "history",
    [
        # A gap: the history reached In Progress, the next move starts from Waiting.
        ticket(
            london(2026, 11, 26, 9, 0),
            move(london(2026, 11, 26, 9, 30), TODO, PROGRESS),
            move(london(2026, 11, 26, 11, 0), WAITING, DONE),
        ),
        # The history ends in In Progress, Jira shows Done now.
        ticket(london(2026, 11, 26, 9, 0), move(london(2026, 11, 26, 9, 30), TODO, PROGRESS), status=DONE),
        # A move with no `from`.
        ticket(london(2026, 11, 26, 9, 0), move(london(2026, 11, 26, 9, 30), None, PROGRESS)),
    ],
)
def test_a_history_that_does_not_add_up_says_it_is_incomplete(history: TicketHistory) -> None:
    assert flow(history, london(2026, 11, 26, 12, 0)).history_complete is False


def test_a_renamed_status_is_one_status_under_its_latest_name() -> None:
    """Status 3 was "In Progress" until an admin renamed it "Doing"; the ticket went there twice."""
    doing = Status("3", "Doing", "indeterminate")
    history = ticket(
        london(2026, 11, 26, 9, 0),
        move(london(2026, 11, 26, 9, 30), TODO, PROGRESS),
        move(london(2026, 11, 26, 10, 0), PROGRESS, WAITING),
        move(london(2026, 11, 26, 11, 0), WAITING, doing),
        move(london(2026, 11, 26, 11, 30), doing, DONE),
    )
    found = flow(history, london(2026, 11, 26, 12, 0))
    assert status_minutes(found) == {
        "To Do": spent(30.0, 30.0),
        "Doing": spent(60.0, 60.0),  # 30 + 30, one status
        "Waiting for customer": spent(60.0, 60.0),
        "Done": spent(30.0, 30.0),
    }
    assert found.history_complete is True
    renamed = ticket_flow(history, london(2026, 11, 26, 12, 0), CAL, TEAM, names={"3": "Working on it"})
    assert status_minutes(renamed)["Working on it"] == spent(60.0, 60.0)


def test_a_ticket_moved_between_boards_counts_on_the_board_it_was_on_at_the_end() -> None:
    """Raised on 6DG Ops Monday 23 November, moved to AWS Ops (its component removed) Tuesday 24 at 10:00,
    done Wednesday 25 at 10:00. Its whole life counts, wherever it was."""
    history = ticket(
        london(2026, 11, 23, 9, 0),
        assign(london(2026, 11, 23, 9, 30), "ops-1"),
        HistoryEntry(london(2026, 11, 24, 10, 0), "ops-1", board=BoardItem("6DG Ops", "AWS Ops")),
        move(london(2026, 11, 25, 10, 0), TODO, DONE),
        key="LAA-7",
        board="AWS Ops",
    )
    before = flow(history, london(2026, 11, 24, 9, 0))
    after = flow(history, london(2026, 11, 26, 0, 0))
    assert (before.board, after.board) == ("6DG Ops", "AWS Ops")
    # Monday 09:00 → Wednesday 10:00 in To Do: 49 hours, 9 + 10 + 2 support hours.
    assert status_minutes(after)["To Do"] == spent(2940.0, 1260.0)
    # Listed under both boards (two caches, the 6DG one stale): it counts once, as last updated.
    period = Period(london(2026, 11, 23, 0, 0), london(2026, 11, 30, 0, 0))
    stale = ticket(
        london(2026, 11, 23, 9, 0), assign(london(2026, 11, 23, 9, 30), "ops-1"), key="LAA-7", board="6DG Ops"
    )
    flows = ticket_flows([stale, history], period, CAL, TEAM)
    assert [(f.key, f.board) for f in flows] == [("LAA-7", "AWS Ops")]
    figures = {b.board: b.total for b in board_figures(flows, period, LONDON, ("AWS Ops", "6DG Ops"))}
    assert (figures["AWS Ops"].raised, figures["AWS Ops"].resolved) == (1, 1)
    assert (figures["6DG Ops"].raised, figures["6DG Ops"].resolved) == (0, 0)


# -- the period -------------------------------------------------------------------------------------

PERIOD = Period(london(2026, 11, 16, 0, 0), london(2026, 11, 30, 0, 0))


@pytest.mark.parametrize(
    ("history", "inside"),
    [
        (ticket(london(2026, 11, 16, 0, 0)), True),  # created as it starts
        (ticket(london(2026, 11, 30, 0, 0)), False),  # created as it ends: the end is not in it
        (ticket(london(2026, 11, 2, 9, 0)), False),  # older, never updated
        (ticket(london(2026, 11, 2, 9, 0), move(london(2026, 11, 20, 9, 0), TODO, PROGRESS)), True),
        (ticket(london(2026, 11, 2, 9, 0), HistoryEntry(london(2026, 11, 20, 9, 0), "x")), True),  # any field
        (
            ticket(london(2026, 11, 2, 9, 0), comments=(comment(london(2026, 11, 20, 9, 0), "customer-1"),)),
            True,
        ),
        (ticket(london(2026, 11, 2, 9, 0), move(london(2026, 12, 1, 9, 0), TODO, PROGRESS)), False),
    ],
)
def test_in_the_period_means_created_or_updated_in_it(history: TicketHistory, inside: bool) -> None:
    assert in_period(history, PERIOD) is inside


def test_report_period_ends_at_the_end_of_the_day_in_the_support_zone() -> None:
    now = MORNING
    summer = report_period(timedelta(days=30), date(2026, 7, 15), now, LONDON)
    assert summer.until == datetime(2026, 7, 15, 23, 0, tzinfo=UTC)  # midnight BST
    assert summer.since == summer.until - timedelta(days=30)
    assert report_period(timedelta(days=7), None, now, LONDON) == Period(now - timedelta(days=7), now)
    given = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert report_period(timedelta(days=7), given, now, LONDON).until == given
    assert report_period(timedelta(days=7), datetime(2026, 7, 1, 12, 0), now, LONDON).until == london(
        2026, 7, 1, 12, 0
    )


# -- per board and per week -------------------------------------------------------------------------


def _week_of_tickets() -> list[TicketHistory]:
    """AWS Ops, week 48 (Monday 23 November): three tickets raised, acknowledged after 10, 30 and 150
    support minutes (the last one late), two of them done. 6DG Ops: one ticket raised in week 47."""
    monday = london(2026, 11, 23, 9, 0)
    return [
        ticket(
            monday,
            assign(monday + timedelta(minutes=10), "ops-1"),
            move(monday + timedelta(minutes=40), TODO, PROGRESS),
            move(monday + timedelta(minutes=100), PROGRESS, DONE),
            key="LAA-1",
        ),
        ticket(
            monday,
            move(monday + timedelta(minutes=30), TODO, PROGRESS),
            move(monday + timedelta(minutes=330), PROGRESS, DONE),
            key="LAA-2",
        ),
        ticket(monday, assign(monday + timedelta(minutes=150), "ops-2"), key="LAA-3"),
        ticket(
            london(2026, 11, 17, 9, 0),
            move(london(2026, 11, 17, 10, 0), TODO, PROGRESS),
            key="LAA-4",
            board="6DG Ops",
        ),
    ]


def test_figures_per_board_and_per_iso_week() -> None:
    period = Period(london(2026, 11, 16, 0, 0), london(2026, 11, 30, 0, 0))
    flows = ticket_flows(_week_of_tickets(), period, CAL, TEAM)
    found = boards_json(board_figures(flows, period, LONDON, ("AWS Ops", "6DG Ops")))
    assert list(found) == ["AWS Ops", "6DG Ops"]
    aws = found["AWS Ops"]
    assert list(aws["weeks"]) == ["2026-W47", "2026-W48"]
    assert aws["weeks"]["2026-W47"]["raised"] == 0
    assert aws["weeks"]["2026-W47"]["time_to_acknowledge"] == {
        "count": 0,
        "median": None,
        "p90": None,
        "mean": None,
    }
    week = aws["weeks"]["2026-W48"]
    assert week == aws["total"]
    assert (week["raised"], week["resolved"]) == (3, 2)
    assert week["time_to_acknowledge"] == {
        "count": 3,
        "median": spent(30.0, 30.0),
        "p90": spent(150.0, 150.0),  # nearest rank: the 3rd of 3
        "mean": spent(63.3, 63.3),  # 190 / 3
    }
    assert week["time_to_resolution"] == {
        "count": 2,
        "median": spent(215.0, 215.0),  # (100 + 330) / 2
        "p90": spent(330.0, 330.0),
        "mean": spent(215.0, 215.0),
    }
    assert week["time_in_category"]["To Do"]["median"] == spent(35.0, 35.0)  # 40 and 30
    assert week["time_in_category"]["In Progress"]["mean"] == spent(180.0, 180.0)  # 60 and 300
    assert week["acknowledge_breaches"] == {"count": 1, "rate": 0.333}
    dg = found["6DG Ops"]
    assert dg["weeks"]["2026-W47"]["raised"] == 1 and dg["weeks"]["2026-W48"]["raised"] == 0
    assert dg["total"]["acknowledge_breaches"] == {"count": 0, "rate": 0.0}
    assert dg["total"]["resolved"] == 0 and dg["total"]["time_to_resolution"]["median"] is None


def test_a_ticket_raised_before_the_period_counts_where_it_resolved() -> None:
    # Raised in week 46 (before the period), done in week 47: resolved in the period, not raised in it.
    period = Period(london(2026, 11, 16, 0, 0), london(2026, 11, 30, 0, 0))
    old = ticket(london(2026, 11, 13, 9, 0), move(london(2026, 11, 17, 9, 0), TODO, DONE))
    total = board_figures(ticket_flows([old], period, CAL, TEAM), period, LONDON)[0].total
    assert (total.raised, total.resolved, total.time_to_acknowledge.count) == (0, 1, 0)


def test_weeks_are_the_iso_weeks_the_period_touches_in_the_support_zone() -> None:
    # 30 days to the end of Sunday 29 November (BST ended in October): weeks 44 to 48.
    period = report_period(timedelta(days=30), date(2026, 11, 29), london(2026, 12, 5, 0, 0), LONDON)
    assert period_weeks(period, LONDON) == ("2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48")
    # ISO years: Monday 28 December 2026 is in 2026-W53; Friday 1 January 2027 too.
    new_year = Period(london(2026, 12, 28, 0, 0), london(2027, 1, 5, 0, 0))
    assert period_weeks(new_year, LONDON) == ("2026-W53", "2027-W01")


def test_statistics_of_no_durations_are_null() -> None:
    assert stats([]).to_json() == {"count": 0, "median": None, "p90": None, "mean": None}


def test_four_weeks_back_across_a_clock_change_start_at_the_same_time_of_day() -> None:
    """`--since 4w --until 2026-04-05`: 28 calendar days on London's clock (one of them 23 hours long), so
    the period starts at midnight on Monday 9 March, not at 23:00 on Sunday 8 March with a stray week."""
    period = report_period(timedelta(weeks=4), date(2026, 4, 5), london(2026, 4, 10, 9, 0), LONDON)
    assert period.since == london(2026, 3, 9, 0, 0) and period.until == london(2026, 4, 6, 0, 0)


def test_a_period_ending_after_now_counts_only_what_has_happened() -> None:
    """`--until today` ends at midnight tonight: a ticket raised at 09:30 and seen at 10:00 has waited 30
    minutes, and is not yet late for its 11:30 deadline."""
    created, now = london(2026, 11, 26, 9, 30), london(2026, 11, 26, 10, 0)
    period = report_period(timedelta(days=7), date(2026, 11, 26), now, LONDON)
    [found] = ticket_flows([ticket(created)], period, CAL, TEAM, as_at=min(period.until, now))
    assert not found.acknowledge_breached
    assert found.time_in_category.todo.elapsed == timedelta(minutes=30)
