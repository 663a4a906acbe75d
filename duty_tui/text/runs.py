"""Styled runs ``(text, style)`` → one line, capped, and finally a :class:`~rich.text.Text`.

The run-level twins of :func:`~duty_tui.text.clean.one_line` and :func:`~duty_tui.text.clean._cap`, for
text that is already split into styled pieces (a parsed Slack message).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Span, Text

from duty_tui.text.clean import ELLIPSIS, LINE_BREAK, _needs_collapse

_Run = tuple[str, str]  # (text, style); style "" means unstyled

_WHITESPACE = re.compile(r"\s+")


def _single_line_runs(runs: list[_Run]) -> list[_Run]:
    """Collapse whitespace across runs exactly as :func:`one_line` does, keeping each run's style.

    Collapses the joined text once, then maps each run boundary through the edits: a replacement
    belongs to the run where its whitespace began. Cheap when (as usual) there is nothing to collapse.
    """
    full = "".join(text for text, _ in runs)
    if not _needs_collapse(full):
        return runs
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the joined text
    body_start, body_end = len(full) - len(full.lstrip()), len(full.rstrip())
    if body_start:
        edits.append((0, body_start, ""))
    for found in _WHITESPACE.finditer(full, body_start, body_end):
        chunk = found.group()
        if "\n" in chunk:
            edits.append((found.start(), found.end(), LINE_BREAK))
        elif chunk != " ":
            edits.append((found.start(), found.end(), " "))
    if body_end < len(full):
        edits.append((body_end, len(full), ""))
    pieces: list[str] = []
    position = 0
    for start, end, replacement in edits:
        pieces += [full[position:start], replacement]
        position = end
    pieces.append(full[position:])
    collapsed = "".join(pieces)
    result: list[_Run] = []
    shift = 0  # how much shorter the text before the current edit has become
    index = 0
    old_end = new_start = 0
    for text, style in runs:
        old_end += len(text)
        while index < len(edits) and edits[index][1] <= old_end:
            start, end, replacement = edits[index]
            shift += (end - start) - len(replacement)
            index += 1
        if index < len(edits) and edits[index][0] < old_end:  # this run ends inside an edit
            start, _, replacement = edits[index]
            new_end = start - shift + len(replacement)
        else:
            new_end = old_end - shift
        if new_end > new_start:
            result.append((collapsed[new_start:new_end], style))
            new_start = new_end
    return result


def _cap_runs(runs: list[_Run], limit: int | None) -> list[_Run]:
    total = sum(len(text) for text, _ in runs)
    if limit is None or total <= limit:
        return runs
    if limit <= 0:
        return []
    room = limit - 1
    result: list[_Run] = []
    for text, style in runs:
        if len(text) >= room:
            if room:
                result.append((text[:room], style))
            break
        result.append((text, style))
        room -= len(text)
    if result:
        last_text, last_style = result[-1]
        result[-1] = (last_text.rstrip(), last_style)
    result.append((ELLIPSIS, ""))
    return result


def _build(runs: Iterable[_Run]) -> Text:
    texts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for text, style in runs:
        if not text:
            continue
        texts.append(text)
        if style:
            if spans and spans[-1].end == offset and spans[-1].style == style:
                spans[-1] = Span(spans[-1].start, offset + len(text), style)
            else:
                spans.append(Span(offset, offset + len(text), style))
        offset += len(text)
    return Text("".join(texts), spans=spans)
