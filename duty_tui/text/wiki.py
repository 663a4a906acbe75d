"""Jira v2 wiki markup → readable plain text (:func:`jira_wiki_text`), and untrusted text → wiki
text that stays literal when Jira renders it (:func:`wiki_literal`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from duty_tui.text.clean import sanitize
from duty_tui.text.markers import _marked
from duty_tui.text.names import _ask

# Parameters stop at the next "{" so a run of unclosed tags cannot make these quadratic.
_WIKI_VERBATIM_OPEN = re.compile(r"\{(code|noformat)(?::[^{}\n]*)?\}")
_WIKI_VERBATIM_MARK = re.compile("\x02(\\d+)\x03")
_WIKI_ESCAPABLE: Final = "*_+-^~?{}[]|!#"
_WIKI_ESCAPE = re.compile(r"\\([-*_+^~?{}\[\]|!#])")
# An escaped character is parked as the C0 control 0x0E + its index while the markup is processed.
_WIKI_UNESCAPE = re.compile(f"[\x0e-{chr(0x0E + len(_WIKI_ESCAPABLE) - 1)}]")
# What turns text into a link, mention, image, macro or table cell when Jira renders a comment.
_WIKI_ACTIVE = re.compile(r"([{}\[\]|!])")
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


def wiki_literal(value: str) -> str:
    """Escape a name or summary put into a comment duty-tui posts, so a summary holding
    "[~accountid:…]", "!https://tracker/pixel.png!" or "{html}" is shown by Jira as written instead of
    mentioning, fetching or embedding. Text effects (*bold*) are left alone: harmless, and readable."""
    # A backslash has no escape of its own (two of them are a line break): show a look-alike instead.
    # One line: a line break followed by "h1." or "* " would start block markup in the comment.
    line = " ".join(sanitize(value).splitlines())
    return _WIKI_ACTIVE.sub(r"\\\1", line.replace("\\", "\u29f5"))


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
