"""A rendered line makes its caches when first asked for them, and answers as Textual's own line does
(duty_tui/strip_caches.py)."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.cache import FIFOCache
from textual.color import Color
from textual.filter import DimFilter
from textual.strip import Strip

from duty_tui import strip_caches

SEGMENTS = [
    Segment("LAA-1 ", Style(bold=True)),
    Segment("Portal ", Style(color="red", link="https://example.org")),
    Segment("down 🚨", Style(bgcolor="blue")),
]


def textuals(segments: list[Segment], cell_length: int | None = None) -> Strip:
    """A line made by Textual's own constructor."""
    strip = Strip.__new__(Strip)
    Strip.__init__.__wrapped__(strip, segments, cell_length)  # type: ignore[misc]
    return strip


def answers(strip: Strip) -> list[Any]:
    """What Textual derives from a line, each through one of the seven caches (twice: from the cache)."""
    found: list[Any] = []
    for _ in range(2):
        found += [
            [(part.text, part.cell_length) for part in strip.divide([6, 13, strip.cell_length])],
            list(strip.crop(2, 12)),
            list(strip.apply_style(Style(italic=True))),
            list(strip.apply_filter(DimFilter(), Color(0, 0, 0))),
            list(strip.adjust_cell_length(30, Style(bgcolor="green"))),
            list(strip.crop_extend(3, 25, Style(dim=True))),
            list(strip.apply_offsets(4, 7)),
            strip.text,
            strip.cell_length,
            strip.link_ids,
        ]
    return found


def test_installed_once_with_no_cache_made_until_asked() -> None:
    assert strip_caches.install() and strip_caches.install()
    strip = Strip(SEGMENTS)
    assert all(_unset(strip, name) for name in strip_caches.CACHES)
    strip.crop(0, 3)
    assert type(strip._crop_cache) is FIFOCache and strip._crop_cache._maxsize == 16
    assert strip._crop_cache is strip._crop_cache  # made once, kept in the line
    assert _unset(strip, "_divide_cache")  # the others still not made


def _unset(strip: Strip, name: str) -> bool:
    """Whether the line's own slot is empty (read past the descriptor that makes the cache)."""
    try:
        vars(Strip)[name].slot.__get__(strip, Strip)
    except AttributeError:
        return True
    return False


def test_every_derivation_answers_as_textuals_own_line() -> None:
    strip_caches.install()
    for segments, length in ((SEGMENTS, None), (SEGMENTS, 16), ([], 0)):
        assert answers(Strip(segments, length)) == answers(textuals(segments, length))


def test_other_attributes_are_read_as_before() -> None:
    """No `__getattr__`: an unknown name is Textual's own error, and no other attribute is slowed."""
    strip_caches.install()
    assert "__getattr__" not in vars(Strip)
    with pytest.raises(AttributeError, match="not_an_attribute"):
        Strip(SEGMENTS).not_an_attribute  # noqa: B018


def test_a_line_makes_far_fewer_objects_for_the_collector() -> None:
    strip_caches.install()
    gc.collect()
    before = len(gc.get_objects())
    ours = [Strip(SEGMENTS) for _ in range(1000)]
    made_ours = len(gc.get_objects()) - before
    theirs = [textuals(SEGMENTS) for _ in range(1000)]
    made_theirs = len(gc.get_objects()) - before - made_ours
    assert made_ours < made_theirs / 4  # Textual's: the line, its list and 7 caches with their dicts
    assert len(ours) == len(theirs)


def test_a_textual_that_makes_its_line_otherwise_is_left_alone() -> None:
    class Other:
        __slots__ = ("_cell_length", "_crop_cache", "_segments")

        def __init__(self, segments: list[Segment], cell_length: int | None = None) -> None:
            self._segments, self._cell_length, self._crop_cache = segments, cell_length, FIFOCache(16)

    ours = Strip.__init__
    assert not strip_caches._made_as_expected(Other, FIFOCache, ours)

    class TextualsStrip:  # Strip's slots, made by Textual's own constructor
        __slots__ = (*strip_caches.CACHES, *strip_caches.PLAIN)
        __init__ = Strip.__init__.__wrapped__  # type: ignore[attr-defined]

    assert strip_caches._made_as_expected(TextualsStrip, FIFOCache, ours)

    def differently(strip: Any, segments: list[Segment], cell_length: int | None = None) -> None:
        ours(strip, segments, cell_length)
        strip._cell_count = 0  # a Textual that works something out up front

    assert not strip_caches._made_as_expected(TextualsStrip, FIFOCache, differently)
