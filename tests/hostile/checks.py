"""What the tests assert: the bytes judged, the corpus on screen, and what duty-tui posted kept literal."""

from __future__ import annotations

import re

from tests.hostile.stream import Judge, Violation
from tests.hostile.terminal import SIZE, Terminal
from tests.hostile.world import World
from tests.support import FORBIDDEN, HOSTILE, HOSTILE_IDS, probe, visible


def judge(world: World) -> Judge:
    """The app's own hyperlinks go to the Jira site (the boards, on the help screen) and to Slack."""
    return Judge(SIZE, links=(world.h.world.jira.url, "https://slack.com/app_redirect"))


def assert_clean(term: Terminal, checker: Judge) -> None:
    found = checker.violations(term.snapshot(), term.marks)
    assert not found, report(found)


def report(found: list[Violation]) -> str:
    return f"{len(found)} violations:\n" + "\n".join(map(str, found[:25]))


def shown(painted: set[str], value: str, length: int = 10, *, lines: bool = False) -> bool:
    """The start of `value`, as any literal rendering on one line shows it, is on one of the painted rows;
    with `lines` (a view that keeps line breaks), the start of one of its lines will do."""
    words = [probe(value, length)]
    if lines:
        words += [line.strip()[:8] for line in visible(value).splitlines() if line.strip()]
    return not words[0] or any(word in row for word in words if word for row in painted)


def missing(painted: set[str], length: int = 10, *, lines: bool = False) -> list[str]:
    """The corpus entries not on any painted row."""
    return [
        name
        for name, value in zip(HOSTILE_IDS, HOSTILE, strict=True)
        if not shown(painted, value, length, lines=lines)
    ]


# -- what duty-tui posts ----------------------------------------------------------------------------

# The only <…> Slack entities duty-tui writes itself: a user it chose (the lead, the engineer) and links it
# built to the Jira site or to Slack. A typed <!channel>, <@U…> or <https://…|…> must arrive as &lt;…&gt;.
_ENTITY = re.compile(r"<([^<>]*)>")
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def slack_literal(typed: str) -> str:
    """What Slack must hold for text the engineer typed in a multi-line editor: its characters as shown
    (`visible`), each line's trailing space dropped, the whole stripped, then Slack's three escapes."""
    lines = [line.rstrip() for line in visible(typed).strip().splitlines()]
    return "\n".join(lines).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_words(value: str) -> str:
    """One line of text as duty-tui posts it in a title or a name: visible, on one line, escaped."""
    words = " ".join(visible(value).split())
    return words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def assert_slack_literal(posted: str, own: tuple[str, ...]) -> None:
    """Nothing in a Slack `text` duty-tui posted can mention, link or hide: no control or invisible
    character, every & an escape, every <…> one that duty-tui built (`own`: the user ids and URL prefixes
    it may use)."""
    bad = sorted({f"U+{ord(c):04X}" for c in posted if c in FORBIDDEN and c != "\t"})
    assert not bad, (bad, posted)
    assert not _BARE_AMPERSAND.search(posted), posted
    for entity in _ENTITY.findall(posted):
        target = entity.split("|", 1)[0]
        assert target.startswith(own), (entity, posted)


def assert_printable(value: str, where: str) -> None:
    """No control or invisible character (line breaks and tabs allowed) in what was stored or written."""
    bad = sorted({f"U+{ord(c):04X}" for c in value if c in FORBIDDEN and c not in "\t\n"})
    assert not bad, (where, bad, value[:300])
