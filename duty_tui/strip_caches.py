"""Rendered lines that make their caches when first asked: Textual's `Strip` without seven empty caches.

Every `Strip` (one rendered line) makes seven `FIFOCache`s in its constructor, each an object with a
dict, for what may later be derived from it (crops, divides, styles…). Most lines are never asked for
any of that: a table row is rendered, cut once at the widget's edges and painted. So each line cost
fifteen objects where two would do, and fourteen of them are tracked by the cycle collector. The
soak benchmark counted 16,740 more `FIFOCache`s alive at the end of the day than after its warm-up
(seven per line kept), and a profile of 50 new messages in the channel spent most of building their
rows in `Strip.__init__`.

`install()` gives `Strip` a constructor that leaves those seven slots empty, and a `__getattr__` that
makes a slot's cache (the same `FIFOCache`, the same size) the first time Textual reads it: Textual
reads each as `self._crop_cache.get(...)` and `self._crop_cache[...] = ...`, and an unset slot is
exactly an attribute lookup that fails, which is when Python calls `__getattr__`. Nothing else of the
line changes. Checked against `textual>=8.2,<9` when installed: if a `Strip` made by Textual's own
constructor does not have exactly these slots, caches and sizes, nothing is installed and the app
runs as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_INSTALLED = "_duty_tui_lazy_caches"

# Each cache Textual's `Strip.__init__` makes, with its size (textual 8.2's strip.py).
CACHES = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}
# What the constructor sets besides the caches (None until worked out).
PLAIN = ("_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count")


def install() -> bool:
    """Give `Strip` lazily made caches, once; True if it has them (now or before)."""
    from textual.cache import FIFOCache
    from textual.strip import Strip

    if getattr(Strip.__init__, _INSTALLED, False):
        return True
    if not _made_as_expected(Strip, FIFOCache) or "__getattr__" in vars(Strip):
        return False
    original = Strip.__init__

    def __init__(self: Strip, segments: Iterable[Any], cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    def __getattr__(self: Strip, name: str) -> Any:
        size = CACHES.get(name)
        if size is None:
            raise AttributeError(name)
        cache: FIFOCache[Any, Any] = FIFOCache(size)
        setattr(self, name, cache)
        return cache

    setattr(__init__, _INSTALLED, True)
    __init__.__wrapped__ = original  # type: ignore[attr-defined]  # Textual's, as functools.wraps keeps it
    Strip.__init__ = __init__  # type: ignore[method-assign]
    Strip.__getattr__ = __getattr__  # type: ignore[attr-defined]
    return True


def _made_as_expected(strip_class: type[Any], cache_class: type[Any]) -> bool:
    """Whether Textual's constructor sets exactly the slots this module knows, the caches as sized."""
    probe = strip_class(["x"], 1)
    slots = set(getattr(strip_class, "__slots__", ()))
    if slots != set(CACHES) | set(PLAIN):
        return False
    for name, size in CACHES.items():
        cache = getattr(probe, name, None)
        if type(cache) is not cache_class or getattr(cache, "_maxsize", None) != size:
            return False
    return all(hasattr(probe, name) for name in PLAIN)
