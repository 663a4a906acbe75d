"""The postmortem draft: its sections against a golden file, Markdown that hostile text cannot break."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from duty_tui.models import (
    ChatMessage,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
)
from duty_tui.rules.incident_posts import declared_text, lead_text, resolved_text, update_text
from duty_tui.rules.incidents import EVENT_TYPE, event_from_message, fold, payload
from duty_tui.rules.postmortem import Improvement, md_inline, postmortem_filename, postmortem_markdown
from tests.support import CONTROL, HOSTILE, HOSTILE_IDS

K = IncidentEventKind
LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 11, 26, 9, 58, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
ID = "6f1c2a8e-2b0c-4a57-9f8e-0d6c3f1e9a11"
GOLDEN = Path(__file__).parent / "golden" / "postmortem.md"
NAMES = {"UTOM": "Tom Jones", "UAISHA": "Aisha Khan", "UBOT": "duty-tui"}


def post(event: IncidentEvent, text: str) -> IncidentEvent:
    """``event`` as #laa-ops gives it back: the bot's post carrying its metadata."""
    message = ChatMessage(
        ts=f"{int(event.at.timestamp())}.000100",
        channel="C1",
        user_id="UTOM",
        text=text,
        metadata_type=EVENT_TYPE,
        metadata=json.dumps(payload(event)),
    )
    found = event_from_message(message)
    assert found is not None
    return found


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def base(kind: IncidentEventKind, minutes: int, **fields: object) -> IncidentEvent:
    values: dict[str, object] = {
        "title": "CCMS: caseworkers cannot submit bills",
        "priority": IncidentPriority.HIGH,
        "status": IncidentStatus.INVESTIGATING,
        "lead": "UTOM",
        "services": ("CCMS", "SOA"),
    }
    return IncidentEvent(incident_id=ID, kind=kind, at=at(minutes), by="UTOM", **(values | fields))  # type: ignore[arg-type]


def the_incident() -> Incident:
    title = "CCMS: caseworkers cannot submit bills"
    events = [
        post(
            base(K.DECLARED, 0, next_update=at(30)),
            declared_text(
                title,
                IncidentPriority.HIGH,
                services=["CCMS", "SOA"],
                environment="production",
                impact="Caseworkers get a timeout when they submit a bill",
                lead_id="UTOM",
                next_update=at(30),
                stakeholders=["UNISHA"],
                zone=LONDON,
            ),
        ),
        IncidentEvent(
            ID, K.PIN, at(3), "Tom Jones", text="CloudWatch alarm: SOA 5xx > 5%", subject="1795686000.000100"
        ),
        IncidentEvent(ID, K.NOTE, at(10), "Tom Jones", text="RDS CPU at 100% since 09:50"),
        post(
            base(K.UPDATED, 25, status=IncidentStatus.IDENTIFIED),
            update_text(
                IncidentStatus.IDENTIFIED,
                "What we know: a runaway report query\nWhat we are doing: stopping it",
                None,
                LONDON,
            ),
        ),
        post(base(K.LEAD_CHANGED, 40, lead="UAISHA"), lead_text("UTOM", "UAISHA")),
        IncidentEvent(ID, K.LINK, at(45), "Aisha Khan", subject="1234567890", vendor="AWS"),
        IncidentEvent(ID, K.LINK, at(46), "Aisha Khan", subject="LAA-812"),
        post(
            base(K.RESOLVED, 72, status=IncidentStatus.RESOLVED, lead="UAISHA"),
            resolved_text("Stopped the report query; submissions work again.", timedelta(minutes=72)),
        ),
    ]
    (incident,) = fold(events)
    return incident


IMPROVEMENTS = [
    Improvement("Alert on RDS CPU above 90% for 5 minutes", "UAISHA", "high", "outstanding", "LAA-812"),
    Improvement("Run reports on the read replica", "UTOM", "medium", "done", None),
    Improvement("Rewrite the report engine", "Platform team", "low", "won't do", None),
]


def test_the_draft_matches_the_golden_file() -> None:
    markdown = postmortem_markdown(the_incident(), IMPROVEMENTS, names=NAMES, zone=LONDON, now=NOW)
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def unescaped_pipes(line: str) -> int:
    count, escaped = 0, False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            count += 1
    return count


def table_shapes(markdown: str) -> list[int]:
    return [unescaped_pipes(line) for line in markdown.splitlines() if line.startswith("|")]


HEADINGS = [
    "## Summary",
    "## Impact",
    "## Start, detection and resolution",
    "## Timeline",
    "## Walkthrough",
    "## Contributing factors",
    "## Improvements",
]


def test_the_draft_has_every_section_and_blameless_prompts() -> None:
    markdown = postmortem_markdown(the_incident(), IMPROVEMENTS, names=NAMES, zone=LONDON, now=NOW)
    assert [line for line in markdown.splitlines() if line.startswith("## ")] == HEADINGS
    assert "not who was at fault" in markdown and 'never "who"' in markdown
    assert table_shapes(markdown) == [3] * 6 + [4] * 10 + [7] * 5


