"""What duty-tui wrote to the terminal, judged byte by byte, and the screen those bytes paint.

`violations` splits the stream into escape sequences and text and accepts only what Textual itself
writes. The list was taken from a clean run with benign text (`test_terminal.py` keeps checking it):

* private modes it sets and resets: the alternate screen, mouse reporting (1000, 1003, 1015, 1006), focus
  events, bracketed paste, line wrap, the cursor (`MODES`); two mode queries (DECRQM 2026 and 2048) and
  the kitty keyboard protocol push and pop;
* the cursor moved by CUP with both coordinates inside the terminal (`ESC [ row ; col H`);
* SGR with Textual's own vocabulary only: a lone reset (`ESC [0m`) or bold, dim, italic, underline,
  reverse, strike plus 256-colour fore- and background (`38;5;n`, `48;5;n`). Never a basic colour such as
  `31`, and a style is always closed by a reset before the next one opens;
* OSC 22 (the pointer shape), OSC 8 hyperlinks only to the app's own addresses (a board on the Jira site,
  the channel in Slack) and their closing `ESC ]8;;ESC \\`, and OSC 777 desktop notifications whose title and
  body hold no control character and no field separator.

Text between sequences may hold no C0 control but the `\\r\\n` Textual ends a line with, no DEL, no C1
(U+0080–U+009F, the 8-bit CSI U+009B among them), no bidi override, embedding or isolate, and none of the
invisible characters `duty_tui.text.sanitize` removes (`tests.support.FORBIDDEN`). The bytes must be valid
UTF-8. Anything else is reported with where it was written and what the test was doing then.

`Painter` replays the stream on a grid of cells (CUP, text, `\\r\\n`; styles ignored) to tell what was on
screen: every row as it was after each write (`lines`), and the grid now (`find` gives the cell of a text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rich.cells import get_character_cell_size

from tests.support import FORBIDDEN

# Private modes, queries and the keyboard protocol, exactly as Textual 8.2.8 writes them.
MODES = frozenset(
    f"\x1b[?{mode}{switch}" for mode in (1049, 1000, 1003, 1015, 1006, 1004, 2004, 25, 7) for switch in "hl"
) | {"\x1b[?2026$p", "\x1b[?2048$p", "\x1b[>25u", "\x1b[<u"}

ESCAPE = re.compile(
    r"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC, ended by BEL or ST
    r"|\x1bP[^\x1b]*\x1b\\"  # DCS
    r"|\x1b[\x20-\x7e]?",  # any other escape, or a lone ESC
    re.S,
)
CUP = re.compile(r"\x1b\[(\d+);(\d+)H")
SGR = re.compile(r"\x1b\[([\d;]*)m")
RESET = "\x1b[0m"
ATTRIBUTES = frozenset({"1", "2", "3", "4", "7", "9"})
POINTER = re.compile(r"\x1b\]22;(?:default|pointer|text)\x07")
LINK_OPEN = re.compile(r"\x1b\]8;[^;\x07\x1b]*;([^\x07\x1b]+)(?:\x1b\\|\x07)")  # params; URL
LINK_CLOSE = "\x1b]8;;\x1b\\"
_FIELD = r"[^;\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*"
NOTIFICATION = re.compile(rf"\x1b\]777;notify;({_FIELD});({_FIELD})\x07")
BAD_TEXT = frozenset(FORBIDDEN | {"\t", "\n", "\r"})  # \r\n is taken out before this check
BAD = re.compile("[" + "".join(re.escape(c) for c in sorted(BAD_TEXT)) + "]")


@dataclass(frozen=True)
class Violation:
    offset: int  # in the decoded text
    step: str  # what the test was doing (the last mark before it)
    what: str
    context: str

    def __str__(self) -> str:
        return f"{self.step}: {self.what} at {self.offset}: {self.context}"


def tokens(stream: str) -> Iterator[tuple[int, str, bool]]:
    """(offset, piece, is_escape) for the whole stream, in order."""
    position = 0
    for found in ESCAPE.finditer(stream):
        if found.start() > position:
            yield position, stream[position : found.start()], False
        yield found.start(), found.group(), True
        position = found.end()
    if position < len(stream):
        yield position, stream[position:], False


def _sgr_ok(params: str) -> bool:
    if params == "0":
        return True
    parts = params.split(";")
    index = 0
    while index < len(parts):
        part = parts[index]
        if part in ("38", "48"):
            if parts[index + 1 : index + 2] != ["5"] or index + 2 >= len(parts):
                return False
            if not parts[index + 2].isdigit() or int(parts[index + 2]) > 255:
                return False
            index += 3
        elif part in ATTRIBUTES:
            index += 1
        else:
            return False
    return bool(parts)


@dataclass
class Judge:
    """The rules above, with the terminal's size and the addresses the app may link to."""

    size: tuple[int, int]
    links: Sequence[str]  # URL prefixes of the app's own hyperlinks
    notifications: list[tuple[str, str]] = field(default_factory=list)  # (title, body) of each OSC 777
    hyperlinks: list[str] = field(default_factory=list)

    def violations(self, data: bytes, marks: Sequence[tuple[str, int]] = ()) -> list[Violation]:
        found: list[Violation] = []
        try:
            stream = data.decode("utf-8")
        except UnicodeDecodeError as error:
            step = _step(marks, error.start)
            context = repr(data[max(0, error.start - 30) : error.start + 30])
            return [Violation(error.start, step, "invalid UTF-8", context)]
        byte_marks = [(label, len(data[:offset].decode("utf-8", "replace"))) for label, offset in marks]

        def add(offset: int, what: str) -> None:
            context = repr(stream[max(0, offset - 40) : offset + 40])
            found.append(Violation(offset, _step(byte_marks, offset), what, context))

        styled = False
        for offset, piece, escape in tokens(stream):
            if not escape:
                rest = piece.replace("\r\n", "")
                if BAD.search(rest) is not None:
                    bad = sorted({f"U+{ord(c):04X}" for c in BAD.findall(rest)})
                    add(offset, f"control or invisible character {', '.join(bad)} in text")
                continue
            if (sgr := SGR.fullmatch(piece)) is not None:
                if not _sgr_ok(sgr.group(1) or "0"):
                    add(offset, f"SGR {piece!r} outside Textual's vocabulary")
                elif piece == RESET:
                    if not styled:
                        add(offset, "a reset with no style open (a second reset: from the text)")
                    styled = False
                else:
                    if styled:
                        add(offset, f"SGR {piece!r} inside a styled run (from the text)")
                    styled = True
                continue
            if (cup := CUP.fullmatch(piece)) is not None:
                row, column = int(cup.group(1)), int(cup.group(2))
                if not (1 <= row <= self.size[1] and 1 <= column <= self.size[0]):
                    add(offset, f"cursor moved outside the terminal: {piece!r}")
                continue
            if piece in MODES or POINTER.fullmatch(piece) or piece == LINK_CLOSE:
                continue
            if (link := LINK_OPEN.fullmatch(piece)) is not None:
                url = link.group(1)
                self.hyperlinks.append(url)
                if not url.startswith(tuple(self.links)) or BAD.search(url):
                    add(offset, f"hyperlink (OSC 8) to {url!r}")
                continue
            if (note := NOTIFICATION.fullmatch(piece)) is not None:
                title, body = note.group(1), note.group(2)
                self.notifications.append((title, body))
                if set(title + body) & BAD_TEXT:
                    add(offset, "control or invisible character in a notification")
                continue
            add(offset, f"escape sequence Textual does not write: {piece!r}")
        return found


