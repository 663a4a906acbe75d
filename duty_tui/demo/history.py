"""The demo's past, so the metrics screen is full on first launch: 30 days (and a few older tickets, up to
90 days) of both boards' tickets with their histories, past incidents and happiness asks in #laa-ops, and
30 days of health probe results in duty-tui's own store.

Everything is placed relative to `now`, mostly inside support hours, and drawn from a random generator
seeded by the support day, so a world built twice on the same day (or on a test's fixed clock) holds the
same past. What it holds:

- Jira (`populate_history`, in every demo world): tickets created → assigned → In Progress → Done, some
  acknowledged late (beyond the 2 support hours), some moved straight to Done, some reopened, a few still in
  progress with a colleague, one waiting over a weekend, one around the most recent England and Wales bank
  holiday (with a comment inside the last 30 days, so it counts in the default period), and one moved onto
  the 6DG board by its component. Every one is assigned or done, so none is on the tickets pane's list.
  They are created after the scenario's tickets, so today's keys (LAA-1, LM-1, ...) stay what they were.
- #laa-ops (`channel=True`, what `duty-tui --demo` builds): past incidents posted as duty-tui posts them
  (metadata; declared, updates up to "monitoring", resolved), two of high priority; requests answered in
  their threads with the happiness ask (metadata `duty_tui_happiness`) and the requester's 👍 or 👎 on it.
  All of it is at least CHANNEL_QUIET_DAYS old, so the channel pane (whose first read goes back 4 days) and
  the incident pane (resolved incidents for 7 days) open on today's duty morning.
- The store (`seed_store`, from `build_demo_runtime`): probe results every minute for 30 days with three
  outage windows, the past incidents' events (as if the dashboard had read the channel all month), and the
  one written postmortem marked exported, so the other high-priority incident's postmortem is owed; the
  happiness asks with their reactions. (A first start reads #laa-ops only 4 days back.)

The parts: `history_tickets` (Jira, made once per process and copied into the next world on the same clock:
every Pilot test builds one), `history_channel` (#laa-ops), the store's part here; the words in
`history_data`, the calendar and the record (`DemoHistory`) in `history_model`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from duty_sim.jira.service import JiraSim
from duty_sim.slack.service import SlackSim
from duty_tui.demo.history_channel import incident_starts, post_channel
from duty_tui.demo.history_model import (
    CALENDAR,
    CHANNEL_QUIET_DAYS,
    HISTORY_DAYS,
    INCIDENT_QUIET_DAYS,
    OLDER_DAYS,
    ZONE,
    DemoHistory,
    HistoryTicket,
)
from duty_tui.demo.history_tickets import add_tickets, forget_past, most_recent_bank_holiday
from duty_tui.demo.scenario import CHANNEL, Cast
from duty_tui.models import ChatMessage
from duty_tui.rules.availability import HealthCheck, ProbeError, holds_for
from duty_tui.rules.happiness import ASK_METADATA
from duty_tui.rules.incidents import EVENT_TYPE, event_from_message
from duty_tui.store import Store

__all__ = [
    "CALENDAR",
    "CHANNEL_QUIET_DAYS",
    "HISTORY_DAYS",
    "INCIDENT_QUIET_DAYS",
    "OLDER_DAYS",
    "ZONE",
    "DemoHistory",
    "HistoryTicket",
    "forget_past",
    "most_recent_bank_holiday",
    "populate_history",
    "probe_outages",
    "seed_probe_history",
    "seed_store",
]

PROBE_DAYS = 30
PROBE_SPACING = timedelta(minutes=5)  # at most; closer when a check's results must join up (see _spacing)


def populate_history(
    jira: JiraSim, slack: SlackSim, cast: Cast, now: datetime, *, channel: bool = True
) -> DemoHistory:
    """Seed the past into both simulators (#laa-ops only with `channel`); after `populate`."""
    history = DemoHistory()
    add_tickets(jira, cast, now, history)
    if channel:
        post_channel(slack, cast, history, now)
    return history


# -- the store: probe results, and the incidents as a month of polling would have stored them -------


def seed_store(
    store: Store,
    *,
    parse: Callable[[Mapping[str, Any]], ChatMessage | None],
    messages: Iterable[Mapping[str, Any]],
    history: DemoHistory,
    checks: Sequence[HealthCheck],
    now: datetime,
) -> None:
    """What a dashboard that had run all month would hold, each part only when the store has none of it
    yet: 30 days of probe results; the channel's incident events, with the written postmortem exported;
    the happiness asks with their reactions. `parse` is the Slack source's (`SlackSource.parse_message`);
    `messages` every #laa-ops message, replies included, with their metadata."""
    if checks and not any(store.probes.latest([check.name for check in checks], 1).values()):
        seed_probe_history(store, checks, now)
    parsed = [message for message in map(parse, messages) if message is not None]
    if not store.incidents.all():
        events = []
        for message in parsed:
            event = event_from_message(message) if message.metadata_type == EVENT_TYPE else None
            if event is not None:
                events.append((message.ts, event))
        store.incidents.save(events)
        for incident_id, at, path in history.postmortems_written:
            store.incidents.mark_exported(incident_id, at, path)
    if not store.happiness.asks(now - timedelta(days=OLDER_DAYS)):
        store.happiness.save(
            CHANNEL, [message for message in parsed if message.metadata_type == ASK_METADATA]
        )


@dataclass(frozen=True, slots=True)
class _Outage:
    start: datetime
    end: datetime
    error: ProbeError
    status: int | None


def probe_outages(now: datetime) -> list[_Outage]:
    """The seeded outage windows, by check position (the demo's CCMS, CWA and MI checks): CCMS timed out
    one night, CWA answered 503 in support hours during its high-priority incident, and MI lost its health
    text early one Saturday."""
    today = CALENDAR.local_date(now)
    night = today - timedelta(days=19)
    cwa_start = next(start for seed, start in incident_starts(now) if seed.high and "CWA" in seed.services)
    saturday = today - timedelta(days=CHANNEL_QUIET_DAYS)
    while saturday.weekday() != 5:
        saturday -= timedelta(days=1)
    return [
        _Outage(
            CALENDAR.moment(night, time(2, 10)), CALENDAR.moment(night, time(2, 34)), ProbeError.TIMEOUT, None
        ),
        _Outage(cwa_start - timedelta(minutes=4), cwa_start + timedelta(minutes=42), ProbeError.STATUS, 503),
        _Outage(
            CALENDAR.moment(saturday, time(7, 40)),
            CALENDAR.moment(saturday, time(8, 1)),
            ProbeError.TEXT,
            200,
        ),
    ]


def _spacing(check: HealthCheck) -> timedelta:
    """Every PROBE_SPACING at most; but results further apart than `holds_for(check)` do not join up (each
    would be a separate run, an outage a string of 30-second ones), so closer when the check needs it: every
    minute for the demo's 30-second checks."""
    within = holds_for(check) - timedelta(seconds=1)  # a margin for the milliseconds the store keeps
    whole_minutes = timedelta(minutes=within // timedelta(minutes=1))
    return min(PROBE_SPACING, max(timedelta(seconds=check.interval), whole_minutes))


def _reason(check: HealthCheck, outage: _Outage) -> str:
    match outage.error:
        case ProbeError.TIMEOUT:
            return f"no answer within {check.timeout:g}s"
        case ProbeError.STATUS:
            return f"HTTP {outage.status} (expected {check.expected_status})"
        case _:
            return f"the expected text is not in the answer: {check.text or 'UP'}"


def seed_probe_history(
    store: Store, checks: Sequence[HealthCheck], now: datetime, days: int = PROBE_DAYS
) -> int:
    """Record synthetic results for the `days` before now (every minute for 30-second checks, see
    `_spacing`), with latencies that spread and rise in the morning peak, and the outage windows of
    `probe_outages`; one batch insert. Returns how many results were recorded."""
    end = int(now.timestamp()) // 60 * 60 * 1000  # whole minutes, in milliseconds
    windows = probe_outages(now)
    rows: list[tuple[Any, ...]] = []
    for index, check in enumerate(checks):
        rng = random.Random(f"duty-tui demo probes {CALENDAR.local_date(now)} {check.name}")
        base = 80 + 45 * (index % 3)
        spread = [max(15, round(base * rng.lognormvariate(0, 0.35))) for _ in range(1021)]
        step = int(_spacing(check).total_seconds() * 1000)
        outage = windows[index % len(windows)]
        down = (int(outage.start.timestamp() * 1000), int(outage.end.timestamp() * 1000))
        reason = _reason(check, outage)
        busy = _busy_hours(now, days)
        at = end - days * 86_400_000
        slot = 0
        while at < end:
            latency = spread[(slot * 7 + at // 3_600_000) % len(spread)]
            if at // 3_600_000 in busy:
                latency = latency * 3 // 2
            if down[0] <= at < down[1]:  # a timeout has no answer; a 503 comes back at once
                answered = {ProbeError.TIMEOUT: None, ProbeError.STATUS: 40}.get(outage.error, latency)
                rows.append((check.name, at, 0, outage.status, answered, outage.error.value, reason))
            else:
                rows.append((check.name, at, 1, check.expected_status, latency, None, None))
            at += step
            slot += 1
    with store.db.write():  # as ProbeResults.record stores a result (store.probes._row), in one batch
        store.db.conn.executemany(
            "INSERT INTO probe_results (name, at, ok, status, latency_ms, error, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def _busy_hours(now: datetime, days: int) -> frozenset[int]:
    """The hours (since the epoch) of the morning peak, 09:00-11:00 on support days."""
    today = CALENDAR.local_date(now)
    found: set[int] = set()
    for back in range(days + 1):
        day = today - timedelta(days=back)
        if CALENDAR.is_working_day(day):
            first = int(CALENDAR.moment(day, time(9)).timestamp()) // 3600
            found.update((first, first + 1))
    return frozenset(found)
