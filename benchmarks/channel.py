"""The channel as a place to work: what a quiet Slack poll costs, what 50 new messages cost the UI, and
how soon a claim shows after its key.

Part A: 50 new messages applied to a channel pane already holding 400 (the window), in a bare host app,
timed as UI-thread CPU until the repaint. Baseline in the same run: a Textual `DataTable` of the same
400 rows adding the same 50. Goal: ≤ 15 ms.

Part B: `t` (claim) on a message → the row shows the claim, in the full app on a warm store (services
offline, so only the UI is measured). Baseline: a `DataTable` updating one cell of the cursor row.
Goal: ≤ 0.2× the baseline (issue 11's goal for a write key), and ≤ 50 ms.

Part D: a poll's work on the pane (no repaint) when the window is full (400): one new message and two
claimed (a 👀 from the team, with its claim time), as the desk hands them over — the team as before, the
claims, the messages. It must cost what changed, not the 400 rows (a 10-hour day polls thousands of times).
Baseline in the same run: a `DataTable` of the same 400 rows adding the row and updating the two cells.
The clock tick (every 30 s: the rows' clocks move) is timed on the same pane.

Part C: the Slack poller's requests against the simulator: a quiet cycle (nothing new, no rescan due)
must be one `conversations.history`.

    .venv/bin/python benchmarks/channel.py [--repeats 20] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from _common import (
    BENCH_SECRETS,
    MORNING,
    Figure,
    add_json_option,
    build_warm_store,
    make_messages,
    make_users,
    median,
    no_collections,
    offline_config,
    table,
    verdict,
    write_figures,
)
from _keys import key_ms
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.demo import DemoWorld
from duty_tui.models import ChatMessage, Reaction, SourceStatus
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.requests import CLAIM
from duty_tui.runtime import build_runtime
from duty_tui.widgets.channel import ChannelPane

APPLY_GOAL_MS = 15.0
CLAIM_GOAL_MS = 50.0
CLAIM_RATIO_GOAL = 0.2  # a write key's optimistic update ÷ a DataTable cell update (issue 11)
POLL_GOAL_MS = 1.0  # a poll's pane work in a full window: its few changes, not the 400 rows
POLLS_PER_RUN = 10
TEAM_SIZE = 6  # the first users of `make_users` answer for the team
QUICK_REPEATS = 5
SIZE = (160, 48)
ZONE = ZoneInfo("Europe/London")


def batches(repeats: int) -> list[tuple[list[ChatMessage], list[ChatMessage]]]:
    users = make_users(40)
    out = []
    for run in range(repeats):
        messages = make_messages(
            450, MORNING + timedelta(minutes=run), users, seed=run, span=timedelta(days=2)
        )
        out.append((messages[:400], messages[400:]))
    return out


class PaneHost(App[None]):
    def __init__(self, make: Callable[[], Any]) -> None:
        super().__init__()
        self.make = make
        self.widget: Any = None

    def compose(self) -> ComposeResult:
        self.widget = self.make()
        yield self.widget


async def cpu_ms(pilot: Any, act: Callable[[], None]) -> float:
    """UI-thread CPU of `act` and the repaint after it, garbage collected before and not during it
    (`no_collections`), for duty-tui and the baselines alike."""
    with no_collections():
        start = time.thread_time()
        act()
        await pilot.pause()  # the repaint
        return (time.thread_time() - start) * 1000


async def press_ms(pilot: Any, key: str, shown: Callable[[], bool]) -> float:
    """UI-thread CPU from a key, as a terminal delivers it, to the frame after which `shown()` holds
    (`_keys.key_ms`)."""
    cpu, _ = await key_ms(pilot, key, shown)
    return cpu


async def time_pane(runs: list[tuple[list[ChatMessage], list[ChatMessage]]]) -> list[float]:
    timings = []
    calendar = SupportCalendar(ZONE)

    def make_pane() -> ChannelPane:
        return ChannelPane(lambda: MORNING, ZONE, calendar)

    for window, news in runs:
        app = PaneHost(make_pane)
        async with app.run_test(size=SIZE) as pilot:
            pane: ChannelPane = app.widget
            pane.show(window)
            await pilot.pause(0.05)
            timings.append(await cpu_ms(pilot, partial(pane.apply, news)))
    return timings


class Poll:
    """What one poll hands the pane: a new message, two messages a team member claimed, their claims."""

    def __init__(self, new: ChatMessage, window: Sequence[ChatMessage], claimer: str, at: int) -> None:
        self.claimed = [
            replace(m, reactions=(*m.reactions, Reaction(CLAIM, 1, (claimer,)))) for m in window[at : at + 2]
        ]
        self.changed = [new, *self.claimed]
        self.claims = {m.ts: {claimer: MORNING - timedelta(minutes=at % 30)} for m in self.claimed}


def polls(window: Sequence[ChatMessage], news: Sequence[ChatMessage], team: Sequence[str]) -> list[Poll]:
    return [Poll(news[i], window, team[i % len(team)], 300 + 7 * i) for i in range(POLLS_PER_RUN)]


async def time_poll_work(
    runs: list[tuple[list[ChatMessage], list[ChatMessage]]],
) -> tuple[list[float], list[float]]:
    """Part D: each poll's pane work (no repaint: that follows, untimed), and each clock tick's."""
    calendar = SupportCalendar(ZONE)
    team = [u.id for u in make_users(TEAM_SIZE)]
    poll_ms, tick_ms = [], []
    for window, news in runs:
        app = PaneHost(partial(ChannelPane, lambda: MORNING, ZONE, calendar))
        async with app.run_test(size=SIZE) as pilot:
            pane: ChannelPane = app.widget
            pane.set_team(frozenset(team), team[0])
            pane.show(window)
            await pilot.pause(0.05)
            for poll in polls(window, news, team):
                start = time.thread_time()
                pane.set_team(frozenset(team), team[0])  # the desk passes the team on every poll
                pane.set_claims(poll.claims, {})
                pane.apply(poll.changed)
                poll_ms.append((time.thread_time() - start) * 1000)
                await pilot.pause()
                start = time.thread_time()
                pane.tick()
                tick_ms.append((time.thread_time() - start) * 1000)
                await pilot.pause()
    return poll_ms, tick_ms


def add_columns(grid: DataTable[Any]) -> None:
    """The baseline's columns: the pane's, keyed by name."""
    for column in ("Time", "Author", "Message", "Thread", "Request"):
        grid.add_column(column, key=column.lower())


def fill_baseline(grid: DataTable[Any], window: Sequence[ChatMessage]) -> None:
    """The baseline DataTable holding the pane's window, one row per message keyed by ts."""
    add_columns(grid)
    for m in window:
        grid.add_row(m.ts, m.user_id or "", Text(m.text), "", "", key=m.ts)


