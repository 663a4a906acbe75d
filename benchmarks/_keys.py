"""Timing a keypress as a terminal delivers it: the UI thread's CPU from the key to the frame that shows
what it did.

The key goes in as `Pilot.press` puts it in (`App._press_keys`: the driver's `Key` event), then Textual's
own wait until the process is idle, during which the screen's update timer paints. Each frame the app
writes to its terminal (`App._display`, which the headless driver then discards) is looked at as it
goes out: the figure is the UI thread's CPU up to the end of the first frame after which `shown()`
holds (the row shows the pending write; the dialog is gone), which is when a person sees it. What the
app goes on to do after that frame (the outbox's first try, offline here, reported a moment later) is
the second figure, until idle.

Not through the Pilot's `press` and `pause`: each of those waits by posting a callback to every widget
on the screen and waiting for all of them, on the UI thread (`Pilot._wait_for_screen`), a test
harness's cost that no key in a terminal pays and that grows with the widgets on the screen (about 3
ms a press on the dashboard, 1 ms on a bare table). `pilot_key_ms` times the same press through the
Pilot, for the benchmarks to print as a diagnostic. Garbage is collected before each press and not
during it (`no_collections`), for duty-tui and the baselines alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from _common import no_collections
from textual.pilot import Pilot

Timing = tuple[float, float]  # UI-thread CPU ms: to the frame that shows it, to idle


async def key_ms(pilot: Pilot[Any], key: str, shown: Callable[[], bool] | None = None) -> Timing:
    """Press `key`; the UI thread's CPU to the end of the first frame written after which `shown()`
    holds (any frame, for None; idle, when the key paints nothing), and to idle."""
    app = pilot.app
    seen: list[float] = []
    display = app._display

    def displayed(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None and not seen and (shown is None or shown()):
            seen.append((time.thread_time() - cpu) * 1000)

    app._display = displayed  # type: ignore[method-assign]
    try:
        with no_collections():
            cpu = time.thread_time()
            await app._press_keys([key])
            idle = (time.thread_time() - cpu) * 1000
    finally:
        del app._display
    screen = app.screen
    assert not screen._dirty_widgets and not screen._compositor._dirty_regions, f"{key}: not painted yet"
    assert shown is None or seen, f"{key}: no frame showed it"
    return (seen[0] if seen else idle), idle


async def pilot_key_ms(pilot: Pilot[Any], key: str) -> Timing:
    """The same press through the Pilot's waiting (`press`, then `pause`): the diagnostic (to idle)."""
    with no_collections():
        cpu = time.thread_time()
        await pilot.press(key)
        await pilot.pause()
        spent = (time.thread_time() - cpu) * 1000
        return spent, spent
