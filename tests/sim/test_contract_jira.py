"""Contract test, Jira: the simulated Jira Cloud against Atlassian's official API descriptions.

Every Jira endpoint duty-tui calls, or will call, is requested over real HTTP from the demo world
(`DemoWorld` on a `ManualClock`), in its success case and its main error cases, and each exchange is
validated with openapi-core against the published description (platform v3 and Agile, OpenAPI 3).
Deviations pass only through the allow-list in tests/sim/openapi_deviations.py, each entry citing the
documentation it rests on; the negative controls at the end prove that the validation path rejects a
broken body.

Paths. The `jira` library calls /rest/api/2 (and /rest/api/latest for assignee), which the v3 description
does not cover; the shapes are the same except ADF bodies, so this test requests /rest/api/3 for:
serverInfo, field, myself, search/jql, search (410), issue GET/POST, issue/{key}/assignee (latest),
transitions GET/POST, changelog, user/assignable/search. Comments are requested on both v2 (string
bodies) and v3 (ADF); the v2 exchanges are validated against the v3 operation (path mapped 2 → 3).
Raising a ticket (create with properties, issue properties, remote links, the resend look-up) is
tests/sim/test_contract_jira_tickets.py.

The descriptions are the copies kept in tests/sim/openapi/ (tests/sim/openapi_specs.py); the test never
skips for want of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from duty_tui.demo import DEMO_JIRA_TOKEN, DemoWorld
from duty_tui.demo.scenario import SIXDG_BOARD
from duty_tui.sources.jira.client import TICKET_FIELDS, JiraSource
from duty_tui.sources.jira.jql import board_jql
from tests.sim.contract_calls import Jira, agile, drop_at, keep, set_at, v2, v3
from tests.sim.contract_cases import (
    JiraBreakage,
    JiraCase,
    check_jira_breakage,
    check_jira_case,
    retry_after_is_whole_seconds,
)
from tests.sim.openapi_contract import JiraContract
from tests.sim.openapi_specs import removed_search_body, unbounded_jql_message

pytestmark = [
    # The Agile operations name OAuth2 as their only security scheme, which openapi-core cannot evaluate
    # when it checks the test's own requests, and says so in a warning. Jira Cloud takes Basic auth on
    # them too (https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/), which is
    # what the test sends.
    pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning"),
]

JQL = "project = LAA ORDER BY created ASC"
MISSING_KEY = "LAA-9999"
NOBODY = "5b10a2844c20165700ede999"  # a well-formed account id no user has
ADF_HELLO = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Looking at it now."}]}],
}


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jira(world: DemoWorld) -> Iterator[Jira]:
    client = Jira(world)
    yield client
    client.session.close()


# -- the exchanges ----------------------------------------------------------------------------------------


def _search_page_one(j: Jira) -> requests.Response:
    return j.get(v3("search/jql"), jql=JQL, fields=list(TICKET_FIELDS), maxResults=2)


def _search_last_page(j: Jira) -> requests.Response:
    """Follows nextPageToken to the end (the simulator caps pages at 20, and other cases add issues)."""
    response = _search_page_one(j)
    for _ in range(100):
        token = response.json().get("nextPageToken")
        if token is None:
            return response
        response = j.get(
            v3("search/jql"), jql=JQL, fields=list(TICKET_FIELDS), maxResults=100, nextPageToken=token
        )
    raise AssertionError("search/jql handed out more than 100 page tokens")


def _search_board_query(j: Jira) -> requests.Response:
    """The JQL duty-tui itself builds for the 6DG board, from the board's configuration."""
    config = j.world.config().jira
    board = next(b for b in config.boards if b.id == SIXDG_BOARD[0])
    info = JiraSource(config, DEMO_JIRA_TOKEN).board_info(board)  # its client closes itself when dropped
    return j.get(v3("search/jql"), jql=board_jql(info, board), fields=list(TICKET_FIELDS), maxResults=100)


def _search_rate_limited(j: Jira) -> requests.Response:
    j.world.jira.faults.rate_limit_next(match=r"^GET /rest/api/3/search/jql$")
    return j.get(v3("search/jql"), jql=JQL)


