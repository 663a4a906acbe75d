"""The Jira source and poller against the simulated Jira Cloud, over HTTP, with the real `jira` client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from duty_sim.jira.service import JiraSim
from duty_tui.clock import ManualClock
from duty_tui.config import BoardConfig, JiraConfig, StoreConfig
from duty_tui.models import SourceStatus
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.client import JiraSource
from duty_tui.store import Store
from duty_tui.sync.account import JiraAccount
from duty_tui.sync.jira_poll import JiraPoller
from duty_tui.sync.outcomes import PollFailed, PollOutcome, TicketsPolled
from duty_tui.sync.poll import PollLoop

AWS = BoardConfig(id=262, name="AWS Ops", label="AWS")
SIXDG = BoardConfig(id=265, name="6DG Ops", label="6DG", component="laa-6dg-support")


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[JiraSim]:
    with JiraSim(clock=clock) as sim:
        world = sim.world
        world.add_project("LAA", "LAA AWS Ops")
        world.add_project("LM", "LAA 6DG Ops")
        world.add_component("LM", "laa-6dg-support")
        world.add_component("LM", "laa-6dg-dba")
        world.add_board(262, "AWS Ops", "LAA", "project = LAA ORDER BY Rank ASC")
        world.add_board(265, "6DG Ops", "LM", "project = LM ORDER BY Rank ASC")
        yield sim


def config(sim: JiraSim, **changes: object) -> JiraConfig:
    return JiraConfig(
        url=sim.url, email=sim.email, boards=(AWS, SIXDG), poll_seconds=30, reconcile_minutes=10, **changes
    )  # type: ignore[arg-type]


def poller(sim: JiraSim, store: Store, clock: ManualClock) -> JiraPoller:
    jira = JiraSource(config(sim), sim.token)
    account = JiraAccount(jira, store, config(sim))
    return JiraPoller(jira, account, store, config(sim), clock, store_config=StoreConfig())


def poll(p: JiraPoller) -> TicketsPolled:
    return p.poll(SourceStatus("jira"))


def searches(sim: JiraSim) -> list[str]:
    return [entry.query["jql"][0] for entry in sim.log.find("GET", "/search/jql")]


def test_lists_every_page_and_only_waiting_tickets(sim: JiraSim, store: Store, clock: ManualClock) -> None:
    world = sim.world
    other = world.add_user("Tom Hargreaves", email="tom@example.com", account_id="712020:aa:bb")
    waiting = [
        world.create_issue("LAA", f"waiting {n}", created=clock.now() - timedelta(minutes=n))
        for n in range(45)
    ]
    assigned = world.create_issue("LAA", "taken", assignee=other)
    done = world.create_issue("LAA", "finished", status="Done")
    sixdg = world.create_issue("LM", "6DG desk", components=["laa-6dg-support"])
    not_ours = world.create_issue("LM", "DBA only", components=["laa-6dg-dba"])
    no_component = world.create_issue("LM", "no component")

    result = poll(poller(sim, store, clock))

    listed = {t.key for t in result.changed}
    assert listed == {*waiting, sixdg}
    assert not listed & {assigned, done, not_ours, no_component}
    pages = sim.log.find("GET", "/search/jql")
    assert len(pages) == 4  # 45 tickets at the server's 20-per-page cap = 3 pages, plus the 6DG board
    assert all("nextPageToken" not in p.query for p in pages[:1]) and "nextPageToken" in pages[1].query
    assert all(p.query["fields"] for p in pages)  # an explicit field list, never the id-only default
    assert all(
        'component = "laa-6dg-support"' in jql for jql in searches(sim) if "10501" in jql or "LM" in jql
    )


def test_board_filter_and_component_come_from_configuration(
    sim: JiraSim, store: Store, clock: ManualClock
) -> None:
    poll(poller(sim, store, clock))
    assert len(sim.log.find("GET", "/board/262/configuration")) == 1
    aws, sixdg = searches(sim)
    assert aws.startswith("filter = ") and "component" not in aws
    assert 'component = "laa-6dg-support"' in sixdg
    assert "assignee IS EMPTY" in aws and "statusCategory != Done" in aws


def test_incremental_polls_then_reconcile(sim: JiraSim, store: Store, clock: ManualClock) -> None:
    world = sim.world
    colleague = world.add_user("Aisha Bello", email="aisha@example.com")
    first, second, third = (
        world.create_issue("LM", f"t{n}", components=["laa-6dg-support"]) for n in range(3)
    )
    p = poller(sim, store, clock)
    assert {t.key for t in poll(p).changed} == {first, second, third}
    sim.log.clear()

    clock.advance(timedelta(seconds=30))
    world.assign(first, colleague, by=colleague)  # a colleague takes it in the browser
    fourth = world.create_issue("LM", "new", components=["laa-6dg-support"])
    incremental = poll(p)
    assert not incremental.full
    assert incremental.removed == (first,)
    assert [t.key for t in incremental.changed] == [fourth]
    window, *questions = searches(sim)  # one search for both boards, then where the new ticket goes
    assert 'updated >= "-3m"' in window and "assignee IS EMPTY" not in window
    assert len(questions) == 1 and questions[0].startswith(f'key in ("{fourth}") AND ')  # off AWS: so 6DG
    assert not sim.log.find("GET", "/configuration") and not sim.log.find("GET", "/myself")

    clock.advance(timedelta(seconds=30))
    world.set_components(second, ["laa-6dg-dba"])  # moved off the 6DG desk: incremental cannot see it
    assert poll(p).removed == ()
    clock.advance(timedelta(minutes=10))
    reconcile = poll(p)
    assert reconcile.full and reconcile.removed == (second,)
    assert {t.key for t in store.tickets.on_list()} == {third, fourth}


def test_steady_state_costs_one_search_for_all_boards(sim: JiraSim, store: Store, clock: ManualClock) -> None:
    sim.world.create_issue("LAA", "one")
    p = poller(sim, store, clock)
    poll(p)
    sim.log.clear()
    for _ in range(3):
        clock.advance(timedelta(seconds=30))
        assert not poll(p).changed
    assert [e.path.rsplit("/", 1)[-1] for e in sim.log] == ["jql"] * 3


def test_myself_is_resolved_once_and_cached_in_the_store(
    sim: JiraSim, tmp_path: Path, clock: ManualClock
) -> None:
    store = Store.in_dir(tmp_path)
    poll(poller(sim, store, clock))
    poll(poller(sim, store, clock))  # a restart: a new poller on the same store
    assert len(sim.log.find("GET", "/myself")) == 1
    assert poller(sim, store, clock).account.cached() is not None
    store.close()


def test_an_unknown_account_is_looked_up_in_the_store_once_not_on_every_ask(
    sim: JiraSim, tmp_path: Path, clock: ManualClock
) -> None:
    """The UI thread asks for the account on every poll and every row's "mine": before the first sync
    it must not read SQLite each time. The poller's fetch still finds what another dashboard stored."""
    store = Store.in_dir(tmp_path)
    other = poller(sim, store, clock)  # the dashboard that syncs first, on the same data dir
    account = poller(sim, store, clock).account
    assert account.cached() is None  # nothing stored yet
    poll(other)  # stores the account
    assert account.cached() is None  # not read again: no SQLite on the UI thread per ask
    assert account.fetch().account_id == other.account.cached_id()  # from the store, no second /myself
    assert len(sim.log.find("GET", "/myself")) == 1
    assert account.cached() is not None
    store.close()


