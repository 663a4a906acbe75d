"""The Jira poller's incremental cycle: one search for every board, each ticket then placed on its
boards from its own fields and what the store knows, and Jira asked (id-only, `key in (…)`) only about
a ticket neither settles. Full reconciles stay one listing per board. Against the simulated Jira
Cloud over HTTP, with the real `jira` client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from duty_sim.jira.service import JiraSim
from duty_tui.clock import ManualClock
from duty_tui.config import BoardConfig, JiraConfig, StoreConfig
from duty_tui.models import SourceStatus
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.client import JiraSource
from duty_tui.store import Store
from duty_tui.sync.account import JiraAccount
from duty_tui.sync.jira_poll import CURSOR, JiraPoller
from duty_tui.sync.outcomes import TicketsPolled

COMPONENT = "laa-6dg-support"
AWS = BoardConfig(id=262, name="AWS Ops", label="AWS")
SIXDG = BoardConfig(id=265, name="6DG Ops", label="6DG", component=COMPONENT)
SUB_QUERY = "fixVersion in unreleasedVersions() OR fixVersion is EMPTY"


def make_sim(clock: ManualClock, *, shared: bool) -> JiraSim:
    """`shared`: both boards' filters hold project LAA, so a 6DG ticket is on both boards (the reference
    site); otherwise 6DG has its own project (the demo)."""
    sim = JiraSim(clock=clock)
    world = sim.world
    world.add_project("LAA", "LAA AWS Ops")
    world.add_project("LM", "LAA 6DG Ops")
    sixdg_project = "LAA" if shared else "LM"
    world.add_component(sixdg_project, COMPONENT)
    world.add_component(sixdg_project, "laa-6dg-dba")
    world.add_board(262, "AWS Ops", "LAA", "project = LAA ORDER BY Rank ASC")
    world.add_board(
        265, "6DG Ops", sixdg_project, f"project = {sixdg_project} ORDER BY Rank ASC", sub_query=SUB_QUERY
    )
    return sim


@pytest.fixture
def split(clock: ManualClock) -> Iterator[JiraSim]:
    with make_sim(clock, shared=False) as sim:
        yield sim


@pytest.fixture
def shared(clock: ManualClock) -> Iterator[JiraSim]:
    with make_sim(clock, shared=True) as sim:
        yield sim


def poller(sim: JiraSim, store: Store, clock: ManualClock) -> JiraPoller:
    config = JiraConfig(
        url=sim.url, email=sim.email, boards=(AWS, SIXDG), poll_seconds=30, reconcile_minutes=10
    )
    jira = JiraSource(config, sim.token)
    return JiraPoller(
        jira, JiraAccount(jira, store, config), store, config, clock, store_config=StoreConfig()
    )


def poll(p: JiraPoller) -> TicketsPolled:
    return p.poll(SourceStatus("jira"))


def searches(sim: JiraSim) -> list[str]:
    return [entry.query["jql"][0] for entry in sim.log.find("GET", "/search/jql")]


def boards_of(store: Store) -> dict[str, tuple[str, ...]]:
    return {t.key: tuple(sorted(t.boards)) for t in store.tickets.on_list()}


def first_then_quiet(sim: JiraSim, store: Store, clock: ManualClock) -> JiraPoller:
    p = poller(sim, store, clock)
    assert poll(p).full
    sim.log.clear()
    clock.advance(timedelta(seconds=30))
    return p


BOTH = ("6DG Ops", "AWS Ops")


def test_a_quiet_cycle_is_one_search_for_both_boards(
    split: JiraSim, store: Store, clock: ManualClock
) -> None:
    split.world.create_issue("LAA", "waiting on AWS")
    split.world.create_issue("LM", "waiting on 6DG", components=[COMPONENT])
    p = poller(split, store, clock)
    poll(p)
    split.log.clear()
    for _ in range(4):
        clock.advance(timedelta(seconds=30))
        outcome = poll(p)
        assert not outcome.full and not outcome.changed and not outcome.removed
    assert [(e.method, e.path.split("/rest/")[-1]) for e in split.log] == [("GET", "api/2/search/jql")] * 4
    aws, sixdg = (store.tickets.board_info(b.id) for b in (AWS, SIXDG))
    assert aws is not None and sixdg is not None
    statuses = ", ".join(aws.mapped_status_ids)
    assert set(searches(split)) == {
        f"((filter = {aws.filter_id} AND status in ({statuses})) OR (filter = {sixdg.filter_id} AND "
        f'({SUB_QUERY}) AND component = "{COMPONENT}" AND status in ({statuses}))) '
        'AND updated >= "-3m" ORDER BY created ASC'
    }


def test_a_reconcile_still_lists_board_by_board(split: JiraSim, store: Store, clock: ManualClock) -> None:
    p = first_then_quiet(split, store, clock)
    clock.advance(timedelta(minutes=10))
    assert poll(p).full
    aws, sixdg = searches(split)
    assert "assignee IS EMPTY" in aws and "component" not in aws
    assert "assignee IS EMPTY" in sixdg and f'component = "{COMPONENT}"' in sixdg


def test_tickets_of_both_boards_arrive_and_leave(split: JiraSim, store: Store, clock: ManualClock) -> None:
    world = split.world
    colleague = world.add_user("Aisha Bello", email="aisha@example.com")
    p = first_then_quiet(split, store, clock)
    aws = world.create_issue("LAA", "AWS: disk full")
    sixdg = world.create_issue("LM", "6DG: restore a table", components=[COMPONENT])
    world.create_issue("LM", "DBA desk only", components=["laa-6dg-dba"])
    world.create_issue("LM", "no component")

    arrived = poll(p)
    assert {t.key: t.boards for t in arrived.changed} == {aws: ("AWS Ops",), sixdg: ("6DG Ops",)}
    window, *questions = searches(split)
    assert "updated >=" in window
    # The AWS ticket lacks the component, so only AWS can hold it; the 6DG one matches AWS's component
    # rule and columns too: Jira says it is not on AWS, so it is on 6DG.
    info = store.tickets.board_info(AWS.id)
    assert info is not None
    statuses = ", ".join(info.mapped_status_ids)
    assert questions == [f'key in ("{sixdg}") AND filter = {info.filter_id} AND status in ({statuses})']

    split.log.clear()
    clock.advance(timedelta(seconds=30))
    world.set_summary(sixdg, "6DG: restore a table (urgent)")
    edited = poll(p)
    assert [(t.key, t.summary, t.boards) for t in edited.changed] == [
        (sixdg, "6DG: restore a table (urgent)", ("6DG Ops",))
    ]
    assert len(searches(split)) == 1  # known on 6DG and left off AWS with these fields: nothing to ask

    split.log.clear()
    clock.advance(timedelta(seconds=30))
    world.assign(aws, colleague, by=colleague)
    world.transition_to(sixdg, "Done")
    left = poll(p)
    assert left.removed == tuple(sorted((aws, sixdg))) and not left.changed
    assert left.resolved == (sixdg,)
    assert len(searches(split)) == 1 and boards_of(store) == {}


def test_a_ticket_on_both_boards_is_handled_as_before(
    shared: JiraSim, store: Store, clock: ManualClock
) -> None:
    world = shared.world
    colleague = world.add_user("Aisha Bello", email="aisha@example.com")
    old = world.create_issue("LAA", "6DG and AWS", components=[COMPONENT])
    p = first_then_quiet(shared, store, clock)
    assert boards_of(store) == {old: BOTH}

    world.set_summary(old, "6DG and AWS, edited")
    new = world.create_issue("LAA", "new on both", components=[COMPONENT])
    polled = poll(p)
    assert {t.key: tuple(sorted(t.boards)) for t in polled.changed} == {old: BOTH, new: BOTH}
    window, *questions = searches(shared)
    assert "updated >=" in window
    assert len(questions) == 2 and all(
        q.startswith(f'key in ("{new}") AND ') for q in questions
    )  # one per board

    shared.log.clear()
    clock.advance(timedelta(seconds=30))
    world.assign(old, colleague, by=colleague)
    gone = poll(p)
    assert gone.removed == (old,) and not gone.changed  # off both boards: removed once, not "changed"
    assert boards_of(store) == {new: BOTH}


def test_a_component_added_puts_a_ticket_on_the_6dg_board(
    shared: JiraSim, store: Store, clock: ManualClock
) -> None:
    world = shared.world
    ticket = world.create_issue("LAA", "AWS, until 6DG is asked")
    p = first_then_quiet(shared, store, clock)
    assert boards_of(store) == {ticket: ("AWS Ops",)}
    world.set_components(ticket, [COMPONENT])
    assert [t.boards for t in poll(p).changed] == [BOTH]
    assert len(searches(shared)) == 2  # the 6DG board was asked; AWS is known


def test_a_cycle_whose_question_fails_writes_nothing(
    split: JiraSim, store: Store, clock: ManualClock
) -> None:
    p = first_then_quiet(split, store, clock)
    cursor = store.cursors.get(CURSOR)
    sixdg = split.world.create_issue("LM", "6DG: new", components=[COMPONENT])
    split.faults.fail_next(1, status=500, match="search/jql", after=1)  # the window search works, then not
    with pytest.raises(SourceError):
        poll(p)
    assert boards_of(store) == {} and store.cursors.get(CURSOR) == cursor
    clock.advance(timedelta(minutes=2))
    assert [t.key for t in poll(p).changed] == [sixdg]
    # 2.5 minutes since the last cycle that was written (not 2, from the one that failed), plus 2 of overlap
    assert 'updated >= "-5m"' in searches(split)[-2]


def test_the_old_board_cursors_are_read_once_after_an_upgrade(
    split: JiraSim, store: Store, clock: ManualClock
) -> None:
    p = first_then_quiet(split, store, clock)
    # The store as an older duty-tui left it: a cursor per board, none shared.
    store.db.conn.execute("DELETE FROM cursors WHERE name = ?", [CURSOR])
    store.cursors.set("jira.board.262.polled_at", (clock.now() - timedelta(minutes=7)).isoformat())
    store.cursors.set("jira.board.265.polled_at", (clock.now() - timedelta(minutes=3)).isoformat())
    assert not poll(p).full  # (a restart would reconcile first anyway: this is the same process)
    assert 'updated >= "-9m"' in searches(split)[0]  # from the older of the two: no update is lost
    clock.advance(timedelta(seconds=30))
    poll(p)
    assert 'updated >= "-3m"' in searches(split)[-1]  # the shared cursor from now on
    assert store.cursors.get(CURSOR) == clock.now().isoformat()


def test_a_board_never_polled_makes_the_cycle_a_reconcile(
    split: JiraSim, store: Store, clock: ManualClock
) -> None:
    p = first_then_quiet(split, store, clock)
    store.db.conn.execute("DELETE FROM cursors WHERE name = ?", [CURSOR])
    store.cursors.set("jira.board.262.polled_at", clock.now().isoformat())  # 265 has none
    assert poll(p).full
