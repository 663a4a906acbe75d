"""Contract test, Jira: raising a ticket from Slack, against Atlassian's official platform description.

The exchanges of raising a ticket, as duty-tui makes them on /rest/api/3: create it with its outbox id as
an entity property (and its 6DG component), read and write issue properties, link the ticket to its Slack
thread with a remote link (a resend with the same globalId updates it), and the search a resend uses to
find its ticket after a lost answer. Each is requested over real HTTP from the demo world and validated
with openapi-core; deviations pass only through the allow-list in tests/sim/openapi_deviations.py
(jira-remotelink-list, jira-property-put-no-body); the negative controls at the end prove that the
validation path rejects a broken body. tests/sim/test_jira_links.py drives the same routes with the
`jira` library and pins their behaviour beyond the schema.

The descriptions are the copies kept in tests/sim/openapi/ and the demo world is tests/sim/conftest.py's
`world`; the test never skips for want of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from duty_tui.demo import DemoWorld
from duty_tui.demo.scenario import COMPONENT
from tests.sim.contract_calls import Jira, keep, set_at, v3
from tests.sim.contract_cases import (
    JiraBreakage,
    JiraCase,
    check_jira_breakage,
    check_jira_case,
    retry_after_is_whole_seconds,
)
from tests.sim.openapi_contract import JiraContract

MISSING_KEY = "LM-9999"
SLACK_LINK = "https://mojdt.slack.com/archives/CEL68S0LD/p1795687380000100"
RESEND_JQL = "reporter = currentUser() AND created >= -15m ORDER BY created DESC"
OUTBOX_KEY = "duty-tui"
BAD_PASSWORD = "not-the-token"
ADF_DESCRIPTION = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Raised from #laa-ops."}]}],
}


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jira(world: DemoWorld) -> Iterator[Jira]:
    client = Jira(world)
    yield client
    client.session.close()


# -- the exchanges ----------------------------------------------------------------------------------------


def _ticket(component: str = COMPONENT, properties: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A 6DG ticket raised from a Slack message, as duty-tui creates it (v3: an ADF description)."""
    return {
        "fields": {
            "project": {"key": "LM"},
            "issuetype": {"name": "Task"},
            "summary": "CCMS batch failed overnight",
            "description": ADF_DESCRIPTION,
            "components": [{"name": component}],
            "priority": {"name": "High"},
        },
        "properties": properties or [{"key": OUTBOX_KEY, "value": {"outbox": "contract-1"}}],
    }


def _with_property(j: Jira) -> str:
    key = j.fresh_issue("Contract test: property")
    j.world.jira.world.set_issue_property(key, OUTBOX_KEY, {"outbox": "contract-2"})
    return key


def _put_property_again(j: Jira) -> requests.Response:
    return j.call("PUT", v3(f"issue/{_with_property(j)}/properties/{OUTBOX_KEY}"), body={"outbox": "c-3"})


def _slack_link(global_id: str | None = SLACK_LINK) -> dict[str, Any]:
    """The remote link duty-tui posts: the Slack permalink as both the url and the globalId."""
    body: dict[str, Any] = {
        "application": {"type": "com.slack", "name": "Slack"},
        "relationship": "discussed in",
        "object": {
            "url": SLACK_LINK,
            "title": "Slack thread",
            "icon": {"url16x16": "https://slack.com/favicon.ico", "title": "Slack"},
        },
    }
    if global_id is not None:
        body["globalId"] = global_id
    return body


def _linked_issue(j: Jira) -> str:
    """An issue with two remote links: the Slack thread (by globalId) and a runbook (without one)."""
    key = j.fresh_issue("Contract test: remote link")
    j.world.jira.world.add_remote_link(key, SLACK_LINK, "Slack thread", global_id=SLACK_LINK)
    j.world.jira.world.add_remote_link(key, "https://example.com/runbook", "Runbook")
    return key


def _relink(j: Jira) -> requests.Response:
    return j.call("POST", v3(f"issue/{_linked_issue(j)}/remotelink"), body=_slack_link())


