"""The attention list made from `WaitingTickets` (only the changed tickets, and the deadlines the clock
came near, worked out again) is the list made from scratch, whatever the changes and however the clock
moves; and the attention desk announces the same things, the same number of times."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from duty_tui.desks.attention import COVER, DAY, AttentionDesk
from duty_tui.rules.attention import (
    Attention,
    Engineer,
    ListMemo,
    RequestFact,
    Situation,
    TicketFact,
    UpdateDue,
    WaitingTickets,
    needs_attention,
)
from duty_tui.rules.calendar import SupportCalendar, holiday_lookup

LONDON = ZoneInfo("Europe/London")
CAL = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))
START = datetime(2026, 11, 26, 16, 40, tzinfo=LONDON)  # Thursday afternoon: a closing, a weekend
ME = Engineer(jira_id="acc-me", jira_name="Priya Shah", slack_id="UME")
KEYS = [f"LAA-{n}" for n in range(40)]


class FakeUI:
    def __init__(self) -> None:
        self.bells = 0
        self.toasts: list[str] = []

    def bell(self) -> None:
        self.bells += 1

    def notify(self, message: str, **_options: Any) -> None:
        self.toasts.append(message)


def random_fact(rng: random.Random, key: str, now: datetime) -> TicketFact:
    # Deadlines around now and up to three days on, often on the same minute (ties order by key).
    minutes = rng.choice([rng.randint(-120, 4 * 24 * 60), rng.randint(-5, 40), 30])
    deadline = now.replace(second=0, microsecond=0) + timedelta(minutes=minutes)
    return TicketFact(
        key,
        f"summary {rng.randint(0, 3)}",
        None if rng.random() < 0.1 else deadline,
        assignee_id="acc-x" if rng.random() < 0.1 else None,
        reporter=rng.choice(["Lucy Jones", "Priya Shah"]),
        acting=rng.random() < 0.1,
    )


def step_requests(rng: random.Random, requests: list[RequestFact], now: datetime) -> list[RequestFact]:
    """Mostly the same list (as the gatherer hands it while the channel is unchanged); now and then a new
    one, keeping the facts of the messages that did not change, with some answered and some new (a few
    the engineer's own, a few sent "later" than now by a skewed clock)."""
    if rng.random() < 0.6:
        return requests
    kept = [r for r in requests if rng.random() > 0.2]
    for _ in range(rng.choice([0, 1, 3])):
        ago = rng.choice([rng.randint(-30, 120), rng.randint(0, 3 * 86400), rng.randint(0, 30 * 86400)])
        sent = now - timedelta(seconds=ago)  # from "now" to weeks old, at times ahead of the clock
        ts = f"{rng.randint(0, 10**9)}.{len(kept)}"
        kept.append(RequestFact(ts, rng.choice(["UME", "U1", "U2"]), "Lucy", f"help {ts}", sent))
    return kept


def step_clock(rng: random.Random, now: datetime) -> datetime:
    return now + rng.choice(
        [
            -timedelta(minutes=rng.randint(1, 90)) if rng.random() < 0.1 else timedelta(0),  # set back
            timedelta(seconds=rng.randint(1, 59)),
            timedelta(minutes=rng.randint(1, 20)),
            timedelta(minutes=rng.randint(20, 600)),
        ]
    )


def ordered(attention: Attention) -> list[tuple[object, ...]]:
    return [(i.key, i.kind, i.said, i.at, i.own) for i in attention.items]


@pytest.mark.parametrize("seed", range(12))
def test_the_kept_list_is_the_list_made_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    now, me = START, ME
    facts: dict[str, TicketFact] = {}
    waiting = WaitingTickets(facts)
    memo = ListMemo()
    before: set[str] | None = None
    requests: list[RequestFact] = []
    reused = 0  # calls handed the very tickets of the call before (a request or the time changed)
    for _ in range(120):
        previous, previous_now, previous_me, tickets_memo = waiting, now, me, memo.tickets
        requests = step_requests(rng, requests, now)
        changed = set()
        for key in rng.sample(KEYS, rng.choice([0, 1, 3, 10])):
            changed.add(key)
            if key in facts and rng.random() < 0.3:
                del facts[key]
            else:
                facts[key] = random_fact(rng, key, now)
        now = step_clock(rng, now)
        if rng.random() < 0.03:
            me = Engineer() if me == ME else ME  # who "own" means changes: made again from scratch
        follows = None if rng.random() < 0.05 else waiting  # a gatherer that lost track: from scratch
        waiting = WaitingTickets(facts, changed, follows) if changed or follows is None else waiting
        updates = [UpdateDue("INC-1", "CCMS down", now)] if rng.random() < 0.3 else []
        situation = Situation(
            now,
            me,
            tickets=waiting,
            requests=requests,
            updates_due=updates,
            uncovered=rng.choice([None, "gap"]),
        )
        kept = needs_attention(situation, CAL, memo)
        if waiting is previous and me == previous_me and now >= previous_now and tickets_memo is not None:
            reused += 1
            assert memo.tickets is tickets_memo  # kept, not made again from all the tickets
        scratch = needs_attention(replace(situation, tickets=list(facts.values())), CAL)
        assert ordered(kept) == ordered(scratch)
        assert sorted(i.key for i in kept.listed) == sorted(i.key for i in scratch.listed)
        assert kept.summary() == scratch.summary()
        listed = {item.key for item in scratch.listed}
        if kept.added is not None:
            assert before is not None
            assert {item.key for item in kept.added} == listed - before
            assert kept.removed == before - listed
        before = listed
    assert reused > 5


@pytest.mark.parametrize("seed", range(8))
def test_the_desk_announces_the_same_from_kept_lists_as_from_scratch(seed: int) -> None:
    rng = random.Random(1000 + seed)
    now = START
    facts: dict[str, TicketFact] = {}
    waiting = WaitingTickets(facts)
    as_list: list[TicketFact] = []  # the same list while nothing changed, as the gatherer hands it
    requests: list[RequestFact] = []
    desks = []
    for _ in range(2):
        ui = FakeUI()
        desk = AttentionDesk(ui, CAL)
        desk.settle(DAY)
        desks.append((desk, ui))
    for step in range(150):
        if step == 5:
            for desk, _ui in desks:  # what was there before Jira answered is backlog
                desk.settle("jira")
                desk.settle("slack")
                desk.settle(COVER)
        changed = set()
        for key in rng.sample(KEYS, rng.choice([0, 0, 1, 2, 6])):
            changed.add(key)
            if key in facts and rng.random() < 0.4:
                del facts[key]
            else:
                facts[key] = random_fact(rng, key, now)
        now = step_clock(rng, now)
        if changed:
            waiting = WaitingTickets(facts, changed, waiting)
            as_list = list(facts.values())
        requests = step_requests(rng, requests, now)
        situation = Situation(
            now, ME, tickets=waiting, requests=requests, uncovered=rng.choice([None, None, "gap"])
        )
        kept = desks[0][0].update(situation)
        scratch = desks[1][0].update(replace(situation, tickets=as_list))
        assert kept == scratch
        assert desks[0][0].announced == desks[1][0].announced
        assert desks[0][0].rang == desks[1][0].rang
        assert desks[0][1].bells == desks[1][1].bells
