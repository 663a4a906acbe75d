"""Jira v3 Atlassian Document Format → readable plain text (:func:`adf_text`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final

from duty_tui.text.clean import ELLIPSIS, sanitize

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