async def time_poll_datatable(runs: list[tuple[list[ChatMessage], list[ChatMessage]]]) -> list[float]:
    """Part D's baseline: the same polls as a `DataTable` row added and two cells updated (no repaint)."""
    team = [u.id for u in make_users(TEAM_SIZE)]
    timings = []
    for window, news in runs:
        app = PaneHost(partial(DataTable, cursor_type="row"))
        async with app.run_test(size=SIZE) as pilot:
            grid: DataTable[Any] = app.widget
            fill_baseline(grid, window)
            await pilot.pause(0.05)
            for poll in polls(window, news, team):
                start = time.thread_time()
                new = poll.changed[0]
                grid.add_row(new.ts, new.user_id or "", Text(new.text), "", "", key=new.ts)
                for m in poll.claimed:
                    grid.update_cell(m.ts, "request", Text("👀 them 0m", style="cyan"))
                timings.append((time.thread_time() - start) * 1000)
                await pilot.pause()
    return timings


async def time_datatable(runs: list[tuple[list[ChatMessage], list[ChatMessage]]]) -> list[float]:
    timings = []
    for window, news in runs:
        app = PaneHost(partial(DataTable, cursor_type="row"))
        async with app.run_test(size=SIZE) as pilot:
            grid: DataTable[Any] = app.widget
            fill_baseline(grid, window)
            await pilot.pause(0.05)

            def add(g: DataTable[Any] = grid, n: Sequence[ChatMessage] = news) -> None:
                for m in n:
                    g.add_row(m.ts, m.user_id or "", Text(m.text), "", "", key=m.ts)
                g.move_cursor(row=g.row_count - 1)

            timings.append(await cpu_ms(pilot, add))
    return timings


async def time_claim(data_dir: Path, repeats: int) -> list[float]:
    logging.getLogger("duty_tui.sync.poll").setLevel(logging.ERROR)
    runtime = build_runtime(offline_config(), BENCH_SECRETS, data_dir, ManualClock(MORNING))
    app = DutyApp(runtime)
    timings = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(500):
                if app.painted and app.channel.table.row_count >= 300:
                    break
                await pilot.pause(0.02)
            await pilot.press("2")
            pane = app.channel
            keys = pane.table.row_keys()[-repeats - 5 : -5]
            for key in keys:
                pane.table.move_cursor_to(key)
                await pilot.pause()

                def claimed(key: str = key) -> bool:
                    return key in pane.state.claims

                timings.append(await press_ms(pilot, "t", claimed))
    finally:
        runtime.close()
    return timings


CLAIMED = "👀 me now"  # what the baseline's claim puts in the cell


