"""The shape of a contract test case and how one is checked, shared by the contract test modules.

A case is one exchange over real HTTP with the demo world and the status (Jira) or `error` (Slack) it must
answer; its response is then validated against the official description (tests/sim/openapi_contract.py),
and `then` checks what the service documents beyond the schema. A breakage is a negative control: a live
response that passes, broken in one place, which the same validation path must reject for that reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.sim.contract_calls import Jira, Slack
from tests.sim.openapi_contract import ContractError, JiraContract, SlackContract

Then = Callable[[requests.Response], None]


@dataclass(frozen=True)
class JiraCase:
    id: str
    status: int
    call: Callable[[Jira], requests.Response]
    then: Then | None = None  # what the service documents beyond the schema


@dataclass(frozen=True)
class JiraBreakage:
    id: str
    call: Callable[[Jira], requests.Response]
    breaks: Callable[[Any], None]  # mutates the parsed body
    expect: str  # regex the ContractError must match: rejected for this reason, not another
    status: int | None = None  # replaces the status, for status-level breakage


@dataclass(frozen=True)
class SlackCase:
    id: str
    method: str
    error: str | None  # None: ok:true is expected; else the `error` code
    call: Callable[[Slack], requests.Response]
    status: int = 200
    then: Then | None = None  # what Slack documents beyond the schema


@dataclass(frozen=True)
class SlackBreakage:
    id: str
    method: str
    call: Callable[[Slack], requests.Response]
    breaks: Callable[[Any], None]
    expect: str
    status: int | None = None


def check_jira_case(case: JiraCase, jira: Jira, contract: JiraContract) -> None:
    response = case.call(jira)
    assert response.status_code == case.status, response.text[:500]
    contract.check(response.request, response.status_code, response.headers, response.content)
    if case.then is not None:
        case.then(response)


def check_jira_breakage(breakage: JiraBreakage, jira: Jira, contract: JiraContract) -> None:
    response = breakage.call(jira)
    contract.check(response.request, response.status_code, response.headers, response.content)
    body = json.loads(response.content) if response.content else {}
    breakage.breaks(body)
    status = breakage.status or response.status_code
    with pytest.raises(ContractError, match=breakage.expect):
        contract.check(response.request, status, response.headers, json.dumps(body).encode())


def check_slack_case(case: SlackCase, slack: Slack, contract: SlackContract) -> None:
    response = case.call(slack)
    body = response.json()
    assert (response.status_code, body.get("error")) == (case.status, case.error), response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    contract.check(case.method, response.status_code, body)
    if case.then is not None:
        case.then(response)
    if case.status == 429:  # Retry-After is whole seconds: https://docs.slack.dev/apis/web-api/rate-limits
        assert response.headers["Retry-After"].isdigit()


def check_slack_breakage(breakage: SlackBreakage, slack: Slack, contract: SlackContract) -> None:
    response = breakage.call(slack)
    body = response.json()
    contract.check(breakage.method, response.status_code, body)
    breakage.breaks(body)
    with pytest.raises(ContractError, match=breakage.expect):
        contract.check(breakage.method, breakage.status or response.status_code, body)


def retry_after_is_whole_seconds(response: requests.Response) -> None:
    # The `jira` library does int(Retry-After), so it must be whole seconds (the header is documented at
    # https://developer.atlassian.com/cloud/jira/platform/rate-limiting/).
    assert response.headers["Retry-After"].isdigit()