def _assign(j: Jira) -> requests.Response:
    return j.call(
        "PUT", v3(f"issue/{j.fresh_issue()}/assignee"), body={"accountId": j.world.jira.myself_account_id}
    )


def _transition(j: Jira) -> requests.Response:
    """Picks the transition by its target's status category, as duty-tui will: transition names are the
    workflow's own (tests/sim/test_jira.py::test_transitions_are_chosen_by_target_status)."""
    key = j.fresh_issue()
    transitions = j.get(v3(f"issue/{key}/transitions")).json()["transitions"]
    chosen = next(t for t in transitions if t["to"]["statusCategory"]["key"] == "indeterminate")
    return j.call(
        "POST", v3(f"issue/{key}/transitions"), body={"transition": {"id": chosen["id"]}, "fields": {}}
    )


def _commented_issue(j: Jira) -> str:
    key = j.fresh_issue()
    j.world.jira.world.add_comment(key, j.world.jira.myself_account_id, "Raised with 6DG; they are on it.")
    return key


def _rate_limited_assignable(j: Jira) -> requests.Response:
    j.world.jira.faults.rate_limit_next(match=r"^GET /rest/api/3/user/assignable/search$")
    return j.get(v3("user/assignable/search"), project="LAA")


def _rate_limited_board(j: Jira) -> requests.Response:
    j.world.jira.faults.rate_limit_next(match=r"^GET /rest/agile/1\.0/board/262/configuration$")
    return j.get(agile("board/262/configuration"))


def _has_next_page(response: requests.Response) -> None:
    body = response.json()
    assert isinstance(body.get("nextPageToken"), str) and body["isLast"] is False


def _is_last_page(response: requests.Response) -> None:
    # The token is absent on the last page; a token there would loop the `jira` client
    # (tests/sim/test_jira.py::test_fetch_all_loops_over_capped_pages_and_stops).
    body = response.json()
    assert "nextPageToken" not in body and body["isLast"] is True


def _ids_only(response: requests.Response) -> None:
    issues = response.json()["issues"]
    assert issues and all(set(issue) == {"id"} for issue in issues)  # only id without `fields`


def _changelog_exercises_allow_list(response: requests.Response) -> None:
    """Make sure the jira-changelog-item entry is really in use here, not a dead allow-list line."""
    items = [item for history in response.json()["values"] for item in history["items"]]
    assignee = [item for item in items if item["field"] == "assignee"]
    assert any(item["from"] is None and item["tmpToAccountId"] for item in assignee)
    assert any(item["to"] is None for item in assignee)


def _embeds_changelog(response: requests.Response) -> None:
    """expand=changelog embeds histories, whose items need the jira-changelog-item entry too."""
    body = response.json()
    issue = body["issues"][0] if "issues" in body else body
    items = [item for history in issue["changelog"]["histories"] for item in history["items"]]
    assert any(item.get("tmpToAccountId") for item in items)


def _finds_issues(response: requests.Response) -> None:
    assert response.json()["issues"], "the board query should find the scenario's unassigned 6DG tickets"


def _location_has_key(response: requests.Response) -> None:
    assert response.json()["location"]["key"]  # duty-tui reads the project key from here


# The two checks below compare wording with the Jira Cloud passages copied into
# tests/sim/jira_search_wording.md (read by tests/sim/openapi_specs.py).


def _unbounded_message_matches_notes(response: requests.Response) -> None:
    assert response.json()["errorMessages"] == [unbounded_jql_message()]


def _removed_search_matches_notes(response: requests.Response) -> None:
    assert response.json() == removed_search_body()


BAD_PASSWORD = "not-the-token"

