"""Untrusted text → something a widget may show. Every Jira, Slack and error string passes through here.

Three rules, enforced in one place so no pane has to remember them (the tests in ``tests/text/`` prove
each one, through real widgets too):

1. **Never parse text as markup.** Many Textual sinks parse a plain ``str`` as Textual or Rich markup
   (https://textual.textualize.io/guide/content/), so ``"[@click=app.quit]x[/]"`` in a Slack message
   would become a clickable action and ``"[/foo]"`` a crash. Everything here returns a plain string or a
   literal :class:`rich.text.Text` (DataTable cells, Tree labels, RichLog); the widget layer turns the
   same strings into literal Textual ``Content`` (Static, Label, OptionList, border titles) in
   ``duty_tui/widgets/content.py``. Styles are chosen by this package or its caller, never by the text.
2. **Nothing reaches the terminal but printable text.** Rich and Textual strip only BEL, BS, VT, FF and
   CR, so ESC (CSI, OSC 0 titles, OSC 8 hyperlinks, OSC 52 clipboard writes, DCS) would pass through.
   :func:`sanitize` removes every C0/C1 control except ``\\n`` and ``\\t``. The rest of an escape
   sequence (``"]0;PWNED"``) stays visible, literally: an engineer should see that something odd was
   sent rather than have it silently vanish.
3. **Never crash on input.** Malformed ADF, lone surrogates, 20,000-character messages, 1,000-level
   nesting and exceptions whose ``str()`` raises all produce *some* text.

The character rules behind rules 2 and 3 (bidi controls, invisible format characters, zalgo, line
breaks, one-line rendering) are decisions panes and tests depend on; they are documented in
:mod:`duty_tui.text.clean`.

Layout. This is the lowest layer: its modules import only the standard library, rich, emoji and this
package, never Textual and no I/O library, so the rules and the I/O core may use it too.

* :mod:`~duty_tui.text.clean`: :func:`sanitize`, :func:`one_line` and :func:`shown`, the character
  rules, and :data:`UNSAFE_CHARACTER`, what :func:`sanitize` takes out (for output that escapes it instead).
* :mod:`~duty_tui.text.render`: :func:`plain`, :func:`assemble` and the style constants (rich ``Text``).
* :mod:`~duty_tui.text.slack`: Slack mrkdwn (:func:`slack_text`, :func:`slack_links`), built on
  :mod:`~duty_tui.text.names` (:class:`NameLookup`, :class:`NoNames`), :mod:`~duty_tui.text.markers`
  (paired ``*bold*``-style markers, shared with Jira wiki text), :mod:`~duty_tui.text.runs` (styled
  runs → one line, capped → ``Text``), :mod:`~duty_tui.text.slack_dates` (``<!date^…>``) and
  :mod:`~duty_tui.text.emoji_names` (Slack emoji names: :func:`emoji_glyph`, :func:`reaction_names`).
* :mod:`~duty_tui.text.slack_syntax`: mrkdwn as strings: :func:`slack_escape` for text duty-tui sends,
  :func:`ticket_keys` for the Jira keys a message mentions.
* :mod:`~duty_tui.text.wiki`: Jira v2 wiki markup (:func:`jira_wiki_text`), and text made literal
  for a comment duty-tui posts (:func:`wiki_literal`).
* :mod:`~duty_tui.text.adf`: Jira v3 Atlassian Document Format (:func:`adf_text`).
* :mod:`~duty_tui.text.errors`: :func:`error_sentence` and :func:`redact`, the one redactor (also used
  by ``SourceError`` and the log filter).
* :mod:`~duty_tui.text.timefmt`: :func:`duration`, the one duration formatter, and the clock
  formatters ``clock`` and ``day_clock`` (imported from that module).

Callers use ``from duty_tui import text`` and the names in ``__all__``. Underscored names are shared
between the modules of this package only. The names built on rich (:mod:`~duty_tui.text.render` and
:mod:`~duty_tui.text.slack`) are loaded on first use, so the rules and the I/O core, which use only the
string functions, never load rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from duty_tui.text.adf import adf_text
from duty_tui.text.clean import ELLIPSIS as ELLIPSIS
from duty_tui.text.clean import LINE_BREAK, UNSAFE_CHARACTER, one_line, sanitize, shown
from duty_tui.text.errors import error_sentence, redact
from duty_tui.text.names import KnownNames, NameLookup, NoNames
from duty_tui.text.slack_syntax import slack_escape, ticket_keys
from duty_tui.text.timefmt import duration
from duty_tui.text.wiki import jira_wiki_text, wiki_literal

if TYPE_CHECKING:
    from duty_tui.text.emoji_names import emoji_glyph, reaction_names
    from duty_tui.text.render import CODE_STYLE, LINK_STYLE, MENTION_STYLE, QUOTE_STYLE, assemble, plain
    from duty_tui.text.slack import slack_links, slack_text

# Names whose modules import rich or emoji: loaded by __getattr__ the first time they are asked for.
_ON_FIRST_USE = {
    "emoji_glyph": "emoji_names",
    "reaction_names": "emoji_names",
    "CODE_STYLE": "render",
    "LINK_STYLE": "render",
    "MENTION_STYLE": "render",
    "QUOTE_STYLE": "render",
    "assemble": "render",
    "plain": "render",
    "slack_links": "slack",
    "slack_text": "slack",
}

__all__ = [
    "CODE_STYLE",
    "LINE_BREAK",
    "LINK_STYLE",
    "MENTION_STYLE",
    "QUOTE_STYLE",
    "UNSAFE_CHARACTER",
    "KnownNames",
    "NameLookup",
    "NoNames",
    "adf_text",
    "assemble",
    "duration",
    "emoji_glyph",
    "error_sentence",
    "jira_wiki_text",
    "one_line",
    "plain",
    "reaction_names",
    "redact",
    "sanitize",
    "shown",
    "slack_escape",
    "slack_links",
    "slack_text",
    "ticket_keys",
    "wiki_literal",
]


def __getattr__(name: str) -> object:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if module == "render":
        from duty_tui.text import render

        value = getattr(render, name)
    elif module == "emoji_names":
        from duty_tui.text import emoji_names

        value = getattr(emoji_names, name)
    else:
        from duty_tui.text import slack

        value = getattr(slack, name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_ON_FIRST_USE})
