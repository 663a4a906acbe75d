"""Polling: HTTP requests per quiet poll cycle, and the UI thread's cost of one poll of 50 changes.

Part A runs the real pollers against the simulated Jira and Slack (DemoWorld, ManualClock): one
first cycle (full reconcile, directory, board configuration), then quiet cycles 30 s apart with
nothing changing in the world, counting the requests in the simulators' logs. Goal: one Jira search
for both boards plus one for the channel (2), with the periodic reconcile (one listing per board) and
rescan amortised on top.

Part B times, inside `run_test()` with the tickets pane holding 5,000 tickets, what the UI thread
does for one poll message carrying 50 changed tickets: the handlers (the ticket desk's
`on_source_polled`, then the app's, which the message bubbles to) and the repaint that follows.
Baseline in the same run: a plain DataTable of the same 5,000 rows updated cell by cell with
`update_cell`, each cell compared first; both apps run side by side and are timed in turn, round by
round, so the machine's changing speed falls on both alike. Goal: ≤ 0.1× the baseline (issue 11;
the ratio holds on any machine), and ≤ 15 ms.

    .venv/bin/python benchmarks/poll.py [--cycles 120] [--repeats 30] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from _common import COMPONENT as SIXDG_COMPONENT
from _common import (
    MORNING,
    Figure,
    add_json_option,
    build_warm_store,
    median,
    no_collections,
    offline_config,
    shipped_cadence,
    table,
    verdict,
    write_figures,
)
from textual._wait import wait_for_idle
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable

from duty_sim.jira.service import ROUTES as JIRA_ROUTES
from duty_sim.server import LoggedRequest
from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.config import Config
from duty_tui.demo import DemoWorld, demo_secrets
from duty_tui.messages import SourcePolled
from duty_tui.models import SourceStatus, Ticket
from duty_tui.rules.triage import severity
from duty_tui.runtime import build_calendar, build_runtime
from duty_tui.sync.outcomes import PollFailed, PollOutcome, TicketsPolled
from duty_tui.sync.poll import PollLoop
from duty_tui.widgets.tickets import COLUMNS, TicketsPane

REQUEST_GOAL = 2  # one search for both boards + one conversations.history for the channel
SOURCE_GOAL = {"jira": 1, "slack": 1}  # per source: the search for both boards; conversations.history
APPLY_GOAL_MS = 15.0
APPLY_RATIO_GOAL = 0.1  # duty-tui's UI time ÷ the DataTable's (issue 11)
QUICK = {"cycles": 40, "busy": 100, "repeats": 8}  # --quick: a reconcile and four rescans still fall in
SIZE = (160, 48)
CHANGED = 50
VISIBLE_CHANGED = 10  # changes that land on rows on screen, so the repaint has real work
WARMUP = 3  # untimed rounds first: caches and the first layout are not what a poll costs


# -- part A: requests per cycle ------------------------------------------------------------------


def classify(source: str, entry: LoggedRequest) -> str:
    """What a request is for, in the poller's terms."""
    if source == "jira":
        if entry.path.endswith("/search/jql"):
            jql = " ".join(entry.query.get("jql", []))
            if jql.startswith("key in ("):  # a ticket the incremental search found that Jira must place
                return "search (placing a ticket on a board)"
            return "search (incremental, all boards)" if "updated >=" in jql else "search (full reconcile)"
        return "setup: " + entry.path.split("/rest/", 1)[-1]
    method = entry.path.rsplit("/", 1)[-1]
    if method == "conversations.history":
        return "history (rescan window)" if b"inclusive=1" in entry.body else "history (new messages)"
    return "directory: " + method


