"""Sanitized, literal rich ``Text``: :func:`plain` and :func:`assemble`; :func:`cropped` cuts one to a width
and :func:`cell_segments` renders it for a table cell.

Also the styles this package applies, so every pane styles mentions, links, code and quotes alike.
Textual ``Content`` is made in the widget layer (``duty_tui/widgets/content.py``) from :func:`shown`,
the same string :func:`plain` wraps.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

from duty_tui.text.clean import _UNSAFE, _fix, sanitize, shown

if TYPE_CHECKING:
    from rich.console import Console

# Styles this package applies. Plain Rich style names (no theme variables) so they work in DataTable,
# Tree and RichLog as well as in Textual Content.
MENTION_STYLE: Final = "bold"
LINK_STYLE: Final = "underline"
CODE_STYLE: Final = "cyan"
QUOTE_STYLE: Final = "dim"

# Characters each one terminal cell wide that never join into a grapheme with their neighbours (ASCII,
# Latin-1 and the Latin extensions, the spacing modifiers, general punctuation up to the separators and
# bidi controls): text made only of these is as many cells as characters. tests/text check every one
# against Rich's own measure.
_NARROW = re.compile("[\x20-\x7e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e]*")


def plain(
    value: str, style: str | Style | None = None, *, single_line: bool = False, limit: int | None = None
) -> Text:
    """Sanitized, literal :class:`~rich.text.Text` (for DataTable cells, Tree labels, RichLog).

    ``style`` is applied as a span over the whole text, not as the base style, because
    ``Text.__eq__`` ignores the base style and the tables' unchanged-cell check must see style changes.
    """
    text = shown(value, single_line=single_line, limit=limit)
    spans = [Span(0, len(text), style)] if style and text else None
    return Text(text, spans=spans)


def _clean_text(text: Text) -> Text:
    """A Text built elsewhere, sanitized with its spans kept (only the replaced characters lose style)."""
    source = text.plain
    if _UNSAFE.search(source) is None:
        return text
    result = text.blank_copy()
    position = 0
    for match in _UNSAFE.finditer(source):
        if match.start() > position:
            result.append_text(text[position : match.start()])
        fixed = _fix(match)
        if fixed == match.group():  # kept as is (emoji flag): keep its style too
            result.append_text(text[match.start() : match.end()])
        elif fixed:
            result.append(fixed)
        position = match.end()
    if position < len(source):
        result.append_text(text[position:])
    return result


def assemble(*parts: str | tuple[str, str | Style] | Text) -> Text:
    """Like :meth:`rich.text.Text.assemble`, but every string is sanitized and never parsed as markup.

    ``(text, style)`` tuples: the text is untrusted, the style is the caller's. ``Text`` parts are
    sanitized too (keeping their spans), in case they were built from raw strings.
    """
    result = Text()
    for part in parts:
        if isinstance(part, Text):
            result.append_text(_clean_text(part))
        elif isinstance(part, tuple):
            value, style = part
            result.append(sanitize(value), style or None)
        else:
            result.append(sanitize(part))
    return result


def cropped(text: Text, width: int) -> Text:
    """A copy of `text` no wider than `width` cells, its end made "…" if it was wider: Rich's
    ``truncate(width, overflow="ellipsis")``, which measures every grapheme of a summary that is not
    all ASCII (50–100 µs for one row's summary with a dash in it); text of narrow characters only (most
    of what Jira and Slack send) is cut by its length instead, to the same result."""
    result = text.copy()
    source = text.plain
    if len(source) > width > 0 and _NARROW.fullmatch(source) is not None:
        result.plain = source[: width - 1] + "…"  # how truncate ends it, spans trimmed alike
    else:
        result.truncate(width, overflow="ellipsis")
    return result


def cell_segments(text: Text, base: Style, console: Console) -> list[Segment]:
    """`text` as segments in the `base` style: what ``Segment.apply_style(text.render(console),
    style=base)`` makes. Table cells are one span from the start (a style over the words, padding
    after), which is made here directly; Rich's general walk over the spans costs twice as much, for
    every cell of every row drawn. Anything else goes through Rich."""
    spans, plain = text.spans, text.plain
    if len(spans) > 1 or (spans and (spans[0].start != 0 or spans[0].end > len(plain))):
        made: list[Segment] = list(text.render(console, end=""))
    elif not spans:
        made = [Segment(plain)]  # as Rich: no spans, no style (not even the text's own)
    else:
        own = console.get_style(text.style, default=Style.null())
        end = spans[0].end
        spanned = own + console.get_style(spans[0].style, default=Style.null())  # as Rich combines them
        made = [Segment(plain[:end], spanned)] if end else []
        if end < len(plain):
            made.append(Segment(plain[end:], own))
    return list(Segment.apply_style(made, style=base))
