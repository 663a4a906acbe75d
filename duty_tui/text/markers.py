"""Paired single-character inline markers (Slack ``*bold*``, Jira ``-deleted-``), found in linear time."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache
from typing import Final

_MAX_STYLE_DEPTH: Final = 6
_KEYCAP: Final = ("\ufe0f", "\u20e3")


def _marked(line: str, marks: str, depth: int = 0, applied: str = "") -> Iterator[tuple[str, str]]:
    """Split one line by paired single-character markers, markers removed: yields (text, markers applied).

    Linear, unlike a regex with a lazy body (which is quadratic on "*a *a *a …"): every marker is
    classified once, and an opener's closer is found by bisecting the closers of its kind. An opener
    needs the line start or a non-word character other than itself before it and a non-space other
    than itself after it; a closer the mirror image. So "2*3*4", "snake_case", "__init__", "a * b"
    and "C++" stay literal, while "*_nested_*" nests.
    """
    if depth >= _MAX_STYLE_DEPTH or not any(mark in line for mark in marks):
        yield line, applied
        return
    size = len(line)
    closers: dict[str, list[int]] = {mark: [] for mark in marks}
    openers: list[int] = []
    for found in _marker_pattern(marks).finditer(line):
        at = found.start()
        mark = line[at]
        before = line[at - 1] if at else " "
        after = line[at + 1] if at + 1 < size else " "
        if after in _KEYCAP:
            continue  # the "*" of the emoji *️⃣, not a marker
        if not (before.isalnum() or before in ("_", mark)) and not after.isspace() and after != mark:
            openers.append(at)
        if at and not before.isspace() and before != mark and not (after.isalnum() or after in ("_", mark)):
            closers[mark].append(at)
    position = 0
    for at in openers:
        if at < position:
            continue
        mark = line[at]
        candidates = closers[mark]
        index = bisect_right(candidates, at + 1)  # at least one character between the markers
        if index == len(candidates):
            continue
        end = candidates[index]
        if at > position:
            yield line[position:at], applied
        yield from _marked(line[at + 1 : end], marks, depth + 1, applied + mark)
        position = end + 1
    if position < size:
        yield line[position:], applied


@cache
def _marker_pattern(marks: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(marks) + "]")
