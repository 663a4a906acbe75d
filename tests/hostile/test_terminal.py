"""The hostile corpus through every pane and dialog of duty-tui in a real terminal, judged on the bytes.

duty-tui runs in a pseudo-terminal (`terminal.Terminal`, 160×48, TERM=xterm-256color) against the
simulators, which hold the corpus everywhere text comes in (`world.build`). The tests type keys into the
terminal as a person would and read every byte duty-tui writes; `stream.Judge` accepts only the sequences
Textual writes itself and printable text (its docstring lists them), and `stream.Painter` replays the bytes
into the cells a terminal shows, to check that markup stayed literal and every entry was on screen.

Every corpus entry goes through the tickets list, the channel pane and at least one dialog: the omnibus
ticket (a comment per entry, by a person named by it), the omnibus thread (a reply per entry), the assign
picker and the incident lead list (a person per entry).
"""

from __future__ import annotations

import time

from tests.hostile.checks import assert_clean, judge, missing, shown
from tests.hostile.stream import Painter
from tests.hostile.terminal import DASHBOARD, SIZE, Terminal
from tests.hostile.world import BOT_TEXT, OMNIBUS, World
from tests.support import CONTROL, HOSTILE, HOSTILE_BY_ID, HOSTILE_IDS, MARKUP_LIKE, probe

# A ticket that arrives after the first poll: its summary is what the desktop notification (OSC 777) says.
CONTROL_LADEN = " ".join(value for value in HOSTILE if CONTROL.search(value))
SERVICE_ERROR = "[@click=app.quit]boom[/] \x1b]52;c;aGFjaw==\x07 \x9b31m"


def close(term: Terminal, key: str = "q") -> None:
    """Close the dialog (`q` where it closes one: Esc waits a moment to be sure it is not a sequence)."""
    term.press(key)
    term.on(DASHBOARD)


def test_tickets_pane_and_its_dialogs_write_only_printable_text(hostile: World, terminal: Terminal) -> None:
    term, world = terminal, hostile
    term.ready(tickets=len(HOSTILE), messages=len(HOSTILE))

    term.mark("tickets pane")
    term.top("ticket")
    term.page_through("ticket")

    term.mark("omnibus ticket")
    term.cursor_to("ticket", world.omnibus_key)
    term.press("enter")
    term.loaded("TicketScreen")
    term.page_through()
    close(term)

    term.mark("ticket detail")
    for name in ("click-quit", "rtl-override"):
        term.cursor_to("ticket", world.keys[HOSTILE_IDS.index(name)])
        term.press("enter")
        term.loaded("TicketScreen")
        term.settle(0.1)
        close(term)

    term.mark("comment editor")  # it shows the summary: the long entries, which the omnibus cuts short
    for name in ("long-message", "huge-mixed", "long-word"):
        term.cursor_to("ticket", world.keys[HOSTILE_IDS.index(name)])
        term.dialog("c", "CommentScreen", "comment-text")
        term.settle(0.1)
        close(term, "escape")

    term.mark("assign picker")
    term.press("a")
    term.wait(
        lambda s: s["screen"] == "AssignScreen" and (s["options"] or [0, 0])[1] > len(HOSTILE), "people"
    )
    term.page_through("options")
    close(term, "escape")

    term.mark("move picker")
    term.press("m")
    term.loaded("MoveScreen")
    term.settle(0.1)
    close(term)

    term.mark("help")
    term.press("question_mark")
    term.on("HelpScreen")
    term.page_through()
    close(term)

    term.mark("metrics")
    term.press("5")
    term.loaded("MetricsScreen", timeout=30)
    term.settle(0.2)
    close(term, "escape")

    term.mark("incident lead list")  # the declare form's lead list holds every Slack user: the corpus
    term.dialog("I", "DeclareScreen", "declare-title")
    term.focus("declare-lead", "shift+tab")  # the lead is the form's last field
    term.press("enter")
    term.wait(lambda s: s["focused"] == "SelectOverlay", "the list open")
    term.page_through("options")
    term.press("escape")
    term.wait(lambda s: s["focused"] == "declare-lead", "the list closed")
    close(term, "escape")

    term.mark("quit")
    assert term.quit() == 0

    assert_clean(term, judge(world))
    steps = Painter(SIZE).steps(term.snapshot(), term.marks)
    assert not missing(steps["tickets pane"]), missing(steps["tickets pane"])
    assert not missing(steps["omnibus ticket"], lines=True), missing(steps["omnibus ticket"], lines=True)
    for name in ("long-message", "huge-mixed", "long-word"):
        assert shown(steps["comment editor"], HOSTILE_BY_ID[name]), name
    people = steps["assign picker"] | steps["incident lead list"]
    assert not missing(people, 8), missing(people, 8)
    for value in MARKUP_LIKE:  # exactly as typed: nothing was read as markup
        assert any(value in line for line in steps["tickets pane"]), value
        assert any(value in line for line in steps["omnibus ticket"]), value
    assert any(OMNIBUS in line for line in steps["omnibus ticket"])


