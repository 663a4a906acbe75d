"""Bank holidays kept between runs, so a start does not import the `holidays` package.

Importing `holidays` costs ~100 ms, and the support clock needs the year's bank holidays before the
first ticket row can be sorted. The first run looks each year up in the package and keeps the
table in `meta`; later runs read it back. A table older than `FRESH_FOR` is looked up again, so a
bank holiday announced later (as coronations and jubilees were) reaches the clock within a month.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import date, timedelta

from duty_tui.rules.calendar import HolidayLookup, bank_holidays
from duty_tui.store.meta import KeyValues

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(days=30)


def _name(code: str, year: int) -> str:
    return f"bank_holidays:{code}:{year}"


def stored_table(meta: KeyValues, code: str, year: int, today: date) -> Mapping[date, str] | None:
    """The year's table as a run before kept it, if it is fresh enough to trust."""
    try:
        kept = meta.get(_name(code, year))
        if kept is None:
            return None
        found = json.loads(kept)
        if today - date.fromisoformat(found["looked_up"]) > FRESH_FOR:
            return None
        return {date.fromisoformat(day): str(name) for day, name in found["days"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):  # damaged: look it up again
        log.warning("the kept bank holidays for %s %d were unreadable; looking them up again", code, year)
        return None


def keep_table(meta: KeyValues, code: str, year: int, table: Mapping[date, str], today: date) -> None:
    days = {day.isoformat(): name for day, name in sorted(table.items())}
    meta.set(_name(code, year), json.dumps({"looked_up": today.isoformat(), "days": days}))


def is_kept(meta: KeyValues, code: str, year: int) -> bool:
    """Whether a run before looked `code` up: then it is a code the package knows."""
    return meta.get(_name(code, year)) is not None


def kept_holiday_lookup(code: str | None, meta: KeyValues, today: Callable[[], date]) -> HolidayLookup:
    """`rules.calendar.holiday_lookup`, with each year's table read from the store when kept there."""
    cache: dict[int, Mapping[date, str]] = {}
    lock = threading.Lock()  # the cache-reading worker and the UI thread may ask at once

    def table_of(year: int) -> Mapping[date, str]:
        assert code is not None
        with lock:
            table = cache.get(year)
            if table is not None:
                return table
            now = today()
            table = stored_table(meta, code, year, now)
            if table is None:
                table = bank_holidays(code, [year])
                try:
                    keep_table(meta, code, year, table, now)
                except Exception:  # a full disk or a read-only store: the clock still works
                    log.warning("could not keep the bank holidays for %s %d", code, year, exc_info=True)
            cache[year] = table
            return table

    def lookup(day: date) -> str | None:
        if code is None:
            return None
        return table_of(day.year).get(day)

    return lookup
