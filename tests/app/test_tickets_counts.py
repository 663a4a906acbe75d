"""The tickets title's counts are kept as rows change rather than recounted over every row: after any
series of updates they must say what a full recount over the rows says, at any time of day or week."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.rules.sla import HALF_HOUR
from duty_tui.widgets.tickets import Counts, Tally, TicketsPane

LONDON = ZoneInfo("Europe/London")
CAL = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))
BOARDS = {"AWS Ops": "AWS", "6DG Ops": "6DG"}
ME = "me-1"
# Thursday before Christmas 2026, 10:00 in London: the moments after it cross evenings, weekends and the
# Christmas bank holidays. The test runs again from a March afternoon, across the clocks going forward.
START = datetime(2026, 12, 17, 10, 0, tzinfo=UTC)


def recount(tally: dict[str, Tally], now: datetime) -> Counts:
    """Every row, the slow and obvious way."""
    per_board: dict[str, int] = {}
    breached = soon = mine = 0
    for boards, assignee_id, deadline in tally.values():
        if assignee_id is not None:
            mine += assignee_id == ME
            continue
        for board in boards:
            per_board[BOARDS.get(board, board)] = per_board.get(BOARDS.get(board, board), 0) + 1
        if deadline is None:
            continue
        if deadline <= now:
            breached += 1
        elif CAL.working_time_between(now, deadline) < HALF_HOUR:
            soon += 1
    return Counts(per_board, breached, soon, mine)


def random_tally(rng: random.Random, around: datetime) -> Tally:
    boards = rng.choice([("AWS Ops",), ("6DG Ops",), ("AWS Ops", "6DG Ops")])
    if rng.random() < 0.3:
        return Tally(boards, rng.choice([ME, "someone", "else"]), None)
    if rng.random() < 0.2:
        return Tally(boards, None, None)  # acknowledged: no deadline
    minutes = rng.choice([rng.randrange(-3000, 6000), rng.randrange(-40, 40), 0, 30])
    return Tally(boards, None, around + timedelta(minutes=minutes))


def test_counts_kept_as_rows_change_agree_with_a_full_recount() -> None:
    rng = random.Random(7)
    for start in (START, datetime(2027, 3, 25, 16, 0, tzinfo=UTC)):
        now = start
        pane = TicketsPane(BOARDS, lambda: START, CAL, me=lambda: ME)  # the counts get `now` below
        tally = {f"LAA-{n}": random_tally(rng, now) for n in range(300)}
        pane.tally = tally
        for step in range(400):
            for key in rng.sample(sorted(tally), rng.randrange(1, 6)):
                if rng.random() < 0.15:
                    del tally[key]
                    pane._set_tally(key, None)
                else:
                    tally[key] = random_tally(rng, now)
                    pane._set_tally(key, tally[key])
            if rng.random() < 0.1:
                new = f"NEW-{step}"
                tally[new] = random_tally(rng, now)
                pane._set_tally(new, tally[new])
            now += timedelta(minutes=rng.choice([1, 7, 29, 30, 31, 180, 600]))
            assert pane._count(now) == recount(tally, now), (step, now)
        assert dict(pane.tally) == tally


def test_the_boards_waiting_unacknowledged_follow_the_rows() -> None:
    now = START
    pane = TicketsPane(BOARDS, lambda: now, CAL)
    pane.tally = {"A": Tally(("AWS Ops",), None, now), "B": Tally(("6DG Ops",), None, None)}
    assert pane.unacknowledged_boards() == {"AWS Ops"}
    pane._set_tally("B", Tally(("6DG Ops", "AWS Ops"), None, now))
    assert pane.unacknowledged_boards() == {"AWS Ops", "6DG Ops"}
    pane._set_tally("A", None)
    pane._set_tally("B", Tally(("6DG Ops",), "someone", None))
    assert pane.unacknowledged_boards() == set()
