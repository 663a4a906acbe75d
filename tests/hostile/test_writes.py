"""Every write key with hostile text, in a real terminal: the bytes stay printable, and what duty-tui posts to
Jira and Slack stays literal there.

The engineer pastes hostile text (a bracketed paste, as a terminal sends the clipboard) into each editor
and form, or quotes other people's hostile text (a ticket raised from a message and its thread, a ticket
linked to an incident, a message pinned into one, the handover assembled from the dashboard). Afterwards
the simulators' stored state is compared with the input under the documented rules: Slack text is the
text as shown (`tests.support.visible`) with Slack's escapes of &, < and >, and carries no mention, link or
control character duty-tui did not build itself; Jira text carries no control or invisible character and
quoted text stays inside a literal block. The postmortem draft exported to a file is checked byte by byte.

A paste cannot carry ESC: Textual's input parser reads an ESC inside a paste as the start of a key, so the
pasted text here holds every other control (C0, DEL, C1 with the 8-bit CSI), bidi controls and invisible
characters; ESC sequences reach the app from the services instead, and the other tests cover those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from duty_tui.demo.scenario import CHANNEL
from duty_tui.rules.postmortem import md_inline
from tests.hostile.checks import (
    assert_clean,
    assert_printable,
    assert_slack_literal,
    judge,
    slack_literal,
    slack_words,
)
from tests.hostile.stream import Painter
from tests.hostile.terminal import DASHBOARD, SIZE, Terminal
from tests.hostile.world import World
from tests.support import HOSTILE_IDS, visible

SLACK_WORKSPACE = "https://mojdt.slack.com/archives/"

# What the engineer pastes into a multi-line editor: markup, actions, Slack and Jira syntax, C0, DEL, C1
# (the 8-bit CSI and OSC among them), bidi controls, invisible characters, and four kinds of line break.
TYPED = (
    "[b]bold?[/b] [@click=app.quit]quit[/] [link='https://evil.example']x[/link] $accent [/]\n"
    "<!channel> <@U0SIM00001> <#C0SIM1> <https://evil.example|click> &amp;lt; &gt; & done\n"
    "[~accountid:5b10ac8d82e05b22cc7d0001] !https://evil.example/p.png! {html}<b>hi</b>{html}\n"
    "\x07bell \x08bs \x0bvt \x7fdel \x01soh \x9b31m \x9d8;;https://evil.example\x9c c1\r\n"
    "\u202eevil\u202c \u2066iso\u2069 zero\u200bwidth soft\u00adhyphen \ufeffbom\u2028after a separator"
)
# One line, for the fields that take one: an incident title, an improvement.
TITLE = "[b]x[/b] [@click=app.quit]q[/] <!channel> <@U1> &amp; \x9b31m \u202eevil\u202c $accent"
SECOND_TITLE = "<!here> [/] second \x07 incident"


def slack_posts(world: World, before: set[str]) -> list[dict[str, Any]]:
    """Every message and reply in #laa-ops that was not there when the test began."""
    return [m for m in world.h.world.slack.world.messages(CHANNEL) if m["ts"] not in before]


def wait_sent(term: Terminal, what: str, landed: Callable[[], bool]) -> None:
    """Until the write has landed in the simulator, and the app has nothing left to send."""
    term.eventually(landed, what)
    term.wait(lambda s: s["screen"] == DASHBOARD and s["outbox"] == 0 and s["pending"] == 0, what, 30)


def choose_incident(term: Terminal) -> None:
    term.on("ChoiceScreen")
    term.settle(0.1)
    term.press("enter")
    term.on(DASHBOARD)


