"""Fixtures the simulator tests share: the contract tests' demo world and the loaded descriptions.

`world` is the demo world the contract modules call (tests/sim/contract_calls.py, `contract_world`), one
per module; test_jql*.py define their own `world` (a bare `JiraWorld`), which takes precedence there.
The descriptions are parsed and patched once per process: the contracts are only read.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from duty_tui.demo import DemoWorld
from tests.sim.contract_calls import contract_world
from tests.sim.openapi_contract import JiraContract, SlackContract
from tests.sim.openapi_specs import openapi_dir


@pytest.fixture(scope="module")
def world() -> Iterator[DemoWorld]:
    with contract_world() as demo:
        yield demo


@pytest.fixture(scope="session")
def jira_contract() -> JiraContract:
    return JiraContract.load(openapi_dir())


@pytest.fixture(scope="session")
def slack_contract() -> SlackContract:
    return SlackContract.load(openapi_dir())
