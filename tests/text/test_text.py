"""duty_tui.text: untrusted text never becomes markup, never reaches the terminal raw, never crashes."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.text import Span, Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Label, OptionList, Static, Tree

from duty_tui import text as text_module
from duty_tui.text import (
    LINE_BREAK,
    NoNames,
    adf_text,
    assemble,
    clean,
    content,
    error_sentence,
    jira_wiki_text,
    one_line,
    plain,
    sanitize,
    slack_links,
    slack_text,
    wiki_literal,
)
from tests.hostile import (
    FORBIDDEN,
    HOSTILE,
    HOSTILE_BY_ID,
    HOSTILE_IDS,
    HUGE_MESSAGE,
    MARKUP_LIKE,
    probe,
    visible,
    visible_line,
)
from tests.support import screen_dump


class FakeNames:
    """A NameLookup with a few known ids; records what it was asked."""

    def __init__(self, users: dict[str, str] | None = None, channels: dict[str, str] | None = None) -> None:
        self.users = {"U1": "Ann Smith", "U2": "Bob"} if users is None else users
        self.channels = {"C1": "laa-ops"} if channels is None else channels
        self.asked: list[str] = []

    def user_name(self, user_id: str) -> str | None:
        self.asked.append(user_id)
        return self.users.get(user_id)

    def channel_name(self, channel_id: str) -> str | None:
        self.asked.append(channel_id)
        return self.channels.get(channel_id)


class BrokenNames:
    """A lookup that fails or returns nonsense: rendering must carry on."""

    def user_name(self, user_id: str) -> str | None:
        raise RuntimeError("cache exploded")

    def channel_name(self, channel_id: str) -> str | None:
        return 42  # type: ignore[return-value]


NAMES = FakeNames()
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def assert_clean(value: str) -> None:
    bad = sorted({f"U+{ord(char):04X}" for char in value if char in FORBIDDEN or char in BIDI})
    assert not bad, f"forbidden characters in output: {bad}"
    assert not any("\ud800" <= char <= "\udfff" for char in value), "lone surrogate in output"
    value.encode("utf-8")  # must be writable to a UTF-8 terminal


def styled(text: Text, fragment: str) -> set[str]:
    """The styles of the spans that cover ``fragment`` in ``text`` entirely."""
    start = text.plain.index(fragment)
    end = start + len(fragment)
    return {str(span.style) for span in text.spans if span.start <= start and span.end >= end}


# ---------------------------------------------------------------------------------------------------
# Every hostile string through every renderer


def adf_of(value: str) -> dict[str, object]:
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": value}]},
            {"type": "codeBlock", "content": [{"type": "text", "text": value}]},
            {"type": "mention", "attrs": {"id": value, "text": value}},
            {"type": "status", "attrs": {"text": value}},
            {"type": "inlineCard", "attrs": {"url": value}},
            {"type": "media", "attrs": {"alt": value}},
            {"type": value, "content": [{"type": "text", "text": value}]},
        ],
    }


RENDERERS: dict[str, Callable[[str], str]] = {
    "sanitize": sanitize,
    "one_line": one_line,
    "one_line-10": lambda value: one_line(value, 10),
    "plain": lambda value: plain(value).plain,
    "plain-single": lambda value: plain(value, "bold", single_line=True, limit=50).plain,
    "content": lambda value: content(value).plain,
    "content-single": lambda value: content(value, "bold", single_line=True, limit=50).plain,
    "assemble": lambda value: assemble(value, (value, "bold"), Text(value)).plain,
    "slack": lambda value: slack_text(value, NAMES).plain,
    "slack-single": lambda value: slack_text(value, NAMES, single_line=True, limit=80).plain,
    "slack-names": lambda value: slack_text("<@U9> <#C9>", FakeNames({"U9": value}, {"C9": value})).plain,
    "slack-links": lambda value: " ".join(slack_links(value)),
    "wiki": jira_wiki_text,
    "adf": lambda value: adf_text(adf_of(value)),
    "adf-str": adf_text,
    "error": error_sentence,
    "error-exc": lambda value: error_sentence(ValueError(value)),
}


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_renders_clean(evil: str, renderer: str) -> None:
    result = RENDERERS[renderer](evil)
    assert isinstance(result, str)
    assert_clean(result)


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_sanitize_matches_the_documented_rules(evil: str) -> None:
    # tests/hostile.py restates the rules independently (unicodedata, not hand-listed ranges).
    assert sanitize(evil) == visible(evil)
    assert one_line(evil, 100_000) == visible_line(evil)


@pytest.mark.parametrize("evil", MARKUP_LIKE)
def test_markup_stays_literal(evil: str) -> None:
    assert plain(evil).plain == evil
    assert plain(evil).spans == []
    assert content(evil).plain == evil
    assert content(evil).spans == []
    assert one_line(evil) == evil
    assert assemble(evil, (evil, "dim")).plain == evil + evil
    assert slack_text(evil, NAMES).plain == evil


# ---------------------------------------------------------------------------------------------------
# sanitize


def test_sanitize_removes_escapes_but_keeps_their_visible_remnants() -> None:
    assert sanitize("\x1b]0;PWNED title\x07") == "]0;PWNED title"
    assert sanitize("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\") == (
        "]8;;https://evil.example\\link]8;;\\"
    )
    assert sanitize("\x1b]52;c;aGFjaw==\x07") == "]52;c;aGFjaw=="
    assert sanitize("\x1b[31mred\x1b[0m") == "[31mred[0m"
    assert sanitize("\x9b31m") == "31m"
    assert sanitize("\x00nul\x07bell\x08\x7f") == "nulbell"


def test_sanitize_line_breaks_and_whitespace() -> None:
    assert sanitize("a\r\nb\rc\nd\te") == "a\nb\nc\nd\te"
    assert sanitize("a\x85b\u2028c\u2029d") == "a\nb\nc\nd"
    assert sanitize("a\x0bb\x0cc") == "a b c"


def test_sanitize_bidi_and_invisibles() -> None:
    assert sanitize("\u202eevil\u202c") == "evil"
    assert sanitize("\u2066isolate\u2069 \u200eltr\u200f \u061calm") == "isolate ltr alm"
    assert sanitize("zero\u200bwidth\u200cjoin\u2060\ufeff") == "zerowidthjoin"
    assert sanitize("soft\u00adhyphen \u180emvs") == "softhyphen mvs"
    assert sanitize("hi\U000e0041\U000e0042") == "hi"  # tag characters cannot smuggle text


def test_sanitize_keeps_emoji_sequences() -> None:
    for emoji_sequence in (
        "👩\u200d💻",  # ZWJ
        "❤\ufe0f",  # VS16
        "☎\ufe0e",  # VS15
        "👍🏽",  # skin tone
        "1\ufe0f\u20e3",  # keycap
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    ):
        assert sanitize(emoji_sequence) == emoji_sequence


def test_sanitize_surrogates_and_zalgo() -> None:
    assert sanitize("a\ud800b") == "a\ufffdb"
    assert sanitize("a\udc00") == "a\ufffd"
    assert sanitize("\ud83d\ude00") == "😀"
    zalgo = "Z" + "\u0334\u0321\u0327\u031b\u0320\u0353\u0317"
    assert sanitize(zalgo) == zalgo[:5]  # four marks kept
    assert sanitize("ệ") == "ệ"  # e + two combining marks is a real letter


def test_sanitize_passes_clean_text_through_unchanged() -> None:
    clean = "Printer on fire — 漢字 שלום [b] $accent 👩\u200d💻\tok\n"
    assert sanitize(clean) is clean


def test_sanitize_accepts_str_subclasses() -> None:
    class Sneaky(str):
        pass

    result = sanitize(Sneaky("a\x1bb"))
    assert result == "ab"
    assert type(result) is str


# ---------------------------------------------------------------------------------------------------
# one_line


def test_one_line_collapses_whitespace_and_marks_line_breaks() -> None:
    assert one_line("\n\n\nmany\nlines\n") == f"many{LINE_BREAK}lines"
    assert one_line("a  b\t\tc\u00a0 d") == "a b c d"
    assert one_line("a \n \n b") == f"a{LINE_BREAK}b"
    assert one_line("   ") == ""
    assert one_line("") == ""


def test_one_line_caps_with_an_ellipsis() -> None:
    assert one_line("abcdef", 6) == "abcdef"
    assert one_line("abcdefg", 6) == "abcde…"
    assert one_line("abc defg", 5) == "abc…"  # no dangling space before the ellipsis
    assert one_line("abc", 1) == "…"
    assert one_line("abc", 0) == ""
    assert len(one_line("x" * 20_000)) == 500


def test_one_line_window_shortcut_matches_the_full_computation() -> None:
    # one_line only looks at a prefix of long values; the result must not depend on that.
    rng = random.Random(7)
    pieces = ["word ", " ", "\n", "\t", "\x1b", "\r\n", "  \n  ", "\u200b", "😀", "\ud83d", "é", "\u0301" * 6]
    for _ in range(300):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 400)))
        limit = rng.randint(1, 60)
        expected = clean._cap(clean._collapse(sanitize(value)), limit)
        assert one_line(value, limit) == expected, (value, limit)
    spaces = " " * 5_000 + "\n" * 5_000 + "tail"
    assert one_line(spaces, 10) == "tail"


# ---------------------------------------------------------------------------------------------------
# plain / content / assemble


def test_plain_is_literal_with_style_as_a_span() -> None:
    text = plain("[b]x[/b]")
    assert text.plain == "[b]x[/b]"
    assert text.spans == []
    bold = plain("[b]x[/b]", "bold")
    assert bold.spans == [Span(0, 8, "bold")]
    assert bold.style == ""  # not the base style: Text.__eq__ ignores that
    assert plain("x", "bold") != plain("x", "italic")
    assert plain("", "bold").spans == []


def test_plain_single_line_and_limit() -> None:
    assert plain("a\nb", single_line=True).plain == f"a{LINE_BREAK}b"
    assert plain("a\nb").plain == "a\nb"
    assert plain("abcdef", limit=4).plain == "abc…"
    capped = plain("abcdef", "bold", single_line=True, limit=4)
    assert capped.plain == "abc…"
    assert capped.spans == [Span(0, 4, "bold")]


def test_content_is_never_parsed() -> None:
    for value in ("[$accent]v", "$accent", "[@click=app.quit]x[/]", "[/foo]", "a [b + c"):
        shown = content(value)
        assert isinstance(shown, Content)
        assert shown.plain == value
        assert shown.spans == []
    styled_content = content("[b]x", "$accent bold")
    assert styled_content.plain == "[b]x"
    assert len(styled_content.spans) == 1
    assert content("a\nb", single_line=True).plain == f"a{LINE_BREAK}b"
    assert content("a\nb", single_line=True, limit=3).plain == "a…"


def test_assemble_sanitizes_every_part() -> None:
    outside = Text("\x1b[31mred", style="italic")
    outside.stylize("bold", 5, 8)
    result = assemble("[b]who\x07", " ", ("\u202e12s", "dim"), outside)
    assert result.plain == "[b]who 12s[31mred"
    assert Span(7, 10, "dim") in result.spans
    assert any(span.style == "bold" and result.plain[span.start : span.end] == "red" for span in result.spans)
    assert_clean(result.plain)


# ---------------------------------------------------------------------------------------------------
# Slack mrkdwn


def test_slack_user_mentions() -> None:
    text = slack_text("hi <@U1> and <@U2|bobby> and <@U9> and <@U8|eve>", NAMES)
    assert text.plain == "hi @Ann Smith and @Bob and @U9 and @eve"
    assert styled(text, "@Ann Smith") == {"bold"}
    assert styled(text, "@U9") == {"bold"}


def test_slack_names_from_lookups_are_untrusted() -> None:
    names = FakeNames({"U1": "[@click=app.quit]Ann\x1b]0;x\x07\n[/]"}, {"C1": "\u202eevil"})
    text = slack_text("<@U1> in <#C1>", names)
    assert text.plain == "@[@click=app.quit]Ann]0;x ⏎ [/] in #evil"
    assert_clean(text.plain)


def test_slack_without_a_lookup() -> None:
    assert slack_text("<@U1|ann> <@U2> <#C1|ops> <#C2>", NoNames()).plain == "@ann @U2 #ops #C2"


def test_slack_broken_lookups_fall_back() -> None:
    text = slack_text("<@U1|ann> <#C1|general> <#C2>", BrokenNames())
    assert text.plain == "@ann #general #C2"


def test_slack_channels_and_special_mentions() -> None:
    text = slack_text("<#C1> <#C2|general> <#C3|> <#C4> <!here> <!channel> <!everyone> <!here|here>", NAMES)
    assert text.plain == "#laa-ops #general #C3 #C4 @here @channel @everyone @here"
    assert styled(text, "@channel") == {"bold"}


def test_slack_subteam_and_date() -> None:
    text = slack_text(
        "<!subteam^S1|@oncall> <!subteam^S2> <!date^1392734382^{date_short} at {time}|Feb 18, 2014> "
        "<!date^1392734382^{date}^https://x.io|fallback> <!date^1392734382^{date}> <!date^nope^x>",
        NAMES,
    )
    assert text.plain == "@oncall @group Feb 18, 2014 fallback 2014-02-18 14:39 UTC date^nope^x"


def test_slack_links() -> None:
    text = slack_text(
        "see <https://x.io/a?b=1&amp;c=2|the [b]docs[/b]> or <https://y.io> <mailto:a@b.c|mail>", NAMES
    )
    assert text.plain == "see the [b]docs[/b] or https://y.io mail"
    assert styled(text, "the [b]docs[/b]") == {"underline"}
    assert styled(text, "https://y.io") == {"underline"}
    assert slack_links("see <https://x.io/a?b=1&amp;c=2|docs> <@U1> <https://y.io> <mailto:a@b.c|m>") == [
        "https://x.io/a?b=1&c=2",
        "https://y.io",
        "mailto:a@b.c",
    ]
    assert slack_links("<javascript:alert(1)|x> <file:///etc/passwd> <slack://open> plain https://z.io") == []


def test_slack_not_an_entity_stays_literal() -> None:
    assert slack_text("<script>alert(1)</script>", NAMES).plain == "<script>alert(1)</script>"
    assert slack_text("<@U1 <#C1| <https://x.io|", NAMES).plain == "<@U1 <#C1| <https://x.io|"


def test_slack_unescaping_order() -> None:
    assert slack_text("&amp;lt; &lt;b&gt; &amp;amp; &amp;", NAMES).plain == "&lt; <b> &amp; &"
    assert slack_text("&lt;@U1&gt;", NAMES).plain == "<@U1>"  # escaped: not a mention


def test_slack_styles() -> None:
    text = slack_text("*bold* _it_ ~gone~ `co *de*` *_both_*", NAMES)
    assert text.plain == "bold it gone co *de* both"
    assert styled(text, "bold") == {"bold"}
    assert styled(text, "it") == {"italic"}
    assert styled(text, "gone") == {"strike"}
    assert styled(text, "co *de*") == {"cyan"}
    assert styled(text, "both") == {"bold italic"}


def test_slack_markers_inside_words_stay_literal() -> None:
    for literal in ("snake_case_name", "2*3*4", "__init__", "a * b * c", "**", "_ _", "~/path~backup", "*"):
        text = slack_text(literal, NAMES)
        assert text.plain == literal
        assert text.spans == []


def test_slack_style_around_an_entity() -> None:
    text = slack_text("*ping <@U1> now*", NAMES)
    assert text.plain == "ping @Ann Smith now"
    assert styled(text, "ping ") == {"bold"}
    assert styled(text, "@Ann Smith") == {"bold"}


def test_slack_pre_blocks_and_quotes() -> None:
    text = slack_text("look:\n```\n*not bold* :skull: <@U1>\n```\n&gt; quoted *b*\nplain", NAMES)
    assert text.plain == "look:\n*not bold* :skull: @Ann Smith\n> quoted b\nplain"
    assert styled(text, "*not bold* :skull: ") == {"cyan"}
    assert styled(text, "@Ann Smith") == {"cyan bold"}
    assert styled(text, "> quoted ") == {"dim"}
    quoted_b = text.plain.index("quoted b") + len("quoted ")
    assert {str(span.style) for span in text.spans if span.start <= quoted_b < span.end} == {"dim bold"}
    assert styled(text, "plain") == set()
    assert slack_text("&amp;gt; not a quote", NAMES).spans == []


def test_slack_pre_is_a_block_of_its_own() -> None:
    assert slack_text("before ```code``` after", NAMES).plain == "before\ncode\nafter"


def test_slack_emoji() -> None:
    text = slack_text(
        ":skull: :+1: :thumbsup: :wave::skin-tone-3: :custom-party: :nope::skin-tone-2: `:skull:`", NAMES
    )
    assert text.plain == "💀 👍 👍 👋🏼 :custom-party: :nope::skin-tone-2: :skull:"
    zwj = slack_text(":man_technologist::skin-tone-5:", NAMES).plain
    assert zwj == "👨🏾\u200d💻"  # the tone goes on the first person, not after the laptop
    assert slack_text("at 10:30:00 see https://x.io:8080", NAMES).plain == "at 10:30:00 see https://x.io:8080"
    assert slack_text("*:fire:*", NAMES).spans == [Span(0, 1, "bold")]


def test_slack_single_line_and_limit() -> None:
    text = slack_text("*first*\n\n<@U1>   said\n```\na\n  b\n```", NAMES, single_line=True)
    assert text.plain == f"first{LINE_BREAK}@Ann Smith said{LINE_BREAK}a{LINE_BREAK}b"
    assert styled(text, "first") == {"bold"}
    assert styled(text, "@Ann Smith") == {"bold"}
    capped = slack_text("*bold words* and more", NAMES, limit=8)
    assert capped.plain == "bold wo…"
    assert styled(capped, "bold wo") == {"bold"}
    assert slack_text("*abc*", NAMES, limit=0).plain == ""


def test_slack_fast_path_matches_plain() -> None:
    assert slack_text("just words [b] $x\nline", NAMES) == plain("just words [b] $x\nline")
    assert slack_text("just\nwords", NAMES, single_line=True, limit=6) == plain(
        "just\nwords", single_line=True, limit=6
    )


def test_slack_cache_sees_name_changes() -> None:
    # The parse is cached by text; names resolved later must still show up.
    names = FakeNames(users={})
    assert slack_text("*hi* <@U7>", names).plain == "hi @U7"
    names.users["U7"] = "Zoe"
    assert slack_text("*hi* <@U7>", names).plain == "hi @Zoe"


def test_slack_results_are_independent_objects() -> None:
    first = slack_text("*hi* <@U1>", NAMES)
    first.stylize("red", 0, 2)
    assert slack_text("*hi* <@U1>", NAMES).spans == [Span(0, 2, "bold"), Span(3, 13, "bold")]


def test_slack_huge_message_finishes() -> None:
    # A sanity check that 20,000 characters do not take pathological time; not a timed assertion.
    for message in (HUGE_MESSAGE, "*a " * 6666, "_a_ " * 5000, "`a" * 10_000, "<" * 20_000, "&gt;\n" * 4000):
        rendered = slack_text(message, NAMES, single_line=True, limit=300)
        assert len(rendered.plain) <= 300
        assert slack_text(message, NAMES).plain


# ---------------------------------------------------------------------------------------------------
# Jira wiki (v2)

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
# ADF (v3)


def para(*nodes: object) -> dict[str, object]:
    return {"type": "paragraph", "content": list(nodes)}


def txt(value: str, **extra: object) -> dict[str, object]:
    return {"type": "text", "text": value, **extra}


def item(*nodes: object) -> dict[str, object]:
    return {"type": "listItem", "content": list(nodes)}


ADF = {
    "type": "doc",
    "version": 1,
    "content": [
        {"type": "heading", "attrs": {"level": 1}, "content": [txt("Disk full")]},
        para(
            txt("Hi "),
            {"type": "mention", "attrs": {"id": "712020:abc", "text": "@Ann"}},
            txt(", see "),
            txt("the runbook", marks=[{"type": "link", "attrs": {"href": "https://wiki/rb"}}]),
            {"type": "hardBreak"},
            {"type": "emoji", "attrs": {"shortName": ":fire:", "text": "🔥"}},
            txt(" "),
            {"type": "emoji", "attrs": {"shortName": ":custom:"}},
            txt(" "),
            {"type": "status", "attrs": {"text": "IN PROGRESS", "color": "blue"}},
            txt(" "),
            {"type": "inlineCard", "attrs": {"url": "https://x.atlassian.net/browse/LAA-1"}},
            txt(" "),
            {"type": "date", "attrs": {"timestamp": "1737072000000"}},
        ),
        {
            "type": "bulletList",
            "content": [
                item(
                    para(txt("one")),
                    {
                        "type": "orderedList",
                        "attrs": {"order": 3},
                        "content": [item(para(txt("three"))), item(para(txt("four")), para(txt("more")))],
                    },
                ),
                item(para(txt("two"))),
            ],
        },
        {"type": "codeBlock", "attrs": {"language": "sh"}, "content": [txt("df -h\n[/] $accent")]},
        {"type": "blockquote", "content": [para(txt("q1")), para(txt("q2"))]},
        {
            "type": "table",
            "content": [
                {
                    "type": "tableRow",
                    "content": [
                        {"type": "tableHeader", "content": [para(txt("Host"))]},
                        {"type": "tableHeader", "content": [para(txt("State"))]},
                    ],
                },
                {
                    "type": "tableRow",
                    "content": [
                        {"type": "tableCell", "content": [para(txt("web-1"))]},
                        {"type": "tableCell", "content": [para(txt("full")), para(txt("99%"))]},
                    ],
                },
            ],
        },
        {"type": "panel", "attrs": {"panelType": "warning"}, "content": [para(txt("careful"))]},
        {"type": "rule"},
        {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "1", "type": "file"}}]},
        {
            "type": "taskList",
            "content": [
                {"type": "taskItem", "attrs": {"state": "DONE"}, "content": [txt("cleaned")]},
                {"type": "taskItem", "attrs": {"state": "TODO"}, "content": [txt("resize")]},
            ],
        },
        {"type": "expand", "attrs": {"title": "Details"}, "content": [para(txt("hidden"))]},
        {"type": "brandNewNode", "content": [txt("future text")]},
    ],
}

ADF_EXPECTED = """Disk full