def test_channel_pane_and_its_dialogs_write_only_printable_text(hostile: World, terminal: Terminal) -> None:
    term, world = terminal, hostile
    term.ready(tickets=len(HOSTILE), messages=len(HOSTILE))

    term.mark("channel pane")
    term.pane(2)
    term.top("message")
    term.page_through("message")

    term.mark("omnibus thread")
    term.cursor_to("message", world.omnibus_ts)
    term.press("enter")
    term.loaded("ThreadScreen")
    term.page_through()
    close(term)

    term.mark("reply editor")
    term.cursor_to("message", world.messages[HOSTILE_IDS.index("osc-title")])
    term.press("c")
    term.on("ReplyScreen")
    term.settle(0.1)
    close(term, "escape")

    term.mark("reaction picker")
    term.press("e")
    term.on("ReactionPicker")
    term.settle(0.1)
    close(term, "escape")

    term.mark("raise form")
    term.press("n")
    term.loaded("RaiseTicketScreen")
    term.settle(0.2)
    close(term, "escape")

    term.mark("incident and checklist panes")
    for number in (3, 4):
        term.pane(number)
        term.settle(0.1)

    term.mark("service errors and news")  # errors with hostile words; a new ticket announced on the desktop
    world.h.world.slack.inject_error(SERVICE_ERROR, method="conversations.history", n=3)
    jira = world.h.world.jira.world
    jira.create_issue("LAA", CONTROL_LADEN, priority="Highest", reporter=world.people[1], labels=["hostile"])
    rows = len(term.state["ticket_rows"])
    term.press("r")
    term.wait(lambda s: "slack" in s["failing"] and len(s["ticket_rows"]) > rows, "the refresh answered", 30)
    term.settle(0.3)

    term.mark("clicks")  # an action in the text is only text: clicking it runs nothing
    term.pane(2)
    term.press("end")
    term.wait(lambda s: s["message"] == s["message_rows"][-1], "the last message")
    term.settle(0.2)
    here = Painter(SIZE).feed(term.snapshot().decode())
    for words in (BOT_TEXT, "[@click=app.b"):
        cell = here.find(words)
        assert cell is not None, (words, here.text())
        term.click(cell[0] + len(words) - 3, cell[1])
        term.settle(0.2)
    time.sleep(0.3)
    assert term.child.poll() is None, "clicking the text ran app.quit"
    term.wait(lambda s: s["screen"] == DASHBOARD, "the app still answering")

    term.mark("quit")
    assert term.quit() == 0

    checker = judge(world)
    assert_clean(term, checker)
    # The new ticket was announced by the terminal's own notification escape, its summary made printable
    # (and its field separators commas).
    words = probe(CONTROL_LADEN, 40).replace(";", ",")
    assert any(words in body for _, body in checker.notifications), checker.notifications
    steps = Painter(SIZE).steps(term.snapshot(), term.marks)
    assert not missing(steps["channel pane"]), missing(steps["channel pane"])
    assert not missing(steps["omnibus thread"], lines=True), missing(steps["omnibus thread"], lines=True)
    for value in MARKUP_LIKE:  # exactly as typed: nothing was read as markup
        assert any(value in line for line in steps["channel pane"]), value
        assert any(value in line for line in steps["omnibus thread"]), value
    after = steps["service errors and news"] | steps["clicks"]
    assert any("[@click=app.quit]boom[/]" in line for line in after)
