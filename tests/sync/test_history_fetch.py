"""The history fetch against the simulated Jira Cloud over HTTP: the first 90-day read with progress, the
incremental read after a quiet hour (its cost asserted on the simulator's request log), failures that keep
the cache, cancelling, and forgetting what is too old."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from duty_sim.jira.service import JiraSim
from duty_tui.clock import ManualClock
from duty_tui.config import BoardConfig, JiraConfig
from duty_tui.rules.flow_history import CommentEntry, Status, StatusItem, TicketHistory
from duty_tui.sources.jira.client import JiraSource
from duty_tui.store import Store
from duty_tui.sync.history import HistoryFetch
from tests.support import Harness

AWS = BoardConfig(id=262, name="AWS Ops", label="AWS")
SIXDG = BoardConfig(id=265, name="6DG Ops", label="6DG", component="laa-6dg-support")


@dataclass
class Site:
    sim: JiraSim
    clock: ManualClock
    tom: str
    lucy: str
    long: str  # 130 histories: the search carries only the newest 100
    quiet: str
    sixdg: list[str]
    aws: list[str]
    too_old: str  # last updated 95 days ago

    def jira_world_keys(self) -> set[str]:
        return {*self.sixdg, *self.aws, self.long, self.quiet}


@pytest.fixture
def site(clock: ManualClock) -> Iterator[Site]:
    with JiraSim(clock=clock) as sim:
        world = sim.world
        world.add_project("LAA", "LAA Support")
        world.add_component("LAA", "laa-6dg-support")
        world.add_board(262, "AWS Ops", "LAA", "project = LAA ORDER BY Rank ASC")
        world.add_board(
            265, "6DG Ops", "LAA", 'project = LAA AND component = "laa-6dg-support" ORDER BY Rank'
        )
        tom = world.add_user("Tom Hargreaves", email="tom@example.com")
        lucy = world.add_user("Lucy Requester", email="lucy@example.com")
        now = clock.now()
        too_old = world.create_issue("LAA", "ancient", created=now - timedelta(days=95))
        long_created = now - timedelta(days=30)
        long = world.create_issue("LAA", "noisy", created=long_created, components=["laa-6dg-support"])
        world.transition_to(long, "In Progress", by=tom, at=long_created + timedelta(minutes=20))
        aws = []
        for n in range(24):  # more than one search page (the simulator sends 20 a page)
            created = now - timedelta(days=n + 1)
            key = world.create_issue("LAA", f"aws {n}", created=created)
            world.assign(key, tom, by=tom, at=created + timedelta(minutes=15))
            if n % 3 == 0:
                world.transition_to(key, "Done", by=tom, at=created + timedelta(hours=2))
            aws.append(key)
        sixdg = [
            world.create_issue(
                "LAA", f"6dg {n}", created=now - timedelta(days=n + 2), components=["laa-6dg-support"]
            )
            for n in range(3)
        ]
        quiet = world.create_issue("LAA", "quiet", created=now - timedelta(days=40))
        clock.set(now - timedelta(hours=2))  # the long ticket's other histories, before the first fetch
        for n in range(129):
            world.set_labels(long, [f"touched-{n}"], by=tom)
            clock.advance(timedelta(seconds=1))
        clock.set(now)
        yield Site(sim, clock, tom, lucy, long, quiet, sixdg, aws, too_old)


def fetcher(site: Site, store: Store) -> HistoryFetch:
    config = JiraConfig(url=site.sim.url, email=site.sim.email, boards=(AWS, SIXDG))
    return HistoryFetch(JiraSource(config, site.sim.token), store, config, site.clock)


def searches(sim: JiraSim) -> list[str]:
    return [entry.query["jql"][0] for entry in sim.log.find("GET", "/search/jql")]


def by_key(store: Store) -> dict[str, TicketHistory]:
    return {t.key: t for t in store.history.tickets()}


def test_the_first_fetch_reads_90_days_of_both_boards_with_progress(site: Site, store: Store) -> None:
    steps: list[tuple[int, int]] = []

    result = fetcher(site, store).run(progress=lambda done, total: steps.append((done, total)))

    assert result.error is None and result.first and not result.cancelled
    cached = by_key(store)
    assert set(cached) == site.jira_world_keys() and result.fetched == len(cached) == 29
    assert site.too_old not in cached
    # A ticket both boards list is read once, for the board its component defines.
    assert {key for key, t in cached.items() if t.board == "6DG Ops"} == {*site.sixdg, site.long}
    assert len(site.sim.log.find("GET", f"/issue/{site.long}/changelog")) == 1
    long = cached[site.long]
    assert len(long.history) == 130 and long.history_complete
    assert long.history[0].status == StatusItem(
        Status("10000", "To Do", "new"), Status("3", "In Progress", "indeterminate")
    )
    # Any assignee, any status: the board's saved filter, its component, and the 90 days.
    sixdg_jql, aws_jql = searches(site.sim)[0], searches(site.sim)[-1]
    assert all('updated >= "-129600m"' in jql and jql.startswith("filter = ") for jql in searches(site.sim))
    assert 'component = "laa-6dg-support"' in sixdg_jql and "component" not in aws_jql
    assert not any(word in aws_jql for word in ("assignee", "statusCategory", "status in"))
    # Progress: counted up front (one approximate count per board), then ticket by ticket to the end.
    assert len(site.sim.log.find("POST", "/search/approximate-count")) == 2
    assert steps[0] == (0, 33)  # Jira's counts: the four tickets both boards list count twice
    assert [done for done, _ in steps] == list(range(len(steps)))
    assert steps[-1] == (33, 33)
    names = json.loads(store.meta.get("jira.status_names") or "{}")
    assert names == {"10000": "To Do", "3": "In Progress", "10002": "Waiting for Customer", "10001": "Done"}


def test_after_a_quiet_hour_only_the_changed_tickets_are_read(site: Site, store: Store) -> None:
    fetch = fetcher(site, store)
    fetch.run()
    before = by_key(store)
    site.sim.log.clear()
    site.clock.advance(timedelta(hours=1))
    world = site.sim.world
    world.transition_to(site.long, "Done", by=site.tom)  # 131 histories: still cut short in the search
    world.add_comment(site.aws[5], site.lucy, "Thanks!")

    result = fetch.run()

    assert result.error is None and not result.first and result.fetched == 2
    requests = sorted(entry.path.split("/rest/api/2/")[-1] for entry in site.sim.log)
    assert requests == [f"issue/{site.long}/changelog", "search/jql", "search/jql"]
    (changelog,) = site.sim.log.find("GET", "/changelog")
    assert changelog.query["maxResults"] == ["31"]
    assert all('updated >= "-65m"' in jql for jql in searches(site.sim))  # an hour, and 5 minutes' overlap
    after = by_key(store)
    assert len(after[site.long].history) == 131 and after[site.long].status.category == "done"
    assert after[site.aws[5]].comments[-1] == CommentEntry(site.clock.now(), site.lucy)
    assert {k: v for k, v in after.items() if k not in (site.long, site.aws[5])} == {
        k: v for k, v in before.items() if k not in (site.long, site.aws[5])
    }


@pytest.mark.parametrize("status", [500, 401])
def test_a_failed_fetch_keeps_the_cache_and_says_why(site: Site, store: Store, status: int) -> None:
    fetch = fetcher(site, store)
    fetch.run()
    before = store.history.tickets()
    cursors = {board.id: store.cursors.get(f"jira.history.{board.id}.fetched_at") for board in (AWS, SIXDG)}
    site.clock.advance(timedelta(hours=1))
    site.sim.world.transition_to(site.quiet, "In Progress", by=site.tom)
    if status == 401:
        site.sim.faults.revoke_token()
    else:  # the first board's search goes through, the second's fails: nothing may be half-written
        site.sim.faults.fail_next(1, status=500, match="search/jql", after=1)

    failed = fetch.run()

    assert failed.error is not None and failed.error.status == status and failed.fetched == 0
    assert failed.error.auth == (status == 401) and site.sim.token not in failed.error.message
    assert store.history.tickets() == before
    assert cursors == {b.id: store.cursors.get(f"jira.history.{b.id}.fetched_at") for b in (AWS, SIXDG)}

    site.sim.faults.restore_token()
    site.clock.advance(timedelta(minutes=10))
    recovered = fetch.run()  # measured from the last success, so the change is not lost
    assert recovered.error is None and not recovered.first
    assert by_key(store)[site.quiet].status.name == "In Progress"


def test_a_first_fetch_that_fails_is_first_again_next_time(site: Site, store: Store) -> None:
    site.sim.faults.fail_next(1, status=503, match="changelog")
    failed = fetcher(site, store).run()
    assert failed.error is not None and failed.first and store.history.count() == 0
    again = fetcher(site, store).run()
    assert again.error is None and again.first and again.fetched == 29


def test_a_cancelled_fetch_writes_nothing(site: Site, store: Store) -> None:
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > 10

    result = fetcher(site, store).run(cancelled=cancelled)
    assert result.cancelled and result.error is None and result.fetched == 0
    assert store.history.count() == 0 and store.cursors.get("jira.history.262.fetched_at") is None


def test_histories_not_updated_for_100_days_are_forgotten(site: Site, store: Store) -> None:
    gone = datetime(2026, 8, 1, tzinfo=UTC)
    store.history.save([TicketHistory("LAA-999", "AWS Ops", gone, Status("10001", "Done", "done"))], gone)
    result = fetcher(site, store).run()
    assert result.forgotten == 1 and "LAA-999" not in by_key(store)


def test_the_runtime_fetches_the_demo_boards(h: Harness) -> None:
    runtime = h.runtime()
    result = runtime.history.run()
    assert result.error is None and result.first and result.fetched > 0
    cached = {t.key: t for t in runtime.store.history.tickets()}
    assert h.waiting_keys() <= set(cached)
    assert {t.board for t in cached.values()} <= {board.name for board in runtime.config.jira.boards}


def test_after_the_clock_steps_back_the_whole_window_is_read_again(site: Site, store: Store) -> None:
    """A cursor later than now (the machine's clock was wrong, then corrected) cannot say how long ago the
    last fetch was: the next fetch reads the 90 days again rather than only the last five minutes."""
    fetch = fetcher(site, store)
    fetch.run()
    site.clock.advance(timedelta(hours=-3))
    site.sim.log.clear()
    result = fetch.run()
    assert result.error is None and result.first
    assert all('updated >= "-129600m"' in jql for jql in searches(site.sim))
