"""Contract test: the simulated Jira Cloud and Slack against the services' official API descriptions.

Every endpoint duty-tui calls, or will call, is requested over real HTTP from the demo world
(`DemoWorld` on a `ManualClock`), in its success case and its main error cases, and each exchange is
validated against the published description: openapi-core for Jira (platform v3 and Agile, OpenAPI 3),
jsonschema draft 4 for Slack (Swagger 2.0). Deviations pass only through the allow-list in
tests/contract_support.py, each entry citing the reference note it rests on; the negative controls at the
end prove that each validation path rejects a broken body.

Paths. The `jira` library calls /rest/api/2 (and /rest/api/latest for assignee), which the v3 description
does not cover; the shapes are the same except ADF bodies, so this test requests /rest/api/3 for:
serverInfo, field, myself, search/jql, search (410), issue GET/POST, issue/{key}/assignee (latest),
transitions GET/POST, changelog, user/assignable/search. Comments are requested on both v2 (string
bodies) and v3 (ADF); the v2 exchanges are validated against the v3 operation (path mapped 2 → 3).

Skips, saying why, when the descriptions are absent (they are reference data outside the repository).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from duty_tui.clock import ManualClock
from duty_tui.demo import DEMO_JIRA_TOKEN, DEMO_SLACK_TOKEN, DemoWorld
from duty_tui.demo.scenario import CHANNEL, SIXDG_BOARD
from duty_tui.demo.scenario_data import DUTY_ENGINEER
from duty_tui.sources.jira.client import TICKET_FIELDS, JiraSource, board_jql
from tests.conftest import MORNING
from tests.sim.openapi_contract import (
    ContractError,
    JiraContract,
    SlackContract,
    missing_specs,
    openapi_dir,
    removed_search_body,
    unbounded_jql_message,
)

OPENAPI = openapi_dir()
if missing := missing_specs(OPENAPI):
    pytest.skip(
        f"official OpenAPI descriptions not found at {OPENAPI} (missing {', '.join(missing)}): the contract "
        "test needs them (set DUTY_TUI_OPENAPI_DIR to their folder)",
        allow_module_level=True,
    )

pytestmark = [
    # The Agile operations name OAuth2 as their only security scheme, which openapi-core cannot evaluate
    # when it checks the test's own requests, and says so in a warning. Jira Cloud takes Basic auth on
    # them too (jira-cloud.md §2), which is what the test sends.
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
MISSING_CHANNEL = "C0NOSUCH01"
MISSING_TS = "1000000000.000001"


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Iterator[DemoWorld]:
    world = DemoWorld(ManualClock(MORNING))
    # Slack's per-method token buckets run on real time; with them on, a slow run could turn a success
    # case into a 429. The 429 cases inject theirs through the fault plan instead.
    world.slack.enable_rate_limits(False)
    yield world
    world.stop()


@pytest.fixture(scope="module")
def jira_contract() -> JiraContract:
    return JiraContract.load(OPENAPI)


@pytest.fixture(scope="module")
def slack_contract() -> SlackContract:
    return SlackContract.load(OPENAPI)


@pytest.fixture(scope="module")
def jira(world: DemoWorld) -> Iterator[Jira]:
    client = Jira(world)
    yield client
    client.session.close()


@pytest.fixture(scope="module")
def slack(world: DemoWorld) -> Iterator[Slack]:
    client = Slack(world)
    yield client
    client.session.close()


# -- HTTP, as the clients send it -------------------------------------------------------------------------


def v3(path: str) -> str:
    return f"/rest/api/3/{path}"


def v2(path: str) -> str:
    return f"/rest/api/2/{path}"


def agile(path: str) -> str:
    return f"/rest/agile/1.0/{path}"


@dataclass
class Jira:
    """Requests as `jira` 3.10.5 sends them (jira-cloud.md §3): Basic auth and its JSON headers."""

    world: DemoWorld
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.auth = (DUTY_ENGINEER.email, DEMO_JIRA_TOKEN)
        self.session.headers.update({"Accept": "application/json,*/*;q=0.9", "X-Atlassian-Token": "no-check"})

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        password: str | None = None,
    ) -> requests.Response:
        auth = (DUTY_ENGINEER.email, password) if password is not None else None
        return self.session.request(
            method, self.world.jira.url + path, params=params, json=body, auth=auth, timeout=10
        )

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.call("GET", path, params=params)

    # -- world set-up, through the simulator's own API (no HTTP, nothing validated) --

    def fresh_issue(self, summary: str = "Contract test: disk full on web-2") -> str:
        """A new To Do issue in LAA, so that a case that changes an issue touches no other case's."""
        return self.world.jira.world.create_issue(
            "LAA", summary, components=["platform"], labels=["contract"]
        )

    def issue_with_history(self) -> str:
        """An issue whose changelog holds an assignment (from nobody), a status change and an unassign."""
        sim, me = self.world.jira.world, self.world.jira.myself_account_id
        key = self.fresh_issue("Contract test: changelog")
        sim.assign(key, me, by=me)
        sim.transition_to(key, "In Progress", by=me)
        sim.assign(key, None, by=me)
        return key


