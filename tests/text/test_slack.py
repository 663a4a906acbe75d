"""duty_tui.text.slack: Slack mrkdwn → styled, literal Text."""

from __future__ import annotations

from rich.text import Span

from duty_tui.text import LINE_BREAK, NoNames, plain, slack_links, slack_text
from tests.support import HUGE_MESSAGE
from tests.text.helpers import NAMES, BrokenNames, FakeNames, assert_clean, styled


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
