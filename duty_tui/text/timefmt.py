"""How times and durations read on screen: short, local to the support time zone, no clock reads.

:func:`duration` is the one duration formatter; its ``form`` says where the text goes:

============  ===========  ==========  ===========  ============  =============  ============
form          30s          45m         1h 05m       2h            1d 3h          14d
============  ===========  ==========  ===========  ============  =============  ============
``"age"``     now          45m         1h           2h            27h            2w
``"until"``   in 30s       in 45m      in 1h 05m    in 2h 00m     in 27h 00m     in 336h 00m
``"span"``    0m           45m         1h 05m       2h 00m        1d 3h          14d 0h
``"words"``   0 minutes    45 minutes  1h 05m       2 hours       27 hours       336 hours
============  ===========  ==========  ===========  ============  =============  ============

* ``"age"``: elapsed time in a table column, one unit: "now" under a minute, minutes under an hour,
  hours under two days, days under two weeks, then weeks.
* ``"until"``: time left to something ("Next try in 2m"): "now" when it is due or past.
* ``"span"``: support time (the acknowledgement clock, time in a status): minutes, then hours and
  minutes, then days and hours.
* ``"words"``: the promise as the acknowledgement comment words it: "2 hours", "1h 30m", "45 minutes".

Every form counts whole seconds, rounded down (so 59.9s is "now" and "in 59s"), the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, assert_never
from zoneinfo import ZoneInfo

DurationForm = Literal["age", "until", "span", "words"]

_SECOND = timedelta(seconds=1)


def duration(delta: timedelta, form: DurationForm) -> str:
    """``delta`` as the ``form`` shows it (see the module docstring for every form)."""
    seconds = delta // _SECOND  # whole seconds, rounded down; the units below are all rounded down too
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    match form:
        case "age":
            if minutes < 60:
                return f"{minutes}m" if minutes > 0 else "now"
            if hours < 48:
                return f"{hours}h"
            return f"{days}d" if days < 14 else f"{days // 7}w"
        case "until":
            if seconds <= 0:
                return "now"
            if minutes < 60:
                return f"in {minutes}m" if minutes else f"in {seconds}s"
            return f"in {_hours_minutes(minutes)}"
        case "span":
            if minutes < 60:
                return f"{minutes}m"
            return _hours_minutes(minutes) if hours < 24 else f"{days}d {hours % 24}h"
        case "words":
            if not hours:
                return f"{minutes} minutes"
            return _hours_minutes(minutes) if minutes % 60 else f"{hours} hour{'s' if hours != 1 else ''}"
        case _:
            assert_never(form)


def age_changes_at(delta: timedelta) -> timedelta:
    """The elapsed time, after `delta`, at which `duration(…, "age")` next reads differently: what a
    label made at `delta` stays right until (one unit on: the next minute, hour, day or week)."""
    seconds = max(0, delta // _SECOND)
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 60:
        return timedelta(minutes=minutes + 1)
    if hours < 48:
        return timedelta(hours=hours + 1)
    return timedelta(days=days + 1) if days < 14 else timedelta(weeks=days // 7 + 1)


def _hours_minutes(minutes: int) -> str:
    """ "1h 05m": whole hours, then the minutes left over, two digits."""
    return f"{minutes // 60}h {minutes % 60:02d}m"


def clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def day_clock(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """ "14:02" today, "Tue 14:02" within a week either side, "12 Nov 14:02" beyond."""
    local, today = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if abs((local.date() - today.date()).days) < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%d %b %H:%M")
