"""Today's cover: who is on #laa-ops when, the periods nobody covers, and the cover post's metadata (made
and read strictly). An injected `now` throughout."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from duty_tui.models import ChatMessage
from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.rules.cover import (
    DEFAULT_PERIODS,
    EVENT_TYPE,
    Cover,
    CoverPeriod,
    Slot,
    adopt,
    blank,
    cover_from_message,
    on_channel,
    payload,
    post_text,
    uncovered,
    uncovered_now,
)
from tests.conftest import MORNING
from tests.support import HOSTILE

LONDON = ZoneInfo("Europe/London")
THURSDAY = date(2026, 11, 26)
AISHA, TOM, SAM, GRACE = "U0AISHA", "U0TOM", "U0SAM", "U0GRACE"


@pytest.fixture
def calendar() -> SupportCalendar:
    return SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))


def at(hour: int, minute: int = 0, day: date = THURSDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def cover(*who: str | None, day: date = THURSDAY, **people: Any) -> Cover:
    slots = tuple(Slot(p, w) for p, w in zip(DEFAULT_PERIODS, who, strict=False))
    slots += tuple(Slot(p) for p in DEFAULT_PERIODS[len(slots) :])
    return Cover(day=day, slots=slots, **people)


def message(body: Any, ts: str = "1795689000.000100", kind: str | None = EVENT_TYPE) -> ChatMessage:
    raw = body if isinstance(body, str) else json.dumps(body)
    return ChatMessage(
        ts=ts, channel="C0LAAOPS1", user_id=None, text="cover", metadata_type=kind, metadata=raw
    )


# -- who is on the channel ------------------------------------------------------------------------------


def test_who_covers_now_and_until_the_end_of_their_run(calendar: SupportCalendar) -> None:
    today = cover(AISHA, TOM, TOM, AISHA)
    found = on_channel(today, at(10, 30), calendar)
    assert found is not None and found.who == AISHA and found.until == at(12) and found.in_hours
    lunch = on_channel(today, at(12, 15), calendar)
    assert lunch is not None and lunch.who == TOM and lunch.until == at(14)  # both halves of lunch
    assert lunch.slot.period.label == "lunch"
    assert on_channel(today, at(13, 59), calendar).who == TOM  # type: ignore[union-attr]
    assert on_channel(today, at(14), calendar).who == AISHA  # type: ignore[union-attr]


def test_nobody_outside_the_periods_or_on_another_day(calendar: SupportCalendar) -> None:
    today = cover(AISHA, TOM, TOM, AISHA)
    assert on_channel(today, at(7, 59), calendar) is None
    assert on_channel(today, at(18), calendar) is None
    assert on_channel(today, at(10, day=date(2026, 11, 27)), calendar) is None  # yesterday's cover


def test_periods_nobody_covers_in_support_hours(calendar: SupportCalendar) -> None:
    today = cover(AISHA, None, None, SAM)
    gaps = uncovered(today, at(9), calendar)
    assert [s.period.title for s in gaps] == ["12:00–13:00 lunch", "13:00–14:00 lunch"]
    assert [s.period.span for s in uncovered(today, at(13, 30), calendar)] == ["13:00–14:00"]  # 12–13 is over
    assert uncovered(today, at(14), calendar) == ()
    gap = uncovered_now(today, at(12, 30), calendar)
    assert gap is not None and gap.who is None and gap.until == at(14)  # nobody through both halves
    assert uncovered_now(today, at(10), calendar) is None


def test_a_blank_day_is_uncovered_all_day_but_not_on_a_weekend_or_holiday(calendar: SupportCalendar) -> None:
    assert len(uncovered(blank(THURSDAY), at(7), calendar)) == 4
    saturday, christmas = date(2026, 11, 28), date(2026, 12, 25)
    assert uncovered(blank(saturday), at(9, day=saturday), calendar) == ()
    assert uncovered(blank(christmas), at(9, day=christmas), calendar) == ()
    found = on_channel(blank(saturday), at(9, day=saturday), calendar)
    assert found is not None and not found.in_hours  # a period, but out of support hours: not a gap
    assert uncovered_now(blank(saturday), at(9, day=saturday), calendar) is None


def test_a_period_outside_support_hours_is_never_a_gap(calendar: SupportCalendar) -> None:
    evening = Cover(day=THURSDAY, slots=(Slot(CoverPeriod(time(18), time(20), "evening")),))
    assert uncovered(evening, at(9), calendar) == ()
    assert uncovered_now(evening, at(19), calendar) is None


def test_periods_keep_local_time_across_the_clock_change(calendar: SupportCalendar) -> None:
    monday = date(2026, 10, 26)  # the first working day in GMT
    found = on_channel(cover(AISHA, day=monday), datetime(2026, 10, 26, 8, 30, tzinfo=UTC), calendar)
    assert found is not None and found.who == AISHA and found.until == at(12, day=monday)
    friday = date(2026, 10, 23)  # BST: 08:00 local is 07:00 UTC
    early = on_channel(cover(AISHA, day=friday), datetime(2026, 10, 23, 7, 0, tzinfo=UTC), calendar)
    assert early is not None and early.who == AISHA


# -- which cover counts ---------------------------------------------------------------------------------


def test_the_latest_cover_post_for_the_day_is_adopted() -> None:
    mine = replace(cover(AISHA), at=datetime(2026, 11, 26, 8, 5, tzinfo=UTC), by="Priya Shah")
    earlier = replace(cover(TOM), ts="1795680000.000001")  # 08:00 UTC: before mine
    later = replace(cover(SAM), ts="1795683600.000001")  # 09:00 UTC
    assert adopt(mine, [earlier], THURSDAY) == mine  # set here after that post: mine stays
    assert adopt(mine, [earlier, later], THURSDAY) == later
    assert adopt(None, [later, earlier], THURSDAY) == later
    yesterday = replace(cover(TOM, day=date(2026, 11, 25)), ts="1795690000.000001")
    assert adopt(None, [yesterday], THURSDAY) is None
    assert adopt(mine, [yesterday], THURSDAY) == mine


def test_my_own_post_replaces_its_pending_copy_even_in_the_same_second() -> None:
    sent = datetime(2026, 11, 26, 10, 30, 0, 500_000, tzinfo=UTC)
    pending = replace(cover(AISHA), at=sent, ref="abc123", pending=True)
    confirmed = replace(cover(AISHA), ts="1795689000.000001", ref="abc123", at=sent.replace(microsecond=0))
    assert adopt(pending, [confirmed], THURSDAY) == confirmed


def test_a_post_and_a_local_cover_in_the_same_second_go_to_the_post() -> None:
    local = replace(cover(AISHA), at=datetime(2026, 11, 26, 10, 30, 0, 900_000, tzinfo=UTC))
    post = replace(cover(TOM), ts="1795689000.000001")  # 10:30:00 UTC
    assert adopt(local, [post], THURSDAY) == post


# -- metadata ---------------------------------------------------------------------------------------------


def test_payload_round_trips_through_a_message() -> None:
    today = replace(
        cover(AISHA, TOM, None, AISHA, engineer=AISHA, dba=SAM, duty_consultant=GRACE), by="Priya Shah"
    )
    body = payload(today, outbox_id="f00d")
    assert body == {
        "day": "2026-11-26",
        "engineer": AISHA,
        "dba": SAM,
        "duty_consultant": GRACE,
        "periods": [
            {"start": "08:00", "end": "12:00", "who": AISHA},
            {"start": "12:00", "end": "13:00", "who": TOM, "label": "lunch"},
            {"start": "13:00", "end": "14:00", "who": None, "label": "lunch"},
            {"start": "14:00", "end": "18:00", "who": AISHA},
        ],
        "by": "Priya Shah",
        "outbox": "f00d",
    }
    found = cover_from_message(message(body))
    assert found is not None
    assert found == replace(today, ts="1795689000.000100", ref="f00d", at=MORNING)


GOOD: dict[str, Any] = {
    "day": "2026-11-26",
    "engineer": AISHA,
    "dba": None,
    "duty_consultant": None,
    "periods": [{"start": "08:00", "end": "12:00", "who": AISHA}],
}


@pytest.mark.parametrize(
    "change",
    [
        {"day": "26/11/2026"},
        {"day": "2026-13-40"},
        {"day": None},
        {"engineer": "aisha"},
        {"engineer": 7},
        {"dba": "<!channel>"},
        {"periods": "08:00-12:00"},
        {"periods": [{"start": "8:00", "end": "12:00", "who": None}]},
        {"periods": [{"start": "12:00", "end": "08:00", "who": None}]},
        {"periods": [{"start": "24:00", "end": "25:00", "who": None}]},
        {"periods": [{"start": "08:00", "end": "12:00", "who": "nobody"}]},
        {"periods": [{"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]},  # overlap
        {"periods": [{"start": "08:00", "end": "12:00", "label": 3}]},
        {"periods": [{"start": "08:00", "end": "09:00"}] * 25},
        {"periods": ["08:00-12:00"]},
        {"outbox": "../../etc"},
        {"by": ["x"]},
    ],
)
def test_malformed_payloads_are_refused(change: dict[str, Any]) -> None:
    assert cover_from_message(message({**GOOD, **change})) is None


@pytest.mark.parametrize(
    "raw",
    ["", "[]", "null", "{", '{"day": NaN}', "x" * 9000, json.dumps({**GOOD, "day": "2026-11-26" * 3})],
)
def test_broken_metadata_never_raises(raw: str) -> None:
    assert cover_from_message(message(raw)) is None


def test_other_messages_are_not_covers() -> None:
    assert cover_from_message(message(GOOD, kind="duty_tui_incident")) is None
    assert cover_from_message(message(GOOD, kind=None)) is None
    assert cover_from_message(message(GOOD, ts="not-a-ts")) is None
    assert cover_from_message(message(GOOD)) is not None


@pytest.mark.parametrize("evil", HOSTILE[:12])
def test_hostile_labels_and_names_are_kept_as_words(evil: str) -> None:
    body = {**GOOD, "by": evil, "periods": [{"start": "08:00", "end": "12:00", "who": None, "label": evil}]}
    found = cover_from_message(message(body))
    assert found is not None
    text = post_text(found)
    assert "<!" not in text and "<@U0" not in text.replace(f"<@{AISHA}>", "")  # only the mentions we made


def test_the_post_mentions_people_and_escapes_the_rest() -> None:
    today = replace(cover(AISHA, TOM, None, AISHA, engineer=AISHA, dba=SAM), by="<!channel> & co")
    text = post_text(today)
    assert text.splitlines()[0] == (
        ":telephone_receiver: *Support cover for Thu 26 Nov* (set by &lt;!channel&gt; &amp; co)"
    )
    assert f"*Engineer:* <@{AISHA}> · *DBA:* <@{SAM}> · *6DG duty consultant:* _nobody yet_" in text
    assert "• 12:00–13:00 (lunch): <@U0TOM>" in text
    assert "• 13:00–14:00 (lunch): _nobody yet_" in text
