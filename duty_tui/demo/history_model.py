"""What the demo's past is placed on, and what it holds by id: the support calendar the times are chosen on
(the defaults `duty-tui init` writes, with England and Wales bank holidays), how far back, and the record the
tests and the store seeding read (`DemoHistory`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from duty_tui.config import SupportConfig
from duty_tui.rules.calendar import SupportCalendar, holiday_lookup

HISTORY_DAYS = 30  # most of the past: every support day has tickets
OLDER_DAYS = 90  # a few older tickets, so the 90-day period has data
OPEN_DAYS = 3  # tickets created in the last few support days may still be in progress with a colleague
CHANNEL_QUIET_DAYS = 5  # past requests and asks are at least this old: the channel pane reads 4 days back
INCIDENT_QUIET_DAYS = 8  # past incidents too: the incident pane lists resolved incidents for 7 days

_SUPPORT = SupportConfig()
ZONE = _SUPPORT.zone
# Bank holidays are loaded once a year per process (the lookup keeps them).
CALENDAR = SupportCalendar(
    ZONE, opens=_SUPPORT.opens, closes=_SUPPORT.closes, days=_SUPPORT.days, holiday=holiday_lookup("GB-ENG")
)


@dataclass(frozen=True, slots=True)
class HistoryTicket:
    """A past ticket as the demo made it (for tests and the channel's requests)."""

    key: str
    board: str  # "aws" or "6dg"
    kind: str  # resolved, late, straight, reopened, open, weekend, bank holiday, moved, weekend raised
    created: datetime
    reporter: str  # a handle
    summary: str
    resolved: datetime | None  # the start of its final stay in Done, if it ended there


@dataclass
class DemoHistory:
    """What the demo's past holds, by id (the world holds the things themselves)."""

    tickets: list[HistoryTicket] = field(default_factory=list)
    bank_holiday: tuple[date, str] | None = None  # the one the bank-holiday ticket is around
    incidents: list[str] = field(default_factory=list)  # incident ids, oldest first
    postmortems_written: list[tuple[str, datetime, str]] = field(default_factory=list)  # id, when, file
    asks: list[str] = field(default_factory=list)  # the happiness asks' ts, oldest first

    def of_kind(self, kind: str) -> list[HistoryTicket]:
        return [ticket for ticket in self.tickets if ticket.kind == kind]

    def key(self, kind: str) -> str:
        """The first ticket of a kind."""
        return self.of_kind(kind)[0].key


def after(start: datetime, minutes: float) -> datetime:
    """`minutes` of support time after `start` (so work happens in support hours)."""
    return CALENDAR.add_working_time(start, timedelta(minutes=minutes))


def support_day_back(day: date, back: int) -> date:
    """The support day `back` calendar days before `day`, or the one before that if it is not one."""
    found = day - timedelta(days=back)
    while not CALENDAR.is_working_day(found):
        found -= timedelta(days=1)
    return found
