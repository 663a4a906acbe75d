"""The simulated Jira Cloud, driven by the real `jira` library (unmodified) over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
import requests
from jira import JIRA

from duty_sim.jira.routes_search import REMOVED, UNBOUNDED
from duty_sim.jira.service import JiraSim
from duty_tui.clock import ManualClock
from tests.support import jira_error

EMAIL, TOKEN = "duty@example.com", "sim-jira-token"
ANN = "712020:5cec603e-f7f9-4b8e-9f1a-000000000001"
BOB = "5b10a2844c20165700ede21g"
SIXDG_JQL = 'project = LAA AND component = "laa-6dg-support" ORDER BY Rank ASC'
T = TypeVar("T")
ADF = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}],
}


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[JiraSim]:
    with JiraSim(clock=clock) as sim:
        world = sim.world
        world.add_user("Ann Smith", "ann@example.com", account_id=ANN)
        world.add_user("Bob Jones", "bob@example.com", account_id=BOB)
        world.add_user("Ann Old", "old@example.com", active=False)
        world.add_project("LAA", "LAA Support")
        world.add_project("LM", "LAA Modernisation")
        world.add_component("LAA", "laa-6dg-support")
        world.add_board(262, "AWS Ops", "LAA", "project = LAA ORDER BY Rank ASC")
        sub = "fixVersion in unreleasedVersions() OR fixVersion is EMPTY"
        world.add_board(265, "6DG Ops", "LAA", SIXDG_JQL, sub_query=sub)
        yield sim


@pytest.fixture
def jira(sim: JiraSim) -> JIRA:
    return JIRA(server=sim.url, basic_auth=(EMAIL, TOKEN), max_retries=0, timeout=(5, 30))


def seed(sim: JiraSim, count: int, project: str = "LAA", **kwargs: Any) -> list[str]:
    start = sim.clock.now() - timedelta(hours=count)
    return [
        sim.world.create_issue(project, f"Issue {n}", created=start + timedelta(hours=n), **kwargs)
        for n in range(count)
    ]


def put(jira: JIRA, path: str, body: Any) -> requests.Response:
    """PUT as the app does (the library's session raises on errors, so plain requests here)."""
    return requests.put(jira._get_latest_url(path), json=body, auth=(EMAIL, TOKEN), timeout=5)


def finite(call: Callable[[], T]) -> T:
    """Run a fetch-all search in a thread: a simulator that never ends paging fails the test, not hangs it.

    A stuck worker stops when the fixture stops the simulator (its next request is refused)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(call).result(timeout=10)
    finally:
        pool.shutdown(wait=False)


def searches(sim: JiraSim) -> list[Any]:
    return sim.log.find("GET", "/search/jql") + sim.log.find("POST", "/search/jql")


# -- construction, auth, faults, log -----------------------------------------------------------------


def test_construction_sends_server_info_only(sim: JiraSim, jira: JIRA) -> None:
    assert [(e.method, e.path, e.status) for e in sim.log] == [("GET", "/rest/api/2/serverInfo", 200)]
    assert jira.deploymentType == "Cloud"
    assert jira.myself()["accountId"] == sim.myself_account_id


def test_wrong_token_bearer_and_revoked_token_get_401(sim: JiraSim, jira: JIRA) -> None:
    error = jira_error(lambda: JIRA(server=sim.url, basic_auth=(EMAIL, "wrong"), max_retries=0, timeout=5))
    assert error.status_code == 401
    assert error.response.json() == {
        "errorMessages": ["You are not authenticated. Authentication required to perform this operation."],
        "errors": {},
    }
    bearer = requests.get(
        f"{sim.url}/rest/api/2/myself", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )
    assert bearer.status_code == 401
    assert requests.get(f"{sim.url}/rest/api/3/serverInfo", timeout=5).status_code == 200  # anonymous is fine
    assert requests.get(f"{sim.url}/rest/api/3/myself", timeout=5).status_code == 401
    sim.faults.revoke_token()
    assert jira_error(jira.myself).status_code == 401
    assert requests.get(f"{sim.url}/rest/api/2/serverInfo", timeout=5).status_code == 401


def test_faults_reach_the_client_as_jira_errors(sim: JiraSim, jira: JIRA) -> None:
    sim.faults.fail_next(status=500)
    error = jira_error(jira.myself)
    assert error.status_code == 500
    assert error.response.json()["errorMessages"]
    sim.faults.rate_limit_next(retry_after=7)
    error = jira_error(jira.myself)
    assert error.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response.headers["RateLimit-Reason"] == "jira-burst-based"
    assert error.response.headers["X-RateLimit-Reset"].startswith("2026-11-26T10:30:07")
    assert error.response.json() == {"errorMessages": ["Rate limit exceeded."], "errors": {}}
    assert jira.myself()["accountId"] == sim.myself_account_id
    assert [e.fault for e in sim.log.find(path="/myself")] == ["status", "rate_limit", None]


def test_route_rate_limit_is_per_route_template(sim: JiraSim, jira: JIRA) -> None:
    seed(sim, 2)
    sim.set_rate_limit("GET issue/{key}", 2, 60)
    jira.issue("LAA-1")
    jira.issue("LAA-2")
    error = jira_error(lambda: jira.issue("LAA-1"))
    assert error.status_code == 429
    assert int(error.response.headers["Retry-After"]) >= 1
    assert jira.myself()  # other routes keep their own bucket
    with pytest.raises(ValueError, match="unknown route"):
        sim.set_rate_limit("GET nope", 1, 1)


def test_unknown_route_404_and_wrong_method_405(sim: JiraSim, jira: JIRA) -> None:
    assert jira_error(lambda: jira._get_json("nope")).status_code == 404
    response = requests.delete(f"{sim.url}/rest/api/2/myself", auth=(EMAIL, TOKEN), timeout=5)
    assert response.status_code == 405
    assert set(response.json()) == {"errorMessages", "errors"}


def test_request_log_records_search_requests(sim: JiraSim, jira: JIRA) -> None:
    seed(sim, 1)
    jira.enhanced_search_issues("project = LAA", maxResults=5, fields=["summary"])
    entry = searches(sim)[-1]
    assert entry.status == 200
    assert entry.query["jql"] == ["project = LAA"]
    assert entry.query["fields"] == ["summary"]


# -- search ------------------------------------------------------------------------------------------


def test_fetch_all_loops_over_capped_pages_and_stops(sim: JiraSim, jira: JIRA) -> None:
    keys = seed(sim, 45)
    jql = "project = LAA ORDER BY created ASC"
    issues = finite(lambda: jira.enhanced_search_issues(jql, maxResults=0, fields=["summary"]))
    assert [i.key for i in issues] == keys
    assert [i.fields.summary for i in issues][:2] == ["Issue 0", "Issue 1"]
    pages = searches(sim)
    assert len(pages) == 3  # 20 + 20 + 5: the server caps pages below the 100 the client asks for
    assert all(p.query["maxResults"] == ["100"] for p in pages)
    assert "nextPageToken" not in pages[0].query and "nextPageToken" in pages[2].query


def test_one_page_at_a_time_with_opaque_tokens(sim: JiraSim, jira: JIRA, clock: ManualClock) -> None:
    keys = seed(sim, 12)
    jql = "project = LAA ORDER BY key ASC"
    first = jira.enhanced_search_issues(jql, maxResults=5, fields=["summary"])
    assert [i.key for i in first] == keys[:5]
    token = first.nextPageToken
    assert token and not token.isdigit()
    second = jira.enhanced_search_issues(jql, nextPageToken=token, maxResults=5, fields=["summary"])
    assert [i.key for i in second] == keys[5:10]
    raw = jira.enhanced_search_issues(jql, nextPageToken=second.nextPageToken, maxResults=5, json_result=True)
    assert raw["isLast"] is True and set(raw) == {
        "issues",
        "isLast",
    }  # no token, total, startAt or maxResults
    assert [i["id"] for i in raw["issues"]] == [sim.world.issue(k)["id"] for k in keys[10:]]
    error = jira_error(lambda: jira.enhanced_search_issues(jql, nextPageToken="bm9wZQ", maxResults=5))
    assert error.status_code == 400
    other = jira_error(lambda: jira.enhanced_search_issues("project = LM", nextPageToken=token, maxResults=5))
    assert other.status_code == 400  # a token only pages the query it came from
    clock.advance(timedelta(days=8))
    expired = jira_error(lambda: jira.enhanced_search_issues(jql, nextPageToken=token, maxResults=5))
    assert expired.text == "The provided next page token is invalid or expired."


def test_default_fields_are_id_only_and_field_lists_are_honoured(sim: JiraSim, jira: JIRA) -> None:
    seed(sim, 2)
    raw = jira._get_json("search/jql", params={"jql": "project = LAA"})
    assert raw["issues"] == [{"id": "10001"}, {"id": "10000"}]
    raw = jira._get_json("search/jql", params={"jql": "project = LAA", "fields": ["summary", "status"]})
    assert set(raw["issues"][0]["fields"]) == {"summary", "status"}
    assert raw["issues"][0]["key"] == "LAA-2"
    raw = jira._get_json("search/jql", params={"jql": "project = LAA", "fields": "summary,priority"})
    assert set(raw["issues"][0]["fields"]) == {"summary", "priority"}
    raw = jira._get_json("search/jql", params={"jql": "project = LAA", "fields": "*navigable,-description"})
    fields = raw["issues"][0]["fields"]
    assert "summary" in fields and "description" not in fields and "comment" not in fields
    raw = jira._get_json("search/jql", params={"jql": "project = LAA", "fields": "*all"})
    assert "comment" in raw["issues"][0]["fields"]


def test_search_errors(sim: JiraSim, jira: JIRA) -> None:
    seed(sim, 1)
    for jql in ("ORDER BY key", ""):
        error = jira_error(lambda jql=jql: jira.enhanced_search_issues(jql, maxResults=5))
        assert (error.status_code, error.response.json()) == (
            400,
            {"errorMessages": [UNBOUNDED], "errors": {}},
        )
    error = jira_error(lambda: jira.enhanced_search_issues("project = LAA", maxResults=5, fields=["foo"]))
    assert error.text == "Field 'foo' does not exist or you do not have permission to view it."
    error = jira_error(lambda: jira.enhanced_search_issues("project = = LAA", maxResults=5))
    assert error.status_code == 400 and error.text.startswith("Error in the JQL Query: ")
    ids = list(range(10000, 10051))
    error = jira_error(
        lambda: jira.enhanced_search_issues("project = LAA", maxResults=5, reconcileIssues=ids)
    )
    assert error.status_code == 400


def test_post_search_accepts_the_librarys_explicit_nulls(sim: JiraSim, jira: JIRA) -> None:
    keys = seed(sim, 25)
    jql = "project = LAA ORDER BY rank"
    issues = finite(lambda: jira.enhanced_search_issues(jql, maxResults=0, fields=["key"], use_post=True))
    assert [i.key for i in issues] == keys
    body = sim.log.find("POST", "/search/jql")[0].json()
    assert body["expand"] is None and body["properties"] is None and body["reconcileIssues"] == []
    bogus = json.dumps({"jql": "project = LAA", "bogus": 1})
    assert jira_error(lambda: jira._session.post(jira._get_url("search/jql"), data=bogus)).status_code == 400


def test_removed_search_is_gone(sim: JiraSim, jira: JIRA) -> None:
    for version in ("2", "3", "latest"):
        url = f"{sim.url}/rest/api/{version}/search"
        for response in (
            requests.get(url, params={"jql": "project = LAA"}, auth=(EMAIL, TOKEN), timeout=5),
            requests.post(url, json={"jql": "project = LAA"}, auth=(EMAIL, TOKEN), timeout=5),
        ):
            assert response.status_code == 410
            assert response.json() == {"errorMessages": [REMOVED], "errors": {}}


def test_expand_changelog_is_newest_first_and_capped(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1)
    for n in range(60):
        sim.world.transition_to(key, "In Progress" if n % 2 == 0 else "To Do")
    raw = jira._get_json(
        "search/jql", params={"jql": f"key = {key}", "fields": "status", "expand": "changelog"}
    )
    changelog = raw["issues"][0]["changelog"]
    assert changelog["total"] == 120 - 60  # 60 transitions
    assert len(changelog["histories"]) == 60
    created = [h["created"] for h in changelog["histories"]]
    assert created == sorted(created, reverse=True)
    for _ in range(50):
        sim.world.transition_to(key, "Done")
        sim.world.transition_to(key, "To Do")
    raw = jira._get_json(
        "search/jql", params={"jql": f"key = {key}", "fields": "status", "expand": "changelog"}
    )
    assert len(raw["issues"][0]["changelog"]["histories"]) == 100


def test_approximate_count(sim: JiraSim, jira: JIRA) -> None:
    seed(sim, 3)
    seed(sim, 2, project="LM")
    assert jira.approximate_issue_count("project = LAA") == 3
    assert jira_error(lambda: jira.approximate_issue_count("order by key")).status_code == 400


def test_search_lag_hides_fresh_changes_unless_reconciled(
    sim: JiraSim, jira: JIRA, clock: ManualClock
) -> None:
    (old,) = seed(sim, 1)
    clock.advance(timedelta(minutes=5))
    sim.set_search_lag(30)
    sim.world.transition_to(old, "In Progress")
    new = sim.world.create_issue("LAA", "fresh")
    jql = "project = LAA AND statusCategory = new"
    assert [i.key for i in jira.enhanced_search_issues(jql, maxResults=20, fields=["status"])] == [old]
    issue_ids = [int(sim.world.issue(k)["id"]) for k in (old, new)]
    seen = jira.enhanced_search_issues(jql, maxResults=20, fields=["status"], reconcileIssues=issue_ids)
    assert [i.key for i in seen] == [new]
    clock.advance(timedelta(seconds=31))
    assert [i.key for i in jira.enhanced_search_issues(jql, maxResults=20, fields=["status"])] == [new]


# -- issues ------------------------------------------------------------------------------------------


def test_get_issue_by_key_or_id_and_missing(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1, components=["laa-6dg-support"], labels=["triage"])
    issue = jira.issue(key)
    assert issue.fields.status.statusCategory.key == "new"
    assert issue.fields.components[0].name == "laa-6dg-support"
    assert issue.fields.reporter.accountId == sim.myself_account_id
    assert issue.fields.created == "2026-11-26T09:30:00.000+0000"
    assert jira.issue(issue.id).key == key
    summer = sim.world.create_issue("LAA", "in BST", created=datetime(2026, 7, 1, 8, 30, tzinfo=UTC))
    assert jira.issue(summer).fields.created == "2026-07-01T09:30:00.000+0100"  # the viewer's zone
    assert set(jira.issue(key, fields="summary").raw["fields"]) == {"summary"}
    error = jira_error(lambda: jira.issue("LAA-999"))
    assert error.status_code == 404
    assert error.response.json() == {
        "errorMessages": ["Issue does not exist or you do not have permission to see it."],
        "errors": {},
    }


def test_edit_issue_through_its_self_link(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1)
    issue = jira.issue(key)
    issue.update(fields={"summary": "Renamed", "labels": ["a", "b"], "priority": {"name": "High"}})
    issue.update(fields={"components": [{"name": "laa-6dg-support"}]})
    fields = sim.world.issue(key)["fields"]
    assert (fields["summary"], fields["labels"], fields["priority"]["name"]) == (
        "Renamed",
        ["a", "b"],
        "High",
    )
    assert [c["name"] for c in fields["components"]] == ["laa-6dg-support"]
    bad = put(jira, f"issue/{key}", {"fields": {"components": [{"name": "nope"}], "foo": 1}})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "components": "Component name 'nope' is not valid",
        "foo": "Field 'foo' cannot be set. It is not on the appropriate screen, or unknown.",
    }


def test_assign_by_account_id_records_history(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1)
    response = put(jira, f"issue/{key}/assignee", {"accountId": ANN})
    assert response.status_code == 204
    assert jira.issue(key).fields.assignee.accountId == ANN
    (history,) = sim.world.changelog(key)
    assert history["author"]["accountId"] == sim.myself_account_id
    (item,) = history["items"]
    assert (item["field"], item["tmpFromAccountId"], item["tmpToAccountId"], item["toString"]) == (
        "assignee",
        None,
        ANN,
        "Ann Smith",
    )
    assert put(jira, f"issue/{key}/assignee", {"accountId": None}).status_code == 204
    assert sim.world.issue(key)["fields"]["assignee"] is None
    assert put(jira, f"issue/{key}/assignee", {"accountId": "-1"}).status_code == 204


def test_assign_refuses_names_unknown_and_inactive_users(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1)
    gdpr = put(jira, f"issue/{key}/assignee", {"name": "ann"})
    assert (gdpr.status_code, gdpr.json()["errorMessages"]) == (
        400,
        ["'accountId' must be the only user identifying query parameter in GDPR strict mode."],
    )
    assert put(jira, f"issue/{key}/assignee", {"name": "ann", "accountId": ANN}).status_code == 400
    assert put(jira, f"issue/{key}/assignee", {"accountId": "5b10ac8d82e05b22cc7d4ef5"}).status_code == 400
    inactive = next(u for u, user in sim.world.users.items() if not user.active)
    assert put(jira, f"issue/{key}/assignee", {"accountId": inactive}).status_code == 400
    assert put(jira, "issue/LAA-404/assignee", {"accountId": ANN}).status_code == 404
    assert sim.world.changelog(key) == []


def test_transitions_are_chosen_by_target_status(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1)
    transitions = jira.transitions(key)
    assert {t["to"]["name"] for t in transitions} == {"In Progress", "Waiting for Customer", "Done"}
    assert all(t["name"] != t["to"]["name"] for t in transitions)
    assert {t["to"]["statusCategory"]["key"] for t in transitions} == {"indeterminate", "done"}
    error = jira_error(lambda: jira.transition_issue(key, "In Progress"))  # by name: no such transition
    assert "Invalid transition name" in str(error)
    start = next(t["id"] for t in transitions if t["to"]["name"] == "In Progress")
    jira.transition_issue(key, start)
    assert jira.issue(key).fields.status.name == "In Progress"
    url = jira._get_url(f"issue/{key}/transitions")
    again = requests.post(url, json={"transition": {"id": int(start)}}, auth=(EMAIL, TOKEN), timeout=5)
    assert again.status_code == 400
    assert again.json()["errorMessages"] == [f"Transition id '{start}' is not valid for this issue."]
    done = next(t["id"] for t in jira.transitions(key) if t["to"]["statusCategory"]["key"] == "done")
    jira.transition_issue(key, done, fields={"resolution": {"name": "Won't Do"}}, comment="closing")
    fields = sim.world.issue(key)["fields"]
    assert (fields["status"]["name"], fields["resolution"]["name"]) == ("Done", "Won't Do")
    assert sim.world.comments(key)[0]["body"] == "closing"
    items = sim.world.changelog(key)[-1]["items"]
    assert [(i["field"], i["from"], i["to"]) for i in items] == [
        ("status", "3", "10001"),
        ("resolution", None, "10001"),
    ]


def test_v2_and_v3_comments(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1)
    comment = jira.add_comment(key, "hello *world*")
    assert comment.body == "hello *world*" and comment.author.accountId == sim.myself_account_id
    v3 = JIRA(
        server=sim.url, basic_auth=(EMAIL, TOKEN), max_retries=0, timeout=5, options={"rest_api_version": "3"}
    )
    assert v3.comments(key)[0].raw["body"]["type"] == "doc"
    v3.add_comment(key, ADF)  # type: ignore[arg-type]
    assert [c.body for c in jira.comments(key)] == ["hello *world*", "hi"]
    error = jira_error(lambda: v3.add_comment(key, "plain text"))
    assert error.status_code == 400 and error.response.json()["errors"] == {
        "comment": "Comment body is not valid!"
    }
    assert jira_error(lambda: jira.add_comment(key, ADF)).status_code == 400  # type: ignore[arg-type]
    newest = jira.comments(key, order_by="-created", max_results=1)
    assert [c.body for c in newest] == ["hi"]


def test_comment_properties_round_trip(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1)
    body = {"body": "outbox", "properties": [{"key": "duty-tui", "value": {"outbox": "o-1"}}]}
    assert jira._session.post(jira._get_url(f"issue/{key}/comment"), data=json.dumps(body)).status_code == 201
    raw = jira._get_json(f"issue/{key}/comment", params={"expand": "properties"})
    assert raw["comments"][0]["properties"] == [{"key": "duty-tui", "value": {"outbox": "o-1"}}]


def test_create_issue_end_to_end(sim: JiraSim, jira: JIRA) -> None:
    fields = {
        "project": {"key": "LAA"},
        "issuetype": {"name": "Task"},
        "summary": "Disk full on web-2",
        "description": "df says 100%",
        "components": [{"name": "laa-6dg-support"}],
        "priority": {"name": "High"},
        "labels": ["duty-tui"],
    }
    issue = jira.create_issue(fields=fields)
    assert issue.key == "LAA-1" and issue.id == "10000"
    assert issue.fields.description == "df says 100%"
    assert issue.fields.priority.name == "High"
    assert [c.name for c in issue.fields.components] == ["laa-6dg-support"]
    error = jira_error(
        lambda: jira.create_issue(fields={"project": {"key": "LAA"}, "issuetype": {"name": "Task"}})
    )
    assert error.response.json() == {
        "errorMessages": [],
        "errors": {"summary": "You must specify a summary of the issue."},
    }
    v3 = JIRA(
        server=sim.url, basic_auth=(EMAIL, TOKEN), max_retries=0, timeout=5, options={"rest_api_version": "3"}
    )
    assert jira_error(lambda: v3.create_issue(fields=fields)).response.json()["errors"].keys() == {
        "description"
    }
    created = v3.create_issue(fields=fields | {"description": ADF, "project": {"id": "10000"}})
    assert created.raw["fields"]["description"] == ADF


def test_changelog_is_offset_paged_oldest_first(sim: JiraSim, jira: JIRA) -> None:
    (key,) = seed(sim, 1)
    for status in ("In Progress", "Waiting for Customer", "In Progress", "Done", "To Do"):
        sim.world.transition_to(key, status)
    first = jira._get_json(f"issue/{key}/changelog", params={"maxResults": 2})
    assert (first["total"], first["isLast"], first["startAt"]) == (5, False, 0)
    assert [v["items"][0]["toString"] for v in first["values"]] == ["In Progress", "Waiting for Customer"]
    assert "startAt=2" in first["nextPage"]
    last = jira._get_json(f"issue/{key}/changelog", params={"startAt": 4, "maxResults": 2})
    assert last["isLast"] is True and "nextPage" not in last
    bulk = jira._session.post(
        f"{sim.url}/rest/api/3/changelog/bulkfetch",
        data=json.dumps({"issueIdsOrKeys": [key], "fieldIds": ["resolution"]}),
    ).json()
    assert [len(h["items"]) for h in bulk["issueChangeLogs"][0]["changeHistories"]] == [1, 1]


# -- users, platform ------------------------------------------------------------------------------------


def test_user_search_and_account_ids_with_colons(sim: JiraSim, jira: JIRA) -> None:
    (ann,) = jira.search_users(query="ann")  # the inactive "Ann Old" is left out
    assert ann.accountId == ANN
    assert ann.raw["self"].endswith(
        "/rest/api/2/user?accountId=712020%3A5cec603e-f7f9-4b8e-9f1a-000000000001"
    )
    assert [u.accountId for u in jira.search_users(query="bob@exa")] == [BOB]
    assert jira.search_users(query="mith")[:] == []  # a prefix of a word, not a substring
    assert jira.user(ANN).displayName == "Ann Smith"
    assert jira_error(lambda: jira.user("nobody")).status_code == 404
    assert jira_error(lambda: jira._get_json("user/search")).status_code == 400
    both = {"query": "ann", "accountId": ANN}
    assert jira_error(lambda: jira._get_json("user/search", params=both)).status_code == 400
    users = jira._get_json("user/assignable/search", params={"project": "LAA", "query": "ann"})
    assert [u["accountId"] for u in users] == [ANN]
    assert (
        jira_error(lambda: jira._get_json("user/assignable/search", params={"query": "a"})).status_code == 400
    )
    sim.world.create_issue("LAA", "x")
    assert (
        jira._get_json("user/assignable/search", params={"issueKey": "LAA-1", "accountId": BOB})[0][
            "accountId"
        ]
        == BOB
    )


def test_platform_catalogue(sim: JiraSim, jira: JIRA) -> None:
    assert {c.key: c.id for c in jira.statuscategories()} == {
        "undefined": 1,
        "new": 2,
        "indeterminate": 4,
        "done": 3,
    }
    assert {s.name: s.id for s in jira.statuses()} == {
        "To Do": "10000",
        "In Progress": "3",
        "Waiting for Customer": "10002",
        "Done": "10001",
    }
    assert [p.name for p in jira.priorities()] == ["Highest", "High", "Medium", "Low", "Lowest"]
    assert {f["id"] for f in jira.fields()} >= {"summary", "status", "assignee", "components", "comment"}
    assert jira.project("LAA").key == "LAA"
    assert jira_error(lambda: jira.project("NOPE")).status_code == 404
    filter_id = jira._get_json("board/265/configuration", base=jira.AGILE_BASE_URL)["filter"]["id"]
    assert jira.filter(filter_id).jql == SIXDG_JQL
    assert jira_error(lambda: jira.filter("99999")).status_code == 400  # missing filters are 400 on Cloud


# -- agile ---------------------------------------------------------------------------------------------


def test_boards_configuration_and_board_issues(sim: JiraSim, jira: JIRA) -> None:
    assert [(b.id, b.name) for b in jira.boards()] == [(262, "AWS Ops"), (265, "6DG Ops")]
    assert [b.id for b in jira.boards(name="6dg")] == [265]
    board = jira._get_json("board/265", base=jira.AGILE_BASE_URL)
    assert board["location"]["projectKey"] == "LAA" and board["id"] == 265
    config = jira._get_json("board/265/configuration", base=jira.AGILE_BASE_URL)
    assert config["subQuery"]["query"].startswith("fixVersion in unreleasedVersions()")
    statuses = [[s["id"] for s in c["statuses"]] for c in config["columnConfig"]["columns"]]
    assert statuses == [["10000"], ["3", "10002"], ["10001"]]
    six = seed(sim, 6, components=["laa-6dg-support"])
    seed(sim, 2)
    sim.world.assign(six[0], ANN)
    sim.world.transition_to(six[1], "Done")
    params = {
        "jql": "assignee IS EMPTY AND statusCategory != Done",
        "fields": "summary,status",
        "maxResults": 3,
    }
    page = jira._get_json("board/265/issue", params=params, base=jira.AGILE_BASE_URL)
    assert (page["total"], page["startAt"], page["maxResults"]) == (4, 0, 3)
    assert [i["key"] for i in page["issues"]] == six[2:5]  # rank order
    rest = jira._get_json("board/265/issue", params=params | {"startAt": 3}, base=jira.AGILE_BASE_URL)
    assert [i["key"] for i in rest["issues"]] == six[5:]
    missing = jira_error(lambda: jira._get_json("board/1/configuration", base=jira.AGILE_BASE_URL))
    assert missing.status_code == 404
    assert missing.text == "Board does not exist or you do not have permission to see it."


def test_board_issues_only_show_statuses_mapped_to_columns(sim: JiraSim, jira: JIRA) -> None:
    sim.world.add_board(300, "Narrow", "LAA", "project = LAA", column_status_names=[["To Do"], ["Done"]])
    keys = seed(sim, 3)
    sim.world.transition_to(keys[1], "In Progress")
    page = jira._get_json("board/300/issue", base=jira.AGILE_BASE_URL)
    assert [i["key"] for i in page["issues"]] == [keys[0], keys[2]]
    assert page["issues"][0]["self"].endswith(f"/rest/agile/1.0/issue/{sim.world.issue(keys[0])['id']}")


def test_concurrent_requests_are_consistent(sim: JiraSim, jira: JIRA) -> None:
    keys = seed(sim, 20)

    def work(key: str) -> int:
        put(jira, f"issue/{key}/assignee", {"accountId": BOB})
        return len(jira.enhanced_search_issues("project = LAA", maxResults=20, fields=["assignee"]))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(work, keys)) == [20] * 20
    assert all(e.status in (200, 204) for e in sim.log)
    assert all(sim.world.issue(k)["fields"]["assignee"]["accountId"] == BOB for k in keys)
