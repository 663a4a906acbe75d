"""Metrics: the time to work out every figure for 5,000 tickets × 20 history entries, and the requests an
incremental history fetch costs after a quiet hour.

Part A builds 5,000 seeded ticket histories (20 entries each: assignments, moves through To Do, In Progress
and Done, reopenings; comments by the team and by requesters) over 90 days, saves them in a store the way the
history fetch does, then times, in a worker thread as the metrics screen runs it:

- **load**: `store.history.tickets()` (every cached history back from SQLite), the first read after a start,
  and a read again with nothing changed (switching the period; the store keeps the last read);
- **compute**: `reports.metrics.compute` for the 90-day period (flows, per board and week, incidents,
  availability, happiness);
- **baseline**, in the same run: one pass over the same histories that only adds up each ticket's time in
  each status (datetime subtraction, nothing else) — the least any computation of time in status can do.

Goal: load + compute under 1 s. The ratio to the baseline says how much of that is our rules' work.

Part B runs the real history fetch (`sync.history.HistoryFetch`) against the simulated Jira (DemoWorld,
ManualClock): the first, full fetch; then, an hour later with nothing changed, a quiet fetch; then, another
hour later with `--changed` tickets commented on, an incremental fetch. It counts the requests in the
simulator's log. Goal: one search request per board, plus one changelog request per changed ticket only
when its embedded changelog was cut short.

    .venv/bin/python benchmarks/metrics.py [--tickets 5000] [--entries 20] [--repeats 5] [--changed 10]
                                           [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from _common import MORNING, Figure, add_json_option, median, ms, table, verdict, write_figures

from duty_tui.config import Config
from duty_tui.config.workflow import WorkflowConfig
from duty_tui.reports.metrics import MetricsInputs, compute
from duty_tui.rules.flow_history import (
    AssigneeItem,
    CommentEntry,
    HistoryEntry,
    Period,
    Status,
    StatusItem,
    TicketHistory,
)
from duty_tui.runtime import build_calendar
from duty_tui.store import Store

COMPUTE_GOAL = 1.0  # seconds: load + compute, off the UI thread
QUICK_REPEATS = 2
TODO = Status("1", "To Do", "new")
PROGRESS = Status("3", "In Progress", "indeterminate")
WAITING = Status("10001", "Waiting for Customer", "indeterminate")
DONE = Status("10002", "Done", "done")
CLOSED = Status("6", "Closed", "done")
BOARDS = ("AWS Ops", "6DG Ops")
TEAM = tuple(f"712020:team-{n}" for n in range(6))
REQUESTERS = tuple(f"712020:user-{n}" for n in range(40))
FLOW = (PROGRESS, WAITING, PROGRESS, DONE, PROGRESS, DONE, CLOSED)


def make_histories(count: int, entries: int, *, seed: int = 10) -> list[TicketHistory]:
    """`count` tickets over the 90 days before MORNING, each with `entries` history entries and comments."""
    rng = random.Random(seed)
    found: list[TicketHistory] = []
    for n in range(count):
        created = MORNING - timedelta(minutes=rng.randrange(60, 90 * 24 * 60))
        at, status = created, TODO
        history: list[HistoryEntry] = []
        comments: list[CommentEntry] = []
        moves = 0
        for index in range(entries):
            at += timedelta(minutes=rng.randrange(5, 600))
            by = rng.choice(TEAM)
            if index == 0:
                history.append(HistoryEntry(at, by, assignee=AssigneeItem(None, by)))
            elif index % 3 == 0:
                comments.append(CommentEntry(at, rng.choice((*TEAM, *REQUESTERS))))
                history.append(HistoryEntry(at, by))  # another field changed
            else:
                new = FLOW[moves % len(FLOW)]
                moves += 1
                history.append(HistoryEntry(at, by, status=StatusItem(status, new)))
                status = new
        found.append(
            TicketHistory(
                key=f"{'LAA' if n % 2 else 'LM'}-{n + 1}",
                board=BOARDS[n % 2],
                created=created,
                status=status,
                history=tuple(history),
                comments=tuple(comments),
            )
        )
    return found


def baseline(histories: list[TicketHistory]) -> dict[str, timedelta]:
    """Time in each status, all tickets together: one pass, datetime subtraction only."""
    totals: dict[str, timedelta] = {}
    for ticket in histories:
        start, status = ticket.created, None
        for entry in ticket.history:
            if entry.status is not None:
                key = (status or entry.status.old or entry.status.new).id
                totals[key] = totals.get(key, timedelta(0)) + (entry.at - start)
                start, status = entry.at, entry.status.new
    return totals


def in_thread(work: Callable[[], Any]) -> float:
    """Seconds `work` takes on a worker thread, as the metrics screen runs it."""
    took: list[float] = []

    def run() -> None:
        started = time.perf_counter()
        work()
        took.append(time.perf_counter() - started)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return took[0]


def part_a(count: int, entries: int, repeats: int) -> list[Figure]:
    histories = make_histories(count, entries)
    config = _config()
    calendar = build_calendar(config)
    period = Period(MORNING - timedelta(days=90), MORNING)
    data_dir = Path(tempfile.mkdtemp(prefix="duty-tui-bench-metrics-"))
    store = Store.in_dir(data_dir)
    try:
        store.history.save(histories, MORNING)
        loaded: list[list[TicketHistory]] = []
        load: list[float] = []
        for _ in range(repeats):  # a first read: a fresh connection, as after a start
            fresh = Store.in_dir(data_dir)
            try:
                load.append(in_thread(lambda: loaded.append(fresh.history.tickets())))  # noqa: B023
                again = in_thread(fresh.history.tickets)  # switching the period
            finally:
                fresh.close()
        inputs = MetricsInputs(
            tickets=loaded[-1],
            boards=BOARDS,
            team=frozenset(TEAM),
            incidents=(),
            exported=(),
            checks=(),
            probes=(),
            asks=(),
        )
        reports: list[Any] = []
        work = [in_thread(lambda: reports.append(compute(inputs, period, calendar))) for _ in range(repeats)]
        base = [in_thread(lambda: baseline(histories)) for _ in range(repeats)]
    finally:
        store.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    total = median(load) + median(work)
    flows = len(reports[-1].flows)
    print(
        f"A. Every figure for 90 days: {count:,} tickets × {entries} history entries "
        f"({flows:,} in the period), median of {repeats}, on a worker thread\n"
    )
    print(
        table(
            ["step", "median", "÷ baseline"],
            [
                ["load from the store (first read)", ms(median(load)), f"{median(load) / median(base):.1f}"],
                ["load again, nothing changed", ms(again), f"{again / median(base):.1f}"],
                ["compute every figure", ms(median(work)), f"{median(work) / median(base):.1f}"],
                ["baseline: time in status only", ms(median(base)), "1.0"],
                ["load + compute", ms(total), f"{total / median(base):.1f}"],
            ],
        )
    )
    print(f"\n    goal: load + compute under {COMPUTE_GOAL:g} s: {verdict(total, COMPUTE_GOAL)}\n")
    return [
        Figure(
            f"metrics: load + compute every figure, {count:,} tickets × {entries} entries, 90 days",
            f"{ms(total)} (load {ms(median(load))} + compute {ms(median(work))})",
            f"< {COMPUTE_GOAL:g} s (worker thread)",
            total < COMPUTE_GOAL,
        )
    ]


def part_b(changed: int) -> list[Figure]:
    from duty_tui.clock import ManualClock
    from duty_tui.demo import DemoWorld
    from duty_tui.runtime import build_runtime

    clock = ManualClock(MORNING)
    world = DemoWorld(clock)
    data_dir = Path(tempfile.mkdtemp(prefix="duty-tui-bench-history-"))
    runtime = build_runtime(world.config(), world.secrets(), data_dir, clock, demo=True)
    log = world.jira.log
    try:
        runtime.jira_poller.poll(runtime.store.statuses.all().get("jira") or _status())  # boards, statuses

        def fetch() -> tuple[Counter[str], Any]:
            before = len(log.entries())
            result = runtime.history.run()
            return Counter(_kind(e.path) for e in log.entries()[before:]), result

        first, first_result = fetch()
        clock.advance(timedelta(hours=1))
        quiet, _ = fetch()
        clock.advance(timedelta(hours=1))
        keys = sorted(world.jira.world.issue_keys())[:changed]
        for key in keys:
            world.jira.world.add_comment(key, world.cast.jira[next(iter(world.cast.jira))], "Any news?")
        clock.advance(timedelta(minutes=1))
        busy, busy_result = fetch()
    finally:
        runtime.close()
        world.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    boards = len(runtime.config.jira.boards)
    print(f"B. History fetch requests against the simulated Jira ({boards} boards)\n")
    rows = []
    for name, counts, note in (
        ("first, full 90-day fetch", first, f"{first_result.fetched} tickets"),
        ("an hour later, nothing changed", quiet, ""),
        (f"an hour later, {changed} tickets commented on", busy, f"{busy_result.fetched} tickets"),
    ):
        rows.append(
            [name, str(sum(counts.values())), ", ".join(f"{n} × {k}" for k, n in counts.items()), note]
        )
    print(table(["fetch", "requests", "which", "fetched"], rows))
    goal = boards + changed
    print(
        f"\n    goal after a quiet hour: {boards} (one search per board): "
        f"{verdict(sum(quiet.values()), boards)}"
        f"\n    goal with {changed} changed: at most {goal} (one search per board + one changelog per "
        f"changed ticket): {verdict(sum(busy.values()), goal)}"
    )
    return [
        Figure(
            "metrics: history fetch requests after a quiet hour",
            str(sum(quiet.values())),
            f"{boards} (one search per board)",
            sum(quiet.values()) <= boards,
        )
    ]


def _kind(path: str) -> str:
    if "/search" in path:
        return "search"
    if path.endswith("/changelog") or "changelog" in path:
        return "changelog"
    if path.endswith("/comment"):
        return "comments"
    return path.rsplit("/", 1)[-1] or path


def _status() -> Any:
    from duty_tui.models import SourceStatus

    return SourceStatus("jira")


def _config() -> Config:
    from _common import offline_config

    config = offline_config()
    from dataclasses import replace

    return replace(config, workflow=WorkflowConfig())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--repeats", type=int, help="timed runs of each step (default 5)")
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_REPEATS} runs of each step, unless given"
    )
    add_json_option(parser)
    args = parser.parse_args()
    repeats = args.repeats or (QUICK_REPEATS if args.quick else 5)
    figures = part_a(args.tickets, args.entries, repeats)
    figures += part_b(args.changed)
    write_figures(args.json, figures)


if __name__ == "__main__":
    main()
