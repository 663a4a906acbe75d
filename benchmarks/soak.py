"""Soak: a 10-hour simulated day with everything on. Memory, UI-thread stalls and the store's size.

The real app runs headless in `run_test()` through a support day (08:00–18:00): 1,200 cycles 30 s
apart on a ManualClock, so the day takes a few minutes of wall time. Everything is on:

- both boards busy: 150 more tickets waiting on each, new tickets, requesters editing and commenting,
  colleagues taking tickets and finishing them;
- a lively channel: chatter most cycles, thread replies, requests, colleagues claiming them, and a
  colleague's incident now and then (posted as duty-tui posts it);
- an incident of our own through the incident desk's keys: `I` declares it (high priority), `U` posts
  an update every 20 simulated minutes, `X` resolves it late in the afternoon. Each goes through the
  outbox to the simulated Slack;
- the three demo health checks (CCMS, CWA, MI), probed every 30 s by the real `ProbeLoop`;
- the app's clock tick every cycle (ages, reminders, the checklist, cover).

Each cycle, off the UI thread: the world acts, then, each on a thread of its own as in the app,
`PollLoop.cycle()` runs for both pollers (`emit` posts `SourcePolled` where the real loops post it) and
`ProbeLoop.step()` probes the checks due. Then the UI applies what was posted. The probe loop
schedules on `time.monotonic()`; here that reads the ManualClock, so probes and their hourly prune keep
simulated time. The simulated Jira, Slack and health endpoints run in a child process on their own
ManualClock, moved in lock step, so the RSS is the app's.

Three figures:

- **RSS growth** from the end of the warm-up (cycle 100) to the end of the day, after `gc.collect()`.
  Goal ≤ 10 MB.
- **UI-thread stalls**: a heartbeat coroutine on the app's event loop every 10 ms records how late it
  wakes. A stall is that lateness; the goal is none over 50 ms, from the end of the first cycles (the
  first paint and the first polls, which bring the backlog) to the end of the day. The benchmark's own
  work on the loop (`gc.collect()` for the RSS readings) is left out. A watchdog thread samples the
  event loop's stack while a beat is late, so each stall over 50 ms names the code that held the loop.
- **Store size**: the SQLite file plus its WAL, read every cycle. Before the day the store holds what
  a month leaves behind, past the edge of retention: 32 days of messages (kept 30), 36 days of probe
  results (kept 35), and tickets that left the boards 15–45 days ago (kept 30). Bounded by retention
  means the prunes run on the injected clock: at the end, nothing older than retention is kept.

The app runs with its `Heap` as the `duty-tui` command does (duty_tui/heap.py): the start-up heap
frozen after the first paint, Textual's caches of closed widgets released each tick. At the end the
heap is unfrozen and collected: what that finds is garbage freezing kept.

Diagnostics (slower, or changing what is measured; see benchmarks/README.md): --trace (what grew),
--profile (the UI thread's time by function), --no-heap (the app without its Heap).

    .venv/bin/python benchmarks/soak.py [--cycles 1200] [--warmup 100] [--quick] [--json PATH]
                                        [--trace] [--profile] [--no-heap]
"""

from __future__ import annotations

import argparse
import array
import asyncio
import bisect
import contextlib
import cProfile
import dataclasses
import gc
import itertools
import multiprocessing
import pstats
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from _common import (
    Figure,
    add_json_option,
    make_messages,
    make_tickets,
    median,
    rss_mb,
    shipped_cadence,
    table,
    verdict,
    write_figures,
)
from textual.pilot import Pilot
from textual.widgets import Checkbox

import duty_tui.sync.probes as probe_module
from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.demo import demo_config, demo_secrets
from duty_tui.demo.scenario import CHANNEL
from duty_tui.desks.attention import ProbesReported
from duty_tui.desks.ui import post_from_thread
from duty_tui.heap import Heap, unfreeze_leak
from duty_tui.messages import SourcePolled
from duty_tui.models import ChatUser, Service
from duty_tui.rules.availability import HealthCheck, ProbeResult
from duty_tui.rules.listing import awaiting_triage
from duty_tui.runtime import Runtime, build_runtime
from duty_tui.store import STORE_FILE, Store
from duty_tui.store.probes import RETENTION as PROBE_RETENTION
from duty_tui.sync.outcomes import PollFailed, PollOutcome
from duty_tui.sync.poll import PollLoop
from duty_tui.sync.probes import ProbeLoop
from duty_tui.views.declare_incident import DeclareScreen
from duty_tui.views.incident_update import ResolveScreen, UpdateScreen
from duty_tui.widgets.channel import WINDOW

# Thursday 26 November 2026, 08:00 in London (GMT): the desk opens.
DAY_START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
CYCLE = timedelta(seconds=30)
GROWTH_GOAL_MB = 10.0
STALL_GOAL_MS = 50.0
HEARTBEAT = 0.010  # seconds between beats of the stall monitor
STALL_WARMUP = 3  # cycles whose stalls are start-up (the first paint's backlog, the first polls)
STACKS_KEPT = 12  # the longest stalls keep their stack samples
SIZE = (160, 48)
QUICK = (240, 40)  # --quick: cycles, warm-up (2 simulated hours)
WAITING_PER_BOARD = 150  # more unassigned tickets on each board, beyond the demo's
PROBE_TIMEOUT = 0.5  # real seconds: a "slow" simulated endpoint answers after 15 s of real time
UPDATE_EVERY = 40  # cycles between our incident's updates (20 simulated minutes; high priority: 30)
INCIDENT_TITLE = "CCMS PROD: provider logins failing (soak)"
# What the store holds before the day: a month of the past, partly beyond retention.
SEED_MESSAGES_PER_DAY = 1_000
SEED_MESSAGE_DAYS = 32
SEED_PROBE_DAYS = PROBE_RETENTION.days + 1
SEED_OLD_TICKETS = 1_500
SEED_TICKET_DAYS = (15, 45)  # tickets that left the boards this long ago


# -- the world, in its own process ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WorldInfo:
    jira_url: str
    slack_url: str
    health: dict[str, str]  # endpoint → URL
    people: list[tuple[str, str]]  # (Slack id, handle) of the cast


