"""Two duty-tuis on one data dir (issue 11): one sender, no write twice, no corruption, and the second says
what it is doing.

The outbox lock (`outbox.lock` in the data dir, an `flock` the writer holds while its process lives) lets
one process send; another finds it taken and sends nothing (`DutyApp.start_outbox`), and SIGKILL releases
it for the next one. The processes are real (`tests.crash.runner`); so is the second app, in this process.
"""

from __future__ import annotations

import random
from pathlib import Path

from duty_tui.app import OUTBOX_LOCK, SENDING_ELSEWHERE, DutyApp
from tests.crash import runner
from tests.crash.rig import CrashRig, duplicates_and_losses, queue_writes
from tests.support import screen_text, settle

TIMEOUT = 30.0


def test_the_runner_locks_what_the_app_locks() -> None:
    assert runner.OUTBOX_LOCK == OUTBOX_LOCK


def test_two_processes_on_one_data_dir_one_sends_and_no_write_goes_twice(tmp_path: Path) -> None:
    rig = CrashRig(tmp_path)
    try:
        stored = queue_writes(rig, random.Random(11))
        first, second = rig.start(), rig.start()  # started together: they race for the lock
        said = [c.wait_for(("sending", "waiting"), TIMEOUT) or "nothing" for c in (first, second)]
        assert sorted(said) == ["sending", runner.WAITING], (said, rig.stderr_tail())
        sender, waiter = (first, second) if said[0] == "sending" else (second, first)
        assert sender.wait_sent(20, TIMEOUT) >= 20
        sender.kill()  # mid-sending: its lock goes with it
        assert rig.integrity() == "ok"
        third = rig.start(until_done=True)  # the next start takes over; the waiting one still waits
        assert third.wait_for(("sending",), TIMEOUT), rig.stderr_tail()
        assert third.wait_for(("done",), TIMEOUT * 2), (third.lines[-10:], rig.stderr_tail())
        assert waiter.process.poll() is None and waiter.sent() == [] and waiter.lines == [runner.WAITING]
        assert duplicates_and_losses(rig, stored) == []
        assert rig.integrity() == "ok"
    finally:
        rig.stop()


async def test_a_second_app_on_the_data_dir_says_another_duty_tui_sends_and_sends_nothing(
    tmp_path: Path,
) -> None:
    rig = CrashRig(tmp_path)
    try:
        stored = queue_writes(rig, random.Random(7))
        rig.world.slack.faults.hold(r"chat\.postMessage|reactions\.add")  # the first keeps some pending
        first = rig.start()
        assert first.wait_for(("sending",), TIMEOUT), rig.stderr_tail()
        app = DutyApp(rig.runtime())
        try:
            # Wide: the status bar drops "why the writes wait" first when its line is full, and this desk
            # is busy (two incidents, a day's requests).
            async with app.run_test(size=(320, 50), notifications=True) as pilot:
                await settle(pilot, lambda: app.painted and app.sending_elsewhere, timeout=TIMEOUT)
                assert app.outbox is None  # it never sends: the first one does, for both
                shown = screen_text(app)
                status = shown.splitlines()[0]
                assert "writes pending" in status and SENDING_ELSEWHERE in status
                assert "Another duty-tui is running on the same data directory" in shown
                rig.world.slack.faults.release()
                await settle(pilot, lambda: rig.outbox_states_pending() == 0, timeout=TIMEOUT)
        finally:
            app.runtime.close()
        assert duplicates_and_losses(rig, stored) == []
        assert rig.integrity() == "ok"
    finally:
        rig.world.slack.faults.release()
        rig.stop()
