"""Shared fixtures: a fixed clock, a temporary store, the simulators and the demo world."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import textual._wait
import textual.screen

from duty_tui import strip_caches, strip_cycles
from duty_tui.clock import ManualClock
from duty_tui.heap import release_styles_caches
from duty_tui.store import Store
from tests.support import Harness, make_harness

# Pilot's `press` and `pause()` wait for the process to go idle: 20 ms windows until one has under 1 ms
# of CPU, twice a key. Keys typed one by one spent most of their time asleep there. 5 ms windows with
# the same ratio (5% CPU) keep the rule and cut the wait; shorter ones cost more CPU than they save.
# The screen's layout pass runs on a timer (60 a second); a 20 ms window always outlasted it, so a
# test that reads the screen right after a key saw the toast or dialog that key mounted. A 5 ms window
# does not (such a test failed 2 times in 30 under load): the timer runs at 240 a second to keep that
# promise. Neither changes what a test waits for; `settle` still polls for what it needs.
textual._wait.SLEEP_GRANULARITY = 0.005
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20
textual.screen.UPDATE_PERIOD = 1 / 240


# -- the heap a test process keeps -----------------------------------------------------------------
# Each full (generation 2) collection walks every object the process keeps, and a Pilot test makes
# enough objects to set off several: run together, 245 Pilot tests spent a fifth of their CPU in the
# collector, most of it in full collections. Three things made those many and long. Textual's
# `StylesCache.get_inner_outer` is an `lru_cache` on an instance method, so the style caches of the
# last 1,024 widgets, every line they rendered included, outlived their apps (about 20,000 objects a
# Pilot test; Textual issue 6665): cleared after each test. What collection built (modules, 4,000
# test items and their fixtures) is kept to the end: frozen once collected, out of the collector's
# sight. And the default thresholds run a full collection every 70,000 allocations or so, which one
# app start makes: ten times as many between collections (the young generations' walks stay short)
# cut their number by ten, for 50 MB more at the peak. None of this changes what a test runs or checks.
gc.set_threshold(7000, 10, 10)
# As the app does (duty_tui/heap.py): a rendered line cut into itself alone is not a cycle. Installed
# for the whole process, so every test runs the one Textual the app runs, whichever test built a Heap.
strip_cycles.install()
strip_caches.install()


# Files holding tests of 5–20 s each (duty-tui in a real terminal, product processes SIGKILLed): run
# first, so that xdist (worksteal hands out the last tests in pieces) never leaves one of them to the
# end of a run while the other worker has nothing left. Whole files move, in their own order: a
# module's fixtures are still made once; the rest keep theirs.
FIRST = ("tests/hostile/", "tests/crash/")


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(FIRST))  # a stable sort


def pytest_collection_finish(session: pytest.Session) -> None:
    freeze_what_is_kept()


def pytest_runtest_setup(item: pytest.Item) -> None:
    # A test that freezes the heap itself (and unfreezes it after, with its `unfrozen` fixture: see
    # tests/app/test_heap.py) counts what the collector finds once it unfreezes: it starts unfrozen,
    # so that nothing frozen here can be among it.
    if "unfrozen" in getattr(item, "fixturenames", ()):
        gc.unfreeze()


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    release_styles_caches()


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    if not gc.get_freeze_count():  # after a test that unfroze the process
        freeze_what_is_kept()


def freeze_what_is_kept() -> None:
    """Collect first, so that only what is alive is frozen: frozen garbage would never be freed."""
    gc.collect()
    gc.freeze()


# Thursday 26 November 2026, 10:30 in London (GMT, so also 10:30 UTC): inside support hours.
MORNING = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MORNING)


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    """The demo world on the fixed clock, and apps built on one data dir (restarts share it)."""
    harness = make_harness(tmp_path, MORNING)
    yield harness
    harness.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.in_dir(tmp_path / "data")
    yield store
    store.close()
