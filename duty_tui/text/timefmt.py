"""How times and durations read on screen: short, local to the support time zone, no clock reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def age(delta: timedelta) -> str:
    """Compact elapsed time for a table column: "now", "12m", "3h", "2d", "5w"."""
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return "now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    return f"{days}d" if days < 14 else f"{days // 7}w"


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


def until(moment: datetime, now: datetime) -> str:
    """ "in 2m", "in 1h 5m", "now"."""
    seconds = int((moment - now).total_seconds())
    if seconds <= 0:
        return "now"
    if seconds < 60:
        return f"in {seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"in {minutes}m"
    return f"in {minutes // 60}h {minutes % 60}m"
