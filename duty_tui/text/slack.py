"""Slack mrkdwn → styled, literal :class:`~rich.text.Text` (:func:`slack_text`), and its links."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Final

import emoji
from rich.text import Text

from duty_tui.text.clean import one_line, sanitize
from duty_tui.text.markers import _marked
from duty_tui.text.names import NameLookup, _ask
from duty_tui.text.render import CODE_STYLE, LINK_STYLE, MENTION_STYLE, QUOTE_STYLE, plain
from duty_tui.text.runs import _build, _cap_runs, _Run, _single_line_runs

_BOLD, _ITALIC, _STRIKE = "bold", "italic", "strike"

# Slack escapes every literal <, > and & in `text`, so an unescaped <…> is always an entity.
_ENTITY = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
# Anything that can make mrkdwn render differently from plain text; without it, take the fast path.
_SLACK_SPECIAL = re.compile(r"[<>&*_~`:]")
_PRE = re.compile(r"```(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_QUOTE = re.compile(r"(?:&gt;|>)")
_SLACK_MARKS: Final = "*_~"
_SLACK_STYLES: Final = {"*": _BOLD, "_": _ITALIC, "~": _STRIKE}
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_OPENABLE_SCHEMES: Final = ("http:", "https:", "mailto:")
# Placeholders: sanitize() removed every C0 control, so these cannot occur in the text itself.
_ENTITY_MARK, _CODE_MARK = "\x00", "\x01"
_SHORTCODE_HINT = re.compile(r":[^\s:]+:")
_SKIN_TONE = re.compile(r"(:[^:\s]+:):skin-tone-([1-6]):")
# Slack's skin-tone-1 is the default yellow; 2–6 are the Fitzpatrick modifiers U+1F3FB–U+1F3FF.
_TONES: Final = {
    "1": "",
    "2": "\U0001f3fb",
    "3": "\U0001f3fc",
    "4": "\U0001f3fd",
    "5": "\U0001f3fe",
    "6": "\U0001f3ff",
}


def _unescape(value: str) -> str:
    # &amp; last, so "&amp;lt;" shows as "&lt;" (the sender typed "&lt;").
    if "&" not in value:
        return value
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _skin_tone(match: re.Match[str]) -> str:
    base = emoji.emojize(match.group(1), language="alias")
    if base == match.group(1):
        return match.group()  # unknown or custom emoji: leave the whole thing literal
    modifier = _TONES[match.group(2)]
    base = base.replace("\ufe0f", "")
    # The modifier follows the first code point, also inside ZWJ sequences (👨🏽‍💻, not 👨‍💻🏽).
    return base[0] + modifier + base[1:]


def _emojize(value: str) -> str:
    # emojize() costs a few microseconds even with nothing to do; most text has no ":name:" at all.
    if ":" not in value or _SHORTCODE_HINT.search(value) is None:
        return value
    if ":skin-tone-" in value:
        value = _SKIN_TONE.sub(_skin_tone, value)
    # emojize leaves unknown and custom :names: literal, which is what Slack users expect to see.
    result: str = emoji.emojize(value, language="alias")
    return result


def _entity(match: re.Match[str], names: NameLookup) -> _Run:
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
            return "@" + kind, MENTION_STYLE
        if kind == "subteam":
            return (label if label.startswith("@") else "@" + (label or "group")), MENTION_STYLE
        if kind == "date":
            return label or _epoch_text(rest.partition("^")[0]) or target, ""
        return label or target, ""
    if not sigil and _URL_SCHEME.match(target):
        return label or one_line(_unescape(target), 500), LINK_STYLE
    # Not an entity Slack would send (e.g. "<script>" from a bot that forgot to escape): show it as typed.
    return one_line(_unescape(match.group()), 500), ""


def _epoch_text(value: str) -> str:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (ValueError, OverflowError, OSError):
        return ""


@cache
def _style_name(styles: tuple[str, ...]) -> str:
    return " ".join(dict.fromkeys(styles))  # "*ping <@U1>*" is bold once, not "bold bold"


class _SlackRenderer:
    """Turns one sanitized message (entities already replaced by placeholders) into styled runs."""

    def __init__(self, entities: list[_Run]) -> None:
        self.entities = entities
        self.entity_index = 0
        self.runs: list[_Run] = []

    def add(self, text: str, style: str) -> None:
        if not text:
            return
        if self.runs and self.runs[-1][1] == style:
            self.runs[-1] = (self.runs[-1][0] + text, style)
        else:
            self.runs.append((text, style))

    def add_with_entities(self, text: str, styles: tuple[str, ...]) -> None:
        """Finished text that may hold entity placeholders.

        Placeholders are met in text order, so the n-th one met is the n-th entity found.
        """
        style = _style_name(styles)
        if _ENTITY_MARK not in text:
            self.add(text, style)
            return
        for number, part in enumerate(text.split(_ENTITY_MARK)):
            if number and self.entity_index < len(self.entities):
                shown, entity_style = self.entities[self.entity_index]
                self.entity_index += 1
                self.add(shown, _style_name((*styles, entity_style)) if entity_style else style)
            self.add(part, style)

    def block(self, text: str) -> None:
        for number, line in enumerate(text.split("\n")):
            if number:
                self.add("\n", "")
            # Quote detection sees the escaped text: "&amp;gt; x" is a literal "&gt; x", not a quote.
            self.line(line, (QUOTE_STYLE,) if _QUOTE.match(line) else ())

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
                    self.add_with_entities(codes[code_index], (*piece_styles, CODE_STYLE))
                    code_index += 1
                self.add_with_entities(part, piece_styles)

    def pre(self, text: str, more: bool) -> None:
        """A ```pre``` block: lines of its own, as Slack shows it. ``more``: text follows it."""
        if self.runs and not self.runs[-1][0].endswith("\n"):
            last, style = self.runs[-1]
            self.runs[-1] = (last.rstrip(" \t"), style)
            self.add("\n", "")
        # The fences usually sit on their own lines: drop the newline just inside each.
        self.add_with_entities(_unescape(text.removeprefix("\n").removesuffix("\n")), (CODE_STYLE,))
        if more:
            self.add("\n", "")


def slack_text(text: str, names: NameLookup, *, single_line: bool = False, limit: int | None = None) -> Text:
    """Slack mrkdwn → styled, literal :class:`~rich.text.Text`. Never interprets Rich/Textual markup.

    Mentions resolve through ``names`` (unknown ids show as ``@U…``), links show their label
    (underlined; the URL is in :func:`slack_links`), ``&lt; &gt; &amp;`` are unescaped (``&amp;`` last),
    ``*bold* _italic_ ~strike~ `code` ```pre```` become styles with the markers removed, quote lines are
    dimmed, and ``:shortcodes:`` become emoji (unknown and custom ones stay literal). Names and labels are
    untrusted and sanitized like the rest. ``single_line`` collapses whitespace as :func:`one_line` does;
    ``limit`` caps the result at that many characters, "…" included.
    """
    source = sanitize(text)
    if _SLACK_SPECIAL.search(source) is None:
        return plain(source, single_line=single_line, limit=limit)
    # Names are looked up on every call (they arrive and change while the app runs); the parse itself
    # depends only on the text and those names, so it is cached: the tables re-render every row on
    # each poll, and most messages have not changed. Long messages are rare and would make the cache
    # big, so they are parsed afresh.
    found = _ENTITY.finditer(source) if "<" in source else ()
    entities = tuple(_entity(match, names) for match in found)
    parse = _slack_runs_cached if len(source) <= _CACHE_MAX_CHARS else _slack_runs
    return _build(parse(source, entities, single_line, limit))


def _slack_runs(
    source: str, entities: tuple[_Run, ...], single_line: bool, limit: int | None
) -> tuple[_Run, ...]:
    """The styled runs of a sanitized message whose entities are already resolved (pure, so cached)."""
    body = _ENTITY.sub(_ENTITY_MARK, source) if entities else source
    renderer = _SlackRenderer(list(entities))
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
