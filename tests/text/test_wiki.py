"""duty_tui.text.wiki: Jira v2 wiki markup → plain text, and text made literal for a posted comment."""

from __future__ import annotations

import re

import pytest

from duty_tui.text import jira_wiki_text, wiki_literal
from tests.support import FORBIDDEN, HOSTILE, HOSTILE_IDS

WIKI = r"""h1. Printer *on* fire
Some _emphasis_, -deleted-, +inserted+, ^sup^, ~sub~, ??cite?? and {{mono_space}}: snake_case C++ a - b --flag
* one
** nested [the docs|https://x.io] and [https://bare.io] by [~accountid:5b10a] and [~bob]
# first
# second
## sub
||Host||State||
|web-1|[ok|https://status]|
!screenshot.png|thumbnail! and [^log.txt]
{color:red}urgent{color}
{panel:title=Note|borderStyle=dashed}
in a panel
{panel}
{code:java}
if (*x*) { return [b]; } // \\ stays
{code}
{noformat}raw _x_ [/]{noformat}
bq. a quoted line
{quote}
quoted *para*
{quote}
after
----
escaped \*not bold\* and \[not a link\] then line\\break"""

WIKI_EXPECTED = """Printer on fire
Some emphasis, deleted, inserted, sup, sub, cite and mono_space: snake_case C++ a - b --flag
• one
  • nested the docs (https://x.io) and https://bare.io by @5b10a and @bob
1. first
2. second
  1. sub
Host | State
web-1 | ok (https://status)
[image: screenshot.png] and [attachment: log.txt]
urgent
Note

in a panel

if (*x*) { return [b]; } // \\\\ stays
raw _x_ [/]
> a quoted line
> quoted para
after
—
escaped *not bold* and [not a link] then line
break"""


def test_jira_wiki_sample() -> None:
    assert jira_wiki_text(WIKI) == WIKI_EXPECTED


def test_jira_wiki_mentions_through_a_lookup() -> None:
    names = {"5b10a": "Mia Krystof"}
    assert (
        jira_wiki_text("ping [~accountid:5b10a] [~accountid:zz]", user_name=names.get)
        == "ping @Mia Krystof @zz"
    )


def test_jira_wiki_hostile() -> None:
    assert jira_wiki_text("{code}[/]{code}") == "[/]"
    assert jira_wiki_text("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"
    assert jira_wiki_text("a\x1b[31m *b*\u202e") == "a[31m b"
    assert jira_wiki_text("a\x1b[31m*b*") == "a[31m*b*"  # "*" after a letter is not a marker
    assert jira_wiki_text("{code}unclosed [b]") == "{code}unclosed [b]"
    assert (
        jira_wiki_text("a {code:java}*x*{code} b {noformat}[/]{noformat} {code}open")
        == "a *x* b [/] {code}open"
    )
    assert jira_wiki_text("{quote}unclosed") == "> unclosed"
    assert jira_wiki_text("x\r\ny") == "x\ny"
    assert jira_wiki_text("") == ""


# ---------------------------------------------------------------------------------------------------
# wiki_literal: other people's text in a comment duty-tui posts


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_wiki_literal_leaves_nothing_active(evil: str) -> None:
    written = wiki_literal(evil)
    assert not re.search(r"(?<!\\)[\[\]{}|!]", written)  # nothing that links, mentions or embeds
    assert "\\\\" not in written and not FORBIDDEN & set(written)  # no line break forced, no controls
    assert "\n" not in written  # a line starting "h1." or "* " would be block markup


def test_wiki_literal_stops_mentions_images_links_and_macros() -> None:
    summary = (
        "[~accountid:5b10a2844c20165700ede21g] !https://t.example/p.png! [x|https://evil] {html}<b>{html}"
    )
    written = wiki_literal(summary)
    assert written == (
        r"\[~accountid:5b10a2844c20165700ede21g\] \!https://t.example/p.png\! \[x\|https://evil\] "
        r"\{html\}<b>\{html\}"
    )
    assert jira_wiki_text(written) == summary
    assert wiki_literal("C:\\temp\\[x]") == "C:\u29f5temp\u29f5\\[x\\]"
