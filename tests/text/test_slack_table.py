"""slack_text, one row per entity, escape and style: the exact plain text and every span (style and link)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from duty_tui.text import slack_text
from tests.text.helpers import FakeNames, spans_of

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
URL = "https://jira.example/browse/LAA-1"
NAMES = FakeNames(tickets={"LAA-1": URL, "LM-22": "https://jira.example/browse/LM-22"})
EPOCH = "1392734382"  # Tue 18 Feb 2014 14:39:42 UTC

Spans = list[tuple[str, str, str | None]]
# (mrkdwn, zone, plain text shown, spans as (covered text, style, link))
CASES: list[tuple[str, ZoneInfo | None, str, Spans]] = [
    ("just words", None, "just words", []),
    # users
    ("hi <@U1>", None, "hi @Ann Smith", [("@Ann Smith", "bold", None)]),
    ("<@U2|bobby>", None, "@Bob", [("@Bob", "bold", None)]),  # the directory wins over the label
    ("<@U9|eve>", None, "@eve", [("@eve", "bold", None)]),
    ("<@U9>", None, "@U9", [("@U9", "bold", None)]),
    ("<@W7>", None, "@W7", [("@W7", "bold", None)]),
    # channels
    ("<#C1>", None, "#laa-ops", [("#laa-ops", "bold", None)]),
    ("<#C2|general>", None, "#general", [("#general", "bold", None)]),
    ("<#C3|>", None, "#C3", [("#C3", "bold", None)]),
    # special mentions, old and new forms
    ("<!here>", None, "@here", [("@here", "bold", None)]),
    ("<!here|here>", None, "@here", [("@here", "bold", None)]),
    ("<!channel>", None, "@channel", [("@channel", "bold", None)]),
    ("<!everyone|@everyone>", None, "@everyone", [("@everyone", "bold", None)]),
    # user groups
    ("<!subteam^S1|@oncall>", None, "@oncall", [("@oncall", "bold", None)]),
    ("<!subteam^S2|oncall>", None, "@oncall", [("@oncall", "bold", None)]),
    ("<!subteam^S3>", None, "@group", [("@group", "bold", None)]),
    # dates: the fallback without a zone, the epoch in the zone with one
    (f"<!date^{EPOCH}^{{date_short}} at {{time}}|Feb 18, 2014>", None, "Feb 18, 2014", []),
    (f"<!date^{EPOCH}^{{date_short}} at {{time}}|Feb 18, 2014>", LONDON, "Feb 18, 2014 at 14:39", []),
    (f"<!date^{EPOCH}^{{date_num}} {{time_secs}}|x>", NEW_YORK, "2014-02-18 09:39:42", []),
    (f"<!date^{EPOCH}^{{date}}|x>", LONDON, "February 18th, 2014", []),
    (f"<!date^{EPOCH}^{{date_long}}|x>", LONDON, "Tuesday, February 18th, 2014", []),
    (
        f"<!date^{EPOCH}^{{date_pretty}} / {{date_short_pretty}}|x>",
        LONDON,
        "February 18th, 2014 / Feb 18, 2014",
        [],
    ),
    (f"<!date^{EPOCH}^{{date_long_pretty}}|x>", LONDON, "Tuesday, February 18th, 2014", []),
    (f"<!date^{EPOCH}^{{time}}^https://x.io|link form>", LONDON, "14:39", []),
    (f"<!date^{EPOCH}^{{ago}}|3 days ago>", LONDON, "3 days ago", []),  # unknown token: the fallback
    (f"<!date^{EPOCH}^{{date}}>", None, "2014-02-18 14:39 UTC", []),
    (f"<!date^{EPOCH}^{{ago}}>", LONDON, "2014-02-18 14:39 GMT", []),
    ("<!date^nope^{date}|fallback>", LONDON, "fallback", []),
    (f"*at <!date^{EPOCH}^{{time}}|2pm> ok*", LONDON, "at 14:39 ok", [("at 14:39 ok", "bold", None)]),
    ("<!date^nope^x>", None, "date^nope^x", []),
    # links
    ("<https://x.io/a?b=1&amp;c=2|the docs>", None, "the docs", [("the docs", "underline", None)]),
    ("<https://y.io>", None, "https://y.io", [("https://y.io", "underline", None)]),
    ("<mailto:a@b.c|mail me>", None, "mail me", [("mail me", "underline", None)]),
    ("<mailto:a@b.c>", None, "a@b.c", [("a@b.c", "underline", None)]),
    ("<script>x</script>", None, "<script>x</script>", []),  # not an entity Slack sends
    # the only escapes, &amp; last
    ("&lt;b&gt; &amp;lt; &amp;amp; &amp;", None, "<b> &lt; &amp; &", []),
    ("&lt;@U1&gt;", None, "<@U1>", []),
    # styles
    ("*bold*", None, "bold", [("bold", "bold", None)]),
    ("_it_", None, "it", [("it", "italic", None)]),
    ("~gone~", None, "gone", [("gone", "strike", None)]),
    ("`co *de*`", None, "co *de*", [("co *de*", "cyan", None)]),
    ("*_both_*", None, "both", [("both", "bold italic", None)]),
    ("a ```pre *x*``` b", None, "a\npre *x*\nb", [("pre *x*", "cyan", None)]),
    ("&gt; said *so*", None, "> said so", [("> said ", "dim", None), ("so", "dim bold", None)]),
    (
        "&gt;&gt;&gt; all\nof this",
        None,
        ">>> all\nof this",
        [(">>> all", "dim", None), ("of this", "dim", None)],
    ),
    ("snake_case 2*3*4", None, "snake_case 2*3*4", []),
    # emoji
    (":eyes: :+1: :white_check_mark:", None, "👀 👍 ✅", []),
    (":wave::skin-tone-3: :+1::skin-tone-6:", None, "👋🏼 👍🏿", []),
    (":man-shrugging: :flag-gb: :large_green_circle:", None, "🤷\u200d♂️ 🇬🇧 🟢", []),
    (":custom-party: :flag-zz: 10:30:fire:", None, ":custom-party: :flag-zz: 10:30🔥", []),
    # ticket keys: linked where the lookup knows them, never in code or in a link label
    ("see LAA-1.", None, "see LAA-1.", [("LAA-1", "underline", URL)]),
    ("*LAA-1*", None, "LAA-1", [("LAA-1", "bold underline", URL)]),
    ("_LAA-1_", None, "LAA-1", [("LAA-1", "italic underline", URL)]),
    ("&gt; LAA-1", None, "> LAA-1", [("> ", "dim", None), ("LAA-1", "dim underline", URL)]),
    ("`LAA-1`", None, "LAA-1", [("LAA-1", "cyan", None)]),
    ("```LAA-1```", None, "LAA-1", [("LAA-1", "cyan", None)]),
    ("<https://x.io|LAA-1>", None, "LAA-1", [("LAA-1", "underline", None)]),
    ("LAA-2 xLAA-1 LAA-12345678 LAA-1x", None, "LAA-2 xLAA-1 LAA-12345678 LAA-1x", []),
    (
        "LAA-1 and LM-22",
        None,
        "LAA-1 and LM-22",
        [("LAA-1", "underline", URL), ("LM-22", "underline", "https://jira.example/browse/LM-22")],
    ),
]


@pytest.mark.parametrize(("mrkdwn", "zone", "shown", "spans"), CASES, ids=[case[0][:40] for case in CASES])
def test_rendering_table(mrkdwn: str, zone: ZoneInfo | None, shown: str, spans: Spans) -> None:
    text = slack_text(mrkdwn, NAMES, zone=zone)
    assert text.plain == shown
    assert spans_of(text) == spans