def serve_world(conn: Connection, start: datetime, seed: int, history: int) -> None:
    """Child process: run DemoWorld on its own ManualClock and act on the parent's orders."""
    from duty_tui.demo.health import DEMO_SERVICES

    clock = ManualClock(start)
    world, actions = busy_world(clock, seed, history)
    conn.send(
        WorldInfo(
            world.jira.url,
            world.slack.api_url,
            {endpoint: world.health.url(endpoint) for endpoint, _ in DEMO_SERVICES},
            [(user_id, handle) for handle, user_id in world.cast.slack.items()],
        )
    )
    done: dict[str, int] = dict.fromkeys(actions, 0)
    done["failed"] = 0
    while True:
        order = conn.recv()
        if order is None:
            break
        seconds, wanted = order
        clock.advance(timedelta(seconds=seconds))
        for name in wanted:
            try:
                actions[name]()
                done[name] += 1
            except Exception:  # the world must keep moving, whatever one event ran into
                done["failed"] += 1
        for log in (world.jira.log, world.slack.log, world.health.log):
            log.clear()  # the logs would grow all day; nobody reads them here
        conn.send(done)
    incident_posts = sum(
        1 for m in world.slack.world.messages(CHANNEL) if m.get("metadata", {}).get("event_type")
    )
    world.stop()
    conn.send({**done, "incident posts in #laa-ops": incident_posts})


def busy_world(clock: ManualClock, seed: int, history: int) -> tuple[Any, dict[str, Callable[[], object]]]:
    """DemoWorld with a full channel and busy boards, and what can happen in it (by name)."""
    from duty_sim.jira.model import Issue, status_by_id
    from duty_sim.jira.service import ROUTES
    from duty_tui.demo import DemoWorld
    from duty_tui.demo.scenario import COMPONENT, WorldTicker
    from duty_tui.demo.scenario_data import TEAM

    start = clock.now()
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
    jira = world.jira.world
    reporters = list(world.cast.jira.values())
    for index in range(2 * WAITING_PER_BOARD):  # both boards busy
        six_dg = index % 2 == 1
        jira.create_issue(
            world.cast.projects["6dg" if six_dg else "aws"],
            f"Backlog item {index}: request access to the MI extract bucket",
            reporter=reporters[index % len(reporters)],
            created=start - timedelta(days=3, minutes=index),
            components=[COMPONENT] if six_dg else [],
        )
    rng = random.Random(seed)
    ticker = WorldTicker(world.jira, world.slack, world.cast, clock, seed=seed)  # never started
    colleagues = [world.cast.jira[person.handle] for person in TEAM[1:]]

    def issues(assigned: bool, status: str) -> list[Issue]:
        """The simulator's own records (rendering each issue as JSON to look would take 250 ms)."""
        with jira.lock:
            return [
                i
                for i in jira.issues.values()
                if (i.assignee is not None) == assigned and status_by_id(i.status_id).name == status
            ]

    def requester_edits() -> None:
        """A requester comments on a waiting ticket, or changes its summary or priority."""
        issue, who = rng.choice(issues(False, "To Do")), rng.choice(reporters)
        roll = rng.random()
        if roll < 0.5:
            jira.add_comment(issue.key, who, "Any news on this? It is blocking us.")
        elif roll < 0.8:
            jira.set_summary(issue.key, f"{issue.summary.split(' (')[0]} (updated)", by=who)
        else:
            jira.set_priority(issue.key, rng.choice(("Highest", "High", "Medium", "Low")), by=who)

    def colleague_takes() -> None:
        """A colleague takes a waiting ticket (WorldTicker's event, with the quick look-up)."""
        waiting = issues(False, "To Do")
        if len(waiting) >= 4:  # leave the duty engineer something to do
            key, colleague = rng.choice(waiting).key, rng.choice(colleagues)
            jira.assign(key, colleague, by=colleague)
            jira.transition_to(key, "In Progress", by=colleague)

    def colleague_finishes() -> None:
        """A colleague closes a ticket they took (it leaves their list; the store keeps it a while)."""
        started = issues(True, "In Progress")
        if started:
            jira.transition_to(rng.choice(started).key, "Done")

    return world, {
        "message": ticker.chatter,
        "reply": ticker.thread_reply,
        "request": ticker.new_request,
        "claim": ticker.colleague_claims,
        "ticket": ticker.new_ticket,
        "edit": requester_edits,
        "taken": colleague_takes,
        "finished": colleague_finishes,
        "colleague incident": ticker.colleague_incident,
    }


def traffic(rng: random.Random, number: int) -> list[str]:
    """What happens in #laa-ops and on the boards during one 30-second cycle."""
    chances = (
        ("message", 0.7),
        ("reply", 0.25),
        ("request", 0.08),
        ("claim", 0.05),
        ("ticket", 0.12),
        ("edit", 0.2),
        ("taken", 0.05),
        ("finished", 0.03),
    )
    wanted = [name for name, chance in chances if rng.random() < chance]
    if number % 30 == 15:  # a colleague's incident takes its next step every 15 minutes
        wanted.append("colleague incident")
    return wanted


# -- the store before the day --------------------------------------------------------------------


def seed_store(
    data_dir: Path, people: Sequence[tuple[str, str]], checks: Sequence[HealthCheck]
) -> dict[str, int]:
    """A month of the past in the store, partly beyond retention (what the prunes must forget)."""
    store = Store.in_dir(data_dir)
    users = [ChatUser(user_id, handle) for user_id, handle in people]
    try:
        # Messages from before the world's own two days of history, so the two never overlap.
        end = DAY_START - timedelta(days=2, hours=2)
        messages = make_messages(
            SEED_MESSAGES_PER_DAY * SEED_MESSAGE_DAYS,
            end,
            users,
            seed=32,
            span=timedelta(days=SEED_MESSAGE_DAYS - 2),
        )
        store.messages.save(messages)
        rng = random.Random(35)
        probes = 0
        moment = DAY_START - timedelta(days=SEED_PROBE_DAYS)
        batch: list[ProbeResult] = []
        while moment < DAY_START - timedelta(minutes=1):
            for check in checks:
                ok = rng.random() > 0.01
                batch.append(ProbeResult(check.name, moment, ok, 200 if ok else 503, rng.randint(20, 400)))
            moment += timedelta(seconds=checks[0].interval if checks else 60)
            if len(batch) >= 20_000:
                store.probes.record(batch)
                probes += len(batch)
                batch = []
        store.probes.record(batch)
        probes += len(batch)
        # Tickets that left both boards (done, or taken elsewhere) a while ago: kept 30 days.
        old = [
            dataclasses.replace(ticket, key=f"OLD-{index + 1}", status="Done", status_category="done")
            for index, ticket in enumerate(
                t for tickets in make_tickets(SEED_OLD_TICKETS, DAY_START, seed=45).values() for t in tickets
            )
        ]
        low, high = SEED_TICKET_DAYS
        batches = 2 * (high - low)  # one batch every half day
        for batch_number in range(batches):
            store.tickets.save_board_poll(
                0,  # no board: none of them is listed
                old[batch_number::batches],
                full=False,
                listed=awaiting_triage,
                seen_at=DAY_START - timedelta(days=low + (high - low) * batch_number / batches),
            )
    finally:
        store.close()
    return {"messages": len(messages), "probe results": probes, "tickets": len(old)}