@dataclasses.dataclass
class RequestFigures:
    config: Config
    first: dict[str, list[str]]
    steady: list[dict[str, list[str]]]  # per cycle, per source, what each request was for
    wall: list[float]
    changed: int
    failed: int
    errors: int
    waiting: int

    @property
    def per_cycle(self) -> list[int]:
        return [sum(len(kinds) for kinds in c.values()) for c in self.steady]

    def quiet_cycles(self) -> list[dict[str, list[str]]]:
        """The cycles with no reconcile, rescan or setup call: the everyday cost."""
        periodic = ("full reconcile", "rescan", "setup")
        return [
            c
            for c in self.steady
            if not any(word in k for kinds in c.values() for k in kinds for word in periodic)
        ]

    @property
    def quiet(self) -> float:
        """Requests of a quiet cycle (median; NaN when every cycle had a periodic request)."""
        quiet = self.quiet_cycles()
        return median(sum(len(kinds) for kinds in c.values()) for c in quiet) if quiet else float("nan")

    def quiet_of(self, source: str) -> float:
        """One source's requests in a quiet cycle (median)."""
        quiet = self.quiet_cycles()
        return median(len(c.get(source, [])) for c in quiet) if quiet else float("nan")

    @property
    def amortised(self) -> float:
        return sum(self.per_cycle) / len(self.steady)


def add_waiting_tickets(world: DemoWorld, count: int) -> None:
    """More unassigned tickets on both boards, so a full reconcile spans several pages."""
    jira = world.jira.world
    reporter = world.cast.jira["lucy"]
    for index in range(count):
        six_dg = index % 2 == 1
        jira.create_issue(
            world.cast.projects["6dg" if six_dg else "aws"],
            f"Backlog item {index}: request access to the MI extract bucket",
            reporter=reporter,
            created=MORNING - timedelta(days=3, minutes=index),
            components=[SIXDG_COMPONENT] if six_dg else [],
        )