def test_an_open_incident_without_improvements() -> None:
    events = [
        base(K.DECLARED, 0, priority=IncidentPriority.NORMAL),
        base(K.UPDATED, 5, priority=IncidentPriority.NORMAL, pending=True, text="x"),
    ]
    (incident,) = fold(events)
    markdown = postmortem_markdown(incident, [], names={}, zone=LONDON, now=at(95))
    assert "declared 2026-11-26 09:58 GMT, ongoing, 1h 35m so far." in markdown
    assert "| Resolved | not resolved yet |" in markdown
    assert "| 10:03 | UTOM | Update (investigating): x (not posted yet) |" in markdown
    assert "| 1 | _To be agreed in the session_ | | | outstanding | |" in markdown
    assert "High priority" not in markdown
    assert "\n\nCaseworkers" not in markdown  # no announcement text, so only the impact prompt


def test_events_on_a_later_day_show_the_date() -> None:
    (incident,) = fold([base(K.DECLARED, 0), base(K.RESOLVED, 24 * 60 + 5)])
    markdown = postmortem_markdown(incident, [], names={}, zone=LONDON, now=NOW)
    assert "| 27 Nov 10:03 | UTOM | Resolved |" in markdown
    assert "| Duration | 1d 0h |" in markdown


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain words", "plain words"),
        ("a | b", "a \\| b"),
        ("# heading", "\\# heading"),
        ("> quote", "&gt; quote"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("=====", "\\====="),
        ("1. first", "1\\. first"),
        ("12) twelfth", "12\\) twelfth"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("&lt; stays typed", "&amp;lt; stays typed"),
        ("`code` and *bold* _it_ ~s~", "\\`code\\` and \\*bold\\* \\_it\\_ \\~s\\~"),
        ("[link](javascript:alert(1))", "\\[link\\](javascript:alert(1))"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two ⏎ lines"),
        ("\x1b]0;title\x07", "\\]0;title"),
    ],
)
def test_md_inline(value: str, expected: str) -> None:
    assert md_inline(value) == expected


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_text_cannot_break_the_document(evil: str) -> None:
    events = [
        post(
            base(K.DECLARED, 0, title=evil, services=(evil,)),
            declared_text(
                evil,
                IncidentPriority.HIGH,
                services=[evil],
                environment=evil,
                impact=evil,
                lead_id="UTOM",
                next_update=None,
                stakeholders=[],
                zone=LONDON,
            ),
        ),
        IncidentEvent(ID, K.NOTE, at(1), evil, text=evil),
        IncidentEvent(ID, K.PIN, at(2), "UEVIL", text=evil, ts="1795686000.000200"),
        IncidentEvent(ID, K.LINK, at(3), "UEVIL", text=evil, subject=evil, vendor=evil),
        post(base(K.UPDATED, 4, title=evil), update_text(IncidentStatus.MONITORING, evil, None, LONDON)),
        post(base(K.RESOLVED, 5, title=evil), resolved_text(evil, timedelta(minutes=5))),
    ]
    (incident,) = fold(events)
    improvements = [Improvement(evil, evil, evil, "outstanding", evil), Improvement(evil, "UEVIL", "high")]
    names = {"UTOM": evil, "UEVIL": evil}
    markdown = postmortem_markdown(incident, improvements, names=names, zone=LONDON, now=NOW)
    assert table_shapes(markdown) == [3] * 6 + [4] * 8 + [7] * 4
    assert [line for line in markdown.splitlines() if line.startswith("#")][1:] == HEADINGS
    assert "<" not in markdown and "`" not in markdown.replace("\\`", "")
    assert not CONTROL.search(markdown)
    assert len(markdown) < 40_000


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("CCMS: caseworkers cannot submit bills", "2026-11-26-ccms-caseworkers-cannot-submit-bills.md"),
        ("../../etc/passwd", "2026-11-26-etc-passwd.md"),
        ("...", "2026-11-26-incident.md"),
        ("", "2026-11-26-untitled-incident.md"),  # the title an incident gets without one
        ("---", "2026-11-26-incident.md"),
        ("漢字テスト", "2026-11-26-incident.md"),
        ("Café déjà vu", "2026-11-26-cafe-deja-vu.md"),
        ("a" * 500, "2026-11-26-" + "a" * 60 + ".md"),
        ("C:\\Windows\\x", "2026-11-26-c-windows-x.md"),
    ],
)
def test_postmortem_filename(title: str, expected: str) -> None:
    (incident,) = fold([base(K.DECLARED, 0, title=title)])
    assert postmortem_filename(incident, LONDON) == expected


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_postmortem_filename_is_always_safe(evil: str) -> None:
    (incident,) = fold([base(K.DECLARED, 0, title=evil)])
    name = postmortem_filename(incident, LONDON)
    assert re.fullmatch(r"2026-11-26-[a-z0-9]+(-[a-z0-9]+)*\.md", name) and len(name) <= 74


def test_the_file_is_named_for_the_local_day() -> None:
    late = replace(base(K.DECLARED, 0, title="Late"), at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    (incident,) = fold([late])
    assert postmortem_filename(incident, LONDON) == "2026-07-02-late.md"  # 00:30 BST


def test_before_the_announcement_is_posted_the_impact_is_as_typed() -> None:
    declared = base(K.DECLARED, 0, text="Users cannot log in | at all", pending=True, ref="w-1")
    (incident,) = fold([declared])
    markdown = postmortem_markdown(incident, [], names={}, zone=LONDON, now=NOW)
    assert "## Impact\n\nUsers cannot log in \\| at all\n" in markdown
    assert (
        "| 09:58 | UTOM | Declared (high priority): CCMS: caseworkers cannot submit bills, lead UTOM"
        " (not posted yet) |" in markdown
    )
