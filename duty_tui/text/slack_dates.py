"""Slack's ``<!date^epoch^format|fallback>``: the epoch written in the engineer's time zone.

https://docs.slack.dev/messaging/formatting-message-text/#date-formatting. English names from tables,
not ``strftime("%B")``, which follows the process locale. The ``_pretty`` tokens would say "today" or
"yesterday", which needs a clock; this package reads none, so they read as their plain forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from duty_tui.text.clean import one_line
from duty_tui.text.slack_syntax import _unescape

_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TOKEN: Final = re.compile(r"\{([^{}]*)\}")


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _date(when: datetime) -> str:
    return f"{_MONTHS[when.month - 1]} {_ordinal(when.day)}, {when.year}"


def _date_short(when: datetime) -> str:
    return f"{_MONTHS[when.month - 1][:3]} {when.day}, {when.year}"


def _date_long(when: datetime) -> str:
    return f"{_DAYS[when.weekday()]}, {_date(when)}"


_TOKENS: Final[dict[str, Callable[[datetime], str]]] = {
    "date_num": lambda when: f"{when:%Y-%m-%d}",
    "date": _date,
    "date_short": _date_short,
    "date_long": _date_long,
    "date_pretty": _date,
    "date_short_pretty": _date_short,
    "date_long_pretty": _date_long,
    "time": lambda when: f"{when:%H:%M}",  # 24-hour, as the rest of the dashboard writes times
    "time_secs": lambda when: f"{when:%H:%M:%S}",
}


def _formatted(template: str, when: datetime) -> str | None:
    """``template`` with every token filled in; None when it holds a token we do not know."""
    if any(found.group(1) not in _TOKENS for found in _TOKEN.finditer(template)):
        return None
    return _TOKEN.sub(lambda found: _TOKENS[found.group(1)](when), template)


def date_text(spec: str, label: str, zone: ZoneInfo | None) -> str:
    """What ``<!date^spec|label>`` shows ("" when nothing sensible can be said).

    ``spec`` is ``epoch^format`` with an optional ``^link``. With a ``zone`` and a format whose tokens are
    all known, the epoch in that zone; otherwise the sender's fallback ``label``; without a label, the
    epoch as "2014-02-18 14:39" and the zone's abbreviation (UTC without a zone).
    """
    epoch, _, rest = spec.partition("^")
    template = rest.split("^", 1)[0]
    try:
        when = datetime.fromtimestamp(int(epoch), tz=zone or UTC)
    except (ValueError, OverflowError, OSError):
        return label
    if zone is not None:
        shown = _formatted(one_line(_unescape(template), 200), when)
        if shown:
            return shown
    return label or f"{when:%Y-%m-%d %H:%M} {when.tzname() or 'UTC'}"