JIRA_CASES = [
    # platform: what the client calls by itself
    JiraCase("serverInfo-200", 200, lambda j: j.get(v3("serverInfo"))),
    JiraCase("field-200", 200, lambda j: j.get(v3("field"))),
    JiraCase("myself-200", 200, lambda j: j.get(v3("myself"))),
    JiraCase("myself-401-bad-credentials", 401, lambda j: j.call("GET", v3("myself"), password=BAD_PASSWORD)),
    # enhanced search
    JiraCase("search-jql-200-first-page", 200, _search_page_one, _has_next_page),
    JiraCase("search-jql-200-last-page", 200, _search_last_page, _is_last_page),
    JiraCase("search-jql-200-ids-only", 200, lambda j: j.get(v3("search/jql"), jql=JQL), _ids_only),
    JiraCase("search-jql-200-board-265-query", 200, _search_board_query, _finds_issues),
    JiraCase(
        "search-jql-200-expand-changelog",
        200,
        lambda j: j.get(
            v3("search/jql"), jql=f"key = {j.issue_with_history()}", fields="summary", expand="changelog"
        ),
        _embeds_changelog,
    ),
    JiraCase(
        "search-jql-400-unbounded",
        400,
        lambda j: j.get(v3("search/jql"), jql="ORDER BY key"),
        _unbounded_message_matches_notes,
    ),
    JiraCase(
        "search-jql-400-unknown-field", 400, lambda j: j.get(v3("search/jql"), jql=JQL, fields="nosuchfield")
    ),
    JiraCase(
        "search-jql-401-bad-credentials",
        401,
        lambda j: j.call("GET", v3("search/jql"), params={"jql": JQL}, password=BAD_PASSWORD),
    ),
    JiraCase("search-jql-429-rate-limited", 429, _search_rate_limited, retry_after_is_whole_seconds),
    JiraCase(
        "search-410-removed-get", 410, lambda j: j.get(v3("search"), jql=JQL), _removed_search_matches_notes
    ),
    JiraCase(
        "search-410-removed-post",
        410,
        lambda j: j.call("POST", v3("search"), body={"jql": JQL}),
        _removed_search_matches_notes,
    ),
    # issues
    JiraCase("issue-get-200", 200, lambda j: j.get(v3("issue/LAA-1"))),
    JiraCase(
        "issue-get-200-expand-changelog",
        200,
        lambda j: j.get(v3(f"issue/{j.issue_with_history()}"), expand="changelog"),
        _embeds_changelog,
    ),
    JiraCase("issue-get-404", 404, lambda j: j.get(v3(f"issue/{MISSING_KEY}"))),
    JiraCase(
        "issue-create-201",
        201,
        lambda j: j.call(
            "POST",
            v3("issue"),
            body={
                "fields": {
                    "project": {"key": "LAA"},
                    "issuetype": {"name": "Task"},
                    "summary": "Disk full on web-2",
                    "description": ADF_HELLO,
                    "components": [{"name": "platform"}],
                    "priority": {"name": "Medium"},
                    "labels": ["duty-tui"],
                }
            },
        ),
    ),
    JiraCase(
        "issue-create-400-no-summary",
        400,
        lambda j: j.call(
            "POST", v3("issue"), body={"fields": {"project": {"key": "LAA"}, "issuetype": {"name": "Task"}}}
        ),
    ),
    JiraCase("assignee-put-204", 204, _assign),
    JiraCase(
        "assignee-put-400-unknown-user",
        400,
        lambda j: j.call("PUT", v3(f"issue/{j.fresh_issue()}/assignee"), body={"accountId": NOBODY}),
    ),
    JiraCase(
        "assignee-put-404-missing-issue",
        404,
        lambda j: j.call("PUT", v3(f"issue/{MISSING_KEY}/assignee"), body={"accountId": NOBODY}),
    ),
    JiraCase("transitions-get-200", 200, lambda j: j.get(v3("issue/LAA-1/transitions"))),
    JiraCase("transitions-get-404", 404, lambda j: j.get(v3(f"issue/{MISSING_KEY}/transitions"))),
    JiraCase("transitions-post-204", 204, _transition),
    JiraCase(
        "transitions-post-400-invalid",
        400,
        lambda j: j.call(
            "POST", v3(f"issue/{j.fresh_issue()}/transitions"), body={"transition": {"id": "999"}}
        ),
    ),
    # comments: v3 (ADF) and v2 (strings, validated against the v3 operation)
    JiraCase("comment-get-200-v3", 200, lambda j: j.get(v3(f"issue/{_commented_issue(j)}/comment"))),
    JiraCase("comment-get-200-v2", 200, lambda j: j.get(v2(f"issue/{_commented_issue(j)}/comment"))),
    JiraCase("comment-get-404", 404, lambda j: j.get(v3(f"issue/{MISSING_KEY}/comment"))),
    JiraCase(
        "comment-post-201-v3",
        201,
        lambda j: j.call("POST", v3(f"issue/{j.fresh_issue()}/comment"), body={"body": ADF_HELLO}),
    ),
    JiraCase(
        "comment-post-201-v2",
        201,
        lambda j: j.call(
            "POST", v2(f"issue/{j.fresh_issue()}/comment"), body={"body": "Looking at it *now*."}
        ),
    ),
    JiraCase(
        "comment-post-400-v3-string-body",
        400,
        lambda j: j.call("POST", v3(f"issue/{j.fresh_issue()}/comment"), body={"body": "plain text on v3"}),
    ),
    JiraCase(
        "comment-post-404",
        404,
        lambda j: j.call("POST", v3(f"issue/{MISSING_KEY}/comment"), body={"body": ADF_HELLO}),
    ),
    # changelog
    JiraCase(
        "changelog-get-200",
        200,
        lambda j: j.get(v3(f"issue/{j.issue_with_history()}/changelog")),
        _changelog_exercises_allow_list,
    ),
    JiraCase("changelog-get-404", 404, lambda j: j.get(v3(f"issue/{MISSING_KEY}/changelog"))),
    JiraCase(
        "changelog-get-401-bad-credentials",
        401,
        lambda j: j.call("GET", v3("issue/LAA-1/changelog"), password=BAD_PASSWORD),
    ),
    # users
    JiraCase("user-assignable-search-200", 200, lambda j: j.get(v3("user/assignable/search"), project="LAA")),
    JiraCase(
        "user-assignable-search-200-by-issue",
        200,
        lambda j: j.get(v3("user/assignable/search"), issueKey="LAA-1", query="t"),
    ),
    JiraCase(
        "user-assignable-search-400-no-scope", 400, lambda j: j.get(v3("user/assignable/search"), query="t")
    ),
    JiraCase(
        "user-assignable-search-404-missing-issue",
        404,
        lambda j: j.get(v3("user/assignable/search"), issueKey=MISSING_KEY),
    ),
    JiraCase(
        "user-assignable-search-429-rate-limited", 429, _rate_limited_assignable, retry_after_is_whole_seconds
    ),
    # agile board configuration
    JiraCase(
        "board-configuration-200-aws-262",
        200,
        lambda j: j.get(agile("board/262/configuration")),
        _location_has_key,
    ),
    JiraCase(
        "board-configuration-200-6dg-265",
        200,
        lambda j: j.get(agile("board/265/configuration")),
        _location_has_key,
    ),
    JiraCase("board-configuration-404-missing-board", 404, lambda j: j.get(agile("board/999/configuration"))),
    JiraCase(
        "board-configuration-401-bad-credentials",
        401,
        lambda j: j.call("GET", agile("board/262/configuration"), password=BAD_PASSWORD),
    ),
    JiraCase("board-configuration-429-rate-limited", 429, _rate_limited_board, retry_after_is_whole_seconds),
]