# -- watching the UI thread -----------------------------------------------------------------------


@dataclasses.dataclass
class Stall:
    late: float  # seconds the heartbeat woke late
    cycle: int
    phase: str
    place: str  # the deepest duty-tui frame the samples agree on most (see `culprit`)
    window: tuple[float, float]  # perf_counter when the beat went to sleep, and when it woke
    stacks: list[list[str]]  # the samples, kept for the longest stalls only (they weigh on the RSS)


class GcWatch:
    """Every garbage collection (any thread: a collection holds the GIL, so it stalls the loop too)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float, int]] = []  # (start, end, generation)
        self._started = 0.0

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._started = now
        elif info["generation"] > 0:  # the youngest generation's collections are many and short
            self.pauses.append((self._started, now, info["generation"]))

    def within(self, window: tuple[float, float]) -> tuple[float, int]:
        """Seconds of collection (generations 1 and 2) inside `window`, and the oldest generation
        collected there (-1: none). The pauses are in time order, and none is longer than a few seconds."""
        start, end = window
        total, oldest = 0.0, -1
        first = bisect.bisect_left(self.pauses, (start - 5.0,))
        for began, ended, generation in itertools.islice(self.pauses, first, None):
            if began > end:
                break
            overlap = min(end, ended) - max(start, began)
            if overlap > 0:
                total += overlap
                oldest = max(oldest, generation)
        return total, oldest


class StallMonitor:
    """A heartbeat on the event loop every `interval`; how late each beat wakes is the loop's stall.

    A watchdog thread samples the loop thread's stack while a beat is overdue, so a stall names the
    code that held the loop. `excluded()` marks the benchmark's own work on the loop (a beat that
    overlaps it is dropped); `cycle` and `phase` say what the day was doing.
    """

    def __init__(self, interval: float = HEARTBEAT, threshold: float = STALL_GOAL_MS / 1000) -> None:
        self.interval = interval
        self.threshold = threshold
        self.cycle = 0
        self.phase = "start"
        # Every beat counted: its cycle and its lateness, 12 bytes a beat (this record is in the RSS too).
        self.beat_cycles = array.array("i")
        self.lateness = array.array("d")
        self.stalls: list[Stall] = []  # beats later than the threshold
        self._longest: list[Stall] = []  # the STACKS_KEPT longest, which keep their samples
        self.dropped = 0
        self._generation = 0  # bumped on entering and leaving an excluded stretch
        self._excluding = False
        self._beat_started = time.perf_counter()
        self._beat = 0
        self._samples: dict[int, list[list[str]]] = {}
        self._stop = threading.Event()
        self._task: asyncio.Task[None] | None = None
        self._watchdog: threading.Thread | None = None
        self._loop_thread = threading.get_ident()

    def start(self) -> None:
        self._loop_thread = threading.get_ident()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="stall monitor")
        self._watchdog = threading.Thread(target=self._watch, name="stall watchdog", daemon=True)
        self._watchdog.start()

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._watchdog is not None:
            self._watchdog.join(timeout=1)

    @contextlib.contextmanager
    def excluded(self) -> Iterator[None]:
        self._excluding, self._generation = True, self._generation + 1
        try:
            yield
        finally:
            self._excluding, self._generation = False, self._generation + 1

    async def _run(self) -> None:
        while True:
            generation = self._generation
            self._beat += 1
            self._beat_started = time.perf_counter()
            await asyncio.sleep(self.interval)
            late = max(0.0, time.perf_counter() - self._beat_started - self.interval)
            stacks = self._samples.pop(self._beat, [])
            if self._excluding or generation != self._generation:
                self.dropped += 1
                continue
            self.beat_cycles.append(self.cycle)
            self.lateness.append(late)
            if late > self.threshold:
                window = (self._beat_started, time.perf_counter())
                self._record(Stall(late, self.cycle, self.phase, culprit(stacks), window, stacks))

    def _record(self, stall: Stall) -> None:
        self.stalls.append(stall)
        self._longest.append(stall)
        self._longest.sort(key=lambda s: -s.late)
        for dropped in self._longest[STACKS_KEPT:]:
            dropped.stacks = []
        del self._longest[STACKS_KEPT:]

    def _watch(self) -> None:
        """Sample the loop thread's stack every 20 ms while its beat is more than 30 ms overdue."""
        last_sampled = 0.0
        while not self._stop.wait(0.005):
            now = time.perf_counter()
            overdue = now - self._beat_started - self.interval
            if overdue < 0.03 or now - last_sampled < 0.02 or self._excluding:
                continue
            frame = sys._current_frames().get(self._loop_thread)
            if frame is None:
                continue
            last_sampled = now
            # Without the source lines: looking them up would fill linecache, and the RSS with it.
            stack = traceback.StackSummary.extract(traceback.walk_stack(frame), lookup_lines=False)
            stack.reverse()
            self._samples.setdefault(self._beat, []).append(condensed(stack))

    def counted(self, after: int) -> list[float]:
        return [late for cycle, late in zip(self.beat_cycles, self.lateness, strict=True) if cycle > after]

    def start_up(self, until: int) -> list[float]:
        return [late for cycle, late in zip(self.beat_cycles, self.lateness, strict=True) if cycle <= until]

    def stalls_after(self, after: int) -> list[Stall]:
        return [s for s in self.stalls if s.cycle > after]


