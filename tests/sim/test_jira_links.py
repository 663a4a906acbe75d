"""Raising a ticket in the simulated Jira Cloud: create with entity properties and components, the
issue property routes, remote links (upserted by globalId), and the JQL a resend uses to find its ticket.

Driven by the real `jira` library where it has a call for the route (`issue_property`,
`add_issue_property`, `add_simple_link`, `remote_links`, `remote_link`), else through its session.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from jira import JIRA

from duty_sim.jira.service import JiraSim
from duty_tui.clock import ManualClock
from tests.support import jira_error

EMAIL, TOKEN = "duty@example.com", "sim-jira-token"
ANN = "712020:5cec603e-f7f9-4b8e-9f1a-000000000001"
COMPONENT = "laa-6dg-support"
RESEND_JQL = "reporter = currentUser() AND created >= -15m ORDER BY created DESC"
SLACK_LINK = "https://mojdt.slack.com/archives/CEL68S0LD/p1764153000000100"


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[JiraSim]:
    with JiraSim(clock=clock) as sim:
        sim.world.add_user("Ann Smith", "ann@example.com", account_id=ANN)
        sim.world.add_project("LAA", "LAA AWS Ops")
        sim.world.add_project("LM", "LAA 6DG Ops")
        sim.world.add_component("LM", COMPONENT)
        sim.world.add_component("LAA", "platform")
        yield sim


@pytest.fixture
def jira(sim: JiraSim) -> JIRA:
    return JIRA(server=sim.url, basic_auth=(EMAIL, TOKEN), max_retries=0, timeout=(5, 30))


def fields(**extra: Any) -> dict[str, Any]:
    return {
        "project": {"key": "LM"},
        "issuetype": {"name": "Task"},
        "summary": "CCMS batch failed overnight",
        "description": "Raised from #laa-ops",
        "priority": {"name": "High"},
        **extra,
    }


def post(jira: JIRA, path: str, body: Any) -> requests.Response:
    """POST as the app does; plain requests, so an error answer comes back instead of raising."""
    return requests.post(jira._get_url(path), json=body, auth=(EMAIL, TOKEN), timeout=5)


def create(jira: JIRA, **body: Any) -> requests.Response:
    return post(jira, "issue", {"fields": fields(), **body})


def outbox(uid: str) -> list[dict[str, Any]]:
    return [{"key": "duty-tui", "value": {"outbox": uid}}]


# -- create with properties and components --------------------------------------------------------------


def test_create_stores_properties_with_the_issue(sim: JiraSim, jira: JIRA) -> None:
    answer = create(jira, properties=[*outbox("o-1"), {"key": "source", "value": "slack"}])
    assert answer.status_code == 201
    key = answer.json()["key"]
    assert jira.issue_property(key, "duty-tui").value.outbox == "o-1"
    assert [p.key for p in jira.issue_properties(key)] == ["duty-tui", "source"]
    assert sim.world.issue_property(key, "source") == "slack"
    # Properties are not fields: they change neither the issue's fields nor its history.
    assert "duty-tui" not in json.dumps(sim.world.issue(key)["fields"]) and sim.world.changelog(key) == []


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ([{"key": f"p{n}", "value": n} for n in range(6)], "At most 5 issue properties"),
        ([{"key": "k" * 256, "value": 1}], "cannot be longer than 255 characters"),
        ([{"key": "big", "value": "x" * 32767}], "cannot be longer than 32768 bytes"),
        ([{"key": "", "value": 1}], "key cannot be null or empty"),
        ([{"key": "duty-tui"}], "value cannot be null or empty"),
        ([{"key": "a", "value": 1, "extra": 2}], 'Unrecognized field "extra"'),
        ([{"key": "a", "value": 1}, {"key": "a", "value": 2}], "only once"),
        ({"key": "a", "value": 1}, "must be a list"),
    ],
    ids=["six", "long-key", "big-value", "empty-key", "no-value", "unknown-key", "twice", "not-a-list"],
)
def test_create_refuses_properties_over_the_limits(
    sim: JiraSim, jira: JIRA, properties: Any, message: str
) -> None:
    answer = create(jira, properties=properties)
    assert answer.status_code == 400
    body = answer.json()
    assert set(body) == {"errorMessages", "errors"} and message in body["errorMessages"][0]
    assert sim.world.issue_keys() == []  # nothing is created when a property is refused


def test_limits_admit_exactly_their_maximum(sim: JiraSim, jira: JIRA) -> None:
    at_limit = [{"key": "k" * 255, "value": "x" * 32766}, *({"key": f"p{n}", "value": n} for n in range(4))]
    answer = create(jira, properties=at_limit)  # "x"*32766 is 32768 bytes of JSON with its quotes
    assert answer.status_code == 201, answer.text
    assert len(sim.world.issue_property_keys(answer.json()["key"])) == 5


def test_components_by_name_or_id_must_exist_in_the_project(sim: JiraSim, jira: JIRA) -> None:
    component_id = next(c.id for c in sim.world.components.values() if c.name == COMPONENT)
    by_name = jira.create_issue(fields=fields(components=[{"name": COMPONENT}]))
    by_id = jira.create_issue(fields=fields(components=[{"id": component_id}]))
    assert (
        [c.name for c in by_name.fields.components]
        == [COMPONENT]
        == [c.name for c in by_id.fields.components]
    )
    for wrong, error in (
        ({"name": "platform"}, "Component name 'platform' is not valid"),  # it belongs to LAA
        ({"id": COMPONENT}, f"Component id '{COMPONENT}' is not valid"),  # a name is not an id
        ({"name": component_id}, f"Component name '{component_id}' is not valid"),
    ):
        answer = create(jira, **{"fields": fields(components=[wrong])})
        assert (answer.status_code, answer.json()["errors"]) == (400, {"components": error})


def test_an_edit_sets_properties_too(sim: JiraSim, jira: JIRA) -> None:
    key = sim.world.create_issue("LM", "x")
    url = jira._get_url(f"issue/{key}")
    edit = {"fields": {"summary": "renamed"}, "properties": outbox("o-7")}
    assert requests.put(url, json=edit, auth=(EMAIL, TOKEN), timeout=5).status_code == 204
    assert sim.world.issue_property(key, "duty-tui") == {"outbox": "o-7"}
    refused = {"fields": {"summary": "again"}, "properties": [{"key": "", "value": 1}]}
    answer = requests.put(url, json=refused, auth=(EMAIL, TOKEN), timeout=5)
    assert answer.status_code == 400 and sim.world.issue(key)["fields"]["summary"] == "renamed"


# -- the property routes ----------------------------------------------------------------------------------


def test_put_creates_then_replaces_and_any_json_is_a_value(sim: JiraSim, jira: JIRA) -> None:
    key = sim.world.create_issue("LM", "x")
    assert jira.add_issue_property(key, "duty-tui", {"outbox": "o-1"}).status_code == 201
    replaced = jira.add_issue_property(key, "duty-tui", ["o-1", "o-2"])
    assert replaced.status_code == 200 and replaced.content == b""  # no body either way
    assert jira.issue_property(key, "duty-tui").raw == {"key": "duty-tui", "value": ["o-1", "o-2"]}
    assert jira.add_issue_property(key, "plain", "text").status_code == 201
    keys = jira._get_json(f"issue/{key}/properties")["keys"]
    assert [k["key"] for k in keys] == ["duty-tui", "plain"]
    assert keys[0]["self"] == f"{sim.url}/rest/api/2/issue/{key}/properties/duty-tui"


def test_property_errors(sim: JiraSim, jira: JIRA) -> None:
    key = sim.world.create_issue("LM", "x")
    missing = requests.get(jira._get_url(f"issue/{key}/properties/duty-tui"), auth=(EMAIL, TOKEN), timeout=5)
    assert (missing.status_code, missing.json()) == (
        404,
        {"errorMessages": ["The property with key 'duty-tui' does not exist."], "errors": {}},
    )
    url = jira._get_url(f"issue/{key}/properties/p")
    headers = {"Content-Type": "application/json"}
    for body, status in ((b"", 400), (b"{not json", 400), (b'"' + b"x" * 32767 + b'"', 400), (b"1", 201)):
        answer = requests.put(url, data=body, headers=headers, auth=(EMAIL, TOKEN), timeout=5)
        assert answer.status_code == status, (body[:20], answer.text)
    long_key = jira._get_url(f"issue/{key}/properties/{'k' * 256}")
    assert (
        requests.put(long_key, data=b"1", headers=headers, auth=(EMAIL, TOKEN), timeout=5).status_code == 400
    )
    gone = requests.put(
        jira._get_url("issue/LM-99/properties/p"), data=b"1", headers=headers, auth=(EMAIL, TOKEN)
    )
    assert gone.status_code == 404
    assert sim.world.issue_property_keys(key) == ["p"]


# -- remote links -----------------------------------------------------------------------------------------


def test_simple_link_is_created_and_listed(sim: JiraSim, jira: JIRA) -> None:
    key = sim.world.create_issue("LM", "x")
    link = jira.add_simple_link(key, {"url": SLACK_LINK, "title": "Slack thread"})
    assert isinstance(link.id, int) and link.raw == {
        "id": link.id,
        "self": f"{sim.url}/rest/api/2/issue/{key}/remotelink/{link.id}",
    }
    assert sim.log.find("POST", "/remotelink")[-1].status == 201
    [listed] = jira.remote_links(key)
    assert listed.raw == {
        "id": link.id,
        "self": link.raw["self"],
        "application": {},
        "object": {"url": SLACK_LINK, "title": "Slack thread", "icon": {}, "status": {"icon": {}}},
    }
    assert jira.remote_link(key, link.id).raw == listed.raw
    assert jira_error(lambda: jira.remote_link(key, "99999")).status_code == 404


def test_a_global_id_makes_the_post_an_update(sim: JiraSim, jira: JIRA) -> None:
    key = sim.world.create_issue("LM", "x")
    full = {
        "globalId": SLACK_LINK,
        "application": {"type": "com.slack", "name": "Slack"},
        "relationship": "discussed in",
        "object": {
            "url": SLACK_LINK,
            "title": "Slack thread",
            "icon": {"url16x16": "https://slack.com/favicon.ico"},
        },
    }
    first = post(jira, f"issue/{key}/remotelink", full)
    again = post(jira, f"issue/{key}/remotelink", full)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    by_global_id = jira._get_json(f"issue/{key}/remotelink", params={"globalId": SLACK_LINK})
    assert by_global_id["object"]["icon"] == {
        "url16x16": "https://slack.com/favicon.ico"
    }  # one link, not a list
    assert by_global_id["relationship"] == "discussed in" and by_global_id["globalId"] == SLACK_LINK
    # An update replaces the whole link: what the request leaves out is gone.
    bare = post(
        jira, f"issue/{key}/remotelink", {"globalId": SLACK_LINK, "object": {"url": SLACK_LINK, "title": "t"}}
    )
    assert (bare.status_code, bare.json()["id"]) == (200, first.json()["id"])
    [link] = sim.world.remote_link_views(key)
    assert "relationship" not in link and link["application"] == {} and link["object"]["icon"] == {}
    other = post(jira, f"issue/{key}/remotelink", {**full, "globalId": "another"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert len(jira.remote_links(key)) == 2
    unknown = requests.get(
        jira._get_url(f"issue/{key}/remotelink"), params={"globalId": "nope"}, auth=(EMAIL, TOKEN), timeout=5
    )
    assert unknown.status_code == 404 and unknown.json()["errorMessages"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"url": "'url' is required.", "title": "'title' is required."}),
        ({"object": {"url": SLACK_LINK}}, {"title": "'title' is required."}),
        ({"object": {"title": "t", "url": " "}}, {"url": "'url' is required."}),
        ({"globalId": "g" * 256, "object": {"url": SLACK_LINK, "title": "t"}}, {"globalId": "at most 255"}),
    ],
    ids=["no-object", "no-title", "blank-url", "long-global-id"],
)
def test_link_validation(sim: JiraSim, jira: JIRA, body: dict[str, Any], errors: dict[str, str]) -> None:
    key = sim.world.create_issue("LM", "x")
    answer = post(jira, f"issue/{key}/remotelink", body)
    assert answer.status_code == 400 and answer.json()["errorMessages"] == []
    got = answer.json()["errors"]
    assert set(got) == set(errors) and all(errors[name] in got[name] for name in errors)
    assert sim.world.remote_link_views(key) == []


def test_link_bodies_are_read_strictly(sim: JiraSim, jira: JIRA) -> None:
    key = sim.world.create_issue("LM", "x")
    ok = {"url": SLACK_LINK, "title": "t"}
    for body in (
        {"object": ok, "globalID": "typo"},
        {"object": {**ok, "colour": "blue"}},
        {"object": ok, "relationship": 7},
        {"object": ok, "application": "Slack"},
    ):
        assert post(jira, f"issue/{key}/remotelink", body).status_code == 400, body
    assert post(jira, "issue/LM-99/remotelink", {"object": ok}).status_code == 404
    assert sim.world.remote_link_views(key) == []


def test_the_world_api_upserts_too(sim: JiraSim) -> None:
    key = sim.world.create_issue("LM", "x")
    first = sim.world.add_remote_link(
        key, SLACK_LINK, "Slack thread", global_id="g-1", relationship="discussed in"
    )
    again = sim.world.add_remote_link(key, SLACK_LINK, "Renamed", global_id="g-1")
    assert first[1] is True and again == (first[0], False)
    assert [link["object"]["title"] for link in sim.world.remote_link_views(key)] == ["Renamed"]
    assert (
        sim.world.set_issue_property(key, "k", 1) is True
        and sim.world.set_issue_property(key, "k", 2) is False
    )
    with pytest.raises(ValueError, match="'title' is required"):
        sim.world.add_remote_link(key, SLACK_LINK, "")
    with pytest.raises(KeyError):
        sim.world.issue_property(key, "absent")


# -- the resend look-up ------------------------------------------------------------------------------------


def test_resend_lookup_finds_my_recent_tickets_newest_first(
    sim: JiraSim, jira: JIRA, clock: ManualClock
) -> None:
    old = sim.world.create_issue("LM", "yesterday's", created=clock.now() - timedelta(minutes=20))
    sim.world.create_issue("LM", "Ann's", reporter=ANN)
    mine = [create(jira, properties=outbox(f"o-{n}")).json()["key"] for n in range(2)]
    clock.advance(timedelta(minutes=1))
    newest = create(jira, properties=outbox("o-9")).json()["key"]
    found = jira.enhanced_search_issues(RESEND_JQL, maxResults=50, fields=["created"])
    assert next(issue.key for issue in found) == newest
    assert {issue.key for issue in found} == {*mine, newest} and old not in {i.key for i in found}
    by_creator = jira.enhanced_search_issues(
        "creator = currentUser() AND project = LM", maxResults=50, fields=["created"]
    )
    assert {issue.key for issue in by_creator} == {old, *mine, newest}  # Ann created hers
    clock.advance(timedelta(minutes=15))
    assert [i.key for i in jira.enhanced_search_issues(RESEND_JQL, maxResults=50, fields=["created"])] == [
        newest  # created exactly 15 minutes ago: >= keeps it
    ]
    clock.advance(timedelta(seconds=1))
    assert [i.key for i in jira.enhanced_search_issues(RESEND_JQL, maxResults=50, fields=["created"])] == []


def test_a_new_ticket_waits_for_the_search_index(sim: JiraSim, jira: JIRA, clock: ManualClock) -> None:
    sim.set_search_lag(30)
    answer = create(jira, properties=outbox("o-1")).json()
    found = jira.enhanced_search_issues(RESEND_JQL, maxResults=50, fields=["created"])
    assert list(found) == []  # lost answer + lagging index: the resend cannot see it yet
    reconciled = jira.enhanced_search_issues(
        RESEND_JQL, maxResults=50, fields=["created"], reconcileIssues=[int(answer["id"])]
    )
    assert [i.key for i in reconciled] == [answer["key"]]
    clock.advance(timedelta(seconds=31))
    assert [i.key for i in jira.enhanced_search_issues(RESEND_JQL, maxResults=50, fields=["created"])] == [
        answer["key"]
    ]


# -- routes are logged and limited like the others ----------------------------------------------------------


def test_new_routes_are_logged_and_rate_limited(sim: JiraSim, jira: JIRA) -> None:
    key = sim.world.create_issue("LM", "x")
    sim.set_rate_limit("POST issue/{key}/remotelink", 1, 60)
    sim.set_rate_limit("GET issue/{key}/properties/{propertyKey}", 1, 60)
    assert (
        post(jira, f"issue/{key}/remotelink", {"object": {"url": SLACK_LINK, "title": "t"}}).status_code
        == 201
    )
    limited = post(jira, f"issue/{key}/remotelink", {"object": {"url": SLACK_LINK, "title": "t"}})
    assert limited.status_code == 429 and limited.headers["RateLimit-Reason"] == "jira-burst-based"
    jira.add_issue_property(key, "p", 1)
    jira.issue_property(key, "p")
    assert jira_error(lambda: jira.issue_property(key, "p")).status_code == 429
    assert jira._get_json(f"issue/{key}/remotelink")  # another route, another bucket
    logged = [(e.method, e.path, e.status) for e in sim.log if "/issue/" in e.path]
    assert logged == [
        ("POST", f"/rest/api/2/issue/{key}/remotelink", 201),
        ("POST", f"/rest/api/2/issue/{key}/remotelink", 429),
        ("PUT", f"/rest/api/2/issue/{key}/properties/p", 201),
        ("GET", f"/rest/api/2/issue/{key}/properties/p", 200),
        ("GET", f"/rest/api/2/issue/{key}/properties/p", 429),
        ("GET", f"/rest/api/2/issue/{key}/remotelink", 200),
    ]
    with pytest.raises(ValueError, match="unknown route"):
        sim.set_rate_limit("POST issue/{key}/remotelinks", 1, 60)
