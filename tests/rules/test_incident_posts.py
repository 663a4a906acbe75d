"""The #laa-ops posts of an incident: one format, people's text escaped, mentions only from valid ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duty_tui.models import IncidentPriority, IncidentStatus
from duty_tui.rules.incident_posts import (
    case_text,
    declared_text,
    lead_text,
    link_text,
    mention,
    pin_text,
    reopened_text,
    resolved_text,
    update_text,
)
from tests.support import CONTROL, HOSTILE, HOSTILE_IDS

LONDON = ZoneInfo("Europe/London")
NEXT = datetime(2026, 7, 1, 9, 45, tzinfo=UTC)  # 10:45 in London (BST)
MENTION = re.compile(r"<@[UW][A-Z0-9]+>|<!subteam\^S[A-Z0-9]+>")
ENTITY = re.compile(r"&(?:amp|lt|gt);")
QUOTE = re.compile(r"(?m)^> ")


def declare(
    title: str = "CCMS is down", priority: IncidentPriority = IncidentPriority.HIGH, **changes: object
) -> str:
    fields: dict[str, object] = {
        "services": ["CCMS", "MAAT"],
        "environment": "production",
        "impact": "Caseworkers cannot submit bills",
        "lead_id": "UTOM",
        "next_update": NEXT,
        "stakeholders": ["UNISHA", "S0LEADERS"],
        "zone": LONDON,
    }
    return declared_text(title, priority, **(fields | changes))  # type: ignore[arg-type]


def assert_safe(post: str) -> None:
    """Nothing from people reaches Slack as an entity or a control: every < > & is one of ours."""
    rest = MENTION.sub("", post)
    assert "<" not in rest and ">" not in rest
    assert "&" not in ENTITY.sub("", rest)
    assert not CONTROL.search(post)


def test_the_announcement() -> None:
    assert declare() == (
        ":rotating_light: *Incident in progress* (high priority): CCMS is down\n"
        "*Impact:* Caseworkers cannot submit bills\n"
        "*Services:* CCMS, MAAT (production)\n"
        "*Lead:* <@UTOM>\n"
        "*Next update:* 10:45\n"
        "cc <@UNISHA> <!subteam^S0LEADERS>"
    )


def test_normal_priority_mentions_no_stakeholders() -> None:
    post = declare(priority=IncidentPriority.NORMAL)
    assert post.startswith(":rotating_light: *Incident in progress* (normal priority): CCMS is down\n")
    assert "cc" not in post and "UNISHA" not in post


def test_what_is_not_known_yet_says_so() -> None:
    post = declare(services=[], environment="", impact=" ", lead_id=None, next_update=None, title="")
    assert post.splitlines()[:5] == [
        ":rotating_light: *Incident in progress* (high priority): (untitled)",
        "*Impact:* being assessed",
        "*Services:* not known yet",
        "*Lead:* to be chosen",
        "*Next update:* when there is news",
    ]


def test_stakeholders_that_are_not_slack_ids_are_dropped() -> None:
    post = declare(
        stakeholders=["UNISHA", "nisha", "<!channel>", "@here", "U1 U2", "s0lower", "UNISHA", "W0ENT"]
    )
    assert post.endswith("\ncc <@UNISHA> <@W0ENT>")
    assert declare(stakeholders=["nobody"]).splitlines()[-1] == "*Next update:* 10:45"


def test_a_lead_that_is_not_a_user_id_is_not_mentioned() -> None:
    assert "*Lead:* to be chosen" in declare(lead_id="S0GROUP")
    assert "*Lead:* to be chosen" in declare(lead_id="<!everyone>")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("U012AB", "<@U012AB>"),
        ("W1", "<@W1>"),
        ("S0G", "<!subteam^S0G>"),
        ("u1", None),
        ("U1>", None),
        ("", None),
    ],
)
def test_mentions_only_from_ids(given: str, expected: str | None) -> None:
    assert mention(given) == expected


def test_typed_mentions_and_entities_stay_words() -> None:
    post = declare(title="<!channel> <@U1> & <https://evil|click>", impact="<!here>", services=["<#C1>"])
    assert post.splitlines()[0].endswith("&lt;!channel&gt; &lt;@U1&gt; &amp; &lt;https://evil|click&gt;")
    assert MENTION.findall(post) == ["<@UTOM>", "<@UNISHA>", "<!subteam^S0LEADERS>"]
    assert_safe(post)


def test_a_title_cannot_forge_the_lines_below() -> None:
    post = declare(title="fine\n*Lead:* <@UEVIL>\ncc <!channel>")
    assert len(post.splitlines()) == 6
    assert post.splitlines()[3] == "*Lead:* <@UTOM>"


def test_an_update() -> None:
    post = update_text(
        IncidentStatus.IDENTIFIED, "What we know: RDS failover\nWhat we are doing: wait", NEXT, LONDON
    )
    assert post == (
        ":memo: *Incident update* (status: cause identified)\n"
        "What we know: RDS failover\n"
        "What we are doing: wait\n"
        "*Next update:* 10:45"
    )
    titled = update_text(IncidentStatus.MONITORING, "", None, LONDON, title="CCMS <down>")
    assert titled.splitlines() == [
        ":memo: *Incident update*: CCMS &lt;down&gt; (status: fix in place, monitoring)",
        "No new information since the last update.",
        "*Next update:* when there is news",
    ]


def test_lead_handoff() -> None:
    assert (
        lead_text("UTOM", "UAISHA")
        == ":busts_in_silhouette: *Incident lead handed over:* <@UTOM> → <@UAISHA>"
    )
    assert lead_text(None, "UAISHA") == ":busts_in_silhouette: *Incident lead:* <@UAISHA>"
    assert lead_text("<!channel>", "tom") == ":busts_in_silhouette: *Incident lead:* to be chosen"


def test_resolution_and_reopening() -> None:
    assert resolved_text("Restarted the <b>app</b>", timedelta(minutes=65), title="CCMS") == (
        ":white_check_mark: *Incident resolved*: CCMS (after 1h 05m)\n"
        "Restarted the &lt;b&gt;app&lt;/b&gt;\n"
        "A postmortem will follow."
    )
    assert resolved_text("", timedelta(seconds=-5)).splitlines()[:2] == [
        ":white_check_mark: *Incident resolved* (after 0m)",
        "No summary given.",
    ]
    assert reopened_text("Errors are back & worse") == (
        ":arrows_counterclockwise: *Incident reopened*\nErrors are back &amp; worse"
    )


def test_long_text_is_capped() -> None:
    post = update_text(IncidentStatus.INVESTIGATING, "x" * 50_000, None, LONDON)
    assert len(post) < 3_200 and "x" * 100 in post
    assert len(declare(title="t" * 5_000).splitlines()[0]) < 300


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_text_is_escaped_everywhere(evil: str) -> None:
    posts = [
        declare(
            title=evil, services=[evil, "CCMS"], environment=evil, impact=evil, stakeholders=[evil, "UNISHA"]
        ),
        declare(lead_id=evil, stakeholders=[evil]),
        update_text(IncidentStatus.INVESTIGATING, evil, NEXT, LONDON, title=evil),
        lead_text(evil, evil),
        resolved_text(evil, timedelta(hours=1), title=evil),
        reopened_text(evil),
        link_text(evil, evil),
        case_text(evil, evil),
        QUOTE.sub("", pin_text(evil, evil, NEXT, LONDON, permalink=evil)),  # its quote marks are ours
    ]
    for post in posts:
        assert_safe(post)
    assert MENTION.findall(posts[0]) == ["<@UTOM>", "<@UNISHA>"]
    assert MENTION.findall(posts[1]) == []
    assert len(posts[0].splitlines()) == 6  # the announcement keeps its shape


def test_links_cases_and_pins() -> None:
    assert link_text("LAA-12", "Disk full on *db1*") == ":link: *Ticket linked:* LAA-12 · Disk full on *db1*"
    assert case_text("AWS", "1234567890") == ":link: *AWS case:* 1234567890"
    pin = pin_text("Raj Mehta", "CCMS <@UEVE> is\nslow", NEXT, LONDON, "https://slack.example/p1")
    assert pin.splitlines()[0] == (
        ":pushpin: *Pinned to the timeline:* Raj Mehta at 10:45 (<https://slack.example/p1|in #laa-ops>)"
    )
    assert pin.splitlines()[1:] == ["> CCMS &lt;@UEVE&gt; is", "> slow"]  # quoted, and nobody is pinged
    assert "<http" not in pin_text("Raj", "x", NEXT, LONDON, "javascript:alert(1)")