def test_a_hostile_server_answer_is_reported_not_crashed(
    sim: JiraSim, store: Store, clock: ManualClock
) -> None:
    p = poller(sim, store, clock)
    poll(p)
    sim.faults.malformed_next(1, match="search/jql")
    with pytest.raises(SourceError, match="could not read"):
        poll(p)


def loop_once(
    p: JiraPoller, store: Store, clock: ManualClock, loop: PollLoop | None = None
) -> tuple[PollLoop, PollOutcome, float]:
    outcomes: list[PollOutcome] = []
    loop = loop or PollLoop(p, store, clock, 30, outcomes.append)
    loop.emit = outcomes.append
    delay = loop.cycle()
    return loop, outcomes[0], delay


def test_server_errors_back_off_then_recover(sim: JiraSim, store: Store, clock: ManualClock) -> None:
    sim.world.create_issue("LAA", "one")
    p = poller(sim, store, clock)
    sim.faults.fail_next(2, status=500, match="search/jql")
    loop, outcome, delay = loop_once(p, store, clock)
    assert isinstance(outcome, PollFailed) and "server error (500)" in outcome.error.message
    assert delay == 30 and outcome.status.next_try == clock.now() + timedelta(seconds=30)
    _, outcome, delay = loop_once(p, store, clock, loop)
    assert isinstance(outcome, PollFailed) and delay == 60  # doubling back-off
    failing_since = outcome.status.failing_since
    _, outcome, delay = loop_once(p, store, clock, loop)
    assert isinstance(outcome, TicketsPolled) and outcome.status.ok and delay == 30
    assert failing_since is not None and store.statuses.all()["jira"].error is None


def test_rate_limit_retry_after_is_honoured(sim: JiraSim, store: Store, clock: ManualClock) -> None:
    p = poller(sim, store, clock)
    sim.faults.rate_limit_next(1, retry_after=7, match="search/jql")
    _, outcome, delay = loop_once(p, store, clock)
    assert isinstance(outcome, PollFailed) and "429" in outcome.error.message
    assert delay == 7
    assert len(sim.log.find("GET", "/search/jql")) == 1  # the library did not retry behind our back


def test_unreachable_and_rejected(sim: JiraSim, store: Store, clock: ManualClock) -> None:
    p = poller(sim, store, clock)
    sim.faults.revoke_token()
    with pytest.raises(SourceError) as rejected:
        poll(p)
    assert rejected.value.auth and "JIRA_API_TOKEN" in rejected.value.message
    assert sim.token not in rejected.value.message
    sim.faults.restore_token()
    sim.server.go_down()
    fresh = poller(sim, store, clock)
    with pytest.raises(SourceError) as down:
        poll(fresh)
    assert down.value.unreachable and sim.url in down.value.message


def test_an_account_the_poller_learns_while_the_ui_reads_the_store_is_not_overwritten(
    sim: JiraSim, store: Store, clock: ManualClock
) -> None:
    """The UI thread's first `cached()` reads the store (nothing there) while the poller's first
    `fetch()` learns the account: what the poller learnt must stand, not the empty read."""
    account = poller(sim, store, clock).account
    learnt = JiraAccount(JiraSource(config(sim), sim.token), store, config(sim)).fetch()  # a real /myself

    def read_before_the_poller_stored_it() -> Any:
        account._me = learnt  # while the UI's read of the store was on its way, the poller's fetch set it
        return None  # and that read was made before the account was stored

    account._stored = read_before_the_poller_stored_it  # type: ignore[method-assign]
    assert account.cached() is learnt
