"""Crash safety (issue 11): SIGKILL the product at random points while it sends 100 queued writes of every
kind, over several restarts, with faults injected between them; afterwards the simulators hold each write
exactly once, nothing is left in the outbox, and SQLite finds the store intact.

Seeded: a failure says its seed and what each restart met, and `CRASH_SEED=<seed>` replays the same writes,
fault plan and kill points (a kill point is a number of confirmed writes plus a few milliseconds, so the
instant itself varies a little). `CRASH_RESTARTS=<n>` runs longer; 8 restarts by default keep it near
10 seconds. Without `CRASH_SEED` each run draws a new seed. The product runs in child processes
(`tests.crash.runner`); the simulators run here (`tests.crash.rig`); the run's story is also left in
`story.txt` in the test's tmp dir.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from tests.crash.rig import CrashRig, duplicates_and_losses, kinds, queue_writes

RESTARTS = int(os.environ.get("CRASH_RESTARTS", "8"))
STARTUP_TIMEOUT = 30.0  # a loaded machine starts Python slowly; nothing here waits this long when well
FINISH_TIMEOUT = 120.0
SENDING_TIMEOUT = 3.0  # a run waiting out a back-off is killed all the same
TOTAL = 100


def crash_seed() -> int:
    given = os.environ.get("CRASH_SEED")
    return int(given) if given else random.SystemRandom().randrange(2**32)


@pytest.mark.slow
def test_sigkilled_at_random_points_every_write_lands_exactly_once(tmp_path: Path) -> None:
    seed = crash_seed()
    replay = f"crash seed {seed}: replay with CRASH_SEED={seed} CRASH_RESTARTS={RESTARTS}"
    rng = random.Random(seed)
    rig = CrashRig(tmp_path, as_user=rng.random() < 0.7)
    story: list[str] = [f"posting as {'the engineer' if rig.as_user else 'the bot'}"]
    try:
        stored = queue_writes(rig, rng, TOTAL)
        story.append(f"queued {len(stored)} writes: {kinds(stored)}")
        for restart in range(1, RESTARTS + 1):
            faults = rig.inject_faults(rng, rng.randint(1, 3)) if rng.random() < 0.6 else []
            revoked = rng.random() < 0.1
            if revoked:
                rig.world.jira.faults.revoke_token()
                faults.append("jira token revoked for this run")
            child = rig.start()
            if rng.random() < 0.2:  # killed while it starts: opening the store, or its first sends
                wait = rng.uniform(0.0, 1.2)
                time.sleep(wait)
                when = f"{wait:.2f}s after starting"
            else:
                assert child.wait_for(("sending",), STARTUP_TIMEOUT), (
                    f"restart {restart}: the writer did not start: {child.lines}\n{rig.stderr_tail()}"
                )
                # A random point in the sending: after a random number of confirmed writes, then a random
                # moment into the next one (its request in flight, or its answer not yet stored).
                count = rng.randint(0, 2 * -(-TOTAL // RESTARTS))
                reached = child.wait_sent(count, SENDING_TIMEOUT)
                wait = rng.uniform(0.0, 0.04)
                time.sleep(wait)
                when = f"{wait * 1000:.0f}ms after {reached} confirmed writes"
            child.kill()
            if revoked:
                rig.world.jira.faults.restore_token()
            story.append(f"restart {restart}: killed {when}, {len(child.sent())} sent; faults {faults}")
        assert rig.integrity() == "ok", "the store is damaged after the last SIGKILL"

        final = rig.start(until_done=True)
        done = final.wait_for(("done",), FINISH_TIMEOUT)
        final.kill()
        story.append(f"final run: {len(final.sent())} sent; faults met over the run: {rig.faults_met()}")
        states = rig.outbox_states()
        pending = {uid: s for uid, s in states.items() if s[0] == "pending"}
        again = sum(attempts > 1 for _, _, attempts in states.values())
        story.append(f"{again} writes were attempted more than once (cut off by a kill or a fault)")
        assert done, (
            f"the outbox did not empty within {FINISH_TIMEOUT:.0f}s; pending: {pending}\n"
            f"{final.lines[-20:]}\n{rig.stderr_tail()}\n{rig.log_tail()}"
        )
        assert not pending
        problems = duplicates_and_losses(rig, stored)
        assert not problems, "\n".join(["writes not exactly once:", *problems])
        assert rig.integrity() == "ok"
    except Exception as error:  # whatever failed, the seed that replays it goes with it
        error.add_note("\n".join([replay, *story]))
        raise
    finally:
        (tmp_path / "story.txt").write_text("\n".join([replay, *story]), encoding="utf-8")
        rig.stop()


def test_the_harness_sees_a_write_that_lands_twice(tmp_path: Path) -> None:
    """The count can fail: a product whose resends do not look first (`runner.blind_resends`) leaves a
    second comment, ticket, reply and post behind when an answer is lost, and the harness says so."""
    rig = CrashRig(tmp_path)
    try:
        stored = queue_writes(rig, random.Random(5), TOTAL)
        rig.world.jira.faults.drop_next(2, match=r"POST .*/comment$")
        rig.world.jira.faults.drop_next(1, match=r"POST .*/issue$")
        rig.world.slack.faults.drop_next(3, match=r"chat\.postMessage")
        child = rig.start(until_done=True, blind=True)
        assert child.wait_for(("done",), FINISH_TIMEOUT), rig.stderr_tail()
        problems = duplicates_and_losses(rig, stored)
        twice = {p.split("): ")[1].split(" 2 times")[0] for p in problems if " 2 times " in p}
        assert {"commented", "created"} <= twice and twice & {"replied", "posted", "announced"}
    finally:
        rig.stop()
