"""Rendered lines that free themselves: Textual's `Strip.divide` without the line's reference to itself.

Textual caches what it derives from a line on the line itself. The compositor cuts every line it
paints at the edges of the widgets on it (`Strip.divide`), and most lines lie within one widget: the
answer is then the line itself, `[line]`, which Textual caches in the line's own divide cache. Every
such line is a reference cycle, so when its widget repaints, the old line is not freed by reference
counting but waits, with its segments and caches, for the cycle collector. The soak benchmark
measured half the garbage of each full collection as such lines.

`install()` answers that one case without caching it: same result (the cached value was `[line]`),
no cycle. Checked against `textual>=8.2,<9`; if a later Textual renames the method, nothing is
wrapped and the app runs as before. (`crop_extend` can cache a line in itself too, but only Textual's
Log and RichLog call it, and duty-tui shows neither.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_WRAPPED = "_duty_tui_without_self"


def install() -> bool:
    """Wrap `Strip.divide` once; True if it is wrapped (now or before)."""
    from textual.strip import Strip

    divide = getattr(Strip, "divide", None)
    if divide is None:
        return False
    if getattr(divide, _WRAPPED, False):
        return True

    def divide_without_self(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
        # The compositor's call: one cut, at the line's end (a list; anything else goes to Textual)
        if type(cuts) is list and len(cuts) == 1 and cuts[0] == self.cell_length:
            return [self]  # Textual's own answer, not kept in the line
        return divide(self, cuts)  # type: ignore[no-any-return]

    setattr(divide_without_self, _WRAPPED, True)
    divide_without_self.__wrapped__ = divide  # type: ignore[attr-defined]  # Textual's, as functools.wraps keeps it
    Strip.divide = divide_without_self  # type: ignore[method-assign]
    return True