@dataclass
class Slack:
    """Requests as the sync `slack_sdk.WebClient` sends them (slack-web-api.md §2): every method as a
    POST with a Bearer token, a form body, except chat.postMessage, which is JSON with a charset."""

    world: DemoWorld
    session: requests.Session = field(default_factory=requests.Session)

    def post(self, method: str, *, token: str | None = DEMO_SLACK_TOKEN, **args: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.session.post(self.world.slack.api_url + method, data=args, headers=headers, timeout=10)

    def post_json(self, method: str, body: dict[str, Any]) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {DEMO_SLACK_TOKEN}",
            "Content-Type": "application/json;charset=utf-8",
        }
        return self.session.post(
            self.world.slack.api_url + method, data=json.dumps(body), headers=headers, timeout=10
        )

    # -- world set-up, through the simulator's own API --

    def messages(self) -> list[dict[str, Any]]:
        return self.world.slack.world.history(CHANNEL)

    def thread_parent(self) -> str:
        return str(next(m["ts"] for m in self.messages() if m.get("reply_count")))

    def plain_message(self) -> str:
        """The newest top-level message from a person, without a thread."""
        return str(
            next(
                m["ts"]
                for m in reversed(self.messages())
                if m.get("user") and not m.get("subtype") and not m.get("reply_count")
            )
        )

    def person(self) -> str:
        return str(next(m["user"] for m in self.messages() if m.get("user") and not m.get("subtype")))


# =========================================================================================================
# Jira
# =========================================================================================================


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
    """Picks the transition by its target's status category (jira-cloud.md §1 rule 8), as duty-tui will."""
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
    # jira-cloud.md §1 rule 2: the token is absent on the last page (a token there loops the client).
    body = response.json()
    assert "nextPageToken" not in body and body["isLast"] is True


def _ids_only(response: requests.Response) -> None:
    issues = response.json()["issues"]
    assert issues and all(set(issue) == {"id"} for issue in issues)  # rule 2: only id without fields


def _retry_after(response: requests.Response) -> None:
    # jira-cloud.md §16: the library does int(Retry-After), so it must be whole seconds.
    assert response.headers["Retry-After"].isdigit()


def _changelog_exercises_allow_list(response: requests.Response) -> None:
    """Make sure the jira-changelog-item entry is really in use here, not a dead allow-list line."""
    items = [item for history in response.json()["values"] for item in history["items"]]
    assignee = [item for item in items if item["field"] == "assignee"]
    assert any(item["from"] is None and item["tmpToAccountId"] for item in assignee)
    assert any(item["to"] is None for item in assignee)