def measure_requests(cycles: int, extra_waiting: int = 0) -> RequestFigures:
    clock = ManualClock(MORNING)
    world = DemoWorld(clock)
    # The simulators' rate limits run on real time, and this compresses an hour into a second:
    # without lifting them the count would include 429s and retries that real pacing never sees.
    world.slack.enable_rate_limits(False)
    for route in JIRA_ROUTES:
        world.jira.remove_rate_limit(route.key)
    add_waiting_tickets(world, extra_waiting)
    data_dir = Path(tempfile.mkdtemp(prefix="duty-tui-bench-poll-"))
    config = shipped_cadence(world.config())
    runtime = build_runtime(config, demo_secrets(), data_dir, clock)
    try:
        outcomes: list[PollOutcome] = []
        loops = {p.source: PollLoop(p, runtime.store, clock, 30, outcomes.append) for p in runtime.pollers}
        logs = {"jira": world.jira.log, "slack": world.slack.log}

        def cycle() -> dict[str, list[str]]:
            seen: dict[str, list[str]] = {}
            for source, loop in loops.items():
                before = len(logs[source])
                loop.cycle()
                seen[source] = [classify(source, e) for e in logs[source].entries()[before:]]
            return seen

        figures = RequestFigures(config, cycle(), [], [], 0, 0, 0, len(runtime.store.tickets.on_list()))
        for _ in range(cycles):
            clock.advance(timedelta(seconds=30))
            outcomes.clear()
            started = time.perf_counter()
            figures.steady.append(cycle())
            figures.wall.append(time.perf_counter() - started)
            figures.changed += sum(len(getattr(o, "changed", ())) for o in outcomes)
            figures.failed += sum(isinstance(o, PollFailed) for o in outcomes)
        figures.errors = sum(1 for log in logs.values() for e in log.entries() if (e.status or 0) >= 300)
        return figures
    finally:
        runtime.close()
        world.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def poll_requests(cycles: int, busy_waiting: int) -> list[Figure]:
    figures = measure_requests(cycles)
    config = figures.config
    print(
        f"A. Requests per poll cycle, nothing changing in the world: the demo world "
        f"({figures.waiting} tickets waiting), {cycles} cycles 30 s apart = {cycles * 30 / 60:.0f} "
        f"simulated minutes; Jira reconciles every {config.jira.reconcile_minutes:g} min, Slack "
        f"rescans the last {config.slack.rescan_hours:g} h every {config.slack.rescan_minutes:g} min\n"
    )
    print(f"First cycle (full reconcile and warm-up): {sum(len(v) for v in figures.first.values())} requests")
    for source, kinds in figures.first.items():
        print(f"    {source}: " + ", ".join(f"{n} × {k}" for k, n in Counter(kinds).items()))
    totals: Counter[str] = Counter()
    for c in figures.steady:
        for source, kinds in c.items():
            totals.update(f"{source}: {k}" for k in kinds)
    rows = [[kind, f"{n}", f"{n / cycles:.2f}"] for kind, n in sorted(totals.items())]
    rows.append(["all requests", f"{sum(figures.per_cycle)}", f"{figures.amortised:.2f}"])
    print(f"\nSteady cycles: every request, over {cycles} cycles")
    print(table(["request", "total", "per cycle"], rows))
    print(
        f"\n    changed models seen in steady cycles: {figures.changed} (0: the world really was quiet)"
        f"\n    failed polls: {figures.failed}; non-2xx answers: {figures.errors}"
        f"\n    wall time per steady cycle, both pollers (median): {median(figures.wall) * 1000:.1f} ms"
    )
    # A full reconcile lists whole boards, so its cost grows with the number of tickets waiting.
    busy = measure_requests(cycles, busy_waiting)
    print(
        "\nSummary (a reconcile replaces that cycle's incremental search; it lists whole boards, one at a "
        "time, in pages of 20 in the simulator, so its cost grows with the tickets waiting)\n"
    )
    rows = []
    for label, f in (("demo world", figures), (f"busy boards (+{busy_waiting} waiting)", busy)):
        rows.append(
            [
                f"{label}: {f.waiting} tickets waiting",
                f"{f.quiet:g}",
                f"+{f.amortised - f.quiet:.2f}",
                f"{f.amortised:.2f}",
                f"{REQUEST_GOAL}  {verdict(f.quiet, REQUEST_GOAL)}",
            ]
        )
    print(
        table(
            ["world", "quiet cycle", "periodic, amortised", "all, amortised", "goal (quiet cycle)"],
            rows,
        )
    )
    found = []
    for source, what in (("jira", "one search over both boards"), ("slack", "conversations.history")):
        worst = max(figures.quiet_of(source), busy.quiet_of(source))
        found.append(
            Figure(
                f"poll: requests per quiet cycle, {source.capitalize()}",
                f"{worst:g}",
                f"{SOURCE_GOAL[source]} ({what})",
                worst <= SOURCE_GOAL[source],
            )
        )
    found.append(
        Figure(
            "poll: periodic requests (reconcile, rescan), amortised",
            f"+{busy.amortised - busy.quiet:.2f} per cycle (busy boards)",
        )
    )
    return found


# -- part B: applying 50 changed tickets --------------------------------------------------------


class QuietDutyApp(DutyApp):
    """DutyApp without its poll loops: the benchmark hands it the poll results itself."""

    def start_polling(self) -> None:
        return


class DataTableApp(App[None]):
    """The baseline: one plain DataTable with the same columns and rows."""

    def __init__(self, tickets: Sequence[Ticket], cells: Callable[[Ticket], list[Any]]) -> None:
        super().__init__()
        self.tickets = tickets
        self.cells = cells
        self.table: DataTable[Any] = DataTable(cursor_type="row")

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.table.add_column(column.label, key=column.key)
        for ticket in self.tickets:  # keyed rows, so update_cell can address them by ticket key
            self.table.add_row(*self.cells(ticket), key=ticket.key)
        self.table.focus()

    def apply(self, changed: Sequence[Ticket]) -> None:
        """Update only the cells that differ, by row and column key (the DataTable's fastest way)."""
        for ticket in changed:
            for column, cell in zip(COLUMNS, self.cells(ticket), strict=True):
                if self.table.get_cell(ticket.key, column.key) != cell:
                    self.table.update_cell(ticket.key, column.key, cell)


