"""duty_tui.text.render: plain and assemble build literal rich Text; cropped cuts it to a width."""

from __future__ import annotations

import random

from rich.cells import cell_len, split_graphemes
from rich.text import Span, Text

from duty_tui.text import LINE_BREAK, assemble, plain
from duty_tui.text.render import cropped
from tests.text.helpers import assert_clean


def test_plain_is_literal_with_style_as_a_span() -> None:
    text = plain("[b]x[/b]")
    assert text.plain == "[b]x[/b]"
    assert text.spans == []
    bold = plain("[b]x[/b]", "bold")
    assert bold.spans == [Span(0, 8, "bold")]
    assert bold.style == ""  # not the base style: Text.__eq__ ignores that
    assert plain("x", "bold") != plain("x", "italic")
    assert plain("", "bold").spans == []


def test_plain_single_line_and_limit() -> None:
    assert plain("a\nb", single_line=True).plain == f"a{LINE_BREAK}b"
    assert plain("a\nb").plain == "a\nb"
    assert plain("abcdef", limit=4).plain == "abc…"
    capped = plain("abcdef", "bold", single_line=True, limit=4)
    assert capped.plain == "abc…"
    assert capped.spans == [Span(0, 4, "bold")]


def test_assemble_sanitizes_every_part() -> None:
    outside = Text("\x1b[31mred", style="italic")
    outside.stylize("bold", 5, 8)
    result = assemble("[b]who\x07", " ", ("\u202e12s", "dim"), outside)
    assert result.plain == "[b]who 12s[31mred"
    assert Span(7, 10, "dim") in result.spans
    assert any(span.style == "bold" and result.plain[span.start : span.end] == "red" for span in result.spans)
    assert_clean(result.plain)


def _narrow_characters() -> list[str]:
    from duty_tui.text.render import _NARROW

    return [chr(c) for c in range(0x20, 0x2100) if _NARROW.fullmatch(chr(c))]


def test_every_narrow_character_is_one_cell_and_its_own_grapheme_as_rich_measures() -> None:
    """`cropped` cuts text of these characters by length: Rich must agree, character by character and
    side by side (no two of them join into one grapheme)."""
    narrow = _narrow_characters()
    assert len(narrow) == 774  # ASCII, Latin-1, the Latin extensions, punctuation
    assert all(cell_len(ch) == 1 for ch in narrow)
    joined = "".join(narrow)
    spans, cells = split_graphemes(joined)
    assert cells == len(joined) and len(spans) == len(joined)
    for hostile in ("\u200b", "\u200d", "\u202e", "\u2028", "\u0301", "\ufe0f", "\x1b", "界", "🚨"):
        assert hostile not in narrow


def test_cropped_is_what_rich_truncate_makes() -> None:
    rng = random.Random(4)
    narrow = _narrow_characters()
    other = ["界", "🚨", "e\u0301", "👩\u200d💻", "\u200b", "ﾟ"]
    for _ in range(3000):
        pool = narrow if rng.random() < 0.7 else [*narrow[:40], *other]
        value = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 60)))
        cell = Text(value, spans=[Span(0, rng.randrange(0, len(value) + 1), "bold")] if value else None)
        width = rng.randrange(1, 70)
        expected = cell.copy()
        expected.truncate(width, overflow="ellipsis")
        found = cropped(cell, width)
        assert (found.plain, found.spans) == (expected.plain, expected.spans), (value, width)
        assert cell.plain == value  # the cell itself is left alone


def test_cell_segments_are_what_rich_renders_in_the_base_style() -> None:
    from rich.console import Console
    from rich.segment import Segment
    from rich.style import Style

    from duty_tui.text.render import cell_segments

    console, rng = Console(), random.Random(6)
    base = Style(color="#e0e0e0", bgcolor="#202030")
    styles = ["", "bold", "bold red", "dim green", Style(italic=True), "cyan on red"]
    for _ in range(3000):
        value = "".join(rng.choice("ab c🚨–") for _ in range(rng.randrange(0, 12)))
        spans = []
        for _ in range(rng.choice([0, 1, 1, 1, 2])):  # one from the start mostly (table cells), else any
            start = 0 if rng.random() < 0.7 else rng.randrange(0, len(value) + 1)
            spans.append(Span(start, rng.randrange(start, len(value) + 1), rng.choice(styles)))
        cell = Text(value, style=rng.choice(styles), spans=spans)
        cell.pad_right(rng.randrange(0, 4))
        expected = list(Segment.apply_style(cell.render(console, end=""), style=base))
        assert cell_segments(cell, base, console) == expected, (value, spans, cell.style)