def _embeds_changelog(response: requests.Response) -> None:
    """expand=changelog embeds histories (jira-cloud.md §6), whose items need the changelog entry too."""
    body = response.json()
    issue = body["issues"][0] if "issues" in body else body
    items = [item for history in issue["changelog"]["histories"] for item in history["items"]]
    assert any(item.get("tmpToAccountId") for item in items)


def _finds_issues(response: requests.Response) -> None:
    assert response.json()["issues"], "the board query should find the scenario's unassigned 6DG tickets"


def _unbounded_message_matches_notes(response: requests.Response) -> None:
    notes = OPENAPI.parent / "jira-cloud.md"
    if not notes.is_file():
        pytest.skip(f"{notes} not found: cannot compare the 400 message with jira-cloud.md §6")
    assert response.json()["errorMessages"] == [unbounded_jql_message(notes)]


def _location_has_key(response: requests.Response) -> None:
    assert response.json()["location"]["key"]  # duty-tui reads the project key from here


def _removed_search_matches_notes(response: requests.Response) -> None:
    notes = OPENAPI.parent / "jira-cloud.md"
    if not notes.is_file():
        pytest.skip(f"{notes} not found: cannot compare the 410 body with jira-cloud.md §6")
    assert response.json() == removed_search_body(notes)


@dataclass(frozen=True)
class JiraCase:
    id: str
    status: int
    call: Callable[[Jira], requests.Response]
    then: Callable[[requests.Response], None] | None = None  # what the notes add beyond the schema


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
    JiraCase("search-jql-429-rate-limited", 429, _search_rate_limited, _retry_after),
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
    JiraCase("user-assignable-search-429-rate-limited", 429, _rate_limited_assignable, _retry_after),
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
    JiraCase("board-configuration-429-rate-limited", 429, _rate_limited_board, _retry_after),
]


@pytest.mark.parametrize("case", JIRA_CASES, ids=[case.id for case in JIRA_CASES])
def test_jira(case: JiraCase, jira: Jira, jira_contract: JiraContract) -> None:
    response = case.call(jira)
    assert response.status_code == case.status, response.text[:500]
    jira_contract.check(response.request, response.status_code, response.headers, response.content)
    if case.then is not None:
        case.then(response)


# =========================================================================================================
# Slack
# =========================================================================================================


def _history_edited(s: Slack) -> requests.Response:
    """An edited message in the page, so the slack-message-app-id-edited entry is exercised."""
    ts = s.plain_message()
    s.world.slack.world.edit(CHANNEL, ts, "Edited: CCMS is back, ignore the above.", s.person())
    response = s.post("conversations.history", channel=CHANNEL, limit="200")
    assert any(m["ts"] == ts and "edited" in m for m in response.json()["messages"])
    return response


def _history_last_page(s: Slack) -> requests.Response:
    cursor = s.post("conversations.history", channel=CHANNEL, limit="3").json()["response_metadata"][
        "next_cursor"
    ]
    return s.post("conversations.history", channel=CHANNEL, limit="200", cursor=cursor)


def _history_poll(s: Slack) -> requests.Response:
    """duty-tui's poll (slack-web-api.md §6): everything after the newest stored ts."""
    newest = s.messages()[-1]["ts"]
    s.world.slack.world.post(CHANNEL, s.person(), "New since the last poll: is ERIC UAT back?")
    return s.post("conversations.history", channel=CHANNEL, oldest=newest, inclusive="0", limit="200")


def _history_poll_empty(s: Slack) -> requests.Response:
    """The poll duty-tui makes most often: nothing was posted since the newest stored ts."""
    newest = s.messages()[-1]["ts"]
    response = s.post("conversations.history", channel=CHANNEL, oldest=newest, inclusive="0", limit="200")
    assert response.json()["messages"] == []
    return response


def _replies_with_bot_reply(s: Slack) -> requests.Response:
    """A thread that holds the app's own reply (bot_id, app_id, bot_profile; slack-web-api.md §8)."""
    parent = s.thread_parent()
    s.post_json("chat.postMessage", {"channel": CHANNEL, "text": "Ack: LAA-24", "thread_ts": parent})
    return s.post("conversations.replies", channel=CHANNEL, ts=parent)


