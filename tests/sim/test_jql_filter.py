"""The `filter` clause of the Jira simulator's JQL, as Jira Cloud expands it: a saved filter by id or name
stands for its own JQL (its ORDER BY dropped), in `=`, `!=`, `IN` and `NOT IN`; a filter that does not
exist is a 400 with Jira's wording; a filter whose expansion comes back to itself is an error."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests

from duty_sim.jira.jql import JqlError
from duty_sim.jira.service import JiraSim
from duty_sim.jira.world import JiraWorld
from duty_tui.clock import ManualClock
from tests.conftest import MORNING

NOW = MORNING
SIXDG = '"laa-6dg-support"'
CYCLE = "and causes a cyclical reference, this query can not be executed and should be edited."


@pytest.fixture
def world() -> JiraWorld:
    w = JiraWorld(ManualClock(NOW))
    w.set_api_user(w.add_user("Duty Engineer", "duty@example.com"))
    w.add_project("LAA", "LAA AWS Ops")
    w.add_project("LM", "LAA 6DG Ops")
    w.add_component("LM", "laa-6dg-support")
    w.add_component("LM", "laa-6dg-dba")
    t0 = NOW - timedelta(days=2)
    w.create_issue("LAA", "AWS, old", created=t0)  # LAA-1
    w.create_issue("LAA", "AWS, newer", created=t0 + timedelta(hours=1))  # LAA-2
    w.create_issue("LM", "6DG desk", created=t0 + timedelta(hours=2), components=["laa-6dg-support"])  # LM-1
    w.create_issue("LM", "DBA only", created=t0 + timedelta(hours=3), components=["laa-6dg-dba"])  # LM-2
    w.add_filter("AWS filter", "project = LAA ORDER BY created DESC")  # 10501
    w.add_filter("6DG filter", "project = LM ORDER BY Rank ASC")  # 10502
    return w


def keys(world: JiraWorld, jql: str) -> list[str]:
    query = world.compile(jql, world.api_user_id)
    return [issue.key for issue in world.run_query(query, world.issues.values())]


def error(world: JiraWorld, jql: str) -> str:
    with pytest.raises(JqlError) as caught:
        keys(world, jql)
    return caught.value.message


def ids(world: JiraWorld) -> tuple[str, str]:
    by_name = {f.name: f.id for f in world.filters.values()}
    return by_name["AWS filter"], by_name["6DG filter"]


def set_jql(world: JiraWorld, filter_id: str, jql: str) -> None:
    world.filters[filter_id] = dataclasses.replace(world.filters[filter_id], jql=jql)


def test_by_id_or_name_the_filter_stands_for_its_own_jql(world: JiraWorld) -> None:
    aws, sixdg = ids(world)
    assert keys(world, f"filter = {aws}") == ["LAA-2", "LAA-1"]  # the filter's ORDER BY is not used
    assert keys(world, f'filter = "{aws}"') == ["LAA-2", "LAA-1"]  # a quoted id still finds it
    assert keys(world, 'filter = "6DG filter"') == ["LM-2", "LM-1"]
    assert keys(world, "FILTER = '6dg FILTER'") == ["LM-2", "LM-1"]  # names and keywords: any case
    assert keys(world, f"savedFilter = {sixdg} AND request = {sixdg} ORDER BY created") == ["LM-1", "LM-2"]


def test_in_not_in_and_not_equal(world: JiraWorld) -> None:
    aws, sixdg = ids(world)
    assert keys(world, f'filter in ({aws}, "6DG filter") ORDER BY key') == ["LAA-1", "LAA-2", "LM-1", "LM-2"]
    assert keys(world, f"filter != {aws} AND created >= -3d") == ["LM-2", "LM-1"]
    assert keys(world, f"filter not in ({aws}, {sixdg}) AND created >= -3d") == []


def test_both_boards_in_one_search_with_the_6dg_component(world: JiraWorld) -> None:
    """The poller's shape: each board parenthesised, the OR as a whole, then the "updated" bound."""
    aws, sixdg = ids(world)
    clock = world.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(minutes=10))
    world.transition_to("LAA-1", "In Progress")  # updated now; the others two days ago
    world.transition_to("LM-1", "In Progress")
    world.transition_to("LM-2", "In Progress")
    both = f'((filter = {aws}) OR (filter = {sixdg} AND component = {SIXDG})) AND updated >= "-5m"'
    assert keys(world, both + " ORDER BY created ASC") == ["LAA-1", "LM-1"]
    # Without the outer parentheses AND binds first: the bound would apply to the 6DG board only.
    loose = f'filter = {aws} OR filter = {sixdg} AND component = {SIXDG} AND updated >= "-5m"'
    assert keys(world, loose) == ["LM-1", "LAA-2", "LAA-1"]


