"""Slack mrkdwn → styled, literal :class:`~rich.text.Text` (:func:`slack_text`), and its links.

The string-level syntax (patterns, escaping, ticket keys) is in :mod:`~duty_tui.text.slack_syntax`,
dates in :mod:`~duty_tui.text.slack_dates`, emoji in :mod:`~duty_tui.text.emoji_names`.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Span, Text

from duty_tui.text.clean import one_line, sanitize
from duty_tui.text.emoji_names import _emojize
from duty_tui.text.markers import _marked
from duty_tui.text.names import NameLookup, _ask, _ask_url
from duty_tui.text.render import CODE_STYLE, LINK_STYLE, MENTION_STYLE, QUOTE_STYLE, plain
from duty_tui.text.runs import _build, _cap_runs, _Run, _single_line_runs
from duty_tui.text.slack_dates import date_text
from duty_tui.text.slack_syntax import _CODE, _ENTITY, _PRE, TICKET_KEY, _key_candidates, _unescape

_BOLD, _ITALIC, _STRIKE = "bold", "italic", "strike"

# Anything that can make mrkdwn render differently from plain text; without it (and without a ticket
# link), take the fast path.
_SLACK_SPECIAL = re.compile(r"[<>&*_~`:]")
_QUOTE = re.compile(r"(?:&gt;|>)")
_QUOTE_REST = re.compile(r"(?:&gt;|>){3}")  # ">>>": everything after it is quoted
_SLACK_MARKS: Final = "*_~"
_SLACK_STYLES: Final = {"*": _BOLD, "_": _ITALIC, "~": _STRIKE}
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_OPENABLE_SCHEMES: Final = ("http:", "https:", "mailto:")
# Placeholders: sanitize() removed every C0 control, so these cannot occur in the text itself.
_ENTITY_MARK, _CODE_MARK = "\x00", "\x01"
# Ticket keys asked about per message: a pasted list of thousands must not mean thousands of lookups.
_MAX_TICKET_LOOKUPS: Final = 100

_Tickets = tuple[tuple[str, str], ...]  # (key, url) for the keys the lookup linked


_Entity = tuple[str, str]  # what an entity shows, and its style name


def _entity(match: re.Match[str], names: NameLookup, zone: ZoneInfo | None) -> _Entity:
    sigil, target, label = match.group(1), match.group(2).strip(), match.group(3)
    label = one_line(_unescape(label), 200) if label else ""
    if sigil == "@" and target:
        name = _ask(names.user_name, target) or label.removeprefix("@") or target
        return "@" + name, MENTION_STYLE
    if sigil == "#" and target:
        name = _ask(names.channel_name, target) or label.removeprefix("#") or target
        return "#" + name, MENTION_STYLE
    if sigil == "!" and target:
        kind, _, rest = target.partition("^")
        if kind in ("here", "channel", "everyone"):
            return "@" + kind, MENTION_STYLE  # also the old form, <!here|here>
        if kind == "subteam":
            return (label if label.startswith("@") else "@" + (label or "group")), MENTION_STYLE
        if kind == "date":
            return date_text(rest, label, zone) or target, ""
        return label or target, ""
    if not sigil and _URL_SCHEME.match(target):
        if label:
            return label, LINK_STYLE
        # <mailto:a@b.c> shows the address, as Slack does; other links show the URL.
        shown = target[len("mailto:") :] if target.lower().startswith("mailto:") else target
        return one_line(_unescape(shown), 500), LINK_STYLE
    # Not an entity Slack would send (e.g. "<script>" from a bot that forgot to escape): show it as typed.
    return one_line(_unescape(match.group()), 500), ""


@cache
def _style_name(styles: tuple[str, ...]) -> str:
    return " ".join(dict.fromkeys(styles))  # "*ping <@U1>*" is bold once, not "bold bold"


def _link_style_name(styles: tuple[str, ...], url: str) -> str:
    """A ticket link while the message is parsed: the surrounding styles, underlined, and the URL.

    The runs (and the parse cache) hold style names only; :func:`_linked` turns this one into a
    ``Style`` with ``link=url`` once the text is built. The URL is one word (``_ask_url`` allows no
    whitespace), so it cannot add styles of its own.
    """
    return f"{_style_name((*styles, LINK_STYLE))} link {url}"


def _linked(text: Text) -> Text:
    """The ticket links' style names → rich ``Style`` objects with ``link`` (a terminal hyperlink)."""
    text.spans = [
        Span(span.start, span.end, Style.parse(span.style))  # parse is cached: one Style per link
        if isinstance(span.style, str) and " link " in span.style
        else span
        for span in text.spans
    ]
    return text


