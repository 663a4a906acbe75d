"""Untrusted text → something a widget may show. Every Jira, Slack and error string passes through here.

Three rules, enforced in one place so no pane has to remember them (see textual-notes.md §1):

1. **Never parse text as markup.** Many Textual sinks parse a plain ``str`` as Textual or Rich markup, so
   ``"[@click=app.quit]x[/]"`` in a Slack message would become a clickable action and ``"[/foo]"`` a
   crash. Everything here returns a literal :class:`rich.text.Text` (DataTable cells, Tree labels,
   RichLog) or :class:`textual.content.Content` (Static, Label, OptionList, border titles). Styles are
   chosen by this package, never by the text.
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

Layout (each module imports only from the standard library, rich, textual, emoji and this package):

* :mod:`~duty_tui.text.clean`: :func:`sanitize` and :func:`one_line`, the character rules.
* :mod:`~duty_tui.text.render`: :func:`plain`, :func:`content`, :func:`assemble` and the style constants.
* :mod:`~duty_tui.text.slack`: Slack mrkdwn (:func:`slack_text`, :func:`slack_links`), built on
  :mod:`~duty_tui.text.names` (:class:`NameLookup`, :class:`NoNames`), :mod:`~duty_tui.text.markers`
  (paired ``*bold*``-style markers, shared with Jira wiki text) and :mod:`~duty_tui.text.runs` (styled
  runs → one line, capped → ``Text``).
* :mod:`~duty_tui.text.wiki`: Jira v2 wiki markup (:func:`jira_wiki_text`), and text made literal
  for a comment duty-tui posts (:func:`wiki_literal`).
* :mod:`~duty_tui.text.adf`: Jira v3 Atlassian Document Format (:func:`adf_text`).
* :mod:`~duty_tui.text.errors`: :func:`error_sentence` and :func:`redact`.

Callers use ``from duty_tui import text`` and the names in ``__all__``. Underscored names are shared
between the modules of this package only.
"""

from __future__ import annotations

from duty_tui.text.adf import adf_text
from duty_tui.text.clean import ELLIPSIS as ELLIPSIS
from duty_tui.text.clean import LINE_BREAK, one_line, sanitize
from duty_tui.text.errors import error_sentence, redact
from duty_tui.text.names import NameLookup, NoNames
from duty_tui.text.render import CODE_STYLE, LINK_STYLE, MENTION_STYLE, QUOTE_STYLE, assemble, content, plain
from duty_tui.text.slack import slack_links, slack_text
from duty_tui.text.wiki import jira_wiki_text, wiki_literal

__all__ = [
    "CODE_STYLE",
    "LINE_BREAK",
    "LINK_STYLE",
    "MENTION_STYLE",
    "QUOTE_STYLE",
    "NameLookup",
    "NoNames",
    "adf_text",
    "assemble",
    "content",
    "error_sentence",
    "jira_wiki_text",
    "one_line",
    "plain",
    "redact",
    "sanitize",
    "slack_links",
    "slack_text",
    "wiki_literal",
]