def _resend_lookup(j: Jira) -> requests.Response:
    created = j.call("POST", v3("issue"), body=_ticket()).json()["key"]
    response = j.get(v3("search/jql"), jql=RESEND_JQL, fields="created", maxResults=50)
    # The demo clock stands still, so ties on `created` leave the order open: only membership is checked.
    assert created in [issue["key"] for issue in response.json()["issues"]]
    return response


def _rate_limited_link(j: Jira) -> requests.Response:
    j.world.jira.faults.rate_limit_next(match=r"^POST /rest/api/3/issue/[^/]+/remotelink$")
    return j.call("POST", v3(f"issue/{j.fresh_issue()}/remotelink"), body=_slack_link())


def _in_6dg(response: requests.Response) -> None:
    assert response.json()["key"].startswith("LM-"), "the ticket belongs to the 6DG project"


def _all_links(response: requests.Response) -> None:
    assert isinstance(response.json(), list) and len(response.json()) == 2


def _one_link(response: requests.Response) -> None:
    assert isinstance(response.json(), dict) and response.json()["globalId"] == SLACK_LINK


JIRA_TICKET_CASES = [
    # create, with the outbox property and the 6DG component
    JiraCase(
        "issue-create-201-with-properties",
        201,
        lambda j: j.call("POST", v3("issue"), body=_ticket()),
        _in_6dg,
    ),
    JiraCase(
        "issue-create-400-too-many-properties",
        400,
        lambda j: j.call(
            "POST", v3("issue"), body=_ticket(properties=[{"key": f"p{n}", "value": n} for n in range(6)])
        ),
    ),
    JiraCase(
        "issue-create-400-component-of-another-project",
        400,
        lambda j: j.call("POST", v3("issue"), body=_ticket(component="platform")),
    ),
    # issue properties
    JiraCase("properties-get-200", 200, lambda j: j.get(v3(f"issue/{_with_property(j)}/properties"))),
    JiraCase("properties-get-404", 404, lambda j: j.get(v3(f"issue/{MISSING_KEY}/properties"))),
    JiraCase(
        "property-get-200", 200, lambda j: j.get(v3(f"issue/{_with_property(j)}/properties/{OUTBOX_KEY}"))
    ),
    JiraCase(
        "property-get-404-no-such-property",
        404,
        lambda j: j.get(v3(f"issue/{j.fresh_issue()}/properties/{OUTBOX_KEY}")),
    ),
    JiraCase(
        "property-get-401-bad-credentials",
        401,
        lambda j: j.call("GET", v3(f"issue/LAA-1/properties/{OUTBOX_KEY}"), password=BAD_PASSWORD),
    ),
    JiraCase(
        "property-put-201-created",
        201,
        lambda j: j.call(
            "PUT", v3(f"issue/{j.fresh_issue()}/properties/{OUTBOX_KEY}"), body={"outbox": "c-4"}
        ),
    ),
    JiraCase("property-put-200-updated", 200, _put_property_again),
    JiraCase(
        "property-put-404-missing-issue",
        404,
        lambda j: j.call("PUT", v3(f"issue/{MISSING_KEY}/properties/{OUTBOX_KEY}"), body={"outbox": "c-5"}),
    ),
    # remote links
    JiraCase(
        "remotelink-post-201-created",
        201,
        lambda j: j.call("POST", v3(f"issue/{j.fresh_issue()}/remotelink"), body=_slack_link()),
    ),
    JiraCase("remotelink-post-200-updated-by-global-id", 200, _relink),
    JiraCase(
        "remotelink-post-201-without-global-id",
        201,
        lambda j: j.call("POST", v3(f"issue/{j.fresh_issue()}/remotelink"), body=_slack_link(None)),
    ),
    JiraCase(
        "remotelink-post-404-missing-issue",
        404,
        lambda j: j.call("POST", v3(f"issue/{MISSING_KEY}/remotelink"), body=_slack_link()),
    ),
    JiraCase("remotelink-post-429-rate-limited", 429, _rate_limited_link, retry_after_is_whole_seconds),
    JiraCase(
        "remotelink-get-200-all", 200, lambda j: j.get(v3(f"issue/{_linked_issue(j)}/remotelink")), _all_links
    ),
    JiraCase(
        "remotelink-get-200-by-global-id",
        200,
        lambda j: j.get(v3(f"issue/{_linked_issue(j)}/remotelink"), globalId=SLACK_LINK),
        _one_link,
    ),
    JiraCase(
        "remotelink-get-404-unknown-global-id",
        404,
        lambda j: j.get(v3(f"issue/{_linked_issue(j)}/remotelink"), globalId="no-such-link"),
    ),
    JiraCase("remotelink-get-404-missing-issue", 404, lambda j: j.get(v3(f"issue/{MISSING_KEY}/remotelink"))),
    # the resend's look-up among the engineer's own recent tickets
    JiraCase("search-jql-200-resend-lookup", 200, _resend_lookup),
]


