"""The fault matrix for reads: Jira and Slack × every fault, one poll cycle through the real poller and
`PollLoop` against the simulators.

During the fault the cycle records the source's status with the fault in words and waits one interval
(or what Retry-After asked, which a refresh must not cut short); once the fault clears, the next cycle
succeeds and the status is clean again: recovered within one interval."""

from __future__ import annotations

from datetime import timedelta

import pytest

from duty_sim.server import HostedService
from duty_tui.sync.outcomes import MessagesPolled, PollFailed, PollOutcome, TicketsPolled
from duty_tui.sync.poll import PollLoop
from tests.faults.matrix import FAULTS, RETRY_AFTER, Fault, fault_config, says
from tests.support import Harness

INTERVAL = 30.0


@pytest.mark.parametrize("fault", FAULTS, ids=str)
@pytest.mark.parametrize("service", ["jira", "slack"])
def test_a_poll_during_the_fault_says_so_and_the_first_after_it_recovers(
    h: Harness, service: str, fault: Fault
) -> None:
    runtime = h.runtime(config=fault_config(h))
    poller = runtime.jira_poller if service == "jira" else runtime.slack_poller
    sim: HostedService = h.world.jira if service == "jira" else h.world.slack
    emitted: list[PollOutcome] = []
    loop = PollLoop(poller, runtime.store, h.clock, INTERVAL, emitted.append)
    polled = TicketsPolled if service == "jira" else MessagesPolled
    assert loop.cycle() == INTERVAL and isinstance(emitted.pop(), polled)  # a warm cache: it worked once

    fault.put(sim.faults, None)
    delay = loop.cycle()
    failed = emitted.pop()
    assert isinstance(failed, PollFailed) and not failed.never_succeeded  # mid-day: the app keeps running
    says(failed.error.message, service, fault)
    assert loop.status.error == failed.error.message and loop.status.failing_since == h.clock.now()
    asked = failed.error.retry_after  # a 429, and Jira's 503 (Retry-After: 1)
    assert asked == RETRY_AFTER if fault.name == "429" else asked in (None, 1.0)
    wait = INTERVAL if asked is None else asked
    assert delay == wait  # the first failure waits one interval, or what the service asked
    assert loop.status.next_try == h.clock.now() + timedelta(seconds=wait)
    assert runtime.store.statuses.all()[service].error == failed.error.message  # kept for the next start

    sim.faults.clear()
    h.clock.advance(timedelta(seconds=delay))
    assert loop.cycle() == INTERVAL
    assert isinstance(emitted.pop(), polled)
    after = loop.status
    assert after.error is None and after.failing_since is None and after.next_try is None
