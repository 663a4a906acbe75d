"""The support calendar: when the LAA Ops desk is open (08:00–18:00 Europe/London, Monday–Friday,
not on England and Wales bank holidays, all configurable).

Pure: every function takes `now` (an aware datetime); nothing here reads a clock. Working-time
arithmetic steps through local days, so it is right across the October and March clock changes.
`state` names a bank holiday; `next_change` and `next_change_words` say when the desk next opens or
closes, as the status bar words it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from duty_tui.text.timefmt import clock, duration

HolidayLookup = Callable[[date], str | None]


@dataclass(frozen=True, slots=True)
class SupportState:
    """Whether the desk is open at a moment, and what happens next."""

    open: bool
    reason: str  # "In support hours", "Weekend", "Bank holiday: Christmas Day", "Before hours", "After hours"
    closes_at: datetime | None = None  # when open: today's closing time
    opens_at: datetime | None = None  # when closed: the next opening time
    holiday: str | None = None  # the bank holiday's name, on one

    @property
    def next_change(self) -> datetime | None:
        """When the desk next opens or closes."""
        return self.closes_at if self.open else self.opens_at


class SupportCalendar:
    """Support hours in one time zone. `holiday(day)` names a bank holiday or returns None."""

    def __init__(
        self,
        zone: ZoneInfo,
        opens: time = time(8, 0),
        closes: time = time(18, 0),
        days: Iterable[int] = range(5),
        holiday: HolidayLookup | None = None,
    ) -> None:
        if opens >= closes:
            raise ValueError("support hours must open before they close")
        self.zone = zone
        self.opens = opens
        self.closes = closes
        self.days = frozenset(days)
        self._holiday = holiday or (lambda _day: None)

    # -- days -----------------------------------------------------------------------------------

    def local_date(self, now: datetime) -> date:
        """The support day a moment belongs to (the local calendar date)."""
        return now.astimezone(self.zone).date()

    def holiday(self, day: date) -> str | None:
        return self._holiday(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and self._holiday(day) is None

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(UTC)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(UTC)

    def next_working_day(self, after: date) -> date:
        day = after + timedelta(days=1)
        for _ in range(366):  # a calendar with no working day at all would otherwise loop forever
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within a year: check [support] days and bank_holidays")

    # -- moments --------------------------------------------------------------------------------

    def state(self, now: datetime) -> SupportState:
        day = self.local_date(now)
        if self.is_working_day(day):
            if now < self.opening(day):
                return SupportState(False, "Before hours", opens_at=self.opening(day))
            if now < self.closing(day):
                return SupportState(True, "In support hours", closes_at=self.closing(day))
            return SupportState(False, "After hours", opens_at=self.opening(self.next_working_day(day)))
        name = self._holiday(day)
        reason = f"Bank holiday: {name}" if name else "Weekend" if day.weekday() >= 5 else "Not a support day"
        return SupportState(False, reason, opens_at=self.opening(self.next_working_day(day)), holiday=name)

    def next_change(self, now: datetime) -> datetime:
        """When the desk next opens or closes: across nights, weekends and bank holidays, at local time
        on the far side of a clock change (so the time left is real elapsed time)."""
        moment = self.state(now).next_change
        assert moment is not None  # open states close today; closed ones always open again
        return moment

    def moment(self, day: date, at: time) -> datetime:
        """A local wall-clock time on a support day, as an aware UTC datetime."""
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def is_open(self, now: datetime) -> bool:
        return self.state(now).open

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Support time elapsed from start to end (zero when end is not after start)."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        day = self.local_date(start)
        last = self.local_date(end)
        while day <= last:
            if self.is_working_day(day):
                lo = max(start, self.opening(day))
                hi = min(end, self.closing(day))
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when `duration` of support time has passed since `start`."""
        day = self.local_date(start)
        if self.is_working_day(day) and self.opening(day) <= start and start + duration <= self.closing(day):
            return start + duration  # the common case: raised in hours, with time to spare today
        remaining = duration
        day = self.local_date(start)
        for _ in range(3660):
            if self.is_working_day(day):
                lo = max(start, self.opening(day))
                hi = self.closing(day)
                if hi > lo:
                    if lo + remaining <= hi:
                        return lo + remaining
                    remaining -= hi - lo
            day += timedelta(days=1)
        raise ValueError("duration does not fit in ten years of support days")


def next_change_words(support: SupportState, now: datetime, zone: ZoneInfo) -> str | None:
    """ "until 18:00 (in 2h 10m)" while open; "opens Fri 08:00 (in 13h 30m)" when closed, or "opens Mon 29
    Dec 08:00" when that is a day or more away."""
    moment = support.next_change
    if moment is None:
        return None
    left = moment - now
    local, today = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == today.date():
        when = clock(moment, zone)
    elif left < timedelta(days=1):
        when = local.strftime("%a %H:%M")
    else:
        when = local.strftime("%a %d %b %H:%M")
    verb = "until" if support.open else "opens"
    soon = f" ({duration(left, 'until')})" if left < timedelta(days=1) else ""
    return f"{verb} {when}{soon}"


def bank_holidays(code: str | None, years: Iterable[int]) -> Mapping[date, str]:
    """Bank holidays for a "GB-ENG"-style code, from the `holidays` package (loaded on first use)."""
    if not code:
        return {}
    import holidays

    country, _, subdivision = code.partition("-")
    table = holidays.country_holidays(country, subdiv=subdivision or None, years=list(years))
    return {day: str(name) for day, name in table.items()}


def holiday_lookup(code: str | None) -> HolidayLookup:
    """A lookup that loads each year's bank holidays the first time that year is asked about."""
    cache: dict[int, Mapping[date, str]] = {}

    def lookup(day: date) -> str | None:
        if code is None:
            return None
        table = cache.get(day.year)
        if table is None:
            table = cache[day.year] = bank_holidays(code, [day.year])
        return table.get(day)

    return lookup