@pytest.mark.parametrize("case", JIRA_CASES, ids=[case.id for case in JIRA_CASES])
def test_jira(case: JiraCase, jira: Jira, jira_contract: JiraContract) -> None:
    check_jira_case(case, jira, jira_contract)


# =========================================================================================================
# Negative controls: the same validation path must reject a deliberately broken body.
# Each starts from a live response that passes, breaks one thing, and expects a ContractError.
# =========================================================================================================


def _first_change_item(body: Any) -> dict[str, Any]:
    item: dict[str, Any] = next(item for history in body["values"] for item in history["items"])
    return item


def _changelog(j: Jira) -> requests.Response:
    return j.get(v3(f"issue/{j.issue_with_history()}/changelog"))


JIRA_BREAKAGES = [
    JiraBreakage(  # ids are strings, as the platform description types them
        "search-jql-issue-int-id",
        _search_page_one,
        set_at(["issues", 0, "id"], 10001),
        r"issues/0/id: 10001 is not of type 'string'",
    ),
    JiraBreakage(
        "search-jql-issues-not-a-list",
        _search_page_one,
        set_at(["issues"], {"id": "10001"}),
        r"at issues: .* is not of type 'array'",
    ),
    JiraBreakage(
        "myself-account-id-int",
        lambda j: j.get(v3("myself")),
        set_at(["accountId"], 5),
        r"accountId: 5 is not of type 'string'",
    ),
    JiraBreakage(  # the changelog entry adds two keys, not any key
        "changelog-item-unknown-key",
        _changelog,
        lambda body: _first_change_item(body).update(surprise="x"),
        r"'surprise' was unexpected",
    ),
    JiraBreakage(  # nullable now, but still a string when present
        "changelog-item-int-from",
        _changelog,
        lambda body: _first_change_item(body).update({"from": 10000}),
        r"items/0/from: 10000 is not of type 'string'",
    ),
    JiraBreakage(  # the timestamp entry admits Jira's form, not any string
        "changelog-created-not-a-timestamp",
        _changelog,
        set_at(["values", 0, "created"], "2026-11-26 10:30"),
        r"created: '2026-11-26 10:30' is not a 'date-time'",
    ),
    JiraBreakage(
        "changelog-created-impossible-date",
        _changelog,
        set_at(["values", 0, "created"], "2026-13-26T10:30:00.000+0000"),
        r"created: '2026-13-26T10:30:00.000\+0000' is not a 'date-time'",
    ),
    JiraBreakage(
        "comment-v3-id-int",
        lambda j: j.call("POST", v3(f"issue/{j.fresh_issue()}/comment"), body={"body": ADF_HELLO}),
        set_at(["id"], 10000),
        r"at id: 10000 is not of type 'string'",
    ),
    JiraBreakage(
        "issue-404-error-messages-not-a-list",
        lambda j: j.get(v3(f"issue/{MISSING_KEY}")),
        set_at(["errorMessages"], "Issue does not exist"),
        r"404 body is not an ErrorCollection:\n  at errorMessages",
    ),
    JiraBreakage(
        "search-410-errors-not-an-object",
        lambda j: j.get(v3("search"), jql=JQL),
        set_at(["errors"], ["removed"]),
        r"at errors: .* is not of type 'object'",
    ),
    JiraBreakage(  # 410 is on the allow-list for /search only
        "issue-get-410-undeclared",
        lambda j: j.get(v3(f"issue/{MISSING_KEY}")),
        keep,
        r"410 is not declared for /rest/api/3/issue/",
        status=410,
    ),
    JiraBreakage(
        "issue-get-418-undeclared",
        lambda j: j.get(v3("issue/LAA-1")),
        keep,
        r"418 is not declared",
        status=418,
    ),
    JiraBreakage("assignee-204-with-body", _assign, keep, r"204 with a body"),  # "{}" instead of nothing
    JiraBreakage(
        "board-configuration-filter-id-int",
        lambda j: j.get(agile("board/262/configuration")),
        set_at(["filter", "id"], 10500),
        r"filter/id: 10500 is not of type 'string'",
    ),
    JiraBreakage(  # the relaxed location still requires the example's keys
        "board-configuration-location-without-key",
        lambda j: j.get(agile("board/262/configuration")),
        drop_at(["location", "key"]),
        r"at location: 'key' is a required property",
    ),
    JiraBreakage(
        "board-configuration-column-unknown-key",
        lambda j: j.get(agile("board/265/configuration")),
        set_at(["columnConfig", "columns", 0, "colour"], "blue"),
        r"'colour' was unexpected",
    ),
]


@pytest.mark.parametrize("breakage", JIRA_BREAKAGES, ids=[b.id for b in JIRA_BREAKAGES])
def test_jira_contract_rejects(breakage: JiraBreakage, jira: Jira, jira_contract: JiraContract) -> None:
    check_jira_breakage(breakage, jira, jira_contract)