def _busiest_thread(s: Slack) -> str:
    return str(max(s.messages(), key=lambda m: m.get("reply_count", 0))["ts"])


def _replies_first_page(s: Slack) -> requests.Response:
    """A thread read in pages, as duty-tui's replies() does (the parent opens every page)."""
    response = s.post("conversations.replies", channel=CHANNEL, ts=_busiest_thread(s), limit="2")
    assert response.json()["has_more"] and response.json()["response_metadata"]["next_cursor"]
    return response


def _replies_last_page(s: Slack) -> requests.Response:
    parent = _busiest_thread(s)
    cursor = s.post("conversations.replies", channel=CHANNEL, ts=parent, limit="2").json()[
        "response_metadata"
    ]
    response = s.post(
        "conversations.replies", channel=CHANNEL, ts=parent, limit="200", cursor=cursor["next_cursor"]
    )
    assert response.json()["response_metadata"]["next_cursor"] == ""  # slack-web-api.md §6: "" when done
    return response


def _users_list_last_page(s: Slack) -> requests.Response:
    cursor = s.post("users.list", limit="3").json()["response_metadata"]["next_cursor"]
    return s.post("users.list", limit="200", cursor=cursor)


def _already_reacted(s: Slack) -> requests.Response:
    ts = s.plain_message()
    s.post("reactions.add", channel=CHANNEL, name="raised_hands", timestamp=ts)
    return s.post("reactions.add", channel=CHANNEL, name="raised_hands", timestamp=ts)


def _reactions_get(s: Slack) -> requests.Response:
    ts = s.plain_message()
    s.post("reactions.add", channel=CHANNEL, name="eyes", timestamp=ts)
    return s.post("reactions.get", channel=CHANNEL, timestamp=ts)


def _rate_limited(method: str, **args: str) -> Callable[[Slack], requests.Response]:
    def call(s: Slack) -> requests.Response:
        s.world.slack.faults.rate_limit_next(match=f"^POST /api/{method.replace('.', '[.]')}$")
        return s.post(method, **args)

    return call


def _missing_scope(s: Slack) -> requests.Response:
    """An app installed without channels:history (slack-web-api.md §3: the error names needed/provided)."""
    scopes = s.world.slack.scopes
    s.world.slack.set_scopes(sorted(scopes - {"channels:history"}))
    try:
        return s.post("conversations.history", channel=CHANNEL)
    finally:
        s.world.slack.set_scopes(sorted(scopes))


def _reply_permalink(s: Slack) -> requests.Response:
    parent = s.thread_parent()
    reply = s.world.slack.world.thread(CHANNEL, parent)[1]["ts"]
    return s.post("chat.getPermalink", channel=CHANNEL, message_ts=reply)


@dataclass(frozen=True)
class SlackCase:
    id: str
    method: str
    error: str | None  # None: ok:true is expected; else the `error` code
    call: Callable[[Slack], requests.Response]
    status: int = 200


