"""Soak: does memory stay flat over a working day of polling?

A simulated 10-hour support day (08:00–18:00): 1,200 poll cycles 30 s apart on a ManualClock,
with traffic between cycles (new messages most cycles, thread replies, a new ticket every ~10
cycles, a colleague taking a ticket now and then), against the real app running headless in
`run_test()`. The app's own poll loops are not started; each cycle runs `PollLoop.cycle()` for
both pollers in a worker thread with `emit` posting `SourcePolled` where the real loops post it
(the ticket desk, the app), then lets the UI apply it. No real sleeping, so the day takes a minute or two.

The simulated Jira and Slack run in a child process with their own ManualClock, moved in lock
step, so the RSS printed is duty-tui's alone (the simulators' world and request logs grow all
day and would otherwise be counted). Goal: RSS growth from cycle 100 to the end ≤ 10 MB.

    .venv/bin/python benchmarks/soak.py [--cycles 1200] [--warmup 100] [--trace]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import multiprocessing
import random
import shutil
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from _common import make_messages, median, rss_mb, shipped_cadence, table, verdict
from textual.pilot import Pilot

from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.demo import demo_config, demo_secrets
from duty_tui.demo.scenario import CHANNEL
from duty_tui.messages import SourcePolled
from duty_tui.models import ChatUser, Service
from duty_tui.runtime import build_runtime
from duty_tui.sync.outcomes import PollFailed, PollOutcome
from duty_tui.sync.poll import PollLoop
from duty_tui.widgets.channel import WINDOW

# Thursday 26 November 2026, 08:00 in London (GMT): the desk opens.
DAY_START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
CYCLE = timedelta(seconds=30)
GROWTH_GOAL_MB = 10.0
SIZE = (160, 48)


# -- the world, in its own process ---------------------------------------------------------------


def serve_world(conn: Connection, start: datetime, seed: int, history: int) -> None:
    """Child process: run DemoWorld on its own ManualClock and act on the parent's orders."""
    from duty_sim.jira.service import ROUTES
    from duty_tui.demo import DemoWorld
    from duty_tui.demo.scenario import WorldTicker

    clock = ManualClock(start)
    world = DemoWorld(clock)
    # The simulators' rate limits run on real time, and the day runs ~300 times faster.
    world.slack.enable_rate_limits(False)
    for route in ROUTES:
        world.jira.remove_rate_limit(route.key)
    # The last two days of #laa-ops, so the app starts with a full channel window: growth measured
    # after the warm-up is then not the window filling up.
    people = [ChatUser(user_id, handle) for handle, user_id in world.cast.slack.items()]
    for message in make_messages(
        history, start - timedelta(minutes=90), people, seed=seed, span=timedelta(days=2)
    ):
        world.slack.world.post(CHANNEL, message.user_id or people[0].id, message.text, at=message.sent_at)
    ticker = WorldTicker(world.jira, world.slack, world.cast, clock, seed=seed)  # never started
    actions = {
        "message": ticker.chatter,
        "reply": ticker.thread_reply,
        "ticket": ticker.new_ticket,
        "taken": ticker.colleague_takes_ticket,
    }
    conn.send((world.jira.url, world.slack.api_url))
    done: dict[str, int] = dict.fromkeys(actions, 0)
    while True:
        order = conn.recv()
        if order is None:
            break
        seconds, wanted = order
        clock.advance(timedelta(seconds=seconds))
        for name in wanted:
            done[name] += 1
            actions[name]()
        world.jira.log.clear()  # the logs would grow all day; nobody reads them here
        world.slack.log.clear()
        conn.send(done)
    world.stop()
    conn.send(done)


def traffic(rng: random.Random) -> list[str]:
    """What happens in #laa-ops and on the boards during one 30-second cycle."""
    wanted = []
    if rng.random() < 0.7:
        wanted.append("message")
    if rng.random() < 0.25:
        wanted.append("reply")
    if rng.random() < 0.1:
        wanted.append("ticket")
    if rng.random() < 0.05:
        wanted.append("taken")
    return wanted


# -- the app --------------------------------------------------------------------------------------


class SoakApp(DutyApp):
    """DutyApp whose poll loops the benchmark drives one cycle at a time."""

    def start_polling(self) -> None:
        return


@dataclasses.dataclass
class Soak:
    samples: list[tuple[int, float]] = dataclasses.field(default_factory=list)  # (cycle, RSS MB)
    cycle_seconds: list[float] = dataclasses.field(default_factory=list)
    failed: int = 0
    world: dict[str, int] = dataclasses.field(default_factory=dict)
    pane_rows: int = 0
    ticket_rows: int = 0
    stored_messages: int = 0
    top_growth: list[str] = dataclasses.field(default_factory=list)
    traced_growth_mb: float | None = None


