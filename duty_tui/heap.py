"""The app's heap over a ten-hour day: short garbage collections, and nothing kept of closed widgets.

Two things the soak benchmark (benchmarks/soak.py) measured and this module answers:

- **Full collections stall the UI thread.** CPython's collector walks every tracked object on a full
  (generation 2) collection, and holds the GIL while it does. Once the dashboard has painted, most of
  the heap is what start-up built and keeps for the day (modules, classes, Textual's CSS, the cached
  tickets): about 170,000 objects, 100–150 ms a walk, a few times an hour. `gc.freeze()` moves them
  out of the collector's sight, as Python's documentation suggests for long-lived processes.
  What the day builds after that (polled tickets, rendered lines) grows back into the walk (about
  75,000 objects by the end of a soak day), so every `SETTLE_EVERY` the unfrozen objects are collected
  (short: only what the day built since) and the survivors frozen too. The price: whatever is alive
  at a settle and later becomes garbage in a cycle is never collected. So a settle waits for a quiet
  moment: no dialog open (its widgets die in a cycle when it closes), no worker running. What still
  gets caught (a toast showing, the virtual nodes Textual builds to read component classes' styles,
  rendered lines cached by a widget) is about 1,500 objects a settle in the soak: hourly, a few
  hundred kilobytes a day. `unfreeze_leak()` (used by the soak) counts what freezing kept.

- **Textual keeps closed widgets alive.** `StylesCache.get_inner_outer` is an `lru_cache` on an
  instance method, so up to 1,024 widgets' style caches, with their rendered lines, stay reachable
  from the class (Textual issue 6665). And every `TextArea` watches `app.theme`; Textual drops the
  watchers of closed nodes only when the theme changes, so each editor a dialog ever showed stays,
  document and all. `release_closed_widgets` clears both, on the app's clock tick.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from textual._styles_cache import StylesCache
from textual.app import App
from textual.screen import ModalScreen
from textual.worker import WorkerState

SETTLE_EVERY = timedelta(hours=1)  # an hour of the day unfrozen; each settle keeps a little garbage


class Heap:
    """When to collect and freeze. `settle()` once after the first paint, `tick()` on the clock tick."""

    def __init__(self, now: Callable[[], datetime], every: timedelta = SETTLE_EVERY) -> None:
        self.now = now  # the runtime's clock, so a simulated day settles on simulated time
        self.every = every
        self.settled_at: datetime | None = None
        self.settles = 0
        self.waits: Counter[str] = Counter()  # settles put off, by what was alive

    def settle(self) -> None:
        """Collect what is garbage now, then freeze the survivors: later collections skip them."""
        gc.collect()
        gc.freeze()
        self.settled_at = self.now()
        self.settles += 1

    def tick(self, app: App[Any]) -> None:
        release_closed_widgets(app)
        if self.settled_at is None:  # not before the first paint has settled the start-up heap
            return
        if self.now() - self.settled_at < self.every:
            return
        waiting_for = busy(app)
        if waiting_for is not None:
            self.waits[waiting_for] += 1  # tried again on the next tick
            return
        self.settle()


def busy(app: App[Any]) -> str | None:
    """What is alive now that will soon be garbage in a cycle, or None. A toast is not waited for: on a
    busy day one is nearly always showing, and one frozen costs a few kilobytes once it times out."""
    if any(isinstance(screen, ModalScreen) for screen in app.screen_stack):
        return "a dialog"
    if any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in app.workers):
        return "a worker"
    return None


def release_closed_widgets(app: App[Any]) -> None:
    """Drop what Textual still holds of widgets that have gone (see the module's docstring)."""
    StylesCache.get_inner_outer.cache_clear()
    for watchers in getattr(app, "__watchers", {}).values():
        watchers[:] = [(node, callback) for node, callback in watchers if not (node._closing or node._closed)]


def unfreeze_leak() -> int:
    """Diagnostic: unfreeze and collect everything; returns how many objects were garbage that freezing
    had kept (the cost of a settle that caught garbage in a cycle). Stops the process's freezing."""
    gc.unfreeze()
    return gc.collect()
