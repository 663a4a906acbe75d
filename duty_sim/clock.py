"""The simulators' idea of time: anything with `now()`, so a test or the demo can hand in its own clock.

A protocol of the simulators' own, so `duty_sim` never imports `duty_tui` (duty-tui's `ManualClock`
and `SystemClock` both fit it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, for a simulator nobody gave a clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)
