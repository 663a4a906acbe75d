"""The demo's past (duty_tui.demo.history): tickets with histories on both boards, past incidents and
happiness asks in #laa-ops, and a month of probe results, so the metrics screen is full on first launch."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from duty_sim.jira.service import JiraSim
from duty_sim.slack.service import SlackSim
from duty_tui.clock import ManualClock
from duty_tui.demo import DEMO_JIRA_TOKEN, DemoWorld
from duty_tui.demo.history import (
    CALENDAR,
    CHANNEL_QUIET_DAYS,
    INCIDENT_QUIET_DAYS,
    ZONE,
    DemoHistory,
    forget_past,
    populate_history,
    seed_probe_history,
    seed_store,
)
from duty_tui.demo.scenario import CHANNEL, COMPONENT, populate
from duty_tui.demo.scenario_data import DUTY_ENGINEER
from duty_tui.models import IncidentEventKind, IncidentPriority, IncidentStatus, SourceStatus, ts_to_datetime
from duty_tui.rules.availability import outages, percentile, state_runs, uptime
from duty_tui.rules.flow import ticket_flows
from duty_tui.rules.flow_history import Period
from duty_tui.rules.happiness import ASK_METADATA, happiness_figures
from duty_tui.rules.incident_metrics import incident_report
from duty_tui.rules.incidents import EVENT_TYPE, event_from_message, fold
from duty_tui.sources.slack.client import SlackSource
from duty_tui.store import Store
from tests.conftest import MORNING  # Thursday 26 November 2026, 10:30
from tests.support import Harness

DAY = timedelta(days=1)
MONTH = Period(MORNING - 30 * DAY, MORNING)


@pytest.fixture(scope="module")
def world() -> Iterator[DemoWorld]:
    """The demo's world with its channel history (what `duty-tui --demo` builds); read, never changed."""
    built = DemoWorld(ManualClock(MORNING), channel_history=True)
    yield built
    built.stop()


def changelog_pages(world: DemoWorld, key: str, size: int = 2) -> tuple[list[dict[str, Any]], int]:
    """A ticket's changelog as a client reads it over HTTP: `size` histories a page, to the last. As
    Jira Cloud asks of a client, a 429 is waited out for its `Retry-After` (the module's tests share one
    world, and the simulator's rate limits run on real time: the history fetch before may have spent
    the budget)."""
    values: list[dict[str, Any]] = []
    pages = 0
    waits = 0
    with httpx.Client(base_url=world.jira.url, auth=(DUTY_ENGINEER.email, DEMO_JIRA_TOKEN)) as client:
        while True:
            answer = client.get(
                f"/rest/api/2/issue/{key}/changelog", params={"startAt": len(values), "maxResults": size}
            )
            if answer.status_code == 429 and waits < 5:
                waits += 1
                time.sleep(min(float(answer.headers.get("Retry-After", "1")), 3.0))
                continue
            answer.raise_for_status()
            page = answer.json()
            values += page["values"]
            pages += 1
            if page["isLast"]:
                return values, pages


def moves(changelog: list[dict[str, Any]]) -> list[tuple[datetime, str, str]]:
    """(when, from, to) of each status change, in the support time zone."""
    return [
        (datetime.fromisoformat(h["created"]).astimezone(ZONE), item["fromString"], item["toString"])
        for h in changelog
        for item in h["items"]
        if item["field"] == "status"
    ]


def parsed(world: DemoWorld) -> list[Any]:
    """Every #laa-ops message, replies included, as duty-tui's Slack source reads it."""
    source = SlackSource(world.config().slack, "xoxb-unused")
    return [m for m in map(source.parse_message, world.slack.world.messages(CHANNEL)) if m is not None]


def incidents_of(world: DemoWorld) -> list[Any]:
    """The incidents #laa-ops holds, folded from its metadata as every dashboard does."""
    return fold(e for m in parsed(world) if m.metadata_type == EVENT_TYPE if (e := event_from_message(m)))


# -- Jira ---------------------------------------------------------------------------------------------