def edits(tickets: Sequence[Ticket], rounds: int) -> list[tuple[Ticket, ...]]:
    """Per round, 50 changed tickets: 10 on screen (the top of the triage order), 40 anywhere else.

    Every round edits the summary (so every row really differs from what is shown) and moves
    `updated`; every tenth also changes priority, which moves the row in duty-tui's sorted table.
    Built before timing starts: making the changes is the poller's work, not the UI thread's.
    """
    ordered = sorted(tickets, key=baseline_order)
    result = []
    for round_number in range(rounds):
        rng = random.Random(round_number)
        chosen = ordered[:VISIBLE_CHANGED] + rng.sample(ordered[VISIBLE_CHANGED:], CHANGED - VISIBLE_CHANGED)
        changed = []
        for index, ticket in enumerate(chosen):
            priority = ticket.priority
            if index % 10 == 9:
                priority = "Low" if priority != "Low" else "Medium"
            changed.append(
                dataclasses.replace(
                    ticket,
                    summary=f"{ticket.summary} (edit {round_number})",
                    priority=priority,
                    updated=ticket.updated + timedelta(minutes=round_number + 1),
                )
            )
        result.append(tuple(changed))
    return result


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the app never reached the state the benchmark waits for")
        await pilot.pause(0.02)


@dataclasses.dataclass(frozen=True)
class Timing:
    handler: list[float]  # wall time of the synchronous handler, per round
    repaint: list[float]  # UI-thread CPU of the repaint after it, per round

    @property
    def total(self) -> float:
        return median(h + r for h, r in zip(self.handler, self.repaint, strict=True))

    def row(self, label: str, goal: str = "-") -> list[str]:
        return [
            label,
            f"{median(self.handler) * 1000:.2f} ms",
            f"{median(self.repaint) * 1000:.2f} ms",
            f"{self.total * 1000:.2f} ms",
            goal,
        ]


async def timed_round(pilot: Pilot[Any], handle: Callable[[], None]) -> tuple[float, float, float]:
    """One round: wall time of the synchronous handler, UI-thread CPU of the repaint after it, and of an
    idle wait (subtracted from the repaint: the app's own timers that fall in the wait).

    The repaint is the main thread's CPU time (time.thread_time) from the handler's end until the
    process is idle again (Textual's `wait_for_idle`, which `App._press_keys` uses), in which the app
    processes what the handler queued and the screen's update timer paints. Not `pilot.pause()`: it
    waits by posting a callback to every widget on the screen and waiting for each, on the UI thread,
    which no poll in a terminal pays (and which, subtracted as an idle pause, left the repaint of one
    run 0.4 ms and of the next 2.5). Garbage is collected before the round and not during it
    (`no_collections`).
    """
    with no_collections():
        started = time.perf_counter()
        handle()
        handled = time.perf_counter() - started
        cpu = time.thread_time()
        await wait_for_idle(0)
        painted = time.thread_time() - cpu
    screen = pilot.app.screen
    assert not screen._dirty_widgets and not screen._compositor._dirty_regions, "not painted yet"
    await pilot.pause()  # anything left over settles before the idle measurement
    with no_collections():
        cpu = time.thread_time()
        await wait_for_idle(0)
        idled = time.thread_time() - cpu
    return handled, painted, idled


class Rounds:
    """The rounds of one app, timed as they come; `timing()` subtracts the median idle wait."""

    def __init__(self) -> None:
        self.handler: list[float] = []
        self.repaint: list[float] = []
        self.idle: list[float] = []

    def add(self, found: tuple[float, float, float]) -> None:
        handled, painted, idled = found
        self.handler.append(handled)
        self.repaint.append(painted)
        self.idle.append(idled)

    def timing(self) -> Timing:
        quiet = median(self.idle)
        return Timing(self.handler, [max(0.0, p - quiet) for p in self.repaint])