Hi @Ann, see the runbook (https://wiki/rb)
🔥 :custom: IN PROGRESS https://x.atlassian.net/browse/LAA-1 2025-01-17

• one
  3. three
  4. four
     more
• two

df -h
[/] $accent

> q1
> q2

Host | State
web-1 | full 99%

careful

—

[attachment]

[x] cleaned
[ ] resize

Details
hidden

future text"""


def test_adf_sample() -> None:
    assert adf_text(ADF) == ADF_EXPECTED


def test_adf_comment_shape_and_plain_strings() -> None:
    body = {"type": "doc", "version": 1, "content": [para(txt("hello"))]}
    assert adf_text(body) == "hello"
    assert adf_text("a v2 string\x1b[31m") == "a v2 string[31m"


@pytest.mark.parametrize(
    "malformed",
    [
        None,
        42,
        3.5,
        True,
        b"bytes",
        [],
        {},
        {"type": "doc"},
        {"type": "doc", "content": "not a list"},
        {
            "type": "doc",
            "content": [None, 1, {"type": 7}, {"type": "text", "text": 5}, {"content": {"a": 1}}],
        },
        {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "mention", "attrs": "x"}]}]},
        {"type": "doc", "content": [{"type": "orderedList", "attrs": {"order": "x"}, "content": [1, None]}]},
        {"type": "doc", "content": [{"type": "date", "attrs": {"timestamp": "9" * 40}}]},
        {
            "type": "doc",
            "content": [{"type": "text", "text": "a", "marks": [None, {"type": "link", "attrs": 5}]}],
        },
        {"type": "doc", "content": [{"type": "tableRow", "content": [{"type": "tableCell"}] * 3}]},
        [{"type": "text", "text": "list at the top"}],
    ],
)
def test_adf_malformed_never_raises(malformed: object) -> None:
    result = adf_text(malformed)
    assert isinstance(result, str)
    assert_clean(result)


@pytest.mark.parametrize("kind", ["blockquote", "bulletList", "listItem", "paragraph", "panel", "mystery"])
def test_adf_deep_nesting(kind: str) -> None:
    node: dict[str, object] = txt("bottom")
    for _ in range(1000):
        node = {"type": kind, "content": [node]}
    result = adf_text({"type": "doc", "content": [node]})
    assert "bottom" in result
    assert max(len(line) for line in result.split("\n")) < 100  # indentation is capped


def test_adf_mixed_deep_nesting_and_width() -> None:
    node: dict[str, object] = txt("bottom")
    for level in range(5000):
        kind = ("blockquote", "bulletList", "listItem", "paragraph")[level % 4]
        node = {"type": kind, "content": [node, txt("x")] if kind == "paragraph" else [node]}
    result = adf_text({"type": "doc", "content": [node]})
    assert "bottom" in result


def test_adf_cycles_and_callables_are_harmless() -> None:
    cyclic: dict[str, object] = {"type": "doc", "content": []}
    cyclic["content"].append(cyclic)  # type: ignore[attr-defined]
    looped: list[object] = []
    looped.append(looped)
    assert adf_text(cyclic) == ""
    assert adf_text(looped) == ""
    called: list[bool] = []
    assert adf_text({"type": "doc", "content": [lambda: called.append(True), txt("ok")]}) == "ok"
    assert not called


# ---------------------------------------------------------------------------------------------------
# Error sentences


def test_error_sentence_redacts_secrets() -> None:
    secrets = [
        "xoxb-123-abc",
        "xoxp-1-2-3-abcdef",
        "xapp-1-A0-123-deadbeef",
        "xoxe.xoxp-1-Mi0y",
        "ATATT3xFfGF0abcdef",
    ]
    for secret in secrets:
        sentence = error_sentence(RuntimeError(f"auth failed with {secret} (retry)"))
        assert secret not in sentence
        assert "[redacted]" in sentence
    header = error_sentence("request failed: {'Authorization': 'Bearer xoxb-1-2', 'X': 1}")
    assert "xoxb" not in header
    assert "Bearer" not in header
    assert "[redacted]" in header
    assert "Zm9vOmJhcg" not in error_sentence("Authorization: Basic Zm9vOmJhcg==")
    assert "s3cret" not in error_sentence("GET https://ann:s3cret@jira.example/rest?token=abc")
    assert "abc" not in error_sentence("GET https://jira.example/rest?token=abc&x=1")
    assert error_sentence("Basic authentication failed") == "Basic authentication failed"


def test_error_sentence_one_line() -> None:
    traceback_text = (
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "    call(token='xoxb-9-9')\n"
        "ValueError: bad [b]value[/b]\n"
    )
    assert error_sentence(traceback_text) == "ValueError: bad [b]value[/b]"
    assert error_sentence(ConnectionError("first line\nsecond line")) == "first line"
    assert error_sentence(TimeoutError()) == "TimeoutError"
    assert error_sentence("  \n\n ") == ""
    assert error_sentence("a\x1b]0;x\x07   b\tc") == "a]0;x b c"
    assert len(error_sentence("x" * 1000)) == 200
    assert error_sentence("x" * 1000, limit=20) == "x" * 19 + "…"


def test_error_sentence_survives_a_broken_exception() -> None:
    class Broken(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert error_sentence(Broken()) == "Broken"


def test_error_sentence_cap_never_reveals_half_a_token() -> None:
    sentence = error_sentence("token xoxb-1234567890-abcdefghijkl", limit=16)
    assert "xoxb" not in sentence


# ---------------------------------------------------------------------------------------------------
# Timing sanity (no durations asserted: CI machines vary)


def test_big_inputs_finish() -> None:
    started = time.perf_counter()
    for value in (
        "[b]" * 5000 + "x",
        HUGE_MESSAGE,
        "W" * 5000,
        "{{" * 10_000,
        "{quote}" * 3000,
        "{code:x}" * 2500,  # unclosed tags: quadratic with a naive lazy regex
        "{panel:title=x|" * 1500,
        "!" + "a." * 10_000,
        "[~" * 10_000,
    ):
        one_line(value)
        plain(value, single_line=True, limit=200)
        jira_wiki_text(value)
        error_sentence(value)
        adf_text(adf_of(value))
    assert time.perf_counter() >= started


# ---------------------------------------------------------------------------------------------------
# Through real widgets

# The only escape sequences a frame may contain: SGR colours and cursor moves (from Textual itself).
_OWN_ESCAPES = re.compile(r"\x1b\[[0-9;]*[mH]")


def assert_frame_clean(raw: str) -> None:
    rest = _OWN_ESCAPES.sub("", raw)
    assert "\x1b" not in rest, repr(rest[max(0, rest.index("\x1b") - 20) : rest.index("\x1b") + 20])
    assert_clean(rest.replace("\r", ""))


class Showcase(App[None]):
    """Every kind of sink a pane uses, fed through duty_tui.text."""

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label(id="label")
        yield Static(id="static")
        yield Static(id="slack")
        yield DataTable(id="table")
        yield OptionList(id="options")
        yield Tree("root", id="tree")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Summary", key="summary")
        table.add_column("Slack", key="slack")

    def show(self, value: str) -> None:
        self.query_one("#label", Label).update(content(value, single_line=True, limit=110))
        self.query_one("#static", Static).update(content(value, limit=300))
        self.query_one("#static", Static).border_title = content(value, single_line=True, limit=40)
        self.query_one("#slack", Static).update(slack_text(value, NAMES, limit=300))
        table = self.query_one(DataTable)
        table.clear()
        table.add_row(
            plain(value, single_line=True, limit=60), slack_text(value, NAMES, single_line=True, limit=60)
        )
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_option(content(value, single_line=True, limit=60))
        tree = self.query_one(Tree)
        tree.clear()
        tree.root.add_leaf(plain(value, single_line=True, limit=60))
        tree.root.expand()

    async def action_quit(self) -> None:  # a click on injected markup would land here
        self.actions.append("quit")

    async def action_bell(self) -> None:
        self.actions.append("bell")


async def test_hostile_strings_through_widgets() -> None:
    app = Showcase()
    async with app.run_test(size=(120, 60)) as pilot:
        for name, evil in zip(HOSTILE_IDS, HOSTILE, strict=True):
            app.show(evil)
            await pilot.pause()
            raw, screen = screen_dump(app)
            try:
                assert_frame_clean(raw)
                expected = probe(evil, 10)
                assert expected in screen.replace("\xa0", " ")
            except AssertionError as error:
                raise AssertionError(f"{name}: {error}") from error
    assert app.actions == []


async def test_markup_is_shown_literally_on_screen() -> None:
    app = Showcase()
    async with app.run_test(size=(120, 60)) as pilot:
        for evil in MARKUP_LIKE:
            app.show(evil)
            await pilot.pause()
            _, screen = screen_dump(app)
            # Label, Static, slack Static, both table cells, option and tree leaf: seven copies.
            assert screen.count(evil) >= 7, (evil, screen)


def test_screen_check_would_catch_a_raw_escape() -> None:
    # The check above is only meaningful if unsanitized text really leaks: prove it does.
    raw = Content("\x1b]0;PWNED\x07").plain
    assert "\x1b" in raw
    with pytest.raises(AssertionError):
        assert_frame_clean("\x1b[0m" + raw)


class ClickMe(App[None]):
    def __init__(self, widget: Static) -> None:
        super().__init__()
        self.widget = widget
        self.actions: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    async def action_quit(self) -> None:
        self.actions.append("quit")

    async def action_bell(self) -> None:
        self.actions.append("bell")


@pytest.mark.parametrize("evil", ["[@click=app.quit]x[/]", "[@click=app.bell]ring[/]"])
@pytest.mark.parametrize("sink", ["content", "slack", "plain"])
async def test_click_on_injected_action_does_nothing(evil: str, sink: str) -> None:
    sinks: dict[str, Content | Text] = {
        "content": content(evil),
        "slack": slack_text(evil, NAMES),
        "plain": plain(evil),
    }
    shown = sinks[sink]
    app = ClickMe(Static(shown, id="target"))
    async with app.run_test(size=(40, 5)) as pilot:
        payload = evil.index("]") + 1  # where the link text would be if the markup were parsed
        for offset in sorted({0, 1, payload, payload + 1, len(evil) // 2, len(evil) - 1}):
            await pilot.click("#target", offset=(offset, 0))
        await pilot.pause()
        assert app.is_running
    assert app.actions == []


async def test_click_control_raw_markup_does_run_the_action() -> None:
    # Control: the same click on a markup string runs the action, so the test above can fail.
    app = ClickMe(Static("[@click=app.bell]ring[/]", id="target"))
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.click("#target", offset=(1, 0))
        await pilot.pause()
    assert app.actions == ["bell"]


def test_no_rich_markup_anywhere_in_the_package() -> None:
    # Guard against a later edit building Text/Content from markup, or making the package depend on the
    # rest of the app (it must stay the one self-contained gate for untrusted text).
    sources = sorted(Path(text_module.__file__).parent.glob("*.py"))
    assert len(sources) > 1
    for path in sources:
        source = path.read_text(encoding="utf-8")
        for forbidden in ("from_markup", "Text.from_ansi", "render_markup", "markup=True"):
            assert forbidden not in source, (path.name, forbidden)
        for imported in re.findall(r"^\s*(?:from|import)\s+(duty_tui\S*)", source, re.MULTILINE):
            assert imported.startswith("duty_tui.text."), (path.name, imported)
    assert HOSTILE_BY_ID["click-quit"] == "[@click=app.quit]x[/]"


def test_sanitize_caps_marks_joined_by_removed_characters() -> None:
    """Invisible characters between runs of accents must not smuggle a zalgo tower past the cap."""
    from duty_tui.text import sanitize

    tower = "e" + ("\u0301" * 4 + "\u200b") * 50
    once = sanitize(tower)
    assert once.count("\u0301") <= 4
    assert sanitize(once) == once
    assert text_module.plain(tower).plain.count("\u0301") <= 4
    assert text_module.slack_text("*" + tower + "*", NoNames()).plain.count("\u0301") <= 4


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