def test_both_boards_have_a_month_of_tickets_and_a_few_older(world: DemoWorld) -> None:
    tickets = world.history.tickets
    assert 60 <= len(tickets) <= 120
    assert {t.board for t in tickets} == {"aws", "6dg"}
    older = [t for t in tickets if t.created < MORNING - 30 * DAY]
    assert 0 < len(older) < len(tickets) // 4 and min(t.created for t in older) >= MORNING - 100 * DAY
    created_in_hours = [t for t in tickets if CALENDAR.is_open(t.created)]
    assert len(created_in_hours) >= 0.8 * len(tickets)
    kinds = {t.kind for t in tickets}
    assert {"resolved", "late", "straight", "reopened", "open", "weekend", "bank holiday", "moved"} <= kinds
    assert all(t.created < MORNING for t in tickets)
    # Made after the scenario's tickets: today's keys are what they were.
    jira = world.jira.world
    assert jira.issue("LAA-1")["fields"]["summary"].startswith("CCMS PROD: providers get 504")
    assert all(int(t.key.split("-")[1]) > 8 for t in tickets)


def test_the_simulator_serves_the_histories_paged(world: DemoWorld) -> None:
    jira = world.jira.world
    for ticket in world.history.tickets:
        changelog, pages = changelog_pages(world, ticket.key, size=3)
        assert changelog == jira.changelog(ticket.key)
        assert pages == max(1, -(-len(changelog) // 3))
        assert all(ticket.created <= datetime.fromisoformat(h["created"]) < MORNING for h in changelog)


def test_a_reopened_ticket_went_done_in_progress_done(world: DemoWorld) -> None:
    key = world.history.key("reopened")
    statuses = [to for _, _, to in moves(changelog_pages(world, key)[0])]
    first_done = statuses.index("Done")
    assert "In Progress" in statuses[first_done:] and statuses[-1] == "Done"
    assert world.jira.world.issue(key)["fields"]["resolution"]["name"] == "Done"


def test_status_changes_across_a_weekend(world: DemoWorld) -> None:
    key = world.history.key("weekend")
    history = moves(changelog_pages(world, key)[0])
    [(waited, _, _)] = [m for m in history if m[2] == "Waiting for Customer"]
    [(resumed, _, _)] = [m for m in history if m[1] == "Waiting for Customer"]
    assert waited.strftime("%a") == "Fri" and resumed.strftime("%a") == "Mon"
    assert resumed - waited > 2 * DAY
    # The requester wrote on the Saturday, outside support hours.
    comments = [datetime.fromisoformat(c["created"]).astimezone(ZONE) for c in world.jira.world.comments(key)]
    assert any(c.strftime("%a") == "Sat" for c in comments)


def test_status_changes_across_the_most_recent_bank_holiday(world: DemoWorld) -> None:
    assert world.history.bank_holiday is not None
    holiday, name = world.history.bank_holiday
    assert name == CALENDAR.holiday(holiday) and holiday < CALENDAR.local_date(MORNING)
    later = [holiday + timedelta(days=n) for n in range(1, (CALENDAR.local_date(MORNING) - holiday).days)]
    assert not any(CALENDAR.holiday(day) for day in later)  # none more recent
    key = world.history.key("bank holiday")
    assert key.startswith("LM-") and COMPONENT in str(world.jira.world.issue(key)["fields"]["components"])
    history = moves(changelog_pages(world, key)[0])
    [(waited, _, _)] = [m for m in history if m[2] == "Waiting for Customer"]
    [(resumed, _, _)] = [m for m in history if m[1] == "Waiting for Customer"]
    assert waited.date() < holiday < resumed.date()
    # A comment inside the last 30 days puts it in the default period.
    comments = [datetime.fromisoformat(c["created"]) for c in world.jira.world.comments(key)]
    assert any(moment in MONTH for moment in comments)


def test_a_ticket_moved_onto_the_6dg_board_by_its_component(world: DemoWorld) -> None:
    key = world.history.key("moved")
    changelog = changelog_pages(world, key)[0]
    [item] = [i for h in changelog for i in h["items"] if i["field"] == "Component"]
    assert item["fromString"] is None and item["toString"] == COMPONENT
    assert [c["name"] for c in world.jira.world.issue(key)["fields"]["components"]] == [COMPONENT]


def test_comments_by_team_members_and_requesters(world: DemoWorld) -> None:
    team = world.config().workflow.team.members
    authors = [
        c["author"]["accountId"] in team
        for t in world.history.tickets
        for c in world.jira.world.comments(t.key)
    ]
    assert authors.count(True) > 20 and authors.count(False) > 10


def test_the_past_is_never_on_the_unassigned_list(world: DemoWorld, tmp_path: Path) -> None:
    harness = Harness(world, ManualClock(MORNING), tmp_path / "data")
    waiting = harness.waiting_keys()
    past = {t.key for t in world.history.tickets}
    assert waiting and not waiting & past
    me = world.cast.jira[DUTY_ENGINEER.handle]
    for key in past:  # done, or with a colleague (never the duty engineer's own "mine" list)
        fields = world.jira.world.issue(key)["fields"]
        done = fields["status"]["statusCategory"]["key"] == "done"
        assert done or (fields["assignee"] is not None and fields["assignee"]["accountId"] != me)
    # duty-tui's own full listing agrees.
    polled = harness.runtime().jira_poller.poll(SourceStatus("jira"))
    assert {t.key for t in polled.changed} == waiting


def test_the_flows_have_breaches_reopenings_and_support_hours(world: DemoWorld, tmp_path: Path) -> None:
    """Through duty-tui's own history fetch and flow rules: what the metrics screen will show."""
    runtime = Harness(world, ManualClock(MORNING), tmp_path / "data").runtime()
    assert runtime.history.run().error is None
    team = world.config().workflow.team.members
    flows = {f.key: f for f in ticket_flows(runtime.store.history.tickets(), MONTH, runtime.calendar, team)}
    past = {t.key: t for t in world.history.tickets}
    mine = [flow for key, flow in flows.items() if key in past]
    assert len(mine) >= 50
    breached = [flow for flow in mine if flow.acknowledge_breached]
    assert 3 <= len(breached) <= len(mine) // 3
    assert sum(flow.resolved is not None for flow in mine) >= 0.8 * len(mine)
    for kind in ("late", "straight", "reopened"):
        assert all(
            flows[t.key].acknowledged is not None for t in world.history.of_kind(kind) if t.key in flows
        )
    [reopened, *_] = [flows[t.key] for t in world.history.of_kind("reopened") if t.key in flows]
    [done] = [s for s in reopened.time_in_status if s.name == "Done"]
    assert done.stays == 2
    [straight, *_] = [flows[t.key] for t in world.history.of_kind("straight") if t.key in flows]
    assert straight.time_in_category.in_progress.elapsed == timedelta(0) and straight.resolved is not None

    def waiting(key: str) -> Any:
        [stay] = [s for s in flows[key].time_in_status if s.name == "Waiting for Customer"]
        return stay.time

    weekend = waiting(world.history.key("weekend"))
    assert weekend.elapsed > 2 * DAY and weekend.working < timedelta(hours=2)
    holiday = waiting(world.history.key("bank holiday"))  # in the period through its recent comment
    assert holiday.elapsed > 3 * DAY and holiday.working < timedelta(hours=3)


# -- #laa-ops -----------------------------------------------------------------------------------------


def test_past_incidents_fold_resolved_with_one_postmortem_owed(world: DemoWorld, tmp_path: Path) -> None:
    incidents = incidents_of(world)
    assert 4 <= len(incidents) <= 6 and [i.id for i in incidents] == list(reversed(world.history.incidents))
    assert all(i.status is IncidentStatus.RESOLVED for i in incidents)
    assert sum(i.priority is IncidentPriority.HIGH for i in incidents) == 2
    for incident in incidents:
        statuses = [e.status for e in incident.events if e.kind is IncidentEventKind.UPDATED]
        assert IncidentStatus.MONITORING in statuses
        assert incident.declared_at <= MORNING - INCIDENT_QUIET_DAYS * DAY  # out of the incident pane
        assert CALENDAR.is_open(incident.declared_at)

    # As the demo's store holds them: one postmortem written (exported), the other owed.
    store = Store.in_dir(tmp_path / "store")
    seed_store(
        store,
        parse=SlackSource(world.config().slack, "xoxb-unused").parse_message,
        messages=world.slack.world.messages(CHANNEL),
        history=world.history,
        checks=(),
        now=MORNING,
    )
    report = incident_report(fold(store.incidents.all()), MONTH, ZONE, store.incidents.exported())
    assert report.total.count == len(incidents) and report.total.high_priority == 2
    assert report.total.time_to_mitigate.count == len(incidents)
    [owed] = report.postmortems_owed
    high = [i for i in incidents if i.priority is IncidentPriority.HIGH]
    assert owed in {i.id for i in high} and len(store.incidents.exported()) == 1
    # And the happiness asks, with their reactions.
    assert len(store.happiness.asks(MORNING - 90 * DAY)) == len(world.history.asks)
    store.close()


def test_happiness_asks_carry_metadata_and_the_requesters_reactions(world: DemoWorld) -> None:
    messages = {m.ts: m for m in parsed(world)}
    asks = [m for m in messages.values() if m.metadata_type == ASK_METADATA]
    assert [m.ts for m in asks] == world.history.asks and len(asks) >= 8
    team = set(world.config().workflow.team.slack_members)
    keys = {t.key: t for t in world.history.tickets}
    for ask in asks:
        body = json.loads(ask.metadata or "")
        request = messages[body["request_ts"]]
        assert ask.thread_ts == request.ts and body["requester"] == request.user_id not in team
        assert ask.user_id == world.slack.bot_user_id
        assert body["ticket"] == "" or keys[body["ticket"]].resolved is not None
        assert ask.sent_at <= MORNING - CHANNEL_QUIET_DAYS * DAY
        # Only the requester reacts.
        assert all(set(r.users) == {request.user_id} for r in ask.reactions)
    assert any(json.loads(a.metadata or "")["ticket"] for a in asks)
    from duty_tui.rules.happiness_asks import ask_from_message

    figures = happiness_figures(a for m in asks if (a := ask_from_message(m)))
    assert figures.asked == len(asks) and figures.down >= 1 and figures.up > 3 * figures.down
    assert figures.answers < figures.asked  # some never answered


def test_the_channel_pane_opens_on_today(world: DemoWorld, tmp_path: Path) -> None:
    """The first poll reads 4 days back: none of the past reaches the pane or the incident pane."""
    runtime = Harness(world, ManualClock(MORNING), tmp_path / "data").runtime()
    polled = runtime.slack_poller.poll(SourceStatus("slack"))
    past = {m.ts for m in parsed(world) if m.sent_at < MORNING - (CHANNEL_QUIET_DAYS - 1) * DAY}
    assert past and not past & {m.ts for m in polled.changed}
    assert not polled.incidents_changed


def test_the_tests_world_has_no_channel_past() -> None:
    plain = DemoWorld(ManualClock(MORNING))
    try:
        metadata = {m.get("metadata", {}).get("event_type") for m in plain.slack.world.messages(CHANNEL)}
        assert not metadata & {EVENT_TYPE, ASK_METADATA}
        assert len(plain.history.tickets) >= 60 and plain.history.incidents == []
    finally:
        plain.stop()


# -- probes -------------------------------------------------------------------------------------------


def test_probe_history_gives_uptime_below_100_and_outage_windows(world: DemoWorld, tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    checks = world.config().availability.checks
    recorded = seed_probe_history(store, checks, MORNING)
    results = store.probes.since(MORNING - 30 * DAY)
    assert recorded == len(results) and 3 * 30 * 24 * 60 * 0.99 <= recorded <= 3 * 30 * 24 * 60
    by_name = {check.service: check for check in checks}
    for service, support_hours in (("CCMS", False), ("CWA", True), ("MI", False)):
        check = by_name[service]
        runs = state_runs(check, results, MORNING)
        up = uptime(runs, MORNING - 30 * DAY, MORNING, CALENDAR)
        assert up.observed > 29.9 * DAY  # the results join up: observed all month
        assert up.all_hours is not None and 0.99 < up.all_hours < 1
        [outage] = outages(runs, MORNING - 30 * DAY, MORNING)
        assert timedelta(minutes=15) <= outage.duration <= timedelta(hours=1) and outage.end is not None
        assert CALENDAR.is_open(outage.start) is support_hours
        assert (up.support_hours is not None and up.support_hours < 1) is support_hours
        latencies = [r.latency_ms for r in results if r.check == check.name and r.ok and r.latency_ms]
        p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
        assert p50 is not None and p95 is not None and p95 > 1.3 * p50
    # The CWA outage is the high-priority CWA incident's.
    cwa = by_name["CWA"]
    [outage] = outages(state_runs(cwa, results, MORNING), MORNING - 30 * DAY, MORNING)
    [incident] = [
        i for i in incidents_of(world) if "CWA" in i.services and i.priority is IncidentPriority.HIGH
    ]
    assert (
        incident.resolved_at is not None
        and incident.declared_at - timedelta(minutes=10) <= outage.start <= incident.declared_at
    )
    # seed_store leaves a store that has results alone.
    seed_store(store, parse=lambda raw: None, messages=(), history=world.history, checks=checks, now=MORNING)
    assert len(store.probes.since(MORNING - 30 * DAY)) == recorded
    store.close()


# -- the same past every time ---------------------------------------------------------------------------


def snapshot(world: DemoWorld) -> str:
    """Everything the simulators hold, as JSON (the simulators' ports left out)."""
    jira = world.jira.world
    held = {
        "tickets": world.history.tickets,
        "issues": {
            key: (jira.issue(key), jira.changelog(key), jira.comments(key)) for key in jira.issue_keys()
        },
        "counters": dict(jira._counters),
        "numbers": dict(jira._issue_numbers),
        "channel": world.slack.world.messages(CHANNEL),
        "incidents": world.history.incidents,
        "asks": world.history.asks,
    }
    return json.dumps(held, default=repr, sort_keys=True).replace(world.jira.url, "JIRA")


def test_deterministic_and_the_copied_past_is_the_made_one() -> None:
    forget_past()
    made = DemoWorld(ManualClock(MORNING), channel_history=True)  # step by step
    copied = DemoWorld(ManualClock(MORNING), channel_history=True)  # the process's copy of it
    try:
        assert snapshot(made) == snapshot(copied)
        # The copy is the next world's own: a change to one is not in the other.
        key = made.history.tickets[0].key
        made.jira.world.add_comment(key, made.cast.jira["tom"], "one more")
        assert len(made.jira.world.comments(key)) == len(copied.jira.world.comments(key)) + 1
        made.jira.world.comment_list[made.jira.world.find_issue(key).id][0].body = "edited"  # type: ignore[union-attr]
        assert copied.jira.world.comments(key)[0]["body"] != "edited"
        # A ticket made afterwards gets the next key in both.
        assert made.jira.world.create_issue("LAA", "next") == copied.jira.world.create_issue("LAA", "next")
    finally:
        made.stop()
        copied.stop()


def past_on(now: datetime) -> tuple[JiraSim, SlackSim, DemoHistory]:
    """The demo's world at `now`, past included, without serving it (what populate writes)."""
    clock = ManualClock(now)
    jira = JiraSim(
        clock=clock, email=DUTY_ENGINEER.email, token=DEMO_JIRA_TOKEN, api_account_id=DUTY_ENGINEER.jira_id
    )
    slack = SlackSim(clock=clock)
    cast = populate(jira, slack, now)
    return jira, slack, populate_history(jira, slack, cast, now, channel=True)


@pytest.mark.parametrize(
    "now",
    [
        *(MORNING + n * DAY for n in range(1, 8)),  # every day of a week
        datetime(2026, 4, 7, 7, 30, tzinfo=ZONE),  # the Tuesday after Easter Monday, before hours
        datetime(2026, 12, 29, 9, 0, tzinfo=ZONE),  # after Christmas, Boxing Day and its substitute
        datetime(2027, 3, 29, 12, 0, tzinfo=ZONE),  # the day after the clocks went forward
    ],
    ids=lambda now: now.strftime("%a-%Y-%m-%d"),
)
def test_any_day_has_a_full_past_that_never_waits_on_the_duty_engineer(now: datetime) -> None:
    jira, slack, history = past_on(now)
    world = jira.world
    assert 60 <= len(history.tickets) <= 120
    assert {"resolved", "late", "straight", "reopened", "weekend", "bank holiday", "moved"} <= {
        t.kind for t in history.tickets
    }
    me = jira.myself_account_id
    for ticket in history.tickets:
        fields = world.issue(ticket.key)["fields"]
        assignee = (fields["assignee"] or {}).get("accountId")
        assert fields["status"]["statusCategory"]["key"] == "done" or assignee not in (None, me)
        assert all(datetime.fromisoformat(h["created"]) < now for h in world.changelog(ticket.key))
        assert all(datetime.fromisoformat(c["created"]) < now for c in world.comments(ticket.key))
    assert history.bank_holiday is not None and history.bank_holiday[0] < now.astimezone(ZONE).date()
    # What the channel pane's first read (4 days back) lists is today's scenario alone.
    scenario = {m["ts"] for m in slack.world.history(CHANNEL) if ts_to_datetime(m["ts"]) >= now - 2 * DAY}
    past = [m for m in slack.world.history(CHANNEL) if m["ts"] not in scenario]
    assert len(past) >= 10 and all(ts_to_datetime(m["ts"]) < now - 4 * DAY for m in past)
