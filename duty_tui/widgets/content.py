"""Untrusted text → literal Textual ``Content`` (Static, Label, OptionList, border titles): :func:`content`.

The Textual twin of :func:`duty_tui.text.plain`: the characters come from :func:`duty_tui.text.shown`
(the text package's one sanitizer), so a pane shows the same thing whichever it uses. It lives here,
not in ``duty_tui.text``, because the text package never imports Textual.
"""

from __future__ import annotations

from textual.content import Content, Span

from duty_tui import text


def content(
    value: str, style: str | None = None, *, single_line: bool = False, limit: int | None = None
) -> Content:
    """Sanitized, literal :class:`~textual.content.Content`; ``single_line`` and ``limit`` as for
    :func:`duty_tui.text.shown`.

    ``Content(text)`` is never parsed: ``$variables`` and ``[tags]`` stay as typed. ``style`` (trusted,
    chosen by the caller) may use Textual style syntax such as ``"$accent bold"``.
    """
    shown = text.shown(value, single_line=single_line, limit=limit)
    spans = [Span(0, len(shown), style)] if style and shown else None
    return Content(shown, spans=spans, strip_control_codes=False)
