"""The handover draft against a golden text, its escaping, and finding the latest handover in the channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from duty_tui.models import ChatMessage
from duty_tui.rules.handover import (
    EVENT_TYPE,
    LIST_LIMIT,
    HandoverFacts,
    IncidentLine,
    RequestLine,
    TicketLine,
    handover_text,
    is_handover,
    latest_handover,
    payload,
    post_body,
)
from tests.support import CONTROL, HOSTILE, HOSTILE_IDS

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # Thursday 17:30 in London (GMT)
GOLDEN = Path(__file__).parent / "golden" / "handover.txt"


def facts() -> HandoverFacts:
    return HandoverFacts(
        incidents=[
            IncidentLine(
                "CCMS PROD: providers get 504s",
                "high",
                "identified",
                "Priya Shah",
                NOW + timedelta(minutes=20),
            ),
            IncidentLine("MI reports slow", "normal", "monitoring", "", NOW - timedelta(minutes=5)),
        ],
        in_progress=[TicketLine("LAA-12", "Rotate IAM keys", "In Progress", "Tom Hargreaves")],
        breached=[TicketLine("LM-4", "Patch WebLogic on CCMS UAT", deadline=NOW - timedelta(minutes=70))],
        due_soon=[TicketLine("LAA-20", "Restore RDS snapshot", deadline=NOW + timedelta(minutes=25))],
        unassigned=[("AWS Ops", 3), ("6DG Ops", 1)],
        requests=[RequestLine("Dan Kowalski", "Can I get CloudWatch access?", NOW - timedelta(minutes=42))],
        unticked=["Handover planned work to the on-call engineer"],
    )


def test_the_draft_matches_the_golden_text() -> None:
    draft = handover_text(facts(), author="Priya Shah", now=NOW, zone=LONDON)
    assert draft == GOLDEN.read_text(encoding="utf-8")
    assert draft.splitlines()[0].startswith("*Handover* from Priya Shah") and draft.endswith("*Notes:* ")


def test_an_empty_day_says_none_everywhere() -> None:
    draft = handover_text(HandoverFacts(), author="", now=NOW, zone=LONDON)
    assert draft.count(":* none") == 6 and "the duty engineer" in draft


def test_long_lists_are_cut_and_counted() -> None:
    many = [TicketLine(f"LAA-{n}", "x") for n in range(LIST_LIMIT + 5)]
    draft = handover_text(HandoverFacts(in_progress=many), author="A", now=NOW, zone=LONDON)
    assert f"({LIST_LIMIT + 5})" in draft and "…and 5 more" in draft and f"LAA-{LIST_LIMIT + 1}" not in draft


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_text_becomes_one_escaped_line_each(evil: str) -> None:
    hostile = HandoverFacts(
        incidents=[IncidentLine(evil, "high", evil, evil, None)],
        in_progress=[TicketLine(evil, evil, evil, evil)],
        requests=[RequestLine(evil, evil, NOW)],
        unticked=[evil],
        unassigned=[(evil, 1)],
    )
    draft = handover_text(hostile, author=evil, now=NOW, zone=LONDON)
    assert len(draft.splitlines()) == len(
        handover_text(facts_shape(), author="a", now=NOW, zone=LONDON).splitlines()
    )
    body = post_body(draft + "\n" + evil)
    assert "<" not in body and ">" not in body and not CONTROL.search(body)
    assert "&" not in body.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")


def facts_shape() -> HandoverFacts:
    """The same shape as the hostile facts, with harmless words: the line count to expect."""
    return HandoverFacts(
        incidents=[IncidentLine("t", "high", "s", "l", None)],
        in_progress=[TicketLine("k", "s", "s", "w")],
        requests=[RequestLine("a", "b", NOW)],
        unticked=["u"],
        unassigned=[("b", 1)],
    )


def test_post_body_keeps_the_drafts_bold_and_escapes_mentions() -> None:
    assert (
        post_body("*Handover* from A\n<!channel> & <@U1>\n\n")
        == "*Handover* from A\n&lt;!channel&gt; &amp; &lt;@U1&gt;"
    )


def message(text: str, ts: str, **fields: object) -> ChatMessage:
    return ChatMessage(ts=ts, channel="C1", user_id="U1", text=text, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "Handover from Sam",
        "*Handover* for tonight",
        ":wave: Handover: all quiet",
        "handover - LAA-12 waits",
        "_Handover_",
    ],
)
def test_a_hand_written_handover_is_found_by_its_first_line(text: str) -> None:
    assert is_handover(message(text, "100.1"))


@pytest.mark.parametrize(
    "text",
    [
        "Who is doing the handover tonight?",
        "Can someone hand over LAA-12?",
        "handovers are at 5",
        "x\nHandover",
    ],
)
def test_messages_that_only_mention_a_handover_are_not_one(text: str) -> None:
    assert not is_handover(message(text, "100.1"))


def test_a_reply_is_never_a_hand_written_handover_but_metadata_always_counts() -> None:
    assert not is_handover(message("Handover from Sam", "100.2", thread_ts="100.1"))
    assert is_handover(message("anything", "100.3", metadata_type=EVENT_TYPE))


def test_the_latest_handover_is_the_newest() -> None:
    found = latest_handover(
        [message("Handover one", "100.1"), message("chat", "300.1"), message("Handover two", "200.1")]
    )
    assert found is not None and found.text == "Handover two"
    assert latest_handover([message("chat", "1.1")]) is None


def test_the_payload() -> None:
    assert payload(day="2026-11-26", by="U1", outbox_id="w1") == {
        "day": "2026-11-26",
        "by": "U1",
        "outbox": "w1",
    }
