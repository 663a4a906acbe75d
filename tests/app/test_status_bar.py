"""The status bar on its own: a bank holiday by name and when the desk opens, who covers the channel, what
needs the engineer, and which parts give way first when the terminal is narrow."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.app import App, ComposeResult

from duty_tui.models import SourceStatus
from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.widgets.status import StatusBar
from tests.support import HOSTILE, assert_screen_clean, screen_text

LONDON = ZoneInfo("Europe/London")
CALENDAR = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))
MORNING = datetime(2026, 11, 26, 15, 50, tzinfo=UTC)
SYNCED = {s: SourceStatus(s, last_success=MORNING, last_attempt=MORNING) for s in ("jira", "slack")}


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusBar()


async def bar_text(width: int, now: datetime = MORNING, **kwargs: Any) -> str:
    app = BarApp()
    async with app.run_test(size=(width, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.show(now, LONDON, CALENDAR.state(now), SYNCED, **kwargs)
        await pilot.pause()
        return screen_text(app).splitlines()[0]


async def test_in_hours_until_when_who_covers_and_what_needs_the_engineer() -> None:
    line = await bar_text(200, covering="Aisha until 18:00", attention=(3, "LAA-12 due in 20m"), demo=True)
    assert "● In hours  · until 18:00 (in 2h 10m)" in line
    assert "Channel: Aisha until 18:00" in line
    assert "⚑ 3 need you  LAA-12 due in 20m" in line
    assert "Thu 26 Nov 15:50" in line and "Jira ✓ 15:50" in line and "Slack ✓ 15:50" in line
    assert "⚑ 1 needs you" in await bar_text(200, attention=(1, None))
    assert "need" not in await bar_text(200, attention=(0, "stale words"))


async def test_a_bank_holiday_by_name_and_when_the_desk_opens() -> None:
    christmas = datetime(2026, 12, 25, 11, 0, tzinfo=UTC)
    line = await bar_text(200, christmas)
    assert "○ Bank holiday: Christmas Day  · opens Tue 29 Dec 08:00" in line
    assert "Channel" not in line


async def test_narrow_drops_the_date_then_the_next_change_then_the_cover_but_never_a_source() -> None:
    """What fits after the least important went is put back: the space is used, never overflowed."""
    kwargs: dict[str, Any] = {
        "covering": "Aisha until 18:00",
        "attention": (3, "LAA-12 due in 20m"),
        "incidents": 1,
    }
    wide = await bar_text(200, **kwargs)
    assert "Thu 26 Nov" in wide
    middle = await bar_text(140, **kwargs)
    assert "Thu 26 Nov" not in middle and "until 18:00 (in" not in middle
    assert "Channel: Aisha" in middle and "LAA-12 due in 20m" in middle
    narrow = await bar_text(90, **kwargs)
    assert "Channel" not in narrow and "⚑ 3 need you" in narrow and "1 incident open" in narrow
    assert "Jira ✓" in narrow and "Slack ✓" in narrow
    tiny = await bar_text(50, **kwargs)
    assert "Jira ✓" in tiny and "1 incident open" in tiny


async def test_nobody_on_the_channel_outlasts_who_covers_it() -> None:
    kwargs: dict[str, Any] = {"attention": (3, "LAA-12 due in 20m"), "incidents": 1}
    covered = await bar_text(110, covering="Aisha until 18:00", **kwargs)
    gap = await bar_text(110, covering="nobody until 13:00", uncovered=True, **kwargs)
    assert "Channel" not in covered
    assert "Channel: nobody until 13:00" in gap


@pytest.mark.parametrize("evil", HOSTILE[:24])
async def test_hostile_words_stay_literal(evil: str) -> None:
    app = BarApp()
    async with app.run_test(size=(200, 3)) as pilot:
        app.query_one(StatusBar).show(
            MORNING, LONDON, CALENDAR.state(MORNING), SYNCED, covering=evil, attention=(1, evil)
        )
        await pilot.pause()
        assert_screen_clean(app)
