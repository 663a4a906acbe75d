"""Shared fixtures: a fixed clock, a temporary store, the simulators and the demo world."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import textual._wait
import textual.screen

from duty_tui.clock import ManualClock
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