def condensed(stack: Sequence[traceback.FrameSummary]) -> list[str]:
    """The innermost frames of duty-tui, Textual and Rich (and the innermost frame of all), as file:line,
    outermost first. Interned: the same places recur all day."""
    repo = str(Path(__file__).resolve().parent.parent) + "/"
    frames = []
    for frame in stack:
        where = frame.filename
        if "/duty_tui/" in where or "/textual/" in where or "/rich/" in where:
            short = where.split("site-packages/")[-1].replace(repo, "")
            frames.append(sys.intern(f"{short}:{frame.lineno} {frame.name}"))
    inner = stack[-1]
    innermost = sys.intern(f"(innermost: {inner.filename.split('/')[-1]}:{inner.lineno} {inner.name})")
    return [*frames[-6:], innermost]


def collected(watch: GcWatch, stall: Stall) -> str:
    seconds, generation = watch.within(stall.window)
    return f"{seconds * 1000:.0f} ms gen {generation}" if generation >= 0 else "-"


def gc_summary(watch: GcWatch) -> str:
    parts = []
    for generation in (2, 1):
        pauses = [end - start for start, end, g in watch.pauses if g == generation]
        if pauses:
            parts.append(
                f"gen {generation}: {len(pauses)} collections, longest {max(pauses) * 1000:.0f} ms, "
                f"median {median(pauses) * 1000:.1f} ms"
            )
    return "; ".join(parts) or "no collections of generation 1 or 2"


def culprit(stacks: list[list[str]]) -> str:
    """The deepest duty-tui frame the samples of a stall agree on most, else the deepest frame sampled."""
    found: Counter[str] = Counter()
    for stack in stacks:
        ours = [f for f in stack if f.startswith("duty_tui/")]
        if "_weakrefset.py" in stack[-1] or "soak.py" in stack[-1]:  # mid-collection callbacks
            found["(garbage collection: the collector's callbacks were running)"] += 1
        elif not ours and "selectors.py" in stack[-1]:
            found["(the loop was idle in select: the GIL or the CPU was busy elsewhere)"] += 1
        else:
            found[(ours or stack)[-1]] += 1
    return found.most_common(1)[0][0] if found else "(not sampled)"


class SimulatedTime:
    """Stands in for the `time` module in `duty_tui.sync.probes`: `monotonic()` follows the ManualClock,
    so the probe loop's schedule and its hourly prune keep simulated time; the rest is the real module."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.start = clock.now()
        self.base = time.monotonic()

    def monotonic(self) -> float:
        return self.base + (self.clock.now() - self.start).total_seconds()

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@contextlib.contextmanager
def probes_on_simulated_time(clock: ManualClock) -> Iterator[None]:
    real = vars(probe_module)["time"]
    setattr(probe_module, "time", SimulatedTime(clock))  # noqa: B010 - a module attribute, typed as a module
    try:
        yield
    finally:
        setattr(probe_module, "time", real)  # noqa: B010


# -- the store, measured --------------------------------------------------------------------------

TABLES = (
    "messages",
    "probe_results",
    "tickets",
    "board_tickets",
    "outbox",
    "incident_events",
    "message_claims",
    "checklist_history",
)


def store_bytes(data_dir: Path) -> tuple[int, int]:
    """(database file, WAL) sizes in bytes."""
    path = data_dir / STORE_FILE
    sizes = []
    for file in (path, path.with_name(STORE_FILE + "-wal")):
        try:
            sizes.append(file.stat().st_size)
        except FileNotFoundError:
            sizes.append(0)
    return sizes[0], sizes[1]


@dataclasses.dataclass(frozen=True)
class StoreState:
    rows: dict[str, int]
    oldest_message: datetime | None
    oldest_probe: datetime | None
    oldest_unlisted_ticket: datetime | None


def store_state(data_dir: Path) -> StoreState:
    """Row counts and the oldest rows, read on a connection of its own (read-only)."""
    conn = sqlite3.connect(f"file:{data_dir / STORE_FILE}?mode=ro", uri=True, timeout=10)
    try:
        rows = {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLES}
        ts = conn.execute("SELECT min(ts) FROM messages").fetchone()[0]
        at = conn.execute("SELECT min(at) FROM probe_results").fetchone()[0]
        seen = conn.execute(
            "SELECT min(seen_at) FROM tickets WHERE key NOT IN (SELECT key FROM board_tickets)"
        ).fetchone()[0]
    finally:
        conn.close()
    return StoreState(
        rows,
        datetime.fromtimestamp(float(ts), UTC) if ts else None,
        datetime.fromtimestamp(at / 1000, UTC) if at is not None else None,
        datetime.fromisoformat(seen) if seen else None,
    )


class PruneCounter:
    """Counts what the product's prunes forget, by wrapping the store's two retention calls."""

    def __init__(self, runtime: Runtime) -> None:
        self.messages_and_tickets = 0
        self.probes = 0
        self.runs = Counter[str]()
        store = runtime.store
        prune, forget_probes = store.prune, store.probes.forget_before

        def counted_prune(now: datetime, **keep: int) -> int:
            deleted = prune(now, **keep)
            self.messages_and_tickets += deleted
            self.runs["messages and tickets"] += 1
            return deleted

        def counted_probes(before: datetime) -> int:
            deleted = forget_probes(before)
            self.probes += deleted
            self.runs["probe results"] += 1
            return deleted

        store.prune = counted_prune  # type: ignore[method-assign]
        store.probes.forget_before = counted_probes  # type: ignore[method-assign]


# -- the app and the day ---------------------------------------------------------------------------


class SoakApp(DutyApp):
    """DutyApp whose poll and probe loops the benchmark drives one cycle at a time."""

    def start_polling(self) -> None:
        return


@dataclasses.dataclass
class Soak:
    cycles: int
    warmup: int
    # (cycle, RSS MB, store file bytes, WAL bytes)
    samples: list[tuple[int, float, int, int]] = dataclasses.field(default_factory=list)
    cycle_seconds: list[float] = dataclasses.field(default_factory=list)
    failed: int = 0
    probes: int = 0
    world: dict[str, int] = dataclasses.field(default_factory=dict)
    seeded: dict[str, int] = dataclasses.field(default_factory=dict)
    seeded_bytes: int = 0  # the store file and its WAL before the app opened it
    pane_rows: int = 0
    ticket_rows: int = 0
    max_wal: int = 0
    before: StoreState | None = None
    after: StoreState | None = None
    pruned_messages_tickets: int = 0
    pruned_probes: int = 0
    prune_runs: dict[str, int] = dataclasses.field(default_factory=dict)
    incident_events: list[str] = dataclasses.field(default_factory=list)
    outbox_pending: int = 0
    stalls: StallMonitor = dataclasses.field(default_factory=StallMonitor)
    gc: GcWatch = dataclasses.field(default_factory=GcWatch)
    worker_seconds: list[float] = dataclasses.field(default_factory=list)
    apply_seconds: list[float] = dataclasses.field(default_factory=list)
    heap: bool = True  # the app's Heap on, as the duty-tui command runs it
    frozen_garbage: int | None = None  # what unfreezing at the end found to be garbage
    top_growth: list[str] = dataclasses.field(default_factory=list)
    top_types: list[str] = dataclasses.field(default_factory=list)
    profile: list[str] = dataclasses.field(default_factory=list)
    traced_growth_mb: float | None = None
    keep_messages_days: int = 30
    keep_tickets_days: int = 30


class HeapTrace:
    """Optional: where Python objects grew after the warm-up. tracemalloc (one frame a block: more make the
    day many times slower) says which lines allocated what stayed; a census of the objects the collector
    tracks, by type, says what kind of objects they are."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.before: tracemalloc.Snapshot | None = None
        self.census: Counter[str] = Counter()

    def start(self) -> None:
        if self.enabled:  # from here on RSS includes tracemalloc's own bookkeeping
            self.census = objects_by_type()
            tracemalloc.start(1)
            self.before = tracemalloc.take_snapshot()

    def finish(self, soak: Soak) -> None:
        if self.before is None:
            return
        gc.collect()
        stats = tracemalloc.take_snapshot().compare_to(self.before, "lineno")
        tracemalloc.stop()
        soak.traced_growth_mb = sum(s.size_diff for s in stats) / 1e6
        soak.top_growth = [
            f"{s.size_diff / 1024:+8.0f} KiB  {short_path(s.traceback[0].filename)}:{s.traceback[0].lineno}"
            for s in stats[:12]
        ]
        grown = objects_by_type()
        grown.subtract(self.census)
        soak.top_types = [f"{n:+8,}  {name}" for name, n in grown.most_common(12) if n > 0]