SLACK_CASES = [
    SlackCase("auth.test-ok", "auth.test", None, lambda s: s.post("auth.test")),
    SlackCase(
        "auth.test-invalid_auth",
        "auth.test",
        "invalid_auth",
        lambda s: s.post("auth.test", token="xoxb-wrong"),
    ),
    SlackCase("auth.test-not_authed", "auth.test", "not_authed", lambda s: s.post("auth.test", token=None)),
    SlackCase(
        "conversations.history-ok-first-page",
        "conversations.history",
        None,
        lambda s: s.post("conversations.history", channel=CHANNEL, limit="3"),
    ),
    SlackCase("conversations.history-ok-last-page", "conversations.history", None, _history_last_page),
    SlackCase("conversations.history-ok-poll", "conversations.history", None, _history_poll),
    SlackCase(
        "conversations.history-ok-poll-nothing-new", "conversations.history", None, _history_poll_empty
    ),
    SlackCase("conversations.history-ok-edited", "conversations.history", None, _history_edited),
    SlackCase(
        "conversations.history-channel_not_found",
        "conversations.history",
        "channel_not_found",
        lambda s: s.post("conversations.history", channel=MISSING_CHANNEL),
    ),
    SlackCase(
        "conversations.history-invalid_auth",
        "conversations.history",
        "invalid_auth",
        lambda s: s.post("conversations.history", channel=CHANNEL, token="xoxb-wrong"),
    ),
    SlackCase(
        "conversations.history-missing_scope", "conversations.history", "missing_scope", _missing_scope
    ),
    SlackCase(
        "conversations.history-ratelimited",
        "conversations.history",
        "ratelimited",
        _rate_limited("conversations.history", channel=CHANNEL),
        status=429,
    ),
    SlackCase(
        "conversations.replies-ok-thread",
        "conversations.replies",
        None,
        lambda s: s.post("conversations.replies", channel=CHANNEL, ts=s.thread_parent()),
    ),
    SlackCase(
        "conversations.replies-ok-with-bot-reply", "conversations.replies", None, _replies_with_bot_reply
    ),
    SlackCase("conversations.replies-ok-first-page", "conversations.replies", None, _replies_first_page),
    SlackCase("conversations.replies-ok-last-page", "conversations.replies", None, _replies_last_page),
    SlackCase(
        "conversations.replies-ok-no-replies",
        "conversations.replies",
        None,
        lambda s: s.post("conversations.replies", channel=CHANNEL, ts=s.plain_message()),
    ),
    SlackCase(
        "conversations.replies-thread_not_found",
        "conversations.replies",
        "thread_not_found",
        lambda s: s.post("conversations.replies", channel=CHANNEL, ts=MISSING_TS),
    ),
    SlackCase(
        "conversations.replies-channel_not_found",
        "conversations.replies",
        "channel_not_found",
        lambda s: s.post("conversations.replies", channel=MISSING_CHANNEL, ts=MISSING_TS),
    ),
    SlackCase(
        "conversations.info-ok",
        "conversations.info",
        None,
        lambda s: s.post("conversations.info", channel=CHANNEL, include_num_members="1"),
    ),
    SlackCase(
        "conversations.info-channel_not_found",
        "conversations.info",
        "channel_not_found",
        lambda s: s.post("conversations.info", channel=MISSING_CHANNEL),
    ),
    SlackCase("users.info-ok-person", "users.info", None, lambda s: s.post("users.info", user=s.person())),
    SlackCase(
        "users.info-ok-bot",
        "users.info",
        None,
        lambda s: s.post("users.info", user=s.world.slack.bot_user_id),
    ),
    SlackCase(
        "users.info-user_not_found",
        "users.info",
        "user_not_found",
        lambda s: s.post("users.info", user="U0NOSUCH01"),
    ),
    SlackCase("users.list-ok-first-page", "users.list", None, lambda s: s.post("users.list", limit="3")),
    SlackCase("users.list-ok-last-page", "users.list", None, _users_list_last_page),
    SlackCase(
        "chat.postMessage-ok",
        "chat.postMessage",
        None,
        lambda s: s.post_json(
            "chat.postMessage", {"channel": CHANNEL, "text": "Looking at LAA-24 &amp; LM-3"}
        ),
    ),
    SlackCase(
        "chat.postMessage-ok-thread-reply",
        "chat.postMessage",
        None,
        lambda s: s.post_json(
            "chat.postMessage",
            {"channel": CHANNEL, "text": "On it <@U0SIM00008>", "thread_ts": s.thread_parent()},
        ),
    ),
    SlackCase(
        "chat.postMessage-channel_not_found",
        "chat.postMessage",
        "channel_not_found",
        lambda s: s.post_json("chat.postMessage", {"channel": MISSING_CHANNEL, "text": "hello?"}),
    ),
    SlackCase(
        "chat.getPermalink-ok",
        "chat.getPermalink",
        None,
        lambda s: s.post("chat.getPermalink", channel=CHANNEL, message_ts=s.plain_message()),
    ),
    SlackCase("chat.getPermalink-ok-reply", "chat.getPermalink", None, _reply_permalink),
    SlackCase(
        "chat.getPermalink-message_not_found",
        "chat.getPermalink",
        "message_not_found",
        lambda s: s.post("chat.getPermalink", channel=CHANNEL, message_ts=MISSING_TS),
    ),
    SlackCase(
        "chat.getPermalink-channel_not_found",
        "chat.getPermalink",
        "channel_not_found",
        lambda s: s.post("chat.getPermalink", channel=MISSING_CHANNEL, message_ts=MISSING_TS),
    ),
    SlackCase(
        "reactions.add-ok",
        "reactions.add",
        None,
        lambda s: s.post(
            "reactions.add", channel=CHANNEL, name="white_check_mark", timestamp=s.thread_parent()
        ),
    ),
    SlackCase("reactions.add-already_reacted", "reactions.add", "already_reacted", _already_reacted),
    SlackCase(
        "reactions.add-invalid_name",
        "reactions.add",
        "invalid_name",
        lambda s: s.post("reactions.add", channel=CHANNEL, name="not_an_emoji", timestamp=s.plain_message()),
    ),
    SlackCase(
        "reactions.add-message_not_found",
        "reactions.add",
        "message_not_found",
        lambda s: s.post("reactions.add", channel=CHANNEL, name="eyes", timestamp=MISSING_TS),
    ),
    SlackCase("reactions.get-ok", "reactions.get", None, _reactions_get),
    SlackCase(
        "reactions.get-message_not_found",
        "reactions.get",
        "message_not_found",
        lambda s: s.post("reactions.get", channel=CHANNEL, timestamp=MISSING_TS),
    ),
]


