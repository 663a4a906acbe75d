"""Untrusted text → something a widget may show. Every Jira, Slack and error string passes through here.

Three rules, enforced in one place so no pane has to remember them (see textual-notes.md §1):

1. **Never parse text as markup.** Many Textual sinks parse a plain ``str`` as Textual or Rich markup, so
   ``"[@click=app.quit]x[/]"`` in a Slack message would become a clickable action and ``"[/foo]"`` a
   crash. Everything here returns a literal :class:`rich.text.Text` (DataTable cells, Tree labels,
   RichLog) or :class:`textual.content.Content` (Static, Label, OptionList, border titles). Styles are
   chosen by this module, never by the text.
2. **Nothing reaches the terminal but printable text.** Rich and Textual strip only BEL, BS, VT, FF and
   CR, so ESC (CSI, OSC 0 titles, OSC 8 hyperlinks, OSC 52 clipboard writes, DCS) would pass through.
   :func:`sanitize` removes every C0/C1 control except ``\\n`` and ``\\t``. The rest of an escape
   sequence (``"]0;PWNED"``) stays visible, literally: an engineer should see that something odd was
   sent rather than have it silently vanish.
3. **Never crash on input.** Malformed ADF, lone surrogates, 20,000-character messages, 1,000-level
   nesting and exceptions whose ``str()`` raises all produce *some* text.

Decisions (documented here because panes and tests depend on them):

* **Bidi controls are removed**, not replaced by a marker (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F,
  U+061C). Removing them shows the text in its logical order, which is what a reviewer needs against
  "Trojan Source" reordering; a visible marker would litter every legitimately right-to-left message
  (LRM/RLM are common in Hebrew and Arabic text pasted from apps).
* **Invisible format characters are removed**: every Unicode ``Cf`` character (zero-width space and
  non-joiner, word joiner, BOM, Mongolian vowel separator, soft hyphen, invisible operators, interlinear
  annotation, tag characters) *except* U+200D ZERO WIDTH JOINER, so emoji ZWJ sequences survive. Soft
  hyphens go too: terminals disagree on whether they take a cell, which misaligns table columns. Tag
  characters are kept only inside emoji subdivision flags (🏴 + tags + cancel tag, e.g. Scotland), so they
  cannot smuggle hidden ASCII. Variation selectors U+FE0E/U+FE0F are kept; the other, invisible, selectors
  (VS1–14, VS17–256) are removed for the same reason.
* **Zalgo is capped**: a run of more than four combining diacritical marks keeps its first four. Real
  languages need at most three (Vietnamese, polytonic Greek); hundreds of stacked marks paint over
  neighbouring rows in some terminals.
* **Line breaks**: ``\\r\\n`` and lone ``\\r``, U+0085, U+2028 and U+2029 become ``\\n``; VT and FF become a
  space. Lone surrogates become U+FFFD (they would make the UTF-8 encoder raise when the frame is
  written); a surrogate pair given as two code points is joined.
* **One-line rendering** (table cells, titles): each whitespace run becomes one space, except a run
  containing a line break, which becomes ``" ⏎ "`` (:data:`LINE_BREAK`) so a reader can tell a
  multi-line message from a long sentence. Leading and trailing whitespace is dropped. Capping keeps
  ``limit - 1`` characters and adds "…", so the result is at most ``limit`` characters long.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Final, Protocol

import emoji
from rich.style import Style
from rich.text import Span, Text
from textual.content import Content
from textual.content import Span as ContentSpan

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
    "sanitize",
    "slack_links",
    "slack_text",
]

LINE_BREAK: Final = " ⏎ "
"""What a line break becomes in one-line text (U+23CE is one cell wide everywhere)."""
ELLIPSIS: Final = "…"

# Styles this module applies. Plain Rich style names (no theme variables) so they work in DataTable,
# Tree and RichLog as well as in Content.
MENTION_STYLE: Final = "bold"
LINK_STYLE: Final = "underline"
CODE_STYLE: Final = "cyan"
QUOTE_STYLE: Final = "dim"
_BOLD, _ITALIC, _STRIKE = "bold", "italic", "strike"

# ---------------------------------------------------------------------------------------------------
# sanitize

_COMBINING = r"\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_ZALGO_KEEP: Final = 4

# Characters that are always removed or replaced (see the module docstring for why).
_BAD_CHARS = (
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (except \t \n; \r is handled apart), DEL, C1
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"  # Cf: soft hyphen, ALM, …
    r"\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"  # Cf, minus U+200D ZWJ
    r"\u2028\u2029"  # line/paragraph separators → \n
    r"\ufe00-\ufe0d\ufeff\ufff9-\ufffb"  # VS1–14, BOM, interlinear annotation
    r"\ud800-\udfff"  # lone surrogates → U+FFFD
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    r"\U000e0000-\U000e007f\U000e0100-\U000e01ef"  # tags (outside flags), VS17–256
)
# Everything that needs work, for the rewrite. Branch order matters: the multi-character forms must
# win over the single-character class.
_UNSAFE = re.compile(
    r"\r\n?"  # CR LF or lone CR → \n
    r"|[\ud800-\udbff][\udc00-\udfff]"  # a surrogate pair split into two code points → join
    r"|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"  # emoji subdivision flag → keep as is
    rf"|[{_COMBINING}]{{{_ZALGO_KEEP + 1},}}"  # zalgo → cap
    rf"|[{_BAD_CHARS}]"
)
# Cheap pre-checks, because nearly all text is clean: a single character class (the alternation above
# is twice as slow to scan), and for ASCII text, the most common case by far, just C0 controls and DEL.
_TRIGGER = re.compile(rf"[{_BAD_CHARS}{_COMBINING}\r\U0001f3f4]")
_ASCII_TRIGGER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_REPLACEMENT: Final = {"\x0b": " ", "\x0c": " ", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}


def _fix(match: re.Match[str]) -> str:
    found = match.group()
    first = found[0]
    if first == "\r":
        return "\n"
    if len(found) == 1:
        if "\ud800" <= first <= "\udfff":
            return "\ufffd"
        return _REPLACEMENT.get(first, "")
    if "\ud800" <= first <= "\udbff":
        return chr(0x10000 + ((ord(first) - 0xD800) << 10) + (ord(found[1]) - 0xDC00))
    if first == "\U0001f3f4":
        return found
    return found[:_ZALGO_KEEP]


def sanitize(value: str) -> str:
    """Return ``value`` with nothing a terminal could act on, and nothing that hides or reorders text.

    Removes C0/C1 controls except ``\\n`` and ``\\t`` (so no CSI, OSC or DCS sequence survives; their
    printable remnants stay visible), bidi controls and invisible format characters, caps zalgo, turns
    every line break into ``\\n`` and repairs surrogates. See the module docstring for the exact rules.
    Keeps ZWJ and U+FE0E/U+FE0F so emoji sequences render. Never raises.
    """
    value = str(value)  # a str subclass or a stray non-str becomes a plain str; free for a str
    if (_ASCII_TRIGGER if value.isascii() else _TRIGGER).search(value) is None:
        return value
    return _UNSAFE.sub(_fix, value)


# ---------------------------------------------------------------------------------------------------
# one line, plain Text, Content, assemble

# A whitespace run that contains a line break, and any other whitespace that is not a lone space.
_BREAK_RUN = re.compile(r"[^\S\n]*\n\s*")
_SPACE_RUN = re.compile(r"\s{2,}|[^\S ]")


_WHITESPACE = re.compile(r"\s+")


def _needs_collapse(value: str) -> bool:
    if value.isascii():  # after sanitize, ASCII whitespace is only space, tab and newline: no regex
        return "  " in value or "\t" in value or "\n" in value or value[:1] == " " or value[-1:] == " "
    return value != value.strip() or _SPACE_RUN.search(value) is not None


def _collapse(value: str) -> str:
    if not _needs_collapse(value):
        return value
    value = value.strip()
    if "\n" in value:
        value = _BREAK_RUN.sub(LINE_BREAK, value)
    return _SPACE_RUN.sub(" ", value)


def _cap(value: str, limit: int | None) -> str:
    if limit is None or len(value) <= limit:
        return value
    if limit <= 0:
        return ""
    return value[: limit - 1].rstrip() + ELLIPSIS


def one_line(value: str, limit: int = 500) -> str:
    """Sanitize, collapse whitespace (a line break becomes :data:`LINE_BREAK`) and cap at ``limit``.

    For table cells and titles. Only a prefix of a long value is examined when that prefix already
    yields more than ``limit`` characters, so a 20,000-character message costs about as much as a short
    one.
    """
    value = str(value)
    window = 2 * limit + 64
    if limit > 0 and window < len(value):
        # sanitize and collapse act locally, so the window's result is the full result's prefix except
        # at its ragged end (a whitespace run, CR LF, surrogate pair or zalgo run cut in two, all of
        # which only change the last few characters). So once the window yields comfortably more than
        # ``limit`` characters, its first ``limit`` are right. A long whitespace or control run can
        # make the window yield too little; then do it all.
        head = _collapse(sanitize(value[:window]))
        if len(head) > limit + 8:
            return _cap(head, limit)
    return _cap(_collapse(sanitize(value)), limit)


def _prepare(value: str, single_line: bool, limit: int | None) -> str:
    if single_line:
        return _collapse(sanitize(value)) if limit is None else one_line(value, limit)
    return _cap(sanitize(value), limit)


def plain(
    value: str, style: str | Style | None = None, *, single_line: bool = False, limit: int | None = None
) -> Text:
    """Sanitized, literal :class:`~rich.text.Text` (for DataTable cells, Tree labels, RichLog).

    ``style`` is applied as a span over the whole text, not as the base style, because
    ``Text.__eq__`` ignores the base style and the tables' unchanged-cell check must see style changes.
    """
    text = _prepare(value, single_line, limit)
    spans = [Span(0, len(text), style)] if style and text else None
    return Text(text, spans=spans)


def content(
    value: str, style: str | None = None, *, single_line: bool = False, limit: int | None = None
) -> Content:
    """Sanitized, literal :class:`~textual.content.Content` (Static, Label, OptionList, border titles).

    ``Content(text)`` is never parsed: ``$variables`` and ``[tags]`` stay as typed. ``style`` (trusted,
    chosen by the caller) may use Textual style syntax such as ``"$accent bold"``.
    """
    text = _prepare(value, single_line, limit)
    spans = [ContentSpan(0, len(text), style)] if style and text else None
    return Content(text, spans=spans, strip_control_codes=False)


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


# ---------------------------------------------------------------------------------------------------
# Slack mrkdwn


class NameLookup(Protocol):
    """Resolves Slack ids to display names (from a cache; must not block on the network)."""

    def user_name(self, user_id: str) -> str | None: ...

    def channel_name(self, channel_id: str) -> str | None: ...


class NoNames:
    """A :class:`NameLookup` that knows nobody: mentions fall back to labels, then ids."""

    def user_name(self, user_id: str) -> str | None:
        return None

    def channel_name(self, channel_id: str) -> str | None:
        return None


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
_MAX_STYLE_DEPTH: Final = 6
_KEYCAP: Final = ("\ufe0f", "\u20e3")

_Run = tuple[str, str]  # (text, style); style "" means unstyled


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


def _ask(lookup: Callable[[str], str | None], key: str) -> str | None:
    """A name from the lookup, treated as untrusted; a failing lookup is just an unknown name."""
    try:
        name = lookup(key)
    except Exception:
        return None
    if not isinstance(name, str):
        return None
    name = one_line(name, 100)
    return name or None


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


def _marked(line: str, marks: str, depth: int = 0, applied: str = "") -> Iterator[tuple[str, str]]:
    """Split one line by paired single-character markers, markers removed: yields (text, markers applied).

    Linear, unlike a regex with a lazy body (which is quadratic on "*a *a *a …"): every marker is
    classified once, and an opener's closer is found by bisecting the closers of its kind. An opener
    needs the line start or a non-word character other than itself before it and a non-space other
    than itself after it; a closer the mirror image. So "2*3*4", "snake_case", "__init__", "a * b"
    and "C++" stay literal, while "*_nested_*" nests.
    """
    if depth >= _MAX_STYLE_DEPTH or not any(mark in line for mark in marks):
        yield line, applied
        return
    size = len(line)
    closers: dict[str, list[int]] = {mark: [] for mark in marks}
    openers: list[int] = []
    for found in _marker_pattern(marks).finditer(line):
        at = found.start()
        mark = line[at]
        before = line[at - 1] if at else " "
        after = line[at + 1] if at + 1 < size else " "
        if after in _KEYCAP:
            continue  # the "*" of the emoji *️⃣, not a marker
        if not (before.isalnum() or before in ("_", mark)) and not after.isspace() and after != mark:
            openers.append(at)
        if at and not before.isspace() and before != mark and not (after.isalnum() or after in ("_", mark)):
            closers[mark].append(at)
    position = 0
    for at in openers:
        if at < position:
            continue
        mark = line[at]
        candidates = closers[mark]
        index = bisect_right(candidates, at + 1)  # at least one character between the markers
        if index == len(candidates):
            continue
        end = candidates[index]
        if at > position:
            yield line[position:at], applied
        yield from _marked(line[at + 1 : end], marks, depth + 1, applied + mark)
        position = end + 1
    if position < size:
        yield line[position:], applied


@cache
def _marker_pattern(marks: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(marks) + "]")


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
    # each poll, and most messages have not changed.
    found = _ENTITY.finditer(source) if "<" in source else ()
    entities = tuple(_entity(match, names) for match in found)
    return _build(_slack_runs(source, entities, single_line, limit))


@lru_cache(maxsize=8192)
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


# ---------------------------------------------------------------------------------------------------
# Jira v2 wiki markup

# Parameters stop at the next "{" so a run of unclosed tags cannot make these quadratic.
_WIKI_VERBATIM_OPEN = re.compile(r"\{(code|noformat)(?::[^{}\n]*)?\}")
_WIKI_VERBATIM_MARK = re.compile("\x02(\\d+)\x03")
_WIKI_ESCAPABLE: Final = "*_+-^~?{}[]|!#"
_WIKI_ESCAPE = re.compile(r"\\([-*_+^~?{}\[\]|!#])")
# An escaped character is parked as the C0 control 0x0E + its index while the markup is processed.
_WIKI_UNESCAPE = re.compile(f"[\x0e-{chr(0x0E + len(_WIKI_ESCAPABLE) - 1)}]")
_WIKI_DROP = re.compile(r"\{(?:color|anchor)(?::[^{}\n]*)?\}|\{panel\}")
_WIKI_PANEL = re.compile(r"\{panel(?::([^{}\n]*))?\}")
_WIKI_QUOTE_TAG = "{quote}"
_WIKI_IMAGE = re.compile(r"!([^!\s|]+\.[A-Za-z0-9]{2,5}|https?://[^!\s|]+)(?:\|[^!\n]*)?!")
_WIKI_ATTACHMENT = re.compile(r"\[\^([^\[\]\n]+)\]")
_WIKI_MENTION = re.compile(r"\[~(?:accountid:)?([^\[\]\s]+)\]")
_WIKI_LINK = re.compile(r"\[([^\[\]|\n]*)\|([^\[\]|\n]*)(?:\|[^\[\]\n]*)?\]")
_WIKI_BARE_LINK = re.compile(r"\[((?:https?|ftp|mailto|file):[^\[\]\s]*)\]")
_WIKI_HEADING = re.compile(r"h[1-6]\.\s*")
_WIKI_QUOTE_LINE = re.compile(r"bq\.\s*")
_WIKI_LIST = re.compile(r"\s*([*#]+|-)\s+")
_WIKI_RULE = re.compile(r"-{4,}\s*")
_WIKI_TABLE_SPLIT = re.compile(r"\|\|?")
_WIKI_MARKS: Final = "*_+-^~"
_WIKI_CITATION = re.compile(r"\?\?(\S(?:[^?\n]*\S)?)\?\?")


def _wiki_effects(line: str) -> str:
    """Drop the text-effect markers of one line: *strong* _emphasis_ -deleted- +inserted+ ^sup^ ~sub~
    ??citation?? {{monospace}}. Same opener/closer rules as Slack, so "C++", "snake_case", "a - b" and
    "--flag" survive."""
    if "{{" in line:
        parts: list[str] = []
        position = 0
        while (start := line.find("{{", position)) >= 0:
            end = line.find("}}", start + 2)
            if end < 0:
                break  # no later "{{" can close either: linear even for "{{{{{{…"
            parts += [line[position:start], line[start + 2 : end]]
            position = end + 2
        line = "".join(parts) + line[position:]
    if "??" in line:
        line = _WIKI_CITATION.sub(r"\1", line)
    return "".join(piece for piece, _ in _marked(line, _WIKI_MARKS))


def _wiki_lines(text: str, user_name: Callable[[str], str | None] | None) -> list[str]:
    def mention(found: re.Match[str]) -> str:
        who = found.group(1)
        name = _ask(user_name, who) if user_name else None
        return "@" + (name or who)

    def link(found: re.Match[str]) -> str:
        label, url = found.group(1).strip(), found.group(2).strip()
        if not url or label == url:
            return label or url
        return f"{label} ({url})" if label else url

    def panel(found: re.Match[str]) -> str:
        for parameter in (found.group(1) or "").split("|"):
            key, _, title = parameter.partition("=")
            if key.strip() == "title" and title.strip():
                return title.strip() + "\n"
        return ""

    text = _WIKI_PANEL.sub(panel, _WIKI_DROP.sub("", text))
    text = _WIKI_IMAGE.sub(r"[image: \1]", text)
    text = _WIKI_ATTACHMENT.sub(r"[attachment: \1]", text)
    text = _WIKI_MENTION.sub(mention, text)
    text = _WIKI_LINK.sub(link, text)
    text = _WIKI_BARE_LINK.sub(r"\1", text)
    lines: list[str] = []
    counters: list[int] = []  # ordered-list numbers by depth
    for raw in text.split("\n"):
        line = raw.rstrip()
        listed = _WIKI_LIST.match(line)
        if listed:
            marks = listed.group(1)
            depth = len(marks)
            del counters[depth:]
            counters += [0] * (depth - len(counters))
            if marks[-1] == "#":
                counters[depth - 1] += 1
                bullet = f"{counters[depth - 1]}. "
            else:
                bullet = "• "
            lines.append("  " * (depth - 1) + bullet + _wiki_effects(line[listed.end() :]))
            continue
        counters.clear()
        if _WIKI_RULE.fullmatch(line):
            lines.append("—")
        elif heading := _WIKI_HEADING.match(line):
            lines.append(_wiki_effects(line[heading.end() :]))
        elif quote := _WIKI_QUOTE_LINE.match(line):
            lines.append("> " + _wiki_effects(line[quote.end() :]))
        elif line.lstrip().startswith("|"):
            cells = _WIKI_TABLE_SPLIT.split(line.strip().strip("|"))
            lines.append(" | ".join(_wiki_effects(cell.strip()) for cell in cells))
        else:
            lines.append(_wiki_effects(line))
    return lines


def jira_wiki_text(value: str, *, user_name: Callable[[str], str | None] | None = None) -> str:
    """Jira v2 wiki markup → readable plain text (sanitized; never raises).

    ``h1.`` headings lose their prefix; text effects lose their markers; ``{code}``/``{noformat}`` bodies
    are kept verbatim; ``{quote}`` and ``bq.`` lines get "> "; ``[label|url]`` → "label (url)"; ``* ``,
    ``- `` and ``# `` lists → "• " and "1. " (indented two spaces per level); ``||a||b||`` and ``|a|b|``
    → "a | b"; ``!x.png!`` → "[image: x.png]"; ``[^f.pdf]`` → "[attachment: f.pdf]"; ``{color}``,
    ``{anchor}`` and ``{panel}`` tags go (a panel title stays); ``----`` → "—"; ``\\\\`` is a line break
    and ``\\*`` an escaped "*". ``[~accountid:…]`` → "@" + (``user_name(id)`` or the id).
    """
    text, verbatim = _wiki_park_verbatim(sanitize(value))
    text = text.replace("\\\\", "\n")
    text = _WIKI_ESCAPE.sub(lambda found: chr(0x0E + _WIKI_ESCAPABLE.index(found.group(1))), text)
    lines: list[str] = []
    parts = text.split(_WIKI_QUOTE_TAG)
    for number, part in enumerate(parts):
        rendered = _wiki_lines(part, user_name)
        if number % 2:  # inside {quote}…{quote}; an unclosed quote runs to the end
            rendered = ["> " + line if line else ">" for line in _trim_blank(rendered)]
        else:
            # A tag on a line of its own leaves an empty line on each side of it: drop those.
            if number and rendered and not rendered[0]:
                rendered.pop(0)
            if number < len(parts) - 1 and rendered and not rendered[-1]:
                rendered.pop()
        lines += rendered
    text = "\n".join(lines)
    text = _WIKI_UNESCAPE.sub(lambda found: _WIKI_ESCAPABLE[ord(found.group()) - 0x0E], text)
    if verbatim:
        text = _WIKI_VERBATIM_MARK.sub(lambda found: verbatim[int(found.group(1))], text)
    return sanitize(text.strip("\n"))


def _wiki_park_verbatim(text: str) -> tuple[str, list[str]]:
    """Replace each {code}…{code} / {noformat}…{noformat} by a placeholder; return the bodies.

    A scan rather than one lazy regex, which is quadratic on many unclosed tags: once a kind has no
    closing tag after some point, no later opening tag of that kind can close either.
    """
    if "{" not in text:
        return text, []
    bodies: list[str] = []
    pieces: list[str] = []
    position = 0
    unclosed: set[str] = set()
    for found in _WIKI_VERBATIM_OPEN.finditer(text):
        kind = found.group(1)
        if found.start() < position or kind in unclosed:
            continue
        close = text.find("{" + kind + "}", found.end())
        if close < 0:
            unclosed.add(kind)
            continue
        bodies.append(text[found.end() : close].removeprefix("\n").removesuffix("\n"))
        # Placeholders use C0 controls, which sanitize() has removed from the text itself.
        pieces += [text[position : found.start()], f"\x02{len(bodies) - 1}\x03"]
        position = close + len(kind) + 2
    pieces.append(text[position:])
    return "".join(pieces), bodies


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


# ---------------------------------------------------------------------------------------------------
# Jira v3 Atlassian Document Format

_ADF_MAX_NODES: Final = 200_000  # bounds time on hostile input (and on cycles built in Python)
_ADF_MAX_INDENT: Final = 12  # prefixes kept per line; deeper nesting is not indented further


class _Prefix:
    """One level of line prefix: a list item ("• " then "  ") or a quote ("> " every line)."""

    __slots__ = ("first", "rest", "used")

    def __init__(self, first: str, rest: str) -> None:
        self.first, self.rest, self.used = first, rest, False


class _AdfWriter:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.open_line = False  # a line has been started (its prefix written)
        self.prefixes: list[_Prefix] = []
        self.inline = 0  # >0 inside a table cell: blocks flow on one line
        self.want_blank = False

    def start_line(self) -> None:
        if self.open_line:
            return
        if self.want_blank and self.lines:
            self.lines.append("")
        self.want_blank = False
        shown = len(self.prefixes) - _ADF_MAX_INDENT  # only the innermost levels are drawn
        parts = []
        for level, prefix in enumerate(self.prefixes):
            if level >= shown:
                parts.append(prefix.rest if prefix.used else prefix.first)
            prefix.used = True
        self.current = parts
        self.open_line = True

    def write(self, text: str) -> None:
        if not text:
            return
        if self.inline:
            self.start_line()
            self.current.append(text.replace("\n", " "))
            return
        for number, piece in enumerate(text.split("\n")):
            if number:
                self.end_line(force=True)
            if piece:
                self.start_line()
                self.current.append(piece)

    def end_line(self, force: bool = False) -> None:
        if self.inline:
            if self.open_line and self.current and not self.current[-1].endswith(" "):
                self.current.append(" ")
            return
        if not self.open_line and force:
            self.start_line()
        if self.open_line:
            self.lines.append("".join(self.current).rstrip())
            self.current = []
            self.open_line = False

    def cell_gap(self) -> None:
        if self.current:
            self.current[-1] = self.current[-1].rstrip()
        self.current.append(" | ")

    def text(self) -> str:
        self.inline = 0
        self.end_line()
        return "\n".join(self.lines).strip("\n")


def _adf_attrs(node: dict[object, object]) -> dict[object, object]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, dict) else {}


def _adf_str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _adf_text(node: dict[object, object], attrs: dict[object, object]) -> str:
    text = _adf_str(node.get("text"))
    marks = node.get("marks")
    for mark in marks if isinstance(marks, list) else ():
        if isinstance(mark, dict) and mark.get("type") == "link":
            href = _adf_str(_adf_attrs(mark).get("href")).strip()
            if href and href != text.strip():
                text += f" ({href})"
    return text


def _adf_mention(node: dict[object, object], attrs: dict[object, object]) -> str:
    shown = _adf_str(attrs.get("text")) or _adf_str(attrs.get("id")) or "user"
    return shown if shown.startswith("@") else "@" + shown


def _adf_card(node: dict[object, object], attrs: dict[object, object]) -> str:
    data = attrs.get("data")
    url = _adf_str(attrs.get("url")) or (_adf_str(data.get("url")) if isinstance(data, dict) else "")
    return url or "[link]"


def _adf_date(node: dict[object, object], attrs: dict[object, object]) -> str:
    stamp = attrs.get("timestamp")
    with contextlib.suppress(TypeError, ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(int(str(stamp)) / 1000, tz=UTC).strftime("%Y-%m-%d")
    return _adf_str(stamp)


def _adf_media(node: dict[object, object], attrs: dict[object, object]) -> str:
    alt = _adf_str(attrs.get("alt"))
    return f"[attachment: {alt}]" if alt else "[attachment]"


def _adf_attr_text(node: dict[object, object], attrs: dict[object, object]) -> str:
    return _adf_str(attrs.get("text"))


def _adf_emoji(node: dict[object, object], attrs: dict[object, object]) -> str:
    return _adf_str(attrs.get("text")) or _adf_str(attrs.get("shortName"))


# Leaf nodes: their text, from the node and its attrs.
_ADF_LEAVES: Final[dict[str, Callable[[dict[object, object], dict[object, object]], str]]] = {
    "text": _adf_text,
    "mention": _adf_mention,
    "emoji": _adf_emoji,
    "inlineCard": _adf_card,
    "blockCard": _adf_card,
    "embedCard": _adf_card,
    "status": _adf_attr_text,
    "placeholder": _adf_attr_text,
    "date": _adf_date,
    "media": _adf_media,
    "mediaInline": _adf_media,
    "hardBreak": lambda node, attrs: "\n",
    "rule": lambda node, attrs: "—",
}
# Nodes that sit on lines of their own.
_ADF_BLOCKS: Final = frozenset(
    {
        "paragraph",
        "heading",
        "codeBlock",
        "mediaSingle",
        "mediaGroup",
        "rule",
        "blockCard",
        "embedCard",
        "panel",
        "listItem",
        "taskItem",
        "decisionItem",
        "bodiedExtension",
        "table",
    }
)
_ADF_LISTS: Final = frozenset({"bulletList", "orderedList", "taskList", "decisionList"})


class _Do:
    """An action on the work stack, run when the walker pops it (so a node's children finish first).

    A wrapper, not a bare callable, so a callable smuggled into a malformed document is never called.
    """

    __slots__ = ("action",)

    def __init__(self, action: Callable[[], None]) -> None:
        self.action = action


class _AdfWalker:
    """Depth-first over an ADF tree with an explicit stack: 1,000-level nesting cannot overflow."""

    def __init__(self) -> None:
        self.out = _AdfWriter()
        self.stack: list[object] = []
        self.end_line = _Do(self.out.end_line)

    def run(self, doc: object) -> str:
        stack = self.stack
        stack.append(doc)
        seen: set[int] = set()
        while stack:
            item = stack.pop()
            if isinstance(item, _Do):
                item.action()
            elif isinstance(item, str):
                self.out.write(item)
            elif isinstance(item, dict | list) and id(item) not in seen:
                # A container met twice is only possible in a cyclic Python object; skip it.
                seen.add(id(item))
                if len(seen) > _ADF_MAX_NODES:
                    self.out.write(ELLIPSIS)
                    break
                if isinstance(item, list):
                    stack.extend(reversed(item))
                else:
                    self.visit(item)
        return self.out.text()

    def visit(self, node: dict[object, object]) -> None:
        kind = _adf_str(node.get("type"))
        children = node.get("content")
        children = children if isinstance(children, list) else []
        leaf = _ADF_LEAVES.get(kind)
        if leaf is not None:
            text = leaf(node, _adf_attrs(node))
            if kind in _ADF_BLOCKS:
                self.out.end_line()
                self.out.write(text)
                self.out.end_line()
            else:
                self.out.write(text)
        elif kind == "doc":
            self.doc(children)
        elif kind in _ADF_LISTS:
            self.bullets(kind, node, children)
        elif kind == "blockquote":
            self.push(self.prefixed("> ", "> ", children))
        elif kind == "tableRow":
            self.row(children)
        elif kind in ("expand", "nestedExpand"):
            self.push([self.end_line, _adf_str(_adf_attrs(node).get("title")), self.end_line, *children])
        elif kind in _ADF_BLOCKS:
            self.push([self.end_line, *children, self.end_line])
        else:
            self.push(children)  # unknown nodes and inline wrappers: their children's text

    def push(self, work: list[object]) -> None:
        """Schedule ``work`` to run in the order given."""
        self.stack.extend(reversed(work))

    def doc(self, children: list[object]) -> None:
        def blank() -> None:
            self.out.end_line()
            self.out.want_blank = not self.out.inline

        work: list[object] = []
        for index, child in enumerate(children):
            if index:
                work.append(_Do(blank))
            work.append(child)
        self.push(work)

    def bullets(self, kind: str, node: dict[object, object], children: list[object]) -> None:
        start = _adf_attrs(node).get("order")
        number = start if type(start) is int and 0 <= start < 10**9 else 1
        work: list[object] = []
        for child in children:
            if kind == "orderedList":
                first = f"{number}. "
                number += 1
            elif kind == "taskList":
                done = isinstance(child, dict) and _adf_attrs(child).get("state") == "DONE"
                first = "[x] " if done else "[ ] "
            else:
                first = "• "
            work += self.prefixed(first, " " * len(first), [child])
        self.push([*work, self.end_line])

    def row(self, cells: list[object]) -> None:
        out = self.out

        def open_row() -> None:
            out.end_line()
            out.start_line()
            out.inline += 1

        def close_row() -> None:
            out.inline -= 1
            out.end_line()

        work: list[object] = [_Do(open_row)]
        for index, cell in enumerate(cells):
            if index:
                work.append(_Do(out.cell_gap))
            work.append(cell)
        self.push([*work, _Do(close_row)])

    def prefixed(self, first: str, rest: str, children: list[object]) -> list[object]:
        """Work that renders ``children`` under one more line prefix ("• ", "1. ", "> ")."""
        out = self.out
        prefix = _Prefix(first, rest)

        def push() -> None:
            out.end_line()
            out.prefixes.append(prefix)

        def pop() -> None:
            out.end_line()
            if not prefix.used and not out.inline:  # an empty item still shows its bullet
                out.start_line()
                out.end_line()
            if out.prefixes and out.prefixes[-1] is prefix:
                out.prefixes.pop()

        return [_Do(push), *children, _Do(pop)]


def adf_text(doc: object) -> str:
    """Atlassian Document Format (Jira v3 descriptions and comments) → readable plain text.

    Paragraphs and headings become lines (top-level blocks separated by a blank line); lists "• " /
    "1. " (nested ones indented); task items "[ ] " / "[x] "; blockquotes "> "; table rows "a | b";
    codeBlock text verbatim; mentions, emoji, status lozenges, dates, cards (their URL), links
    ("text (url)"), media "[attachment]", rule "—". Unknown nodes contribute their children's text. A
    string is treated as plain text. Iterative, so 1,000-level nesting is fine; never raises.
    """
    if isinstance(doc, str):
        return sanitize(doc).strip("\n")
    return sanitize(_AdfWalker().run(doc))


# ---------------------------------------------------------------------------------------------------
# Error messages

_SECRETS: Final = (
    # Slack tokens (bot, user, app-level, config/refresh, rotated "xoxe.xoxp-…").
    (re.compile(r"\b(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9\-]+"), "[redacted]"),
    # Authorization header values, in "Authorization: Bearer x", "'Authorization': 'Basic x'" or a=b form.
    (
        re.compile(r"""(?i)(\bauthorization['"]?\s*[:=]\s*['"]?)(?:(?:bearer|basic|token)\s+)?[^\s'",}]+"""),
        r"\1[redacted]",
    ),
    # A bare "Bearer …"/"Basic …" credential; the lookahead (an upper-case letter, digit or "=") keeps
    # prose such as "basic authentication failed" intact.
    (
        re.compile(r"\b((?i:bearer|basic))\s+(?=[A-Za-z0-9\-._~+/]*[A-Z0-9=])[A-Za-z0-9\-._~+/]{8,}=*"),
        r"\1 [redacted]",
    ),
    # Atlassian API tokens, Slack webhook paths, credentials in URLs and token-like query parameters.
    (re.compile(r"\bATATT[A-Za-z0-9\-_=]+"), "[redacted]"),
    (re.compile(r"(hooks\.slack\.com/services/)[^\s'\"]+"), r"\1[redacted]"),
    (re.compile(r"(\b[a-z][a-z0-9+.\-]*://)[^/\s:@]+:[^/\s@]+@"), r"\1[redacted]@"),
    (
        re.compile(r"(?i)([?&;](?:token|access_token|api_key|apikey|key|password|secret)=)[^&\s'\"]+"),
        r"\1[redacted]",
    ),
)
_TRACEBACK_START = "Traceback (most recent call last):"


def redact(value: str) -> str:
    """``value`` with anything that looks like a Slack token, Authorization value or credential removed."""
    for pattern, replacement in _SECRETS:
        value = pattern.sub(replacement, value)
    return value


def error_sentence(error: BaseException | str, limit: int = 200) -> str:
    """One safe line describing ``error`` for the status bar or a toast.

    Uses ``str(error)`` (the class name when that is empty or raises); for a traceback, its last line
    (the exception) rather than "Traceback (most recent call last):"; otherwise the first non-empty line.
    Secrets are redacted before anything is cut, so a cap never leaves half a token visible.
    """
    if isinstance(error, BaseException):
        try:
            message = str(error)
        except Exception:
            message = ""
        message = message or type(error).__name__
    else:
        message = str(error)
    lines = [line for line in redact(sanitize(message)).split("\n") if line.strip()]
    if not lines:
        return ""
    chosen = lines[-1] if lines[0].strip().startswith(_TRACEBACK_START) else lines[0]
    return one_line(chosen, limit)