def ui_profile(profiler: cProfile.Profile, top: int = 20) -> list[str]:
    """duty-tui's functions by the UI-thread time they took, children included (cProfile's cumulative)."""
    stats: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(own for _, _, own, _, _ in stats.values())
    ours = [
        (cumulative, own, calls, f"{short_path(file)}:{line} {name}")
        for (file, line, name), (_, calls, own, cumulative, _) in stats.items()
        if "/duty_tui/" in file
    ]
    ours.sort(reverse=True)
    rows = [
        f"{'cumulative':>10}  {'own':>8}  {'calls':>8}  function (UI thread, {total:.1f} s profiled in all)"
    ]
    rows += [f"{c:9.2f}s  {o:7.2f}s  {n:8,}  {where}" for c, o, n, where in ours[:top]]
    return rows


def objects_by_type() -> Counter[str]:
    gc.collect()
    return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())


def short_path(filename: str) -> str:
    """A file as a reader finds it: the package path, the repository path, or the stdlib module."""
    repo = str(Path(__file__).resolve().parent.parent) + "/"
    for prefix in ("site-packages/", repo):
        filename = filename.rsplit(prefix, maxsplit=1)[-1]
    return re.sub(r"^.*/lib/python3\.\d+/", "", filename)


def settled_rss() -> float:
    gc.collect()  # garbage awaiting collection is not growth
    return rss_mb()


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"soak: {what} did not happen within {timeout:g} s")
        await pilot.pause(0.02)


