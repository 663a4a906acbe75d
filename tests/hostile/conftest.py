"""The hostile world and duty-tui running on it in a real terminal, for each test."""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.terminal import Terminal
from tests.hostile.world import World, build
from tests.support import HOSTILE


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[World]:
    """The demo world with the whole corpus in it."""
    world = build(tmp_path, HOSTILE)
    yield world
    world.close()


@pytest.fixture
def terminal(hostile: World) -> Iterator[Terminal]:
    """duty-tui on the hostile world, in a pseudo-terminal. With $HOSTILE_TIMES set, each step's seconds are
    printed afterwards (run with -s), to see where a slow run spent its time."""
    started, cpu = time.monotonic(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    term = Terminal(hostile.spec)
    yield term
    term.close()
    if os.environ.get("HOSTILE_TIMES"):
        ends = [*term.times, ("", time.monotonic())]
        steps = [("start", started), *term.times]
        line = ", ".join(
            f"{label} {end - at:.1f}s" for (label, at), (_, end) in zip(steps, ends, strict=False)
        )
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        app = used.ru_utime + used.ru_stime - children.ru_utime - children.ru_stime
        here = time.process_time() - cpu
        sys.stderr.write(f"\n{len(term.output):,} bytes; CPU: app {app:.1f}s, test {here:.1f}s; {line}\n")