@pytest.mark.parametrize("case", SLACK_CASES, ids=[case.id for case in SLACK_CASES])
def test_slack(case: SlackCase, slack: Slack, slack_contract: SlackContract) -> None:
    response = case.call(slack)
    body = response.json()
    assert (response.status_code, body.get("error")) == (case.status, case.error), response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    slack_contract.check(case.method, response.status_code, body)
    if case.status == 429:  # slack-web-api.md §4/§5: Retry-After is whole seconds
        assert response.headers["Retry-After"].isdigit()


# =========================================================================================================
# Negative controls: the same validation paths must reject a deliberately broken body.
# Each starts from a live response that passes, breaks one thing, and expects a ContractError.
# =========================================================================================================


def _set(path: list[str | int], value: Any) -> Callable[[Any], None]:
    def apply(body: Any) -> None:
        for step in path[:-1]:
            body = body[step]
        body[path[-1]] = value

    return apply


def _drop(path: list[str | int]) -> Callable[[Any], None]:
    def apply(body: Any) -> None:
        for step in path[:-1]:
            body = body[step]
        del body[path[-1]]

    return apply


def _first_change_item(body: Any) -> dict[str, Any]:
    item: dict[str, Any] = next(item for history in body["values"] for item in history["items"])
    return item


@dataclass(frozen=True)
class JiraBreakage:
    id: str
    call: Callable[[Jira], requests.Response]
    breaks: Callable[[Any], None]  # mutates the parsed body
    expect: str  # regex the ContractError must match: rejected for this reason, not another
    status: int | None = None  # replaces the status, for status-level breakage


def _keep(body: Any) -> None:
    """Leave the body as it is (the breakage is in the status, or in sending a body at all)."""


def _changelog(j: Jira) -> requests.Response:
    return j.get(v3(f"issue/{j.issue_with_history()}/changelog"))