class _SlackRenderer:
    """Turns one sanitized message (entities already replaced by placeholders) into styled runs."""

    def __init__(self, entities: list[_Entity], tickets: dict[str, str]) -> None:
        self.entities = entities
        self.entity_index = 0
        self.tickets = tickets
        self.runs: list[_Run] = []
        self.quote_rest = False  # after ">>>", every line is quoted

    def add(self, text: str, style: str) -> None:
        if not text:
            return
        if self.runs and self.runs[-1][1] == style:
            self.runs[-1] = (self.runs[-1][0] + text, style)
        else:
            self.runs.append((text, style))

    def add_words(self, text: str, styles: tuple[str, ...], link: bool) -> None:
        """Words without entities; with ``link``, the ticket keys the lookup knows become links."""
        style = _style_name(styles)
        if not link or not self.tickets or "-" not in text:
            self.add(text, style)
            return
        position = 0
        for found in TICKET_KEY.finditer(text):
            url = self.tickets.get(found.group())
            if url is not None:
                self.add(text[position : found.start()], style)
                self.add(found.group(), _link_style_name(styles, url))
                position = found.end()
        self.add(text[position:], style)

    def add_with_entities(self, text: str, styles: tuple[str, ...], *, link: bool = True) -> None:
        """Finished text that may hold entity placeholders; ``link``: link ticket keys (not in code).

        Placeholders are met in text order, so the n-th one met is the n-th entity found. An entity's
        own text is never searched for keys: a link label is already a link.
        """
        if _ENTITY_MARK not in text:
            self.add_words(text, styles, link)
            return
        for number, part in enumerate(text.split(_ENTITY_MARK)):
            if number and self.entity_index < len(self.entities):
                shown, entity_style = self.entities[self.entity_index]
                self.entity_index += 1
                self.add(shown, _style_name((*styles, entity_style) if entity_style else styles))
            self.add_words(part, styles, link)

    def block(self, text: str) -> None:
        for number, line in enumerate(text.split("\n")):
            if number:
                self.add("\n", "")
            # Quote detection sees the escaped text: "&amp;gt; x" is a literal "&gt; x", not a quote.
            self.quote_rest = self.quote_rest or _QUOTE_REST.match(line) is not None
            self.line(line, (QUOTE_STYLE,) if self.quote_rest or _QUOTE.match(line) else ())

    def line(self, line: str, styles: tuple[str, ...]) -> None:
        codes: list[str] = []
        if "`" in line:

            def keep(found: re.Match[str]) -> str:
                codes.append(_unescape(found.group(1)))  # code is literal: no emoji, no styles
                return _CODE_MARK

            line = _CODE.sub(keep, line)
        # Unescaping cannot create a marker, and emoji only make "*" in a keycap, which _marked skips.
        line = _emojize(_unescape(line))
        code_index = 0
        for piece, marks in _marked(line, _SLACK_MARKS):
            piece_styles = (*styles, *(_SLACK_STYLES[mark] for mark in marks)) if marks else styles
            if not codes or _CODE_MARK not in piece:
                self.add_with_entities(piece, piece_styles)
                continue
            for number, part in enumerate(piece.split(_CODE_MARK)):
                if number and code_index < len(codes):
                    self.add_with_entities(codes[code_index], (*piece_styles, CODE_STYLE), link=False)
                    code_index += 1
                self.add_with_entities(part, piece_styles)

    def pre(self, text: str, more: bool) -> None:
        """A ```pre``` block: lines of its own, as Slack shows it. ``more``: text follows it."""
        if self.runs and not self.runs[-1][0].endswith("\n"):
            last, style = self.runs[-1]
            self.runs[-1] = (last.rstrip(" \t"), style)
            self.add("\n", "")
        # The fences usually sit on their own lines: drop the newline just inside each.
        body = _unescape(text.removeprefix("\n").removesuffix("\n"))
        self.add_with_entities(body, (CODE_STYLE,), link=False)
        if more:
            self.add("\n", "")


