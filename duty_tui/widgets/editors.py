"""Text fields for the engineer's own words: Textual's `Input` and `TextArea`, fed only sanitized text.

Typed keys never carry a control character (Textual drops a key that is not printable), but a paste does:
a terminal hands the clipboard over in a bracketed paste as it is, and Textual inserts it unchanged. So a
C1 control (U+009B is the 8-bit CSI), a bidi override or an invisible character copied from a web page or a
chat went into the field, was drawn to the terminal as it was, and was then posted (a Jira comment takes the
editor's text as typed). These fields pass a paste, and a starting value, through `duty_tui.text.sanitize`,
the rules everything else shown follows; line breaks and tabs stay.

Textual calls each class's `_on_paste` along the MRO, most derived first, so the fields below clean the
event's text and Textual's own handler then inserts it.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input, TextArea

from duty_tui import text


class PlainInput(Input):
    """An `Input` whose starting value and pastes are sanitized."""

    def __init__(self, value: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(text.sanitize(value) if value else value, *args, **kwargs)

    def _on_paste(self, event: events.Paste) -> None:
        event.text = text.sanitize(event.text)


class PlainTextArea(TextArea):
    """A `TextArea` whose starting text and pastes are sanitized."""

    def __init__(self, text_: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(text.sanitize(text_), *args, **kwargs)

    async def _on_paste(self, event: events.Paste) -> None:
        event.text = text.sanitize(event.text)