class OurIncident:
    """The engineer's own incident, through the incident desk's keys: declared, updated, resolved."""

    def __init__(self, app: DutyApp, pilot: Pilot[Any], declare_at: int, resolve_at: int) -> None:
        self.app, self.pilot = app, pilot
        self.declare_at, self.resolve_at = declare_at, resolve_at
        self.every = min(UPDATE_EVERY, max(1, (resolve_at - declare_at) // 3))
        self.id: str | None = None
        self.updates = 0

    def due(self, number: int) -> str | None:
        if number == self.declare_at:
            return "declare"
        if number == self.resolve_at:
            return "resolve"
        if self.declare_at < number < self.resolve_at and (number - self.declare_at) % self.every == 0:
            return "update"
        return None

    async def act(self, what: str) -> None:
        app, pilot = self.app, self.pilot
        if what == "declare":
            await pilot.press("I")
            await until(pilot, lambda: isinstance(app.screen, DeclareScreen), "the declare form")
            await pilot.press(*INCIDENT_TITLE)
            app.screen.query_one("#declare-criterion-0", Checkbox).value = True  # high priority
            await pilot.press("ctrl+s")
            await until(pilot, lambda: self._find() is not None, "the declared incident")
            self.id = self._find()
            return
        assert self.id is not None
        # Pane 3, and the cursor on ours: until the pane has been focused, the keys act on the newest
        # open incident, which may be a colleague's.
        await pilot.press("3")
        app.incident.table.move_cursor_to(self.id)
        await pilot.pause()
        assert app.incident.selected_id == self.id, "our incident is not the one selected"
        if what == "update":
            self.updates += 1
            await pilot.press("U")
            await until(pilot, lambda: isinstance(app.screen, UpdateScreen), "the update editor")
            screen = app.screen
            assert isinstance(screen, UpdateScreen)
            screen.editor.text = (
                f"What we know: logins fail for about 1 in {self.updates + 2} providers.\n\n"
                f"What we are doing: update {self.updates}, rolling the provider UI back.\n"
            )
            await pilot.press("ctrl+s")
        else:
            await pilot.press("X")
            await until(pilot, lambda: isinstance(app.screen, ResolveScreen), "the resolve editor")
            await pilot.press(*"Rolled back; logins work again", "ctrl+s")
        await until(pilot, lambda: not app.screen.is_modal, f"the {what} posted")
        await pilot.press("1")  # back to the tickets

    def _find(self) -> str | None:
        return next((i.id for i in self.app.incident_desk.incidents if i.title == INCIDENT_TITLE), None)


def demo_checks_for(health: dict[str, str]) -> tuple[HealthCheck, ...]:
    from duty_sim.health import UP_TEXT
    from duty_tui.demo.health import DEMO_SERVICES

    return tuple(
        HealthCheck(
            name=f"{service} PROD",
            service=service,
            environment="PROD",
            url=health[endpoint],
            interval=CYCLE.total_seconds(),
            timeout=PROBE_TIMEOUT,
            text=UP_TEXT,
        )
        for endpoint, service in DEMO_SERVICES
    )


class Day:
    """One soak day: the world in its child process, the seeded store, the app and the loops it drives."""

    def __init__(
        self,
        cycles: int,
        warmup: int,
        *,
        trace: bool,
        history: int,
        seed: int,
        heap: bool = True,
        profile: bool = False,
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self.parent, child = context.Pipe()
        self.world = context.Process(
            target=serve_world, args=(child, DAY_START, seed, history), name="simulated world", daemon=True
        )
        self.world.start()
        info: WorldInfo = self.receive()
        self.clock = ManualClock(DAY_START)
        self.data_dir = Path(tempfile.mkdtemp(prefix="duty-tui-bench-soak-"))
        checks = demo_checks_for(info.health)
        self.soak = soak = Soak(cycles, warmup, heap=heap)
        soak.seeded = seed_store(self.data_dir, info.people, checks)
        soak.seeded_bytes = sum(store_bytes(self.data_dir))
        soak.before = store_state(self.data_dir)
        config = shipped_cadence(demo_config(info.jira_url, info.slack_url, checks=checks))
        soak.keep_messages_days = config.store.keep_messages_days
        soak.keep_tickets_days = config.store.keep_tickets_days
        self.runtime = build_runtime(config, demo_secrets(), self.data_dir, self.clock)
        self.pruned = PruneCounter(self.runtime)
        self.app = SoakApp(self.runtime, heap=Heap() if heap else None)
        self.rng = random.Random(seed)
        self.heap = HeapTrace(trace)
        self.profiler = cProfile.Profile() if profile else None
        self.loops = [
            PollLoop(p, self.runtime.store, self.clock, 30, self.emit) for p in self.runtime.pollers
        ]
        probes = self.runtime.probe_loop(self.probed)
        assert probes is not None, "the soak's config has health checks"
        self.probes: ProbeLoop = probes
        self.pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="soak loop")

    def receive(self, timeout: float = 120.0) -> Any:
        """The world's answer; a world that died or hangs ends the soak instead of hanging it."""
        if not self.parent.poll(timeout):
            state = "died" if not self.world.is_alive() else f"did not answer within {timeout:g} s"
            raise SystemExit(f"soak: the simulated world {state}")
        return self.parent.recv()

    def emit(self, outcome: PollOutcome) -> None:
        """On the poll thread. Thread-safe, and where the real poll loops post: Jira's to the ticket
        desk, Slack's to the channel desk (both bubble on to the app)."""
        if isinstance(outcome, PollFailed):
            self.soak.failed += 1
        app = self.app
        target = app.ticket_desk if outcome.status.source == Service.JIRA else app.channel_desk
        target.post_message(SourcePolled(outcome))

    def probed(self, results: tuple[ProbeResult, ...]) -> None:
        self.soak.probes += len(results)
        post_from_thread(self.app, ProbesReported(results))  # what the app's own probe loop posts

    def cycle(self, wanted: list[str]) -> None:
        """On a worker thread: the world acts, 30 s pass, both sources are polled, the checks probed."""
        self.parent.send((CYCLE.total_seconds(), wanted))
        self.receive()
        self.clock.advance(CYCLE)
        # As in the app, each loop on a thread of its own: Jira, Slack and the health checks at once.
        steps = [self.pool.submit(loop.cycle) for loop in self.loops] + [self.pool.submit(self.probes.step)]
        for step in steps:
            step.result()
        self.soak.max_wal = max(self.soak.max_wal, store_bytes(self.data_dir)[1])

    def sample(self, number: int) -> None:
        with self.soak.stalls.excluded():  # the benchmark's own work on the loop
            rss = settled_rss()
        self.soak.samples.append((number, rss, *store_bytes(self.data_dir)))

    async def run(self) -> Soak:
        try:
            with probes_on_simulated_time(self.clock), self.soak.gc:
                async with self.app.run_test(size=SIZE) as pilot:
                    await self.drive(pilot)
        finally:
            self.finish()
        return self.soak

    async def drive(self, pilot: Pilot[Any]) -> None:
        app, soak, monitor = self.app, self.soak, self.soak.stalls
        cycles, warmup = soak.cycles, soak.warmup
        margin = max(
            1, min(20, (cycles - warmup) // 5)
        )  # 10 minutes into the measured day, and before its end
        ours = OurIncident(app, pilot, warmup + margin, cycles - margin)
        every = max(1, cycles // 12)
        await until(pilot, lambda: app.painted, "the first paint from the store")
        monitor.start()
        for number in range(1, cycles + 1):
            started = time.perf_counter()
            monitor.cycle, monitor.phase = number, "polling (results applied as they come)"
            await asyncio.to_thread(self.cycle, traffic(self.rng, number))
            polled = time.perf_counter()
            monitor.phase = "apply the polls"
            await pilot.pause()  # the UI applies what the cycle posted
            soak.worker_seconds.append(polled - started)
            soak.apply_seconds.append(time.perf_counter() - polled)
            monitor.phase = "clock tick"
            app.on_clock_tick()  # every 30 s in the app (a real-time interval there); the Heap's tick too
            what = ours.due(number)
            if what is not None:
                monitor.phase = f"incident: {what}"
                await ours.act(what)
            monitor.phase = "between cycles"
            soak.cycle_seconds.append(time.perf_counter() - started)
            if number == warmup:
                self.sample(number)
                self.heap.start()
                if self.profiler is not None:
                    self.profiler.enable()  # this thread only: the event loop's
            elif number > warmup and (number % every == 0 or number == cycles):
                self.sample(number)
        await monitor.stop()
        if self.profiler is not None:
            self.profiler.disable()
            soak.profile = ui_profile(self.profiler)
        self.heap.finish(soak)
        if app.heap is not None:
            soak.frozen_garbage = unfreeze_leak()
        soak.pane_rows = app.channel.table.total_count
        soak.ticket_rows = app.tickets.table.total_count
        mine = next((i for i in app.incident_desk.incidents if i.id == ours.id), None)
        if mine is not None:
            soak.incident_events = [e.kind.value for e in mine.events]
        soak.outbox_pending = self.runtime.store.outbox.count_pending()

    def finish(self) -> None:
        soak = self.soak
        self.pool.shutdown(wait=True)
        self.runtime.close()
        if self.world.is_alive():
            self.parent.send(None)
            soak.world = self.receive(timeout=30)
        self.world.join(timeout=10)
        soak.after = store_state(self.data_dir)
        soak.pruned_messages_tickets, soak.pruned_probes = (
            self.pruned.messages_and_tickets,
            self.pruned.probes,
        )
        soak.prune_runs = dict(self.pruned.runs)
        shutil.rmtree(self.data_dir, ignore_errors=True)


# -- the report ---------------------------------------------------------------------------------------


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def age(then: datetime | None, now: datetime) -> str:
    if then is None:
        return "-"
    return f"{(now - then).total_seconds() / 86400:.1f} days"


def figures(soak: Soak, label: str) -> list[Figure]:
    growth = soak.samples[-1][1] - soak.samples[0][1]
    counted = soak.stalls.counted(STALL_WARMUP)
    worst = max(counted, default=0.0) * 1000
    over = len(soak.stalls.stalls_after(STALL_WARMUP))
    first, last = soak.samples[0], soak.samples[-1]
    bounded = retention_kept(soak)
    return [
        Figure(
            f"soak, {label}: RSS growth",
            f"{growth:+.1f} MB (cycle {first[0]} → {last[0]})",
            f"≤ {GROWTH_GOAL_MB:g} MB",
            growth <= GROWTH_GOAL_MB,
        ),
        Figure(
            f"soak, {label}: max UI-thread stall",
            f"{worst:.0f} ms ({over} over {STALL_GOAL_MS:g} ms; 10 ms heartbeat)",
            f"none over {STALL_GOAL_MS:g} ms",
            over == 0,
        ),
        Figure(
            f"soak, {label}: store size (SQLite + WAL)",
            f"{mb(soak.seeded_bytes)} before the day → {mb(last[2])} + {mb(last[3])} WAL at the end; "
            f"{soak.pruned_messages_tickets + soak.pruned_probes:,} rows pruned",
            "bounded by retention",
            bounded,
        ),
    ]


def retention_kept(soak: Soak) -> bool:
    """Nothing older than retention (plus the hour between prunes) at the end, and the prunes forgot rows."""
    after, end = soak.after, DAY_START + soak.cycles * CYCLE
    if after is None:
        return False
    hour = timedelta(hours=1)
    checks = [
        (after.oldest_message, timedelta(days=soak.keep_messages_days)),
        (after.oldest_probe, PROBE_RETENTION),
        (after.oldest_unlisted_ticket, timedelta(days=soak.keep_tickets_days)),
    ]
    within = all(then is None or end - then <= keep + hour for then, keep in checks)
    return within and soak.pruned_messages_tickets > 0 and soak.pruned_probes > 0


def report(soak: Soak, elapsed: float) -> None:
    simulated = soak.cycles * CYCLE
    print(
        f"Soak: {soak.cycles} cycles 30 s apart = {simulated.total_seconds() / 3600:g} simulated hours "
        f"from {DAY_START:%H:%M} UTC, in {elapsed:.0f} s of wall time "
        f"(median {median(soak.cycle_seconds) * 1000:.0f} ms per cycle: "
        f"{median(soak.worker_seconds) * 1000:.0f} ms world, then polls and probes on their threads, "
        f"{median(soak.apply_seconds) * 1000:.0f} ms until the UI is idle again)"
        + (
            "; the app's Heap on (the start-up heap frozen after the first paint)"
            if soak.heap
            else "; --no-heap: the app without its Heap (no freezing, closed widgets kept) (diagnostic)"
        )
        + "\n"
    )
    print(
        "World traffic: "
        + ", ".join(f"{n} × {name}" for name, n in soak.world.items())
        + f"; failed polls: {soak.failed}; health probes: {soak.probes}"
    )
    print(
        f"Our incident (I, U, X through the incident desk): {len(soak.incident_events)} events "
        f"({', '.join(soak.incident_events) or 'none'}); writes still in the outbox at the end: "
        f"{soak.outbox_pending}\n"
    )

    print("RSS of the app process (after gc.collect()) and the store's files:")
    print(
        table(
            ["after cycle", "simulated", "RSS", "store file", "WAL"],
            [
                [str(n), f"{(DAY_START + n * CYCLE):%H:%M}", f"{rss:.1f} MB", mb(db), mb(wal)]
                for n, rss, db, wal in soak.samples
            ],
        )
    )
    growth = soak.samples[-1][1] - soak.samples[0][1]
    # A leak keeps climbing; caches and the store's page cache fill and level off. The second half
    # of the day tells the two apart.
    middle = soak.samples[len(soak.samples) // 2]
    late = soak.samples[-1][1] - middle[1]

    monitor = soak.stalls
    counted = monitor.counted(STALL_WARMUP)
    start_up = monitor.start_up(STALL_WARMUP)
    stalls = monitor.stalls_after(STALL_WARMUP)
    worst = max(counted, default=0.0)
    over = len(stalls)
    p99 = sorted(counted)[int(len(counted) * 0.99)] if counted else 0.0
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
                [f"  of which in the second half, cycle {middle[0]} →", f"{late:+.1f} MB", "-"],
                [
                    "  garbage the frozen heap kept (unfrozen and collected at the end)",
                    "-" if soak.frozen_garbage is None else f"{soak.frozen_garbage:,} objects",
                    "-",
                ],
                [
                    f"UI-thread stalls over {STALL_GOAL_MS:g} ms, cycle {STALL_WARMUP + 1} → {soak.cycles}",
                    str(over),
                    f"0  {'meets goal' if over == 0 else 'MISSES goal'}",
                ],
                ["  longest stall (heartbeat lateness)", f"{worst * 1000:.0f} ms", "-"],
                ["  99th percentile", f"{p99 * 1000:.1f} ms", "-"],
                [
                    "  beats measured (dropped: the benchmark's own gc.collect)",
                    f"{len(counted):,} ({monitor.dropped})",
                    "-",
                ],
                [
                    f"  start-up, cycles 1–{STALL_WARMUP} (not counted)",
                    f"{max(start_up, default=0.0) * 1000:.0f} ms",
                    "-",
                ],
                ["channel pane rows (bounded window)", str(soak.pane_rows), f"≤ {WINDOW} (channel.WINDOW)"],
                ["tickets pane rows", str(soak.ticket_rows), "-"],
            ],
        )
    )
    if stalls:
        print(f"\nStalls over {STALL_GOAL_MS:g} ms (the longest first), and where the loop was:")
        rows = []
        for stall in sorted(stalls, key=lambda s: -s.late)[:12]:
            rows.append(
                [
                    f"{stall.late * 1000:.0f} ms",
                    str(stall.cycle),
                    f"{(DAY_START + stall.cycle * CYCLE):%H:%M}",
                    stall.phase,
                    collected(soak.gc, stall),
                    stall.place,
                ]
            )
        print(
            table(
                ["stall", "cycle", "simulated", "doing", "of it in gc", "deepest duty-tui frame sampled"],
                rows,
            )
        )
        in_gc = sum(1 for s in stalls if soak.gc.within(s.window)[0] >= s.late / 2)
        print(
            f"\n    {in_gc} of {len(stalls)} stalls were mostly garbage collection (≥ half of the stall); "
            + gc_summary(soak.gc)
        )
        by_place = Counter(s.place for s in stalls)
        print("\n    stalls by place: " + "; ".join(f"{n} × {place}" for place, n in by_place.most_common(6)))
        longest = max(stalls, key=lambda s: s.late)
        if longest.stacks:
            print("    the longest stall's first sample, innermost last:")
            for frame in longest.stacks[0]:
                print("        " + frame)

    before, after = soak.before, soak.after
    end = DAY_START + soak.cycles * CYCLE
    first, last = soak.samples[0], soak.samples[-1]
    print(
        f"\nThe store (seeded before the day with {soak.seeded['messages']:,} messages over "
        f"{SEED_MESSAGE_DAYS} days, {soak.seeded['probe results']:,} probe results over {SEED_PROBE_DAYS} "
        f"days and {soak.seeded['tickets']:,} tickets that left the boards {SEED_TICKET_DAYS[0]}–"
        f"{SEED_TICKET_DAYS[1]} days ago):"
    )
    if before is not None and after is not None:
        print(
            table(
                ["table", "rows before the day", "rows at the end"],
                [[name, f"{before.rows[name]:,}", f"{after.rows[name]:,}"] for name in TABLES],
            )
        )
        print(
            "\n"
            + table(
                ["", "at the start", "at the end", "kept"],
                [
                    [
                        "oldest message",
                        age(before.oldest_message, DAY_START),
                        age(after.oldest_message, end),
                        f"{soak.keep_messages_days} days",
                    ],
                    [
                        "oldest probe result",
                        age(before.oldest_probe, DAY_START),
                        age(after.oldest_probe, end),
                        f"{PROBE_RETENTION.days} days",
                    ],
                    [
                        "oldest ticket no board lists",
                        age(before.oldest_unlisted_ticket, DAY_START),
                        age(after.oldest_unlisted_ticket, end),
                        f"{soak.keep_tickets_days} days",
                    ],
                ],
            )
        )
    runs = ", ".join(f"{n} × {what}" for what, n in soak.prune_runs.items())
    print(
        f"\n    prunes run: {runs or 'none'}; rows forgotten: {soak.pruned_messages_tickets:,} messages and "
        f"tickets, {soak.pruned_probes:,} probe results"
        f"\n    store file + WAL: {mb(soak.seeded_bytes)} before the day, {mb(first[2] + first[3])} after "
        f"the warm-up, {mb(last[2] + last[3])} at the end; largest WAL {mb(soak.max_wal)}"
        f"\n    bounded by retention (nothing older kept, the prunes ran): "
        f"{'meets goal' if retention_kept(soak) else 'MISSES goal'}"
    )
    if soak.profile:
        print("\nWhere the UI thread's time went after the warm-up (cProfile; slower than without):")
        for line in soak.profile:
            print("    " + line)
    if soak.traced_growth_mb is not None:
        print(
            f"\nPython objects grew by {soak.traced_growth_mb:+.2f} MB after the warm-up (tracemalloc; the "
            "RSS above includes tracemalloc's own overhead in this mode). Largest by line:"
        )
        for line in soak.top_growth:
            print("    " + line)
        print("\nObjects the collector tracks, the types that grew most in number after the warm-up:")
        for line in soak.top_types:
            print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cycles", type=int, help="cycles, 30 s apart (default 1200 = 10 h)")
    parser.add_argument("--warmup", type=int, help="cycles before the first RSS reading (default 100)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a short day: {QUICK[0]} cycles ({QUICK[0] // 120} simulated hours), warm-up {QUICK[1]}",
    )
    parser.add_argument(
        "--history", type=int, default=600, help="messages in #laa-ops before the day starts (default 600)"
    )
    parser.add_argument("--trace", action="store_true", help="also show where Python memory grew (slower)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="diagnostic: profile the UI thread after the warm-up (cProfile; slower) and list duty-tui's "
        "functions by the UI time they take",
    )
    parser.add_argument(
        "--no-heap",
        action="store_true",
        help="diagnostic: run the app without its Heap (duty_tui/heap.py: no gc.freeze(), Textual's caches "
        "of closed widgets kept), to see what it does for the stalls and the RSS",
    )
    add_json_option(parser)
    args = parser.parse_args()
    cycles = args.cycles or (QUICK[0] if args.quick else 1200)
    warmup = args.warmup if args.warmup is not None else (QUICK[1] if args.quick else 100)
    if not 0 < warmup < cycles:
        parser.error("--warmup must be between 0 and --cycles")
    started = time.perf_counter()
    day = Day(
        cycles,
        warmup,
        trace=args.trace,
        history=args.history,
        seed=1126,
        heap=not args.no_heap,
        profile=args.profile,
    )
    soak = asyncio.run(day.run())
    report(soak, time.perf_counter() - started)
    hours = cycles * CYCLE.total_seconds() / 3600
    write_figures(args.json, figures(soak, f"{hours:g}-hour day"))


if __name__ == "__main__":
    main()