def test_what_duty_tui_posts_stays_literal(hostile: World, terminal: Terminal) -> None:
    term, world = terminal, hostile
    jira, slack = world.h.world.jira.world, world.h.world.slack.world
    me = world.h.world.cast.slack["priya"]
    # Mentions and links duty-tui makes itself: the engineer (the lead), the product manager (told of a
    # raised ticket), the Jira site, and Slack permalinks.
    manager = world.h.config().channel.product_manager
    own = (f"@{me}", f"@{manager}", f"{world.h.world.jira.url}/browse/", SLACK_WORKSPACE)
    before = {m["ts"] for m in slack.messages(CHANNEL)}
    issues_before = set(jira.issue_keys())

    def posts() -> list[dict[str, Any]]:
        return slack_posts(world, before)

    def announcements() -> list[dict[str, Any]]:
        return [m for m in posts() if m.get("metadata") and not m.get("thread_ts")]

    term.ready(tickets=len(world.corpus), messages=len(world.corpus))

    term.mark("reply")
    term.pane(2)
    target = world.messages[HOSTILE_IDS.index("slack-here-label")]
    term.cursor_to("message", target)
    term.dialog("c", "ReplyScreen", "reply-text")
    term.paste(TYPED)
    term.settle(0.1)
    term.press("ctrl+s")
    wait_sent(term, "the reply sent", lambda: any(m.get("thread_ts") == target for m in posts()))
    [reply] = [m for m in posts() if m.get("thread_ts") == target]
    assert reply["text"] == slack_literal(TYPED), reply["text"]
    assert reply["user"] == me

    term.mark("reaction")
    term.press("e")
    term.on("ReactionPicker")
    term.press("enter")
    wait_sent(term, "the reaction added", lambda: "reactions" in slack.message(CHANNEL, target))
    assert slack.message(CHANNEL, target)["reactions"][0]["name"] == "eyes"

    term.mark("raise from the omnibus thread")
    term.cursor_to("message", world.omnibus_ts)
    term.press("n")
    term.loaded("RaiseTicketScreen")
    term.settle(0.2)
    term.press("ctrl+s")
    wait_sent(term, "the ticket raised", lambda: bool(set(jira.issue_keys()) - issues_before))
    [raised] = set(jira.issue_keys()) - issues_before
    fields = jira.issue(raised)["fields"]
    assert_printable(fields["summary"], "the raised ticket's summary")
    description = fields["description"]
    assert_printable(description, "the raised ticket's description")
    # The replies are quoted as literal wiki text: no mention, image, link or markup block of theirs works.
    assert description.count("{noformat}") == 2
    for line in description.splitlines():
        if line.startswith("* "):  # a reply: "* author (hh:mm): words", both escaped
            assert "[~" not in line.replace("\\[~", ""), line
            assert "!http" not in line.replace("\\!http", ""), line

    term.mark("comment")
    term.pane(1)
    commented = world.keys[HOSTILE_IDS.index("html")]
    term.cursor_to("ticket", commented)
    term.dialog("c", "CommentScreen", "comment-text")
    term.paste(TYPED)
    term.settle(0.1)
    term.press("ctrl+s")
    wait_sent(term, "the comment sent", lambda: len(jira.comments(commented)) > 0)
    comment = jira.comments(commented)[-1]["body"]
    # The engineer's own words, in Jira's wiki syntax as typed (no escaping: the syntax is theirs to use),
    # less what no terminal or page should carry: exactly the text as shown.
    assert comment == visible(TYPED).strip(), comment
    assert_printable(comment, "the comment")

    term.mark("declare")
    term.dialog("I", "DeclareScreen", "declare-title")
    term.paste(TITLE)
    term.settle(0.1)
    term.press("ctrl+s")
    wait_sent(term, "the incident declared", lambda: len(announcements()) == 1)
    [announce] = announcements()
    assert announce["text"].splitlines()[0].endswith(": " + slack_words(TITLE)), announce["text"]

    term.mark("link a hostile ticket")
    count = len(posts())  # its summary goes to the incident's thread
    linked = world.keys[HOSTILE_IDS.index("slack-mention-label")]
    term.cursor_to("ticket", linked)
    term.press("i")
    choose_incident(term)
    wait_sent(term, "the link posted", lambda: len(posts()) > count)

    term.mark("pin a hostile message")
    count = len(posts())  # quoted in the incident's thread
    term.pane(2)
    term.cursor_to("message", world.messages[HOSTILE_IDS.index("slack-mention-label")])
    term.press("p")  # one incident open: straight into it, and a toast names it
    wait_sent(term, "the pin posted", lambda: len(posts()) > count)

    term.mark("incident view")
    term.pane(3)
    term.press("enter")
    term.on("IncidentScreen")
    term.settle(0.2)
    term.press("escape")
    term.on(DASHBOARD)

    term.mark("update")
    count = len(posts())
    term.dialog("U", "UpdateScreen", "update-text")
    term.paste(TYPED)
    term.settle(0.1)
    term.press("ctrl+s")
    wait_sent(term, "the update posted", lambda: len(posts()) > count)

    term.mark("note")
    term.dialog("N", "NoteScreen", "PlainTextArea")
    term.paste(TYPED)
    term.settle(0.1)
    term.press("ctrl+s")
    term.on(DASHBOARD)

    term.mark("resolve")
    count = len(posts())
    term.dialog("X", "ResolveScreen", "PlainTextArea")
    term.paste(TYPED)
    term.settle(0.1)
    term.press("ctrl+s")
    wait_sent(term, "the resolution posted", lambda: len(posts()) > count)

    term.mark("metrics")  # the incidents, resolved and owed a postmortem, by their hostile titles
    term.press("5")
    term.loaded("MetricsScreen", timeout=30)
    term.settle(0.2)
    term.press("escape")
    term.on(DASHBOARD)

    term.mark("postmortem")
    term.press("P")
    term.on("PostmortemScreen")
    term.dialog("a", "ImprovementScreen", "improvement-action")
    term.paste(TITLE)
    term.settle(0.1)
    term.press("ctrl+s")
    term.on("PostmortemScreen")
    term.press("x")
    term.wait(lambda s: any(world.postmortems.glob("*.md")), "the draft exported")
    term.settle(0.2)
    term.press("escape")
    term.on(DASHBOARD)

    term.mark("handover")
    count = len(posts())
    term.dialog("H", "HandoverScreen", "handover-text")
    term.paste("\n" + TYPED)
    term.settle(0.1)
    term.press("ctrl+s")
    wait_sent(term, "the handover posted", lambda: len(posts()) > count)

    term.mark("second incident")
    term.dialog("I", "DeclareScreen", "declare-title")
    term.paste(SECOND_TITLE)
    term.settle(0.1)
    term.press("ctrl+s")
    wait_sent(term, "the second incident declared", lambda: len(announcements()) == 2)

    term.mark("quit while leading")  # the quit check lists the open incidents' titles
    assert term.quit() == 0

    assert_clean(term, judge(world))
    steps = Painter(SIZE).steps(term.snapshot(), term.marks)
    title = " ".join(visible(TITLE).split())
    assert any(title[:30] in line for line in steps["declare"])  # typed into the form, shown as typed
    # The toast that names the incident a ticket was linked to shows its title literally.
    toasts = steps["link a hostile ticket"] | steps["pin a hostile message"]
    assert any("linked to “" + title[:20] in line for line in toasts), title

    sent = posts()
    texts = "\n\n".join(m["text"] for m in sent)
    assert len(sent) >= 9, texts  # reply, raised, announce, link, pin, update, resolution, handover, second
    for post in sent:
        assert_slack_literal(post["text"], own)
    # The reply, the update, the resolution and the handover each hold the pasted text, literally.
    assert sum(slack_literal(TYPED) in m["text"] for m in sent) >= 4, texts
    assert slack_words(SECOND_TITLE) in texts
    assert "&lt;@U1|[/b]&gt;" in texts  # the linked summary and the pinned quote, not a mention

    for key in set(jira.issue_keys()) - issues_before:
        fields = jira.issue(key)["fields"]
        assert_printable(fields["summary"] + "\n" + (fields["description"] or ""), key)
    for key in world.keys:
        for body in jira.comments(key):
            assert_printable(body["body"], f"a comment on {key}")

    [exported] = list(world.postmortems.glob("*.md"))
    data = exported.read_bytes()
    document = data.decode("utf-8")  # valid UTF-8
    assert_printable(document, "the exported postmortem")
    assert md_inline(visible(TITLE)) in document
    assert not any(line.startswith(("<", "=", "[@")) for line in document.splitlines())
