"""User happiness with support: after a request is done (its ticket resolved, or marked done in the
channel), duty-tui asks the requester in the request's thread to react 👍 or 👎 to the ask, and counts the
answers.

Definitions (the README states them; tests/rules/test_happiness.py pins them):
- **An answer** is the requester's own 👍 (`+1`, `thumbsup`) or 👎 (`-1`, `thumbsdown`) on the ask message.
  Anyone else's reaction never counts; a requester who left both counts as no answer (Slack does not say
  which came last).
- **In the period / the week**: the ask was posted in it (ISO weeks of the support time zone).
- **share_up**: 👍 / answers, to 3 decimals; null with no answers.

Pure: the asks (with their reactions) and the zone are given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

from duty_tui.rules.flow_figures import iso_week, period_weeks
from duty_tui.rules.flow_history import Period

UP: Final = frozenset({"+1", "thumbsup"})
DOWN: Final = frozenset({"-1", "thumbsdown"})
ASK_METADATA: Final = "duty_tui_happiness"  # the ask's Slack message metadata event type


class Answer(StrEnum):
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class HappinessAsk:
    """One ask posted in a request's thread, and the reactions on it (name → user ids)."""

    ts: str  # the ask message's ts
    request_ts: str  # the request's (thread parent's) ts
    requester: str  # the requester's Slack user id
    asked_at: datetime
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = ()


def answer(ask: HappinessAsk) -> Answer | None:
    """The requester's answer: 👍, 👎, or None (no answer, or both)."""
    mine = {name.split("::", 1)[0] for name, users in ask.reactions if ask.requester in users}
    up, down = bool(mine & UP), bool(mine & DOWN)
    if up == down:
        return None
    return Answer.UP if up else Answer.DOWN


@dataclass(frozen=True, slots=True)
class HappinessFigures:
    asked: int
    up: int
    down: int

    @property
    def answers(self) -> int:
        return self.up + self.down

    @property
    def share_up(self) -> float | None:
        return round(self.up / self.answers, 3) if self.answers else None

    def to_json(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "answers": self.answers,
            "up": self.up,
            "down": self.down,
            "share_up": self.share_up,
        }


def happiness_figures(asks: Iterable[HappinessAsk]) -> HappinessFigures:
    found = [answer(ask) for ask in asks]
    return HappinessFigures(asked=len(found), up=found.count(Answer.UP), down=found.count(Answer.DOWN))


@dataclass(frozen=True, slots=True)
class HappinessReport:
    total: HappinessFigures
    weeks: tuple[tuple[str, HappinessFigures], ...]  # every ISO week the period touches, oldest first

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total.to_json(), "weeks": {week: f.to_json() for week, f in self.weeks}}


def happiness_report(asks: Iterable[HappinessAsk], period: Period, zone: ZoneInfo) -> HappinessReport:
    inside = sorted((ask for ask in asks if ask.asked_at in period), key=lambda ask: ask.asked_at)
    by_week: dict[str, list[HappinessAsk]] = {week: [] for week in period_weeks(period, zone)}
    for ask in inside:
        by_week.setdefault(iso_week(ask.asked_at, zone), []).append(ask)
    return HappinessReport(
        total=happiness_figures(inside),
        weeks=tuple((week, happiness_figures(found)) for week, found in by_week.items()),
    )
