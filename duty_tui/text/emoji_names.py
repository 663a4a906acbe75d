"""Slack emoji names ↔ glyphs, from the ``emoji`` package's aliases and names plus Slack's own spellings.

Slack mostly uses the names the ``emoji`` package knows, its GitHub-style aliases (``:+1:``,
``:white_check_mark:``) and its English names (``:eyes:``), but spells some differently: gendered forms
with hyphens (``:man-shrugging:``, ``:female-technologist:``), flags as ``:flag-gb:``, and a few names of
its own (``:simple_smile:``, ``:large_green_circle:``). The tables are built once, on first use: the
package's data is large, and most text has no emoji at all.
"""

from __future__ import annotations

import re
from functools import cache
from types import ModuleType
from typing import Final

_FULLY_QUALIFIED: Final = 2  # emoji.STATUS["fully_qualified"]; the unqualified forms render badly
_SLACK_ONLY: Final = {
    "simple_smile": "slightly_smiling_face",
    "face_palm": "facepalm",
    "the_horns": "sign_of_the_horns",
    "spock-hand": "vulcan_salute",
    "thumbsup_all": "thumbsup",
    "white_tick": "white_check_mark",
}
# Slack's names for emoji whose package alias differs (the package calls 🤔 "thinking").
_SLACK_EXTRA: Final = ("thinking_face", "slightly_smiling_face", "face_with_rolling_eyes")
_GENDER: Final = (("male-", "man_"), ("female-", "woman_"))
_FLAG: Final = re.compile(r"flag-([a-z]{2})")
_SLACK_NAME: Final = re.compile(r"[a-z0-9_+\-']+")  # what Slack accepts as a reaction name


@cache
def _package() -> ModuleType:
    """The ``emoji`` package, imported on first use: its tables cost ~50 ms, which a start that
    paints the tickets first should not pay before the first rows are on the screen."""
    import emoji

    return emoji


@cache
def _glyphs() -> dict[str, str]:
    """Every known name → glyph, as ``emoji.emojize(language="alias")`` resolves it: aliases first."""
    table: dict[str, str] = {}
    everything = _package().EMOJI_DATA.items()
    usable = [(glyph, data) for glyph, data in everything if data["status"] <= _FULLY_QUALIFIED]
    for glyph, data in usable:
        for alias in data.get("alias", ()):
            table.setdefault(alias.strip(":"), glyph)
    for glyph, data in usable:
        table.setdefault(data["en"].strip(":"), glyph)
    return table


def _slack_spellings(name: str) -> list[str]:
    """The names ``name`` may stand for in the ``emoji`` package's spelling."""
    spellings = [_SLACK_ONLY[name]] if name in _SLACK_ONLY else []
    for slack_prefix, prefix in _GENDER:
        if name.startswith(slack_prefix):
            spellings.append(prefix + name.removeprefix(slack_prefix).replace("-", "_"))
    if "-" in name:
        spellings.append(name.replace("-", "_"))
    if name.startswith("large_") and name.endswith(("_circle", "_square")):
        spellings.append(name.removeprefix("large_"))
    return spellings


def emoji_glyph(name: str) -> str | None:
    """The glyph Slack shows for ``:name:`` (without the colons), or None for unknown and custom ones."""
    table = _glyphs()
    found = table.get(name)
    if found is not None:
        return found
    flag = _FLAG.fullmatch(name)
    if flag is not None:
        # Regional indicator letters; only pairs that are real flags, so ":flag-zz:" stays literal.
        pair = "".join(chr(0x1F1E6 + ord(letter) - ord("a")) for letter in flag.group(1))
        return pair if pair in _package().EMOJI_DATA else None
    for spelling in _slack_spellings(name):
        found = table.get(spelling)
        if found is not None:
            return found
    return None


@cache
def reaction_names() -> tuple[tuple[str, str], ...]:
    """Every emoji a reaction may name, Slack style (lower case, no colons), with its glyph, A–Z.

    An emoji's aliases when it has some (``+1``, ``thumbsup``), else its English name (``eyes``,
    ``fire``), plus Slack's own spellings. Skin-tone variants are left out: Slack names those
    ``name::skin-tone-N``, and the package's long names ("waving_hand_medium_skin_tone") are not names
    ``reactions.add`` accepts.
    """
    found: dict[str, str] = {}
    for glyph, data in _package().EMOJI_DATA.items():
        if data["status"] > _FULLY_QUALIFIED:
            continue
        names = [alias.strip(":") for alias in data.get("alias", ())] or [data["en"].strip(":")]
        for name in names:
            if _SLACK_NAME.fullmatch(name) and "skin_tone" not in name:
                found.setdefault(name, glyph)
    for name in (*_SLACK_ONLY, *_SLACK_EXTRA):
        slack_glyph = emoji_glyph(name)
        if slack_glyph is not None:
            found.setdefault(name, slack_glyph)
    return tuple(sorted(found.items()))


# ---------------------------------------------------------------------------------------------------
# :shortcodes: in message text

_SHORTCODE_HINT: Final = re.compile(r":[^\s:]+:")
_SHORTCODE: Final = re.compile(r":([^\s:]+):(?::skin-tone-([1-6]):)?")
# Slack's skin-tone-1 is the default yellow; 2–6 are the Fitzpatrick modifiers U+1F3FB–U+1F3FF.
_TONES: Final = {
    "1": "",
    "2": "\U0001f3fb",
    "3": "\U0001f3fc",
    "4": "\U0001f3fd",
    "5": "\U0001f3fe",
    "6": "\U0001f3ff",
}


def _toned(glyph: str, tone: str) -> str:
    modifier = _TONES[tone]
    base = glyph.replace("\ufe0f", "")
    # The modifier follows the first code point, also inside ZWJ sequences (👨🏽‍💻, not 👨‍💻🏽).
    return base[0] + modifier + base[1:]


def _emojize(value: str) -> str:
    """``:name:`` and ``:name::skin-tone-N:`` → glyphs; unknown and custom names stay literal, as Slack
    users expect to see them."""
    # Most text has no ":name:" at all: skip the scan.
    if ":" not in value or _SHORTCODE_HINT.search(value) is None:
        return value
    pieces: list[str] = []
    position = 0
    while (found := _SHORTCODE.search(value, position)) is not None:
        glyph = emoji_glyph(found.group(1))
        if glyph is None:
            # Literal, but its closing colon may open the next one ("10:30:fire:"): resume there.
            closing = found.end(1)
            pieces.append(value[position:closing])
            position = closing
            continue
        if found.group(2):
            glyph = _toned(glyph, found.group(2))
        pieces += [value[position : found.start()], glyph]
        position = found.end()
    pieces.append(value[position:])
    return "".join(pieces)
