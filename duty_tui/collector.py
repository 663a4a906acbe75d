"""Pausing Python's cyclic garbage collector around bulk work that makes and keeps many objects.

Reading back 5,000 tickets' histories, or working out the figures from them, makes hundreds of thousands of
objects that are kept and none of which is in a cycle, yet each of the collector's full passes walks them all
(and the rest of the app's heap): about a third of the time of either. Reference counting still frees
everything while the collector is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector is off inside and resumes at the end, whatever happens. It is only resumed by the one
    that paused it, so two such blocks on two threads cannot leave it off."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
