"""The byte checks themselves: a benign run writes only what they accept, and a run with the sanitizer
switched off is caught.

The first is where `stream.Judge`'s list of sequences comes from: the same app on the same world with
harmless words, through the same kinds of screens. The second starts duty-tui with
`HOSTILE_BYPASS=sanitize` (`tty_app.bypass_sanitize`: `duty_tui.text.sanitize` returns its input, in that
process only) on the control-laden part of the corpus, and expects each kind of escape to be reported. The
third, with `HOSTILE_BYPASS=markup` (the tables' cells parsed as Rich markup), expects the literal check to
miss the text, a link to be reported, and a click on an action in the text to end the app: what the pane
tests assert would then fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.checks import judge, report
from tests.hostile.stream import CUP, SGR, Painter, tokens
from tests.hostile.terminal import SIZE, Terminal
from tests.hostile.tty_app import ENV_BYPASS
from tests.hostile.world import World, build
from tests.support import CONTROL, HOSTILE

BENIGN = [f"benign words {n} for the list" for n in range(12)]
# Entries that carry a control; none with a surrogate (raw, it would stop the app writing at all).
CONTROLLED = [v for v in HOSTILE if CONTROL.search(v) and not any("\ud800" <= c <= "\udfff" for c in v)]


@pytest.fixture
def benign(tmp_path: Path) -> Iterator[World]:
    world = build(tmp_path, BENIGN, hostile=False)
    yield world
    world.close()


MARKUP = ["[b]unclosed", "[@click=app.quit]CLICKME[/]", "[link='https://evil.example']click[/link]"]


@pytest.fixture
def markup(tmp_path: Path) -> Iterator[World]:
    world = build(tmp_path, MARKUP)
    yield world
    world.close()


@pytest.fixture
def controlled(tmp_path: Path) -> Iterator[World]:
    world = build(tmp_path, CONTROLLED)
    yield world
    world.close()


def sequences(data: bytes) -> set[str]:
    """The distinct escape sequences in the stream, but cursor moves and styles."""
    return {
        piece
        for _, piece, escape in tokens(data.decode())
        if escape and not CUP.fullmatch(piece) and not SGR.fullmatch(piece)
    }


def test_a_benign_run_writes_only_the_sequences_listed(benign: World) -> None:
    term = Terminal(benign.spec)
    try:
        term.ready(tickets=len(BENIGN), messages=len(BENIGN))
        term.mark("tickets")
        term.top("ticket")
        term.page_through("ticket")
        term.mark("channel")
        term.pane(2)
        term.top("message")
        term.page_through("message")
        term.mark("help")
        term.press("question_mark")
        term.on("HelpScreen")
        term.page_through()
        term.press("q")
        term.mark("declare")
        term.dialog("I", "DeclareScreen", "declare-title")
        term.paste("A benign incident")
        term.press("ctrl+s")
        term.wait(lambda s: len(s["incidents"]) == 1 and s["outbox"] == 0, "the incident declared")
        term.mark("quit")
        assert term.quit() == 0
    finally:
        term.close()
    checker = judge(benign)
    found = checker.violations(term.snapshot(), term.marks)
    assert not found, report(found)
    seen = sequences(term.snapshot())
    # What Textual sets up and puts back, and the help screen's links to the boards.
    for sequence in ("\x1b[?1049h", "\x1b[?1049l", "\x1b[?1006h", "\x1b[?2004h", "\x1b[?25l", "\x1b[?25h"):
        assert sequence in seen, sequence
    assert any(url.startswith(benign.h.world.jira.url) for url in checker.hyperlinks), checker.hyperlinks


def test_the_checks_fail_when_the_sanitizer_is_bypassed(controlled: World) -> None:
    term = Terminal(controlled.spec, env={ENV_BYPASS: "sanitize"})
    try:
        term.ready(tickets=len(CONTROLLED), messages=len(CONTROLLED))
        term.mark("tickets")
        term.top("ticket")
        term.page_through("ticket")
        term.mark("channel")
        term.pane(2)
        term.top("message")
        term.page_through("message")
    finally:
        term.close()
    found = judge(controlled).violations(term.snapshot(), term.marks)
    said = "\n".join(map(str, found))
    # Each kind of escape in the corpus is caught: OSC 0 (title), OSC 8 (link), OSC 52 (clipboard), CSI that
    # clears the screen and colours text, DCS, the 8-bit CSI (C1) and bidi overrides.
    for evidence in (
        r"\x1b]0;PWNED",
        "'https://evil.example'",
        r"\x1b]52;c;",
        r"\x1b[2J",
        r"\x1b[31m",
        r"\x1bPq",
        "U+009B",
        "U+202E",
    ):
        assert evidence in said, (evidence, said[:3000])


def test_the_checks_fail_when_text_is_read_as_markup(markup: World) -> None:
    term = Terminal(markup.spec, env={ENV_BYPASS: "markup"})
    try:
        term.ready(tickets=len(MARKUP), messages=len(MARKUP))
        term.settle(0.2)
        here = Painter(SIZE).feed(term.snapshot().decode())
        assert not here.painted("[b]unclosed")  # what the pane tests' literal check looks for
        cell = here.find("CLICKME")
        assert cell is not None
        term.click(cell[0] + 2, cell[1])
        term.child.wait(10)  # the action in the text ran: app.quit
    finally:
        term.close()
    found = judge(markup).violations(term.snapshot(), term.marks)
    assert any(
        "hyperlink (OSC 8)" in str(violation) and "evil.example" in str(violation) for violation in found
    )