@pytest.mark.parametrize("case", JIRA_TICKET_CASES, ids=[case.id for case in JIRA_TICKET_CASES])
def test_jira_tickets(case: JiraCase, jira: Jira, jira_contract: JiraContract) -> None:
    check_jira_case(case, jira, jira_contract)


# =========================================================================================================
# Negative controls: the same validation path must reject a deliberately broken body.
# =========================================================================================================

JIRA_TICKET_BREAKAGES = [
    JiraBreakage(  # the list entry admits RemoteIssueLinks, typed as the schema types them
        "remotelink-list-id-string",
        lambda j: j.get(v3(f"issue/{_linked_issue(j)}/remotelink")),
        set_at([0, "id"], "10000"),
        r"0/id: '10000' is not of type 'integer'",
    ),
    JiraBreakage(  # and the single link is still a closed RemoteIssueLink
        "remotelink-by-global-id-unknown-key",
        lambda j: j.get(v3(f"issue/{_linked_issue(j)}/remotelink"), globalId=SLACK_LINK),
        set_at(["colour"], "blue"),
        r"'colour' was unexpected",
    ),
    JiraBreakage(
        "remotelink-post-id-string",
        lambda j: j.call("POST", v3(f"issue/{j.fresh_issue()}/remotelink"), body=_slack_link()),
        set_at(["id"], "10000"),
        r"at id: '10000' is not of type 'integer'",
    ),
    JiraBreakage(
        "property-keys-unknown-key",
        lambda j: j.get(v3(f"issue/{_with_property(j)}/properties")),
        set_at(["keys", 0, "value"], {"outbox": "x"}),
        r"'value' was unexpected",
    ),
    JiraBreakage(
        "property-value-without-key-wrong-type",
        lambda j: j.get(v3(f"issue/{_with_property(j)}/properties/{OUTBOX_KEY}")),
        set_at(["key"], 7),
        r"at key: 7 is not of type 'string'",
    ),
    JiraBreakage(  # the no-body entry admits the property PUT's own statuses, not any status
        "property-put-undeclared-status",
        lambda j: j.call(
            "PUT", v3(f"issue/{j.fresh_issue()}/properties/{OUTBOX_KEY}"), body={"outbox": "c-6"}
        ),
        keep,
        r"202 is not declared",
        status=202,
    ),
    JiraBreakage(
        "create-key-int",
        lambda j: j.call("POST", v3("issue"), body=_ticket()),
        set_at(["key"], 12),
        r"at key: 12 is not of type 'string'",
    ),
]


@pytest.mark.parametrize("breakage", JIRA_TICKET_BREAKAGES, ids=[b.id for b in JIRA_TICKET_BREAKAGES])
def test_jira_tickets_contract_rejects(
    breakage: JiraBreakage, jira: Jira, jira_contract: JiraContract
) -> None:
    check_jira_breakage(breakage, jira, jira_contract)
