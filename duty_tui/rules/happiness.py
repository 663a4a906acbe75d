"""User happiness with support: after a request is done (its ticket resolved, or marked done in the
channel), duty-tui asks the requester in the request's thread to react 👍 or 👎 to the ask, and counts the
answers.

Definitions (the README states them; tests/rules/test_happiness.py pins them):
- **An answer** is the requester's own 👍 (`+1`, `thumbsup`) or 👎 (`-1`, `thumbsdown`) on the ask message.
  Anyone else's reaction never counts; a requester who left both counts as no answer (Slack does not say
  which came last).
- **One ask per request**: two dashboards asking at the same moment can leave two asks in one thread
  (until the later is deleted, or for good if that failed). The asks of one request (`request_ts`) count
  once: as the earliest, with the requester's reactions on any of them (👍 on one and 👎 on another is
  both, so no answer).
- **In the period / the week**: the (earliest) ask was posted in it (ISO weeks of the support time zone).
- **share_up**: 👍 / answers, to 3 decimals; null with no answers.

Pure: the asks (with their reactions) and the zone are given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

from duty_tui.models import ts_key
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


def one_per_request(asks: Iterable[HappinessAsk]) -> list[HappinessAsk]:
    """One ask per request: the earliest of its asks, carrying the reactions on all of them (so the
    requester's answer on any one counts, and answers that disagree cancel out). Earliest first."""
    by_request: dict[str, list[HappinessAsk]] = {}
    for ask in sorted(asks, key=_posted):
        by_request.setdefault(ask.request_ts, []).append(ask)
    merged: list[HappinessAsk] = []
    for first, *later in by_request.values():
        if not later:
            merged.append(first)
            continue
        users: dict[str, dict[str, None]] = {}  # name -> users, in order, without repeats
        for ask in (first, *later):
            for name, who in ask.reactions:
                users.setdefault(name, {}).update(dict.fromkeys(who))
        merged.append(replace(first, reactions=tuple((name, tuple(who)) for name, who in users.items())))
    return merged


def _posted(ask: HappinessAsk) -> tuple[datetime, tuple[int, int]]:
    try:
        order = ts_key(ask.ts)
    except ValueError:  # not a Slack ts: the time alone orders it
        order = (0, 0)
    return ask.asked_at, order


def happiness_figures(asks: Iterable[HappinessAsk]) -> HappinessFigures:
    """The figures of these asks, one per request (`one_per_request`)."""
    found = [answer(ask) for ask in one_per_request(asks)]
    return HappinessFigures(asked=len(found), up=found.count(Answer.UP), down=found.count(Answer.DOWN))


@dataclass(frozen=True, slots=True)
class HappinessReport:
    total: HappinessFigures
    weeks: tuple[tuple[str, HappinessFigures], ...]  # every ISO week the period touches, oldest first

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total.to_json(), "weeks": {week: f.to_json() for week, f in self.weeks}}


def happiness_report(asks: Iterable[HappinessAsk], period: Period, zone: ZoneInfo) -> HappinessReport:
    inside = [ask for ask in one_per_request(asks) if ask.asked_at in period]  # earliest first
    by_week: dict[str, list[HappinessAsk]] = {week: [] for week in period_weeks(period, zone)}
    for ask in inside:
        by_week.setdefault(iso_week(ask.asked_at, zone), []).append(ask)
    return HappinessReport(
        total=happiness_figures(inside),
        weeks=tuple((week, happiness_figures(found)) for week, found in by_week.items()),
    )
