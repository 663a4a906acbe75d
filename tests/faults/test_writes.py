"""The fault matrix for writes: every kind of write × every fault, through the real outbox writer (on its
thread), the real deliveries and clients, against the simulators.

For each: during the fault the write stays queued and the engineer is told why in words (or, where the
fault cannot matter to that request, it simply lands); once the fault clears and the writer is woken
(`send_now`, what the app does when a poll reaches the service again or on `r`), it lands, and the
simulator holds its effect exactly once. Where the service acted before the answer was lost (a dropped
connection, an unreadable answer, a timeout the service outlived), the resend must find that effect
rather than repeat it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from duty_sim.server import HostedService
from duty_tui.models import WriteState
from tests.faults.matrix import FAULTS, RETRY_AFTER, Fault, fault_config, says
from tests.faults.rig import ROWS, Outbox, count, wait_until
from tests.support import Harness

# Where the fault cannot reach the engineer: Jira answers an assignment or a move with 204 and no
# body, which the client never parses, so an unreadable body changes nothing.
THROUGH = {("assign", "malformed"), ("transition", "malformed")}


@pytest.fixture
def outbox(h: Harness) -> Iterator[Outbox]:
    rig = Outbox(h, fault_config(h))
    yield rig
    rig.stop()


@pytest.mark.parametrize("fault", FAULTS, ids=str)
@pytest.mark.parametrize("kind", ROWS)
def test_a_write_during_the_fault_waits_in_words_then_lands_exactly_once(
    outbox: Outbox, kind: str, fault: Fault
) -> None:
    h = outbox.h
    row = ROWS[kind](outbox)
    sim: HostedService = h.world.jira if row.service == "jira" else h.world.slack
    # A revoked token stops the keypress at its first write to that service (a link waits behind its
    # ticket's creation).
    held = (
        next(w.uid for w in row.writes if w.service.value == row.service) if fault.whole_service else row.uid
    )
    since = len(outbox.progress)
    if row.first_dropped:  # the first attempt acts, its answer is lost; the fault meets the resend
        sim.faults.drop_next(1, match=row.first_dropped)
        outbox.send(row.writes)
        assert outbox.next_progress(row.uid, since).retrying
        since = len(outbox.progress)
        fault.put(sim.faults, row.match)
        outbox.writer.send_now()
    else:
        fault.put(sim.faults, row.match)
        outbox.send(row.writes)
    during = outbox.next_progress(held, since)

    if (kind, fault.name) in THROUGH:
        assert during.retrying is None and during.failure is None
    else:
        assert during.failure is None, during.failure  # never refused for good: nothing undone
        says(during.retrying, row.service, fault)
        assert outbox.state(held) is WriteState.PENDING and outbox.state(row.uid) is WriteState.PENDING
        assert during.pending >= 1
        if fault.name == "429":
            (waiting,) = [w for w in outbox.store.outbox.pending() if w.uid == held]
            assert waiting.next_attempt_at is not None
            assert (waiting.next_attempt_at - h.clock.now()).total_seconds() >= RETRY_AFTER  # as asked
        acted = 1 if (fault.acts and fault.name != "latency") or row.first_dropped else 0
        assert row.effects() == acted  # a refusal did nothing; a lost answer hides what was done

    if fault.name == "latency":  # the slow request is still with the service: it acts once the fault ends
        answered = count(sim, row.match)
        sim.faults.clear()
        wait_until(lambda: count(sim, row.match) > answered)
    sim.faults.clear()
    outbox.writer.send_now()
    wait_until(lambda: outbox.store.outbox.count_pending() == 0)
    assert set(outbox.states().values()) == {WriteState.SENT}, outbox.states()
    assert row.effects() == 1
