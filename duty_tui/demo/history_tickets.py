"""The demo's past tickets on both boards: a plan for each (created, assigned, In Progress, Done, comments, at
times in support hours mostly), made in the Jira simulator through its own methods with explicit times, and
kept once per process so the next world on the same clock gets a copy instead (every Pilot test builds one).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from duty_sim.jira.model import ChangeItem, Comment, History, Issue
from duty_sim.jira.service import JiraSim
from duty_sim.jira.world import JiraWorld
from duty_tui.demo.history_data import (
    AWS_PAST,
    HOLIDAY_NOTES,
    HOLIDAY_TICKET,
    MOVED_NOTE,
    MOVED_TICKET,
    REOPEN_NOTES,
    REQUESTER_CHASES,
    REQUESTER_OF,
    REQUESTER_REPLIES,
    SIXDG_PAST,
    STRAIGHT_DONE,
    TEAM_ACKS,
    TEAM_DONE,
    TEAM_PROGRESS,
    TEAM_QUESTIONS,
    WEEKEND_NOTES,
    WEEKEND_TICKET,
    PastTicket,
)
from duty_tui.demo.history_model import (
    CALENDAR,
    HISTORY_DAYS,
    OLDER_DAYS,
    OPEN_DAYS,
    DemoHistory,
    HistoryTicket,
    after,
    support_day_back,
)
from duty_tui.demo.scenario import COMPONENT, Cast
from duty_tui.demo.scenario_data import DUTY_ENGINEER

_LATEST = timedelta(minutes=2)  # nothing in the past is later than this before now
# Who works which board: AWS Ops engineers, and the LAA 6DG Ops engineers (a DBA among them).
ENGINEERS = {"aws": ("priya", "tom", "grace", "sam"), "6dg": ("aisha", "ewan", "grace")}
PROJECT_OF = {"aws": "LAA", "6dg": "LM"}
_LABELS = {"PROD": "prod", "Pre-Prod": "preprod", "Stage": "stage", "UAT": "uat", "Dev/Test": "dev"}


def add_tickets(jira: JiraSim, cast: Cast, now: datetime, history: DemoHistory) -> None:
    """The past tickets, into `jira` (after the scenario's) and `history`."""
    world = jira.world
    with world.lock:
        before = _JiraPast.fingerprint(world, now)
        past = _PAST.get(before)
        if past is None:  # the first world of this moment in this process: made step by step
            known = set(world.issues)
            today = CALENDAR.local_date(now).isoformat()
            plans = _ticket_plans(random.Random(f"duty-tui demo history {today}"), now, history)
            _create_tickets(jira, cast, plans, now, history)
            _remember(before, _JiraPast.capture(world, known, history))
        else:  # the same world before it and the same moment: the same past, copied in
            past.restore(world, history)


# -- the fast path: every Pilot test builds a demo world on the same clock -------------------------


@dataclass(frozen=True, slots=True)
class _JiraPast:
    """The past's tickets as the simulator stores them, to copy into the next world that is the same before
    them (the same moment, the same counters, users and components): its issues (immutable), their
    versions, comments (copied: a comment can be edited) and histories, and the counters after them."""

    issues: tuple[Issue, ...]
    versions: dict[str, tuple[tuple[datetime, Issue], ...]]
    comments: dict[str, tuple[Comment, ...]]
    histories: dict[str, tuple[History, ...]]
    counters: dict[str, int]
    numbers: dict[str, int]
    tickets: tuple[HistoryTicket, ...]
    bank_holiday: tuple[date, str] | None

    @staticmethod
    def fingerprint(world: JiraWorld, now: datetime) -> tuple[Any, ...]:
        return (
            now,
            tuple(world._counters.items()),
            tuple(world._issue_numbers.items()),
            tuple(world.users),
            tuple((c.id, c.name, c.project_key) for c in world.components.values()),
            tuple((issue.id, issue.key) for issue in world.issues.values()),
        )

    @classmethod
    def capture(cls, world: JiraWorld, known: set[str], history: DemoHistory) -> _JiraPast:
        new = [issue_id for issue_id in world.issues if issue_id not in known]
        return cls(
            issues=tuple(world.issues[i] for i in new),
            versions={i: tuple(world.versions[i]) for i in new},
            comments={i: tuple(copy.copy(c) for c in world.comment_list[i]) for i in new},
            histories={i: tuple(world.histories[i]) for i in new},
            counters=dict(world._counters),
            numbers=dict(world._issue_numbers),
            tickets=tuple(history.tickets),
            bank_holiday=history.bank_holiday,
        )

    def restore(self, world: JiraWorld, history: DemoHistory) -> None:
        for issue in self.issues:
            world.issues[issue.id] = issue
            world.versions[issue.id] = list(self.versions[issue.id])
            world.comment_list[issue.id] = [copy.copy(c) for c in self.comments[issue.id]]
            world.histories[issue.id] = list(self.histories[issue.id])
        world._counters.update(self.counters)
        world._issue_numbers.update(self.numbers)
        history.tickets = list(self.tickets)
        history.bank_holiday = self.bank_holiday


_PAST: dict[tuple[Any, ...], _JiraPast] = {}
_PAST_KEPT = 4  # moments remembered (tests use a few fixed clocks)


def forget_past() -> None:
    """Build the next world's past step by step again (tests compare the two ways)."""
    _PAST.clear()


def _remember(key: tuple[Any, ...], past: _JiraPast) -> None:
    _PAST[key] = past
    while len(_PAST) > _PAST_KEPT:
        del _PAST[next(iter(_PAST))]


# -- tickets: a plan each, then made in the simulator ---------------------------------------------


@dataclass(slots=True)
class _Plan:
    board: str
    summary: str
    priority: str
    reporter: str
    created: datetime
    kind: str
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] | None = None  # None: the board's usual (6DG: laa-6dg-support)
    steps: list[tuple[datetime, str, tuple[str, ...]]] = field(default_factory=list)

    def add(self, at: datetime, action: str, *args: str) -> datetime:
        self.steps.append((at, action, args))
        return at