def slack_text(
    text: str,
    names: NameLookup,
    *,
    single_line: bool = False,
    limit: int | None = None,
    zone: ZoneInfo | None = None,
) -> Text:
    """Slack mrkdwn → styled, literal :class:`~rich.text.Text`. Never interprets Rich/Textual markup.

    Mentions resolve through ``names`` (unknown ids show as ``@U…``), links show their label
    (underlined; the URL is in :func:`slack_links`), ``&lt; &gt; &amp;`` are unescaped (``&amp;`` last),
    ``*bold* _italic_ ~strike~ `code` ```pre```` become styles with the markers removed, quote lines
    (``>``, and every line after ``>>>``) are dimmed, and ``:shortcodes:`` become emoji (unknown and
    custom ones stay literal). Jira keys outside code and links for which ``names.ticket_url`` gives a URL
    are underlined links to it (a ``Style`` with ``link``, shown by terminals as a hyperlink).
    ``<!date^…>`` shows the epoch in ``zone`` when its format is one Slack documents, else the sender's
    fallback. Names and labels are untrusted and sanitized like the rest. ``single_line`` collapses
    whitespace as :func:`one_line` does; ``limit`` caps the result at that many characters, "…" included.
    """
    source = sanitize(text)
    tickets = _ticket_links(source, names)
    if not tickets and _SLACK_SPECIAL.search(source) is None:
        return plain(source, single_line=single_line, limit=limit)
    # Names are looked up on every call (they arrive and change while the app runs); the parse itself
    # depends only on the text and what the lookups answered, so it is cached with those answers as part
    # of the key: the tables re-render every row on each poll, and most messages have not changed. Long
    # messages are rare and would make the cache big, so they are parsed afresh.
    found = _ENTITY.finditer(source) if "<" in source else ()
    entities = tuple(_entity(match, names, zone) for match in found)
    parse = _slack_runs_cached if len(source) <= _CACHE_MAX_CHARS else _slack_runs
    built = _build(parse(source, entities, tickets, single_line, limit))
    return _linked(built) if tickets else built


def _ticket_links(source: str, names: NameLookup) -> _Tickets:
    """(key, url) for each distinct key in ``source`` that the lookup links, in order of first mention.

    Keys in code are asked about too (finding code here would mean parsing twice); the renderer does not
    link them.
    """
    if "-" not in source or getattr(names, "ticket_url", None) is None:
        return ()
    keys = _key_candidates(source)[:_MAX_TICKET_LOOKUPS]
    return tuple((key, url) for key in keys if (url := _ask_url(names, key)) is not None)


def _slack_runs(
    source: str,
    entities: tuple[_Entity, ...],
    tickets: _Tickets,
    single_line: bool,
    limit: int | None,
) -> tuple[_Run, ...]:
    """The styled runs of a sanitized message whose entities and tickets are resolved (pure, so cached)."""
    body = _ENTITY.sub(_ENTITY_MARK, source) if entities else source
    renderer = _SlackRenderer(list(entities), dict(tickets))
    position = 0
    # A ```pre``` block always stands on lines of its own, so every text block starts a line.
    for found in _PRE.finditer(body) if "```" in body else ():
        renderer.block(body[position : found.start()])
        position = found.end()
        while body.startswith((" ", "\t"), position):
            position += 1
        if body.startswith("\n", position):
            position += 1  # the block ends its line anyway
        renderer.pre(found.group(1), more=position < len(body))
    renderer.block(body[position:])
    runs = renderer.runs
    if single_line:
        runs = _single_line_runs(runs)
    return tuple(_cap_runs(runs, limit))


# Big enough for a 5,000-row table rendered in two shapes (a smaller LRU would miss on every row of a
# full re-render); entries are at most _CACHE_MAX_CHARS long, so the cache stays a few megabytes.
_slack_runs_cached = lru_cache(maxsize=12_288)(_slack_runs)
_CACHE_MAX_CHARS: Final = 1000


def slack_links(text: str) -> list[str]:
    """The http(s) and mailto URLs linked in a Slack message, in order (duplicates kept).

    Other schemes (``javascript:``, ``file:``, ``slack:``) are left out, so whatever opens these later
    cannot be tricked into running something.
    """
    links: list[str] = []
    for found in _ENTITY.finditer(sanitize(text)):
        if found.group(1):
            continue
        url = _unescape(found.group(2)).strip()
        if url.lower().startswith(_OPENABLE_SCHEMES) and not any(c.isspace() for c in url):
            links.append(url)
    return links