class HeapTrace:
    """Optional: where Python objects grew after the warm-up (tracemalloc, one frame per block)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.before: tracemalloc.Snapshot | None = None

    def start(self) -> None:
        if self.enabled:  # from here on RSS includes tracemalloc's own bookkeeping
            tracemalloc.start(1)
            self.before = tracemalloc.take_snapshot()

    def finish(self, soak: Soak) -> None:
        if self.before is None:
            return
        gc.collect()
        stats = tracemalloc.take_snapshot().compare_to(self.before, "lineno")
        tracemalloc.stop()
        soak.traced_growth_mb = sum(s.size_diff for s in stats) / 1e6
        soak.top_growth = [f"{s.size_diff / 1024:+8.0f} KiB  {s.traceback[0]}" for s in stats[:10]]


def settled_rss() -> float:
    gc.collect()  # garbage awaiting collection is not growth
    return rss_mb()


async def run_day(cycles: int, warmup: int, *, trace: bool, history: int, seed: int = 1126) -> Soak:
    parent, child = multiprocessing.get_context("spawn").Pipe()
    world = multiprocessing.get_context("spawn").Process(
        target=serve_world, args=(child, DAY_START, seed, history), name="simulated world", daemon=True
    )
    world.start()
    jira_url, slack_url = parent.recv()
    clock = ManualClock(DAY_START)
    data_dir = Path(tempfile.mkdtemp(prefix="duty-tui-bench-soak-"))
    runtime = build_runtime(
        shipped_cadence(demo_config(jira_url, slack_url)), demo_secrets(), data_dir, clock
    )
    app = SoakApp(runtime)
    soak = Soak()
    rng = random.Random(seed)
    heap = HeapTrace(trace)

    def emit(outcome: PollOutcome) -> None:
        if isinstance(outcome, PollFailed):
            soak.failed += 1
        # Thread-safe, and where the real poll loops post: Jira's to the ticket desk, Slack's to the app.
        target = app.ticket_desk if outcome.status.source == Service.JIRA else app
        target.post_message(SourcePolled(outcome))

    loops = [PollLoop(p, runtime.store, clock, 30, emit) for p in runtime.pollers]

    def one_cycle(wanted: list[str]) -> None:
        parent.send((CYCLE.total_seconds(), wanted))
        parent.recv()
        clock.advance(CYCLE)
        for loop in loops:
            loop.cycle()

    try:
        async with app.run_test(size=SIZE) as pilot:
            await until_painted(pilot, app)
            for number in range(1, cycles + 1):
                started = time.perf_counter()
                await asyncio.to_thread(one_cycle, traffic(rng))
                await pilot.pause()  # the UI applies what the cycle posted
                soak.cycle_seconds.append(time.perf_counter() - started)
                if number == warmup:
                    soak.samples.append((number, settled_rss()))
                    heap.start()
                elif number % 100 == 0 or number == cycles:
                    soak.samples.append((number, settled_rss()))
            heap.finish(soak)
            soak.pane_rows = app.channel.table.total_count
            soak.ticket_rows = app.tickets.table.total_count
            soak.stored_messages = runtime.store.messages.count(CHANNEL)
    finally:
        runtime.close()
        parent.send(None)
        soak.world = parent.recv()
        world.join(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)
    return soak


async def until_painted(pilot: Pilot[Any], app: DutyApp) -> None:
    deadline = time.monotonic() + 30
    while not app.painted:
        if time.monotonic() > deadline:
            raise SystemExit("the app never painted from its store")
        await pilot.pause(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--cycles", type=int, default=1200, help="poll cycles, 30 s apart (default 1200 = 10 h)"
    )
    parser.add_argument("--warmup", type=int, default=100, help="cycles before the first RSS reading")
    parser.add_argument(
        "--history", type=int, default=600, help="messages in #laa-ops before the day starts (default 600)"
    )
    parser.add_argument("--trace", action="store_true", help="also show where Python memory grew (slower)")
    args = parser.parse_args()
    started = time.perf_counter()
    soak = asyncio.run(run_day(args.cycles, args.warmup, trace=args.trace, history=args.history))
    elapsed = time.perf_counter() - started
    simulated = args.cycles * CYCLE
    print(
        f"Soak: {args.cycles} poll cycles 30 s apart = {simulated.total_seconds() / 3600:g} simulated hours "
        f"from {DAY_START:%H:%M} UTC, in {elapsed:.0f} s of wall time "
        f"(median {median(soak.cycle_seconds) * 1000:.0f} ms per cycle)\n"
    )
    print(
        "World traffic: "
        + ", ".join(f"{n} × {name}" for name, n in soak.world.items())
        + f"; failed polls: {soak.failed}\n"
    )
    print("RSS of the app process (after gc.collect()):")
    print(table(["after cycle", "RSS"], [[str(n), f"{mb:.1f} MB"] for n, mb in soak.samples]))
    growth = soak.samples[-1][1] - soak.samples[0][1]
    # A leak keeps climbing; caches and the store's page cache fill and level off. The second half
    # of the day tells the two apart.
    middle = soak.samples[len(soak.samples) // 2]
    late = soak.samples[-1][1] - middle[1]
    print(
        "\n"
        + table(
            ["figure", "measured", "goal"],
            [
                [
                    f"RSS growth, cycle {soak.samples[0][0]} → {soak.samples[-1][0]}",
                    f"{growth:+.1f} MB",
                    f"≤ {GROWTH_GOAL_MB:g} MB  {verdict(growth, GROWTH_GOAL_MB)}",
                ],
                [
                    f"  of which in the second half, cycle {middle[0]} → {soak.samples[-1][0]}",
                    f"{late:+.1f} MB",
                    "-",
                ],
                ["channel pane rows (bounded window)", str(soak.pane_rows), f"≤ {WINDOW} (channel.WINDOW)"],
                [
                    "messages in the store",
                    f"{soak.stored_messages:,}",
                    "grows; on disk, pruned after 30 days",
                ],
                ["tickets pane rows", str(soak.ticket_rows), "-"],
            ],
        )
    )
    if soak.traced_growth_mb is not None:
        print(
            f"\nPython objects grew by {soak.traced_growth_mb:+.2f} MB after the warm-up (tracemalloc; the "
            "RSS above includes tracemalloc's own overhead in this mode). Largest by line:"
        )
        for line in soak.top_growth:
            print("    " + line)


if __name__ == "__main__":
    main()