class _Catalogue:
    """The past tickets' summaries, each used once, in an order drawn from the day's generator."""

    def __init__(self, rng: random.Random) -> None:
        self.left = {
            board: _expand(templates, rng) for board, templates in (("aws", AWS_PAST), ("6dg", SIXDG_PAST))
        }

    def take(self, board: str) -> tuple[str, str, str, tuple[str, ...]]:
        left = self.left[board]
        if not left:  # more past tickets than kinds of summary: start again (it does not happen today)
            left.extend(_expand(AWS_PAST if board == "aws" else SIXDG_PAST, random.Random(len(left))))
        return left.pop()


def _expand(
    templates: Sequence[PastTicket], rng: random.Random
) -> list[tuple[str, str, str, tuple[str, ...]]]:
    found = []
    for template in templates:
        for service in template.services:
            for env in template.envs:
                summary = template.summary.format(service=service, env=env)
                reporter = template.reporter or REQUESTER_OF[service]
                labels = tuple(label for label in (_LABELS.get(env), service.lower().split("-")[0]) if label)
                found.append((summary, template.priority, reporter, labels))
    rng.shuffle(found)
    return found


def _ticket_plans(rng: random.Random, now: datetime, history: DemoHistory) -> list[_Plan]:
    today = CALENDAR.local_date(now)
    catalogue = _Catalogue(rng)
    recent_open = support_day_back(today, 1)
    for _ in range(OPEN_DAYS - 1):
        recent_open = support_day_back(recent_open, 1)
    plans: list[_Plan] = []
    counter = 0
    for back in range(OLDER_DAYS, 0, -1):
        day = today - timedelta(days=back)
        recent = back <= HISTORY_DAYS
        if CALENDAR.is_working_day(day):
            count = rng.choice((2, 3, 3, 4) if recent else (0, 0, 0, 1))
        else:
            count = 1 if recent and rng.random() < 0.2 else 0
        for _ in range(count):
            board = "aws" if rng.random() < 0.55 else "6dg"
            summary, priority, reporter, labels = catalogue.take(board)
            created = _created_on(rng, day)
            if not CALENDAR.is_working_day(day):
                kind = "weekend raised"
            elif recent:
                kind = _recent_kind(counter, day >= recent_open, rng)
                counter += 1
            else:
                kind = rng.choices(("resolved", "late", "straight", "reopened"), (70, 12, 10, 8))[0]
            plan = _Plan(board, summary, priority, reporter, created, kind, labels)
            _story(plan, rng)
            plans.append(plan)
    plans.append(_weekend_plan(rng, today))
    holiday = _holiday_plan(rng, now, history)
    if holiday is not None:
        plans.append(holiday)
    plans.append(_moved_plan(rng, today))
    return sorted(plans, key=lambda plan: plan.created)