async def timed_rounds(
    pilot: Pilot[Any],
    handle: Callable[[int], None],
    repeats: int,
    warmup: int = WARMUP,
    ready: Callable[[int], None] | None = None,
) -> Timing:
    """`repeats` rounds of one app after `warmup` untimed ones (see `timed_round`); `ready`, untimed
    before each, does what the poller's thread does before it posts."""
    rounds = Rounds()
    for round_number in range(warmup + repeats):
        if ready is not None:
            ready(round_number)
        found = await timed_round(pilot, partial(handle, round_number))
        if round_number >= warmup:
            rounds.add(found)
    return rounds.timing()


def baseline_order(ticket: Ticket) -> tuple[int, datetime, str]:
    """The baseline table's order: severity, then the longest waiting (no acknowledgement clock)."""
    return severity(ticket), ticket.created, ticket.key


def dispatch(app: DutyApp, message: SourcePolled) -> None:
    """A Jira poll's message as Textual delivers it: to the ticket desk, then bubbled on to the app."""
    app.ticket_desk.on_source_polled(message)
    app.on_source_polled(message)


async def paired_apply(data_dir: Path, repeats: int) -> tuple[dict[str, Timing], Timing, int, int]:
    """duty-tui and the baseline DataTable, both running, timed round by round in turn: this machine's
    speed moves by half from one second to the next (other tenants), and a ratio of two runs made a
    minute apart measured that as much as the code. Then duty-tui's diagnostics, on their own."""
    runtime = build_runtime(offline_config(), demo_secrets(), data_dir, ManualClock(MORNING))
    app = QuietDutyApp(runtime)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.painted and app.tickets.table.row_count == 5000)
            await pilot.pause()
            originals = app.tickets.table.items()
            labels = {board.name: board.short for board in offline_config().jira.boards}
            # The very cells duty-tui shows (rich Text from duty_tui.text): both compare and draw the same.
            pane = TicketsPane(labels, lambda: MORNING, build_calendar(offline_config()))
            base = DataTableApp(sorted(originals, key=baseline_order), pane.cells)
            async with base.run_test(size=SIZE) as base_pilot:
                await until(base_pilot, lambda: base.table.row_count == 5000)
                await base_pilot.pause()
                status = SourceStatus("jira", last_success=MORNING, last_attempt=MORNING)
                rounds = edits(originals, WARMUP + repeats)
                messages = [SourcePolled(TicketsPolled(changed, (), False, status)) for changed in rounds]
                duty, baseline = Rounds(), Rounds()
                for n in range(WARMUP + repeats):
                    # What Textual's dispatch calls for the SourcePolled the Jira poll loop posts to the desk,
                    # each app's handlers in its own context (`active_app`: the inner run_test set the
                    # baseline's), and the two in turn, first one then the other, so that what one leaves
                    # for later (a timer, a callback) falls on each alike.
                    timed = [
                        (duty, pilot, partial(in_context, app, partial(dispatch, app, messages[n]))),
                        (baseline, base_pilot, partial(in_context, base, partial(base.apply, rounds[n]))),
                    ]
                    app.ready_poll(messages[n].outcome)  # the poller thread's part, before it posts
                    for kept, its_pilot, handle in timed if n % 2 == 0 else reversed(timed):
                        found = await timed_round(its_pilot, handle)
                        if n >= WARMUP:
                            kept.add(found)
                base_rows = base.table.row_count
            quiet = SourcePolled(TicketsPolled((), (), False, status))
            again = [edited_again(rounds, n) for n in range(WARMUP + repeats)]
            timings = {
                "changes": duty.timing(),
                # Diagnostics: the same without the status bar and banner updates, and a poll
                # that changed nothing (only those updates), to show where the time goes.
                "pane only": await timed_rounds(
                    pilot,
                    lambda n: app.tickets.apply(again[n], ()),
                    repeats,
                    ready=lambda n: app.ready_poll(TicketsPolled(again[n], (), False, status)),
                ),
                "quiet": await timed_rounds(pilot, lambda n: dispatch(app, quiet), repeats),
            }
            rows = app.tickets.table.row_count
    finally:
        runtime.close()
    return timings, baseline.timing(), rows, base_rows