JIRA_BREAKAGES = [
    JiraBreakage(  # ids are strings (jira-cloud.md §7)
        "search-jql-issue-int-id",
        _search_page_one,
        _set(["issues", 0, "id"], 10001),
        r"issues/0/id: 10001 is not of type 'string'",
    ),
    JiraBreakage(
        "search-jql-issues-not-a-list",
        _search_page_one,
        _set(["issues"], {"id": "10001"}),
        r"at issues: .* is not of type 'array'",
    ),
    JiraBreakage(
        "myself-account-id-int",
        lambda j: j.get(v3("myself")),
        _set(["accountId"], 5),
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
        _set(["values", 0, "created"], "2026-11-26 10:30"),
        r"created: '2026-11-26 10:30' is not a 'date-time'",
    ),
    JiraBreakage(
        "changelog-created-impossible-date",
        _changelog,
        _set(["values", 0, "created"], "2026-13-26T10:30:00.000+0000"),
        r"created: '2026-13-26T10:30:00.000\+0000' is not a 'date-time'",
    ),
    JiraBreakage(
        "comment-v3-id-int",
        lambda j: j.call("POST", v3(f"issue/{j.fresh_issue()}/comment"), body={"body": ADF_HELLO}),
        _set(["id"], 10000),
        r"at id: 10000 is not of type 'string'",
    ),
    JiraBreakage(
        "issue-404-error-messages-not-a-list",
        lambda j: j.get(v3(f"issue/{MISSING_KEY}")),
        _set(["errorMessages"], "Issue does not exist"),
        r"404 body is not an ErrorCollection:\n  at errorMessages",
    ),
    JiraBreakage(
        "search-410-errors-not-an-object",
        lambda j: j.get(v3("search"), jql=JQL),
        _set(["errors"], ["removed"]),
        r"at errors: .* is not of type 'object'",
    ),
    JiraBreakage(  # 410 is on the allow-list for /search only
        "issue-get-410-undeclared",
        lambda j: j.get(v3(f"issue/{MISSING_KEY}")),
        _keep,
        r"410 is not declared for /rest/api/3/issue/",
        status=410,
    ),
    JiraBreakage(
        "issue-get-418-undeclared",
        lambda j: j.get(v3("issue/LAA-1")),
        _keep,
        r"418 is not declared",
        status=418,
    ),
    JiraBreakage("assignee-204-with-body", _assign, _keep, r"204 with a body"),  # "{}" instead of nothing
    JiraBreakage(
        "board-configuration-filter-id-int",
        lambda j: j.get(agile("board/262/configuration")),
        _set(["filter", "id"], 10500),
        r"filter/id: 10500 is not of type 'string'",
    ),
    JiraBreakage(  # the relaxed location still requires the note's keys
        "board-configuration-location-without-key",
        lambda j: j.get(agile("board/262/configuration")),
        _drop(["location", "key"]),
        r"at location: 'key' is a required property",
    ),
    JiraBreakage(
        "board-configuration-column-unknown-key",
        lambda j: j.get(agile("board/265/configuration")),
        _set(["columnConfig", "columns", 0, "colour"], "blue"),
        r"'colour' was unexpected",
    ),
]


@pytest.mark.parametrize("breakage", JIRA_BREAKAGES, ids=[b.id for b in JIRA_BREAKAGES])
def test_jira_contract_rejects(breakage: JiraBreakage, jira: Jira, jira_contract: JiraContract) -> None:
    response = breakage.call(jira)
    jira_contract.check(response.request, response.status_code, response.headers, response.content)
    body = json.loads(response.content) if response.content else {}
    breakage.breaks(body)
    status = breakage.status or response.status_code
    with pytest.raises(ContractError, match=breakage.expect):
        jira_contract.check(response.request, status, response.headers, json.dumps(body).encode())


@dataclass(frozen=True)
class SlackBreakage:
    id: str
    method: str
    call: Callable[[Slack], requests.Response]
    breaks: Callable[[Any], None]
    expect: str
    status: int | None = None