def _recent_kind(counter: int, may_be_open: bool, rng: random.Random) -> str:
    """Fixed shares in the last 30 days (so every kind is there, whatever the day's draw)."""
    if may_be_open and rng.random() < 0.5:
        return "open"
    if counter % 12 == 5:
        return "reopened"
    if counter % 10 == 3:
        return "straight"
    if counter % 8 == 1:
        return "late"
    return "resolved"


def _created_on(rng: random.Random, day: date) -> datetime:
    """Mostly in support hours; now and then just before or after them."""
    roll = rng.random()
    if roll < 0.05:
        local = time(7, rng.randint(10, 55))
    elif roll < 0.1:
        local = time(18, rng.randint(5, 59))
    else:
        minute = rng.randint(8 * 60 + 5, 17 * 60 + 40)
        local = time(minute // 60, minute % 60)
    return CALENDAR.moment(day, local)


def _story(plan: _Plan, rng: random.Random) -> None:
    """The ticket's life after it was raised, by its kind."""
    engineer = rng.choice(ENGINEERS[plan.board])
    if plan.kind == "straight":  # resolved by moving it straight to Done: no one assigned
        done = plan.add(after(plan.created, rng.randint(10, 200)), "status", "Done", engineer)
        plan.add(done + timedelta(minutes=1), "comment", engineer, rng.choice(STRAIGHT_DONE))
        return
    if plan.kind == "open":  # still in progress with a colleague (never the duty engineer: not "mine")
        engineer = rng.choice([h for h in ENGINEERS[plan.board] if h != DUTY_ENGINEER.handle])
    if plan.kind == "late":  # the first answer came after the 2 support hours, and after a chase
        plan.add(after(plan.created, 125), "comment", plan.reporter, rng.choice(REQUESTER_CHASES))
        first = plan.add(
            after(plan.created, rng.randint(135, 420)), "comment", engineer, rng.choice(TEAM_ACKS)
        )
        taken = plan.add(first + timedelta(minutes=rng.randint(5, 40)), "assign", engineer)
    else:
        taken = plan.add(after(plan.created, rng.randint(4, 100)), "assign", engineer)
        if rng.random() < 0.6:
            plan.add(taken + timedelta(minutes=1), "comment", engineer, rng.choice(TEAM_ACKS))
    working = plan.add(taken + timedelta(minutes=rng.randint(2, 15)), "status", "In Progress", engineer)
    if rng.random() < 0.3:  # a question to the requester, and the answer
        asked = plan.add(after(working, rng.randint(20, 90)), "comment", engineer, rng.choice(TEAM_QUESTIONS))
        plan.add(asked + timedelta(minutes=1), "status", "Waiting for Customer", engineer)
        answered = plan.add(
            after(asked, rng.randint(15, 240)), "comment", plan.reporter, rng.choice(REQUESTER_REPLIES)
        )
        working = plan.add(
            answered + timedelta(minutes=rng.randint(3, 20)), "status", "In Progress", engineer
        )
    elif rng.random() < 0.4:
        working = plan.add(
            after(working, rng.randint(20, 200)), "comment", engineer, rng.choice(TEAM_PROGRESS)
        )
    if plan.kind == "open":
        return
    done = _finish(plan, engineer, after(working, rng.randint(30, 1500)), rng)
    if plan.kind == "reopened":  # back in progress after the requester saw it fail again, then done again
        again = plan.add(
            after(done, rng.randint(60, 900)), "comment", plan.reporter, rng.choice(REOPEN_NOTES)
        )
        working = plan.add(after(again, rng.randint(10, 60)), "status", "In Progress", engineer)
        _finish(plan, engineer, after(working, rng.randint(60, 600)), rng)


def _finish(plan: _Plan, engineer: str, at: datetime, rng: random.Random) -> datetime:
    if rng.random() < 0.7:
        plan.add(at - timedelta(minutes=1), "comment", engineer, rng.choice(TEAM_DONE))
    plan.add(at, "status", "Done", engineer)
    if rng.random() < 0.4:
        plan.add(after(at, rng.randint(5, 90)), "comment", plan.reporter, rng.choice(REQUESTER_REPLIES))
    return at


def _weekend_plan(rng: random.Random, today: date) -> _Plan:
    """Waiting for the requester from Friday afternoon to Monday morning (the latest such weekend that is
    over), with the requester's note on the Saturday."""
    friday = today - timedelta(days=4)
    while friday.weekday() != 4 or not CALENDAR.is_working_day(friday):
        friday -= timedelta(days=1)
    monday = CALENDAR.next_working_day(friday)
    summary, priority, reporter, labels = WEEKEND_TICKET
    plan = _Plan("aws", summary, priority, reporter, CALENDAR.moment(friday, time(15, 38)), "weekend", labels)
    plan.add(CALENDAR.moment(friday, time(15, 52)), "assign", "sam")
    plan.add(CALENDAR.moment(friday, time(16, 5)), "status", "In Progress", "sam")
    plan.add(CALENDAR.moment(friday, time(17, 21)), "comment", "sam", WEEKEND_NOTES[0])
    plan.add(CALENDAR.moment(friday, time(17, 22)), "status", "Waiting for Customer", "sam")
    plan.add(CALENDAR.moment(friday + timedelta(days=1), time(10, 47)), "comment", reporter, WEEKEND_NOTES[1])
    plan.add(CALENDAR.moment(monday, time(8, 41)), "status", "In Progress", "sam")
    _finish(plan, "sam", CALENDAR.moment(monday, time(11, 26)), rng)
    return plan


def most_recent_bank_holiday(now: datetime) -> tuple[date, str] | None:
    """The latest England and Wales bank holiday before today (the support calendar's)."""
    day = CALENDAR.local_date(now) - timedelta(days=1)
    for _ in range(400):
        name = CALENDAR.holiday(day)
        if name is not None:
            return day, name
        day -= timedelta(days=1)
    return None


def _holiday_plan(rng: random.Random, now: datetime, history: DemoHistory) -> _Plan | None:
    """A 6DG ticket waiting on 6DG over the most recent bank holiday (and its weekend), done on the next
    support day; with the requester's note inside the last 30 days, so it is in the default period."""
    found = most_recent_bank_holiday(now)
    if found is None:
        return None
    history.bank_holiday = found
    holiday = found[0]
    before = holiday - timedelta(days=1)
    while not CALENDAR.is_working_day(before):
        before -= timedelta(days=1)
    after = CALENDAR.next_working_day(holiday)
    summary, priority, reporter, labels = HOLIDAY_TICKET
    plan = _Plan(
        "6dg", summary, priority, reporter, CALENDAR.moment(before, time(14, 6)), "bank holiday", labels
    )
    plan.add(CALENDAR.moment(before, time(14, 24)), "assign", "ewan")
    plan.add(CALENDAR.moment(before, time(14, 31)), "status", "In Progress", "ewan")
    plan.add(CALENDAR.moment(before, time(16, 44)), "comment", "ewan", HOLIDAY_NOTES[0])
    plan.add(CALENDAR.moment(before, time(16, 45)), "status", "Waiting for Customer", "ewan")
    plan.add(CALENDAR.moment(holiday, time(10, 12)), "comment", reporter, HOLIDAY_NOTES[1])
    plan.add(CALENDAR.moment(after, time(9, 7)), "status", "In Progress", "ewan")
    done = _finish(plan, "ewan", CALENDAR.moment(after, time(11, 40)), rng)
    today = CALENDAR.local_date(now)
    noted = CALENDAR.moment(support_day_back(today, rng.randint(6, 20)), time(10, rng.randint(0, 59)))
    plan.add(max(noted, done + timedelta(hours=1)), "comment", reporter, HOLIDAY_NOTES[2])
    return plan


def _moved_plan(rng: random.Random, today: date) -> _Plan:
    """Raised in the 6DG project without the laa-6dg-support component (on no board), then given it: it
    moves onto the 6DG Ops board."""
    day = support_day_back(today, 14)
    summary, priority, reporter, labels = MOVED_TICKET
    created = CALENDAR.moment(day, time(11, 18))
    plan = _Plan("6dg", summary, priority, reporter, created, "moved", labels, components=())
    triaged = plan.add(CALENDAR.moment(day, time(11, 52)), "component", COMPONENT, "ewan")
    plan.add(triaged + timedelta(minutes=1), "comment", "ewan", MOVED_NOTE)
    plan.add(triaged + timedelta(minutes=4), "assign", "aisha")
    working = plan.add(triaged + timedelta(minutes=9), "status", "In Progress", "aisha")
    _finish(plan, "aisha", after(working, rng.randint(120, 400)), rng)
    return plan


def _create_tickets(
    jira: JiraSim, cast: Cast, plans: list[_Plan], now: datetime, history: DemoHistory
) -> None:
    world = jira.world
    latest = now - _LATEST
    for plan in plans:
        steps = sorted((step for step in plan.steps if step[0] <= latest), key=lambda step: step[0])
        if not _kept_off_the_list(plan, steps):
            continue
        project = PROJECT_OF[plan.board]
        components = (
            plan.components if plan.components is not None else ((COMPONENT,) if plan.board == "6dg" else ())
        )
        key = world.create_issue(
            project,
            plan.summary,
            priority=plan.priority,
            reporter=cast.jira[plan.reporter],
            created=plan.created,
            components=list(components),
            labels=list(plan.labels),
        )
        issue = world.find_issue(key)
        assert issue is not None
        ref = issue.id  # by id: a dictionary look-up, where a key is a search
        resolved: datetime | None = None
        for at, action, args in steps:
            if action == "assign":
                world.assign(ref, cast.jira[args[0]], by=cast.jira[args[0]], at=at)
            elif action == "status":
                world.transition_to(ref, args[0], by=cast.jira[args[1]], at=at)
                resolved = at if args[0] == "Done" else None
            elif action == "comment":
                world.add_comment(ref, cast.jira[args[0]], args[1], at=at)
            else:  # "component"
                _set_components(jira, ref, (args[0],), cast.jira[args[1]], at)
        history.tickets.append(
            HistoryTicket(key, plan.board, plan.kind, plan.created, plan.reporter, plan.summary, resolved)
        )


def _kept_off_the_list(plan: _Plan, steps: list[tuple[datetime, str, tuple[str, ...]]]) -> bool:
    """Whether the ticket ends (with what happened before now) done, or with a colleague: the past is never
    on the duty engineer's lists (waiting, or their own), which are today's scenario."""
    done, assignee = False, None
    for _at, action, args in steps:
        if action == "assign":
            assignee = args[0]
        elif action == "status":
            done = args[0] == "Done"
    return done or assignee not in (None, DUTY_ENGINEER.handle)


def _set_components(jira: JiraSim, ref: str, names: Sequence[str], by: str, at: datetime) -> None:
    """`JiraWorld.set_components` at an explicit time (the world's public one stamps it now): the same
    changelog item, `updated` bumped, through the world's own change path."""
    world = jira.world
    with world.lock:
        issue = world.find_issue(ref)
        assert issue is not None
        ids = world._component_ids(issue.project_key, names)
        item = ChangeItem(
            "Component",
            "components",
            ", ".join(issue.component_ids) or None,
            ", ".join(world.components[i].name for i in issue.component_ids) or None,
            ", ".join(ids) or None,
            ", ".join(names) or None,
        )
        world._change(issue, (item,), by, at, component_ids=ids)