class CellBaseline(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("t", "claim", "Claim")]

    def __init__(self, rows: Sequence[tuple[str, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        grid = self.query_one(DataTable)
        add_columns(grid)
        grid.add_rows(self.rows)

    def action_claim(self) -> None:
        grid = self.query_one(DataTable)
        row_key, _ = grid.coordinate_to_cell_key(grid.cursor_coordinate)
        grid.update_cell(row_key, "request", Text(CLAIMED, style="cyan"))


async def time_cell_baseline(repeats: int) -> list[float]:
    users = make_users(40)
    rows = [(m.ts, m.user_id or "", m.text, "", "") for m in make_messages(400, MORNING, users)]
    app = CellBaseline(rows)
    timings = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        grid = app.query_one(DataTable)
        for row in range(repeats):
            grid.move_cursor(row=row)
            await pilot.pause()
            row_key, _ = grid.coordinate_to_cell_key(grid.cursor_coordinate)

            def claimed(row_key: RowKey = row_key) -> bool:
                return str(grid.get_cell(row_key, "request")) == CLAIMED

            timings.append(await press_ms(pilot, "t", claimed))
    return timings


def quiet_poll_requests() -> list[str]:
    clock = ManualClock(MORNING)
    world = DemoWorld(clock)
    data_dir = Path(tempfile.mkdtemp(prefix="duty-tui-bench-"))
    try:
        runtime = build_runtime(world.config(), world.secrets(), data_dir, clock)
        status = SourceStatus("slack")
        runtime.slack_poller.poll(status)  # the first cycle: directory, team, backfill, rescan
        clock.advance(timedelta(seconds=10))
        world.slack.log.clear()
        runtime.slack_poller.poll(status)  # a quiet one
        runtime.close()
        return [entry.path.rsplit("/", 1)[-1] for entry in world.slack.log]
    finally:
        world.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, help="timed rounds of each part (default 20)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REPEATS} rounds, unless given")
    add_json_option(parser)
    args = parser.parse_args()
    repeats = args.repeats or (QUICK_REPEATS if args.quick else 20)
    runs = batches(repeats)
    pane = median(asyncio.run(time_pane(runs)))
    grid = median(asyncio.run(time_datatable(runs)))
    poll_times, tick_times = asyncio.run(time_poll_work(runs))
    poll, tick = median(poll_times), median(tick_times)
    poll_grid = median(asyncio.run(time_poll_datatable(runs)))
    data_dir = Path(tempfile.mkdtemp(prefix="duty-tui-bench-"))
    try:
        build_warm_store(data_dir, MORNING, tickets=500, messages=2_000)
        claim = median(asyncio.run(time_claim(data_dir, repeats)))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    cell = median(asyncio.run(time_cell_baseline(repeats)))
    quiet = quiet_poll_requests()
    print(
        table(
            ("measure", "duty-tui (median)", "DataTable baseline", "ratio", "goal"),
            [
                (
                    "50 new messages into 400 (UI CPU)",
                    f"{pane:.1f} ms",
                    f"{grid:.1f} ms",
                    f"{pane / grid:.2f}",
                    f"≤ {APPLY_GOAL_MS:.0f} ms  {verdict(pane, APPLY_GOAL_MS)}",
                ),
                (
                    "a poll into a full window (pane work)",
                    f"{poll:.2f} ms",
                    f"{poll_grid:.2f} ms",
                    f"{poll / poll_grid:.2f}",
                    f"≤ {POLL_GOAL_MS:g} ms  {verdict(poll, POLL_GOAL_MS)}",
                ),
                ("a clock tick on a full window (pane work)", f"{tick:.2f} ms", "", "", ""),
                (
                    "t → claim shown (UI CPU)",
                    f"{claim:.1f} ms",
                    f"{cell:.1f} ms",
                    f"{claim / cell:.2f}",
                    f"≤ {CLAIM_RATIO_GOAL:g}× baseline  {verdict(claim / cell, CLAIM_RATIO_GOAL)}; "
                    f"≤ {CLAIM_GOAL_MS:.0f} ms  {verdict(claim, CLAIM_GOAL_MS)}",
                ),
            ],
        )
    )
    listed = ", ".join(quiet) or "none"
    print(f"\nA quiet Slack cycle: {len(quiet)} request(s): {listed} (goal: conversations.history only)")
    write_figures(
        args.json,
        [
            Figure(
                "channel: 50 new messages into a pane of 400 (UI thread)",
                f"{pane:.1f} ms = {pane / grid:.2f}× DataTable ({grid:.1f} ms)",
                f"≤ {APPLY_GOAL_MS:g} ms",
                pane <= APPLY_GOAL_MS,
            ),
            Figure(
                "channel: a poll's pane work in a full window of 400 (no repaint)",
                f"{poll:.2f} ms = {poll / poll_grid:.2f}× DataTable ({poll_grid:.2f} ms); tick {tick:.2f} ms",
                f"≤ {POLL_GOAL_MS:g} ms",
                poll <= POLL_GOAL_MS,
            ),
            Figure(
                "keypress → optimistic row: channel t claim",
                f"{claim:.1f} ms = {claim / cell:.2f}× DataTable ({cell:.1f} ms)",
                f"≤ {CLAIM_RATIO_GOAL:g}× DataTable cell update",
                claim / cell <= CLAIM_RATIO_GOAL,
            ),
            Figure(
                "channel: Slack requests in a quiet cycle",
                f"{len(quiet)} ({listed})",
                "1 (conversations.history)",
                quiet == ["conversations.history"],
            ),
        ],
    )


if __name__ == "__main__":
    main()