def in_context(app: App[Any], handle: Callable[[], None]) -> None:
    """Call `handle` as Textual calls a handler of `app`: with `app` as the active app."""
    with app._context():
        handle()


def edited_again(rounds: list[tuple[Ticket, ...]], round_number: int) -> tuple[Ticket, ...]:
    """A round's 50 tickets edited once more, so all 50 differ from what the table shows (replaying a
    round as it was would change only the rows no later round touched: about a dozen)."""
    return tuple(
        dataclasses.replace(ticket, summary=f"{ticket.summary} (again {round_number})")
        for ticket in rounds[round_number]
    )


def ui_apply(repeats: int) -> list[Figure]:
    work = Path(tempfile.mkdtemp(prefix="duty-tui-bench-apply-"))
    try:
        build_warm_store(work / "data", MORNING, tickets=5_000, messages=2_000)
        duty, baseline, duty_rows, base_rows = asyncio.run(paired_apply(work / "data", repeats))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total_ms = duty["changes"].total * 1000
    print(
        f"\nB. UI thread, one poll message with {CHANGED} changed tickets ({VISIBLE_CHANGED} on screen) into "
        f"{duty_rows:,} rows (baseline {base_rows:,}); median of {repeats} rounds, headless "
        f"{SIZE[0]}x{SIZE[1]}\n"
    )
    print(
        table(
            ["", "handler", "repaint", "total", "goal"],
            [
                duty["changes"].row(
                    "duty-tui: desk + app on_source_polled (50 changed)",
                    f"≤ {APPLY_GOAL_MS:g} ms  {verdict(total_ms, APPLY_GOAL_MS)}",
                ),
                baseline.row("baseline: DataTable, update_cell per changed cell"),
                duty["pane only"].row("  diagnostic: TicketsPane.apply alone (50 changed)"),
                duty["quiet"].row("  diagnostic: desk + app, nothing changed"),
            ],
        )
    )
    ratio = duty["changes"].total / baseline.total
    print(
        f"\nRatio duty-tui / baseline (total): {ratio:.2f}   goal ≤ {APPLY_RATIO_GOAL:g}   "
        f"{verdict(ratio, APPLY_RATIO_GOAL)}"
    )
    print(
        "    handler: wall time of the synchronous handler; repaint: UI-thread CPU time from its end until\n"
        "    the process is idle (the messages the handler queued, layout, compositor, render_line) minus\n"
        "    an idle wait. The two diagnostics split the total into the tickets pane's own work and the\n"
        "    status bar / source banner updates every poll makes."
    )
    return [
        Figure(
            f"poll apply: {CHANGED} changed tickets into {duty_rows:,} rows (UI thread)",
            f"{total_ms:.1f} ms = {ratio:.2f}× DataTable ({baseline.total * 1000:.1f} ms)",
            f"≤ {APPLY_RATIO_GOAL:g}× DataTable",
            ratio <= APPLY_RATIO_GOAL,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cycles", type=int, help="quiet cycles for part A (default 120 = 1 h)")
    parser.add_argument(
        "--busy", type=int, help="extra waiting tickets for part A's busy world (default 300)"
    )
    parser.add_argument("--repeats", type=int, help="timed rounds for part B (default 30)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"fewer cycles and rounds ({QUICK['cycles']} cycles, {QUICK['busy']} more waiting, "
        f"{QUICK['repeats']} rounds), unless given",
    )
    add_json_option(parser)
    args = parser.parse_args()
    defaults = QUICK if args.quick else {"cycles": 120, "busy": 300, "repeats": 30}
    cycles, busy, repeats = (
        getattr(args, name) if getattr(args, name) is not None else defaults[name]
        for name in ("cycles", "busy", "repeats")
    )
    found = poll_requests(cycles, busy)
    found += ui_apply(repeats)
    write_figures(args.json, found)


if __name__ == "__main__":
    main()
