"""Rendered lines that make their caches when first asked: Textual's `Strip` without seven empty caches.

Every `Strip` (one rendered line) makes seven `FIFOCache`s in its constructor, each an object with a
dict, for what may later be derived from it (crops, divides, styles…). Most lines are never asked for
any of that: a table row is rendered, cut once at the widget's edges and painted. So each line cost
fifteen objects where two would do, and fourteen of them are tracked by the cycle collector. The
soak benchmark counted 16,740 more `FIFOCache`s alive at the end of the day than after its warm-up
(seven per line kept). Making a line took 0.99 µs, 0.19 µs without them; over the soak day the
middle generation's collections went from 24 (up to 35 ms, one of them inside a dialog's frame) to 6
(up to 2 ms).

`install()` gives `Strip` a constructor that leaves those seven slots empty, and puts in front of
each slot a descriptor that makes its cache (the same `FIFOCache`, the same size) the first time
Textual reads it (Textual reads each as `self._crop_cache.get(...)` and writes
`self._crop_cache[...] = ...`). Only those seven names go through it: every other attribute of a line
is read as before. Checked against the installed Textual when installed: if a `Strip` made by its own
constructor does not have exactly these slots, caches, sizes and other values, nothing is installed
and the app runs as before.
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
    original = Strip.__init__

    def __init__(self: Strip, segments: Iterable[Any], cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    if not _made_as_expected(Strip, FIFOCache, __init__):
        return False
    for name, size in CACHES.items():
        setattr(Strip, name, _MadeWhenRead(vars(Strip)[name], FIFOCache, size))
    setattr(__init__, _INSTALLED, True)
    __init__.__wrapped__ = original  # type: ignore[attr-defined]  # Textual's, as functools.wraps keeps it
    Strip.__init__ = __init__  # type: ignore[method-assign]
    return True


class _MadeWhenRead:
    """In front of one cache slot of `Strip`: the slot's cache, made (and kept in the slot) when first
    read. Setting it sets the slot, as before."""

    __slots__ = ("cache_class", "size", "slot")

    def __init__(self, slot: Any, cache_class: type[Any], size: int) -> None:
        self.slot = slot  # the slot's own descriptor: where the line keeps the cache
        self.cache_class = cache_class
        self.size = size

    def __get__(self, strip: Any, owner: type[Any] | None = None) -> Any:
        if strip is None:
            return self
        try:
            return self.slot.__get__(strip, owner)
        except AttributeError:  # not made yet
            cache = self.cache_class(self.size)
            self.slot.__set__(strip, cache)
            return cache

    def __set__(self, strip: Any, value: Any) -> None:
        self.slot.__set__(strip, value)


def _made_as_expected(strip_class: type[Any], cache_class: type[Any], ours: Any) -> bool:
    """Whether Textual's constructor sets exactly the slots this module knows, the caches as sized,
    and everything else as `ours` sets it."""
    if set(getattr(strip_class, "__slots__", ())) != set(CACHES) | set(PLAIN):
        return False
    if not all(type(vars(strip_class).get(name)).__name__ == "member_descriptor" for name in CACHES):
        return False
    for segments, cell_length in ((["x"], 1), ([], None)):
        theirs = strip_class(segments, cell_length)
        mine = object.__new__(strip_class)
        ours(mine, segments, cell_length)
        for name, size in CACHES.items():
            cache = getattr(theirs, name, None)
            if type(cache) is not cache_class or getattr(cache, "_maxsize", None) != size:
                return False
        for name in PLAIN:
            if getattr(theirs, name, _MISSING) != getattr(mine, name, _MISSING):
                return False
    return True


_MISSING = object()
