"""duty_tui.text.render: plain and assemble build literal rich Text."""

from __future__ import annotations

from rich.text import Span, Text

from duty_tui.text import LINE_BREAK, assemble, plain
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