def _history(s: Slack) -> requests.Response:
    return s.post("conversations.history", channel=CHANNEL, limit="5")


def _post_plain(s: Slack) -> requests.Response:
    return s.post_json("chat.postMessage", {"channel": CHANNEL, "text": "negative control"})


def _channel_not_found(s: Slack) -> requests.Response:
    return s.post("conversations.history", channel=MISSING_CHANNEL)


SLACK_BREAKAGES = [
    SlackBreakage(
        "history-message-without-ts",
        "conversations.history",
        _history,
        _drop(["messages", 0, "ts"]),
        r"at messages/0: 'ts' is a required property",
    ),
    SlackBreakage(  # slack-web-api.md §1 rule 4: ts is a string
        "history-ts-as-number",
        "conversations.history",
        _history,
        _set(["messages", 0, "ts"], 1795687380.000001),
        r"messages/0/ts: .* is not of type 'string'",
    ),
    SlackBreakage(  # the replies entry makes these messages checked at all
        "replies-message-without-ts",
        "conversations.replies",
        lambda s: s.post("conversations.replies", channel=CHANNEL, ts=s.thread_parent()),
        _drop(["messages", 0, "ts"]),
        r"at messages/0: 'ts' is a required property",
    ),
    SlackBreakage(  # the message entry adds a typed app_id, not any value
        "postMessage-app-id-int",
        "chat.postMessage",
        _post_plain,
        _set(["message", "app_id"], 7),
        r"message/app_id: 7 is not of type 'string'",
    ),
    SlackBreakage(
        "postMessage-edited-without-ts",
        "chat.postMessage",
        _post_plain,
        _set(["message", "edited"], {"user": "U0SIM00001"}),
        r"message/edited: 'ts' is a required property",
    ),
    SlackBreakage(
        "postMessage-message-unknown-key",
        "chat.postMessage",
        _post_plain,
        _set(["message", "colour"], "blue"),
        r"'colour' was unexpected",
    ),
    SlackBreakage(  # checked only because the `items` alternatives are read as anyOf
        "reactions.get-message-without-text",
        "reactions.get",
        _reactions_get,
        _drop(["message", "text"]),
        r"message: 'text' is a required property",
    ),
    SlackBreakage(
        "conversations.info-is-private-string",
        "conversations.info",
        lambda s: s.post("conversations.info", channel=CHANNEL),
        _set(["channel", "is_private"], "no"),
        r"channel/is_private: 'no' is not of type 'boolean'",
    ),
    SlackBreakage(
        "users.info-deleted-string",
        "users.info",
        lambda s: s.post("users.info", user=s.person()),
        _set(["user", "deleted"], "no"),
        r"user/deleted: 'no' is not of type 'boolean'",
    ),
    SlackBreakage(  # the common-errors entry adds the notes' codes, not any code
        "error-unknown-code",
        "conversations.history",
        _channel_not_found,
        _set(["error"], "channel_on_fire"),
        r"'channel_on_fire' is not one of",
    ),
    SlackBreakage(
        "error-at-http-500",
        "conversations.history",
        _channel_not_found,
        _keep,
        r"answered HTTP 500",
        status=500,
    ),
    SlackBreakage(
        "ok-true-with-error-key",
        "auth.test",
        lambda s: s.post("auth.test"),
        _set(["error"], "invalid_auth"),
        r"'error' was unexpected",
    ),
]


@pytest.mark.parametrize("breakage", SLACK_BREAKAGES, ids=[b.id for b in SLACK_BREAKAGES])
def test_slack_contract_rejects(breakage: SlackBreakage, slack: Slack, slack_contract: SlackContract) -> None:
    response = breakage.call(slack)
    body = response.json()
    slack_contract.check(breakage.method, response.status_code, body)
    breakage.breaks(body)
    with pytest.raises(ContractError, match=breakage.expect):
        slack_contract.check(breakage.method, breakage.status or response.status_code, body)
