"""The app's heap over a ten-hour day: shorter garbage collections, and nothing kept of closed widgets.

Two things the soak benchmark (benchmarks/soak.py) measured and this module answers:

- **Full collections stall the UI thread.** CPython's collector walks every tracked object on a full
  (generation 2) collection, and holds the GIL while it does: 40–150 ms on this heap. Four things
  keep them short and rare:

  - `settle()`, once after the first paint, collects and then `gc.freeze()`s what start-up built and
    keeps for the day (modules, classes, Textual's CSS: about 120,000 of the 195,000 objects), out of
    the collector's sight, as Python's documentation suggests for long-lived processes.
  - It then raises the youngest generation's threshold from 700 to 10,000 allocations. CPython runs
    a full collection once enough objects have been promoted into the oldest generation (a quarter
    of what the last full collection left there, and no sooner than every tenth collection of the
    middle one). At 700, rendered lines and messages alive at the moment of a young collection were
    promoted by the thousand, and the soak day ran a full collection every few minutes (most of its
    stalls over 50 ms); collected ten times less often, most of them have died by then, and the day
    runs a few. A young collection still takes 1–3 ms.
  - `strip_cycles.install()` (at construction, before the first paint): a rendered line Textual kept
    in its own cache was a reference cycle, half the garbage of every full collection.
  - `strip_caches.install()` (the same): a rendered line made seven empty caches, fourteen objects
    the collector tracks, for what is rarely derived from it; it now makes each when first asked.

  Freezing once, not again later: whatever is frozen and later becomes garbage in a cycle is never
  collected. Settling again every hour halved the collections once more but kept ~2,000 dead objects
  a settle, with their lines' text: +13.6 MB RSS over the soak day against +7 MB freezing once.
  `unfreeze_leak()` (used by the soak) counts what freezing kept.

- **Textual keeps closed widgets alive.** `StylesCache.get_inner_outer` is an `lru_cache` on an
  instance method, so up to 1,024 widgets' style caches, with their rendered lines, stay reachable
  from the class (Textual issue 6665). And every `TextArea` watches `app.theme`; Textual drops the
  watchers of closed nodes only when the theme changes, so each editor a dialog ever showed stays,
  document and all. `release_closed_widgets` clears both, on the app's clock tick.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from textual.app import App

from duty_tui import strip_caches, strip_cycles


def _inner_outer_cache_clear() -> Callable[[], None] | None:
    """The leaking cache's `cache_clear`, or None once a Textual moves or fixes it (`textual>=8.2,<9`
    is what was measured): the workaround then does nothing rather than stop the app."""
    try:
        from textual._styles_cache import StylesCache
    except ImportError:
        return None
    clear: Callable[[], None] | None = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    return clear


CLEAR_INNER_OUTER = _inner_outer_cache_clear()


YOUNG_THRESHOLD = 10_000  # allocations between young collections (CPython's default: 700)


class Heap:
    """`settle()` once after the first paint; `tick(app)` on the clock tick."""

    def __init__(self) -> None:
        self.settled = False
        strip_cycles.install()  # before the first paint: no rendered line is a cycle
        strip_caches.install()  # nor carries caches it was never asked for

    def settle(self) -> None:
        """Collect what is garbage now, then freeze the survivors: later collections skip them."""
        if self.settled:  # once: see the module's docstring for why not again
            return
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        self.settled = True

    def tick(self, app: App[Any]) -> None:
        release_closed_widgets(app)


def release_closed_widgets(app: App[Any]) -> None:
    """Drop what Textual still holds of widgets that have gone (see the module's docstring)."""
    release_styles_caches()
    for watchers in getattr(app, "__watchers", {}).values():  # as Textual's own pruning reads them
        watchers[:] = [(node, callback) for node, callback in watchers if not _gone(node)]


def release_styles_caches() -> None:
    """Drop the style caches, rendered lines and all, that Textual's `get_inner_outer` keeps of up to
    1,024 widgets after they have gone (Textual issue 6665); live widgets rebuild theirs as they paint."""
    if CLEAR_INNER_OUTER is not None:
        CLEAR_INNER_OUTER()


def _gone(node: object) -> bool:
    return bool(getattr(node, "_closing", False) or getattr(node, "_closed", False))


def unfreeze_leak() -> int:
    """Diagnostic: unfreeze and collect everything; returns how many objects were garbage that freezing
    had kept. Stops the process's freezing."""
    gc.unfreeze()
    return gc.collect()
