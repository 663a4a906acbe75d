"""Timing a keypress as a terminal delivers it: the UI thread's CPU from the key to its repaint.

Not through the Pilot's `press` and `pause`: each of those waits by posting a callback to every widget
on the screen and waiting for all of them, on the UI thread (`Pilot._wait_for_screen`). That is a test
harness's cost, which no key in a terminal pays and which grows with the widgets on the screen (about
5 ms a press on the dashboard, 1 ms on a bare table). Here the key goes in as `Pilot.press` puts it in
(`App._press_keys`: the driver's `Key` event), then Textual's own wait until the process is idle, during
which the screen's update timer paints. `pilot_key_ms` times the same press through the Pilot, for the
benchmarks to print as a diagnostic. Garbage is collected before each press and not during it
(`no_collections`), for duty-tui and the baselines alike.
"""

from __future__ import annotations

import time
from typing import Any

from _common import no_collections
from textual.pilot import Pilot

Timing = tuple[float, float]  # (UI-thread CPU ms, wall ms)


async def key_ms(pilot: Pilot[Any], key: str) -> Timing:
    """Press `key` and wait until the app is idle again, its repaint made."""
    app = pilot.app
    with no_collections():
        cpu, wall = time.thread_time(), time.perf_counter()
        await app._press_keys([key])
        timing = (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
    screen = app.screen
    assert not screen._dirty_widgets and not screen._compositor._dirty_regions, f"{key}: not painted yet"
    return timing


async def pilot_key_ms(pilot: Pilot[Any], key: str) -> Timing:
    """The same press through the Pilot's waiting (`press`, then `pause`): the diagnostic."""
    with no_collections():
        cpu, wall = time.thread_time(), time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        return (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