def test_a_filter_may_use_another_filter(world: JiraWorld) -> None:
    aws, _ = ids(world)
    nested = world.add_filter("Old AWS", f"filter = {aws} AND created < -47h ORDER BY key")
    assert keys(world, f"filter = {nested}") == ["LAA-1"]
    assert keys(world, f'filter in ({nested}, "Old AWS")') == ["LAA-1"]  # the same filter twice is no loop


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        ("filter = 999", "A value with ID '999' does not exist for the field 'filter'."),
        ('filter = "999"', "The value '999' does not exist for the field 'filter'."),  # quoted: a name
        ('filter = "Nope"', "The value 'Nope' does not exist for the field 'filter'."),
        ('filter in (999, "6DG filter")', "A value with ID '999' does not exist for the field 'filter'."),
        ("savedFilter != 998", "A value with ID '998' does not exist for the field 'savedFilter'."),
        ("filter = EMPTY", "The field 'filter' does not support searching for EMPTY values."),
        ("filter IS EMPTY", "The operator 'IS' is not supported by the 'filter' field."),
        ("filter ~ AWS", "The operator '~' is not supported by the 'filter' field."),
        ("filter = currentUser()", "Function 'currentUser' is not supported for the field 'filter'."),
        ("filter = nosuch()", "Unable to find JQL function 'nosuch()'."),
    ],
)
def test_missing_filters_and_bad_operands_use_jira_wording(world: JiraWorld, jql: str, message: str) -> None:
    assert error(world, jql) == message


def test_a_filter_that_refers_to_itself_is_an_error(world: JiraWorld) -> None:
    loop = world.add_filter("Loop", 'project = LAA AND filter = "Loop"')
    assert (
        error(world, 'filter = "Loop"') == f"Field 'filter' with value 'Loop' matches filter 'Loop' {CYCLE}"
    )
    assert error(world, f"project = LM OR filter != {loop}").endswith(CYCLE)


def test_a_loop_through_several_filters_is_an_error(world: JiraWorld) -> None:
    aws, sixdg = ids(world)
    set_jql(world, aws, f"project = LAA OR filter = {sixdg}")
    set_jql(world, sixdg, 'project = LM OR filter = "AWS filter"')
    assert error(world, f"filter = {aws}") == (
        f"Field 'filter' with value '{aws}' matches filter '{aws}' {CYCLE}"
    )
    # A filter that only leads into the loop is reported through the clause that names it.
    outer = world.add_filter("Outer", f"filter = {sixdg}")
    assert error(world, f"key = LAA-1 OR filter = {outer}") == (
        f"Field 'filter' with value '{outer}' matches filter '{outer}' {CYCLE}"
    )


# -- over HTTP -------------------------------------------------------------------------------------


@pytest.fixture
def sim() -> Iterator[JiraSim]:
    with JiraSim(clock=ManualClock(NOW)) as sim:
        sim.world.add_project("LAA", "LAA AWS Ops")
        sim.world.create_issue("LAA", "one")
        yield sim


def search(sim: JiraSim, jql: str) -> requests.Response:
    return requests.get(
        f"{sim.url}/rest/api/3/search/jql",
        params={"jql": jql, "fields": "summary"},
        auth=(sim.email, sim.token),
        timeout=5,
    )


def test_a_missing_filter_is_a_400_with_jiras_body(sim: JiraSim) -> None:
    answer = search(sim, "filter = 424242")
    assert answer.status_code == 400
    assert answer.json() == {
        "errorMessages": ["A value with ID '424242' does not exist for the field 'filter'."],
        "errors": {},
    }


def test_a_filter_loop_is_a_400_and_a_good_filter_searches(sim: JiraSim) -> None:
    good = sim.world.add_filter("LAA", "project = LAA ORDER BY Rank")
    sim.world.add_filter("Self", 'filter = "Self"')
    found = search(sim, f"filter = {good}")
    assert found.status_code == 200 and [i["key"] for i in found.json()["issues"]] == ["LAA-1"]
    looped = search(sim, 'filter = "Self"')
    assert looped.status_code == 400 and looped.json()["errorMessages"][0].endswith(CYCLE)
