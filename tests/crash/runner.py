"""The product in a child process, for the crash harness: `python -m tests.crash.runner`.

It starts duty-tui the way the app does for sending, without Textual: the config file
(`DUTY_TUI_CONFIG`, pointing at the simulators), the tokens from the environment (`JIRA_API_TOKEN`,
`SLACK_BOT_TOKEN`, `SLACK_USER_TOKEN`), the real `build_runtime` on the data dir (`CRASH_DATA_DIR`),
its log, and the real `OutboxWriter` started with the app's lock file (`DutyApp.start_outbox`). What
was stored before a crash is resumed by the writer itself: every pending write, attempts counted.

It prints one line per event on stdout, flushed (the parent reads them):
- `sending`: it holds the outbox lock and its writer runs;
- `waiting: …`: another duty-tui holds the lock, so it does not send (what the app says then);
- `sent <uid>`, `retrying <uid> <why>`, `failed <uid> <why>`: what each delivery did;
- `done`: nothing is pending any more (only with `CRASH_UNTIL_DONE=1`; it then exits 0).

The clock (`CRASH_CLOCK` = "<start iso> <anchor epoch seconds> <speed>") runs `speed` times faster
than real time from `start` at wall-clock `anchor`, the same in the parent (whose simulators read it)
and in every child, so back-offs of minutes pass in seconds. The writer's thread waits real seconds
between steps, so a waker here wakes it every `WAKE_SECONDS` to look at the clock again: a wake cuts
a wait short, never a back-off (the writer still sends only what is due by the clock).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ENV_CLOCK = "CRASH_CLOCK"
ENV_DATA_DIR = "CRASH_DATA_DIR"
ENV_UNTIL_DONE = "CRASH_UNTIL_DONE"
ENV_BLIND = "CRASH_BLIND_RESENDS"  # the harness's own test: resends that never look for an earlier effect
OUTBOX_LOCK = "outbox.lock"  # `duty_tui.app.OUTBOX_LOCK` (not imported: it would load Textual here)
WAKE_SECONDS = 0.05
WAITING = "waiting: another duty-tui is sending from this data dir"


class FastClock:
    """Wall-clock time, `speed` times faster, from `start` at `anchor` (epoch seconds): the same answer in
    every process that is given the same three numbers."""

    def __init__(self, start: datetime, anchor: float, speed: float) -> None:
        self.start, self.anchor, self.speed = start, anchor, speed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.time() - self.anchor) * self.speed)

    def env(self) -> str:
        return f"{self.start.isoformat()} {self.anchor!r} {self.speed!r}"

    @classmethod
    def from_env(cls, value: str) -> FastClock:
        start, anchor, speed = value.split()
        return cls(datetime.fromisoformat(start), float(anchor), float(speed))


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> int:
    from duty_tui.config import load_config, load_secrets
    from duty_tui.runtime import build_runtime, setup_logging
    from duty_tui.sync.outbox import OutboxProgress

    config = load_config(Path(os.environ["DUTY_TUI_CONFIG"]))
    secrets = load_secrets()
    data_dir = Path(os.environ[ENV_DATA_DIR])
    clock = FastClock.from_env(os.environ[ENV_CLOCK])
    until_done = os.environ.get(ENV_UNTIL_DONE) == "1"
    if os.environ.get(ENV_BLIND) == "1":
        blind_resends()
    runtime = build_runtime(config, secrets, data_dir, clock)
    setup_logging(data_dir, secrets)

    def emit(progress: OutboxProgress) -> None:
        uid = progress.write.uid
        if progress.failure:
            say(f"failed {uid} {progress.failure}")
        elif progress.retrying:
            say(f"retrying {uid} {progress.retrying}")
        else:
            say(f"sent {uid}")

    writer = runtime.outbox_writer(emit)
    if not writer.start_locked(data_dir / OUTBOX_LOCK):
        say(WAITING)  # as the app: it neither sends nor hurries the other's back-offs
        threading.Event().wait()  # until killed
        return 0
    say("sending")
    while True:
        time.sleep(WAKE_SECONDS)
        writer.wake()
        if until_done and runtime.store.outbox.count_pending() == 0:
            writer.stop()
            writer.wait_finished(5)
            runtime.close()
            say("done")
            return 0


def blind_resends() -> None:
    """Break the product on purpose, in this process only: a resend no longer looks for what an earlier
    attempt made (a comment, a ticket, a reply, a post), so a lost answer means a second copy. The harness's
    own test runs this to show that its count sees a write that lands twice."""
    from duty_tui.sources.jira.creation import TicketCreator
    from duty_tui.sources.jira.writes import JiraWriter
    from duty_tui.sources.slack.writes import SlackWriter

    JiraWriter.has_comment = lambda self, key, uid: False  # type: ignore[method-assign]
    TicketCreator.find_created = lambda self, uid, made: None  # type: ignore[method-assign]
    SlackWriter.find_reply = lambda self, thread_ts, uid, body, since: None  # type: ignore[method-assign]
    SlackWriter.find_announcement = lambda self, thread_ts, uid, since: None  # type: ignore[method-assign]


if __name__ == "__main__":
    sys.exit(main())
