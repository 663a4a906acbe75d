"""Character rules: what of an untrusted string may reach the terminal, and how it becomes one line.

:func:`sanitize` removes every C0/C1 control except ``\\n`` and ``\\t`` (rule 2 of :mod:`duty_tui.text`);
:func:`one_line` collapses and caps it for table cells, titles and error messages; :func:`shown` is what
:func:`~duty_tui.text.render.plain` (and the widgets' ``content``) show of a value. Every other module of
the package builds on these.

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
  ``limit - 1`` characters and adds "…", so the result is at most ``limit`` characters long. Error
  messages and log lines fold line breaks into a space like any other whitespace
  (``one_line(value, limit, breaks=False)``): there the line structure carries no meaning.
"""

from __future__ import annotations

import re
from typing import Final

LINE_BREAK: Final = " ⏎ "
"""What a line break becomes in one-line text (U+23CE is one cell wide everywhere)."""
ELLIPSIS: Final = "…"

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
UNSAFE_CHARACTER: Final = re.compile(rf"[{_BAD_CHARS}]")
"""One character :func:`sanitize` removes or replaces: a control (C0 but tab and line feed, DEL, C1), a bidi
control or invisible format character, a line or paragraph separator, a lone surrogate. For output that
must keep every character yet show none of these raw (the JSON report writes them as ``\\u`` escapes)."""

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
    cleaned = _UNSAFE.sub(_fix, value)
    # Removing an invisible character can join two runs of combining marks that the first pass capped
    # separately ("e" + 4 marks + ZWSP + 4 marks ...). After one pass nothing invisible is left, so a
    # second pass caps every joined run and the result is stable.
    return _UNSAFE.sub(_fix, cleaned)


# ---------------------------------------------------------------------------------------------------
# one line

# A whitespace run that contains a line break, and any other whitespace that is not a lone space.
_BREAK_RUN = re.compile(r"[^\S\n]*\n\s*")
_SPACE_RUN = re.compile(r"\s{2,}|[^\S ]")


def _needs_collapse(value: str) -> bool:
    if value.isascii():  # after sanitize, ASCII whitespace is only space, tab and newline: no regex
        return "  " in value or "\t" in value or "\n" in value or value[:1] == " " or value[-1:] == " "
    return value != value.strip() or _SPACE_RUN.search(value) is not None


def _collapse(value: str, breaks: bool = True) -> str:
    if not _needs_collapse(value):
        return value
    value = value.strip()
    if breaks and "\n" in value:
        value = _BREAK_RUN.sub(LINE_BREAK, value)
    return _SPACE_RUN.sub(" ", value)


def _cap(value: str, limit: int | None) -> str:
    if limit is None or len(value) <= limit:
        return value
    if limit <= 0:
        return ""
    return value[: limit - 1].rstrip() + ELLIPSIS


def one_line(value: str, limit: int | None = 500, *, breaks: bool = True) -> str:
    """Sanitize, collapse whitespace and cap at ``limit`` (``None``: no cap).

    A whitespace run containing a line break becomes :data:`LINE_BREAK` (table cells, titles), or with
    ``breaks=False`` one space like any other run (error messages, log lines). Only a prefix of a long
    value is examined when that prefix already yields more than ``limit`` characters, so a
    20,000-character message costs about as much as a short one.
    """
    value = str(value)
    window = 0 if limit is None else 2 * limit + 64
    if limit is not None and limit > 0 and window < len(value):
        # sanitize and collapse act locally, so the window's result is the full result's prefix except
        # at its ragged end (a whitespace run, CR LF, surrogate pair or zalgo run cut in two, all of
        # which only change the last few characters). So once the window yields comfortably more than
        # ``limit`` characters, its first ``limit`` are right. A long whitespace or control run can
        # make the window yield too little; then do it all.
        head = _collapse(sanitize(value[:window]), breaks)
        if len(head) > limit + 8:
            return _cap(head, limit)
    return _cap(_collapse(sanitize(value), breaks), limit)


def shown(value: str, *, single_line: bool = False, limit: int | None = None) -> str:
    """What a pane shows of ``value``: sanitized, on one line if asked (:func:`one_line`), capped.

    The string inside :func:`~duty_tui.text.render.plain` (rich ``Text``) and the widgets' ``content``
    (Textual ``Content``), so both show exactly the same characters.
    """
    if single_line:
        return one_line(value, limit)
    return _cap(sanitize(value), limit)