def _step(marks: Sequence[tuple[str, int]], offset: int) -> str:
    label = "start"
    for name, at in marks:
        if at <= offset:
            label = name
    return label


class Painter:
    """The screen the stream paints: cells by CUP and text, `\\r\\n` to the next row; styles ignored."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.columns, self.rows = size
        self.grid = [[" "] * self.columns for _ in range(self.rows)]
        self.x = self.y = 0
        self.lines: set[str] = set()  # every row as it was after each write to it
        self._dirty: set[int] = set()

    def feed(self, stream: str) -> Painter:
        for _, piece, escape in tokens(stream):
            self._take(piece, escape)
        self._flush()
        return self

    def _take(self, piece: str, escape: bool) -> None:
        if escape:
            if (cup := CUP.fullmatch(piece)) is not None:
                self._flush()
                self.y, self.x = int(cup.group(1)) - 1, int(cup.group(2)) - 1
            return
        if (
            piece.isascii() and piece.isprintable() and 0 <= self.y < self.rows and self.x < self.columns
        ):  # the common case, at once
            end = min(self.x + len(piece), self.columns)
            self.grid[self.y][self.x : end] = piece[: end - self.x]
            self.x = end
            self._dirty.add(self.y)
            return
        for char in piece:
            self._put(char)

    def _put(self, char: str) -> None:
        if char == "\r":
            self.x = 0
            return
        if char == "\n":
            self._flush()
            self.y = min(self.y + 1, self.rows - 1)
            return
        if not (0 <= self.y < self.rows):
            return
        width = get_character_cell_size(char)
        if width == 0:
            if self.x > 0:
                self.grid[self.y][self.x - 1] += char
            return
        if self.x + width > self.columns:
            return
        self.grid[self.y][self.x] = char
        if width == 2:
            self.grid[self.y][self.x + 1] = ""
        self.x += width
        self._dirty.add(self.y)

    def _flush(self) -> None:
        for row in self._dirty:
            self.lines.add("".join(self.grid[row]))
        self._dirty.clear()

    def steps(self, data: bytes, marks: Sequence[tuple[str, int]]) -> dict[str, set[str]]:
        """Replay `data` (`marks`: label, byte offset where the step began): the rows each step painted."""
        stream = data.decode("utf-8", "replace")
        bounds = [(label, len(data[:offset].decode("utf-8", "replace"))) for label, offset in marks]
        painted: dict[str, set[str]] = {"start": set()}
        label = "start"
        for offset, piece, escape in tokens(stream):
            while bounds and bounds[0][1] <= offset:
                self._flush()
                painted.setdefault(label, set()).update(self.lines)
                self.lines = set()
                label = bounds.pop(0)[0]
            self._take(piece, escape)
        self._flush()
        painted.setdefault(label, set()).update(self.lines)
        return painted

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.grid)

    def find(self, words: str) -> tuple[int, int] | None:
        """The cell (x, y) where `words` starts on the screen now."""
        for y, row in enumerate(self.grid):
            line = "".join(row)
            at = line.find(words)
            if at >= 0:
                return _cell_of(row, at), y
        return None

    def painted(self, words: str) -> bool:
        return any(words in line for line in self.lines)


def _cell_of(row: list[str], index: int) -> int:
    """The column of the character at `index` of the row's joined text."""
    seen = 0
    for column, cell in enumerate(row):
        if seen >= index:
            return column
        seen += len(cell)
    return len(row)
