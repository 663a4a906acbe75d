"""Ticket links in Slack text, the keys a message mentions, escaping outgoing text, and the hostile corpus
through all three."""

from __future__ import annotations

import re

import pytest
from rich.style import Style
from rich.text import Text

from duty_tui.text import LINK_STYLE, NoNames, sanitize, slack_escape, slack_text, ticket_keys
from tests.support import HOSTILE, HOSTILE_IDS, MARKUP_LIKE
from tests.text.helpers import BrokenNames, FakeNames, assert_clean, spans_of

URL = "https://jira.example/browse/LAA-1"


def linked(text: Text) -> list[tuple[str, str | None]]:
    return [(covered, link) for covered, _, link in spans_of(text) if link]


class OldNames:
    """A lookup written before ticket links existed: no ticket_url at all."""

    def user_name(self, user_id: str) -> str | None:
        return "Ann" if user_id == "U1" else None

    def channel_name(self, channel_id: str) -> str | None:
        return None


# -- links ---------------------------------------------------------------------------------------


def test_a_ticket_link_is_a_style_object_with_the_url_never_markup() -> None:
    text = slack_text("LAA-1 [link=https://evil]x[/link]", FakeNames(tickets={"LAA-1": URL}))
    assert text.plain == "LAA-1 [link=https://evil]x[/link]"
    (span,) = text.spans
    assert isinstance(span.style, Style)
    assert span.style.link == URL and span.style.underline
    assert LINK_STYLE == "underline"


def test_fast_path_text_still_gets_ticket_links() -> None:
    # No mrkdwn character at all: the plain fast path must not skip the links.
    text = slack_text("waiting on LAA-1 since 9", FakeNames(tickets={"LAA-1": URL}))
    assert linked(text) == [("LAA-1", URL)]
    assert slack_text("waiting on LAA-1 since 9", NoNames()).spans == []


def test_lookups_without_ticket_url_or_failing_ones_link_nothing() -> None:
    assert slack_text("LAA-1 <@U1>", OldNames()).plain == "LAA-1 @Ann"  # type: ignore[arg-type]
    assert linked(slack_text("LAA-1 <@U1>", OldNames())) == []  # type: ignore[arg-type]
    assert linked(slack_text("LAA-1 *x*", BrokenNames())) == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://x.io/\x1b]8;;https://evil\x1b\\",
        "https://x.io/a b",
        "https://x.io/\u202e",
        "",
        42,
        "https://",
    ],
)
def test_unsafe_ticket_urls_are_not_linked(url: object) -> None:
    text = slack_text("LAA-1", FakeNames(tickets={"LAA-1": url}))  # type: ignore[dict-item]
    assert text.plain == "LAA-1"
    assert text.spans == []


def test_the_cache_sees_ticket_links_come_and_go() -> None:
    names = FakeNames(tickets={})
    message = "*hot* LAA-1"
    assert linked(slack_text(message, names)) == []
    names.tickets["LAA-1"] = URL
    assert linked(slack_text(message, names)) == [("LAA-1", URL)]
    names.tickets["LAA-1"] = URL + "?focus"
    assert linked(slack_text(message, names)) == [("LAA-1", URL + "?focus")]
    del names.tickets["LAA-1"]
    assert linked(slack_text(message, names)) == []


def test_the_same_message_renders_equal_with_links() -> None:
    names = FakeNames(tickets={"LAA-1": URL})
    assert slack_text("*x* LAA-1", names) == slack_text("*x* LAA-1", names)  # tables skip unchanged cells


def test_links_survive_one_line_rendering_and_the_cap() -> None:
    names = FakeNames(tickets={"LAA-1": URL})
    text = slack_text("first\n\nLAA-1   is *late*", names, single_line=True)
    assert text.plain == "first ⏎ LAA-1 is late"
    assert linked(text) == [("LAA-1", URL)]
    capped = slack_text("see LAA-1 now", names, limit=7)
    assert capped.plain == "see LA…"
    assert linked(capped) == [("LA", URL)]


def test_each_key_is_asked_once_and_a_flood_is_capped() -> None:
    names = FakeNames(users={}, channels={}, tickets={"LAA-1": URL})
    slack_text("LAA-1 LAA-1 *LAA-1*", names)
    assert names.asked == ["LAA-1"]
    flood = FakeNames(users={}, channels={}, tickets={})
    slack_text(" ".join(f"LAA-{n}" for n in range(1000)), flood)
    assert len(flood.asked) == 100


# -- the keys a message mentions -----------------------------------------------------------------


def test_ticket_keys_in_order_without_duplicates_or_code() -> None:
    message = (
        "LAA-12 blocks LM-3, see <https://jira/browse/LAA-7|the parent>; `LAA-99` and\n```\nLAA-98\n```\n"
        "_LAA-5_ and LAA-12 again, not xLAA-1 or LAA-12345678"
    )
    assert ticket_keys(message) == ["LAA-12", "LM-3", "LAA-7", "LAA-5"]
    assert ticket_keys("nothing here") == []
    assert ticket_keys("LAA-1\x1b[31m") == ["LAA-1"]


# -- escaping outgoing text ----------------------------------------------------------------------


def test_slack_escape_is_the_three_escapes_ampersand_first() -> None:
    assert (
        slack_escape("a & b <@U1> <!channel> &amp; >")
        == "a &amp; b &lt;@U1&gt; &lt;!channel&gt; &amp;amp; &gt;"
    )
    assert slack_escape("") == ""


# Mrkdwn style markers have no escape in Slack, so those strings come back styled, not literally.
_MARKERS = re.compile(r"[*_~`]|:[^\s:]+:")


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_escaped_text_round_trips(evil: str) -> None:
    names = FakeNames(tickets={"LAA-1": URL})
    shown = slack_text(slack_escape(evil), names)
    assert_clean(shown.plain)
    for char in "<>&":  # no entity was made, none was eaten
        assert shown.plain.count(char) == sanitize(evil).count(char)
    assert "@Ann Smith" not in shown.plain  # "<@U1|…>" stayed words, it did not ping anyone
    if _MARKERS.search(evil) is None:
        assert shown.plain == sanitize(evil)


# -- the hostile corpus with ticket links on -----------------------------------------------------


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_text_with_ticket_links(evil: str) -> None:
    names = FakeNames(tickets={"LAA-1": URL})
    text = slack_text(f"LAA-1 {evil} *LAA-1*", names)
    assert_clean(text.plain)
    assert text.plain.startswith("LAA-1")
    assert linked(text)[0] == ("LAA-1", URL)
    for span in text.spans:  # every link is ours: the text never chose one
        if isinstance(span.style, Style) and span.style.link:
            assert span.style.link == URL
    assert_clean(slack_text(evil, names, single_line=True, limit=80).plain)


@pytest.mark.parametrize("evil", MARKUP_LIKE)
def test_hostile_ticket_urls_and_names_stay_out(evil: str) -> None:
    names = FakeNames(users={"U1": evil}, tickets={"LAA-1": evil})
    text = slack_text("<@U1> LAA-1", names)
    assert text.plain == f"@{evil} LAA-1"
    assert linked(text) == []
