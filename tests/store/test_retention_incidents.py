"""Retention of incident events (`Store.prune`): a settled incident's whole timeline goes once its last
event is older than `incidents.RETENTION`; an open incident, one whose postmortem is owed, one a pending
post still goes to, and every incident the metrics can count stay. Every test keeps an incident that
must go next to the ones that must stay, so it fails whether the retention is missing or too eager."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from duty_tui.models import (
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
    Service,
    Write,
    WriteKind,
)
from duty_tui.reports.gather import HISTORY_DAYS
from duty_tui.rules.flow_history import Period
from duty_tui.rules.incident_metrics import incident_report
from duty_tui.rules.incidents import fold
from duty_tui.store import Store
from duty_tui.store.incidents import RETENTION
from duty_tui.sync.history import KEEP, WINDOW

NOW = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)
EDGE = NOW - RETENTION  # a settled incident whose last event is before this is forgotten
SECOND = timedelta(seconds=1)
ZONE = ZoneInfo("Europe/London")


_POSTS = itertools.count(100)


def ts(at: datetime) -> str:
    """A Slack ts for a post at `at`, unique as Slack makes it (two incidents here may post at once)."""
    return f"{int(at.timestamp())}.{next(_POSTS):06d}"


def declare(
    store: Store, incident_id: str, at: datetime, priority: IncidentPriority = IncidentPriority.NORMAL
) -> str:
    """Its announcement; returns its ts (the incident's thread)."""
    thread = ts(at)
    event = IncidentEvent(
        incident_id,
        IncidentEventKind.DECLARED,
        at,
        "UPRIYA",
        title=f"{incident_id} is down",
        priority=priority,
        status=IncidentStatus.INVESTIGATING,
        ts=thread,
    )
    store.incidents.save([(thread, event)])
    return thread


def add(store: Store, incident_id: str, kind: IncidentEventKind, at: datetime) -> None:
    """An update, a resolution, or a note (this engineer's own, keyed as the desk keys it)."""
    status = {
        IncidentEventKind.UPDATED: IncidentStatus.MONITORING,
        IncidentEventKind.RESOLVED: IncidentStatus.RESOLVED,
    }
    if kind is IncidentEventKind.NOTE:
        key, posted = f"note-{incident_id}-{at.timestamp()}", None
    else:
        key = posted = ts(at)
    event = IncidentEvent(incident_id, kind, at, "UPRIYA", status=status.get(kind), text="…", ts=posted)
    store.incidents.save([(key, event)])


def settled(store: Store, incident_id: str, declared: datetime, resolved: datetime) -> str:
    """A normal-priority incident, declared, noted and resolved: no postmortem owed. Returns its thread."""
    thread = declare(store, incident_id, declared)
    add(store, incident_id, IncidentEventKind.NOTE, declared + timedelta(minutes=5))
    add(store, incident_id, IncidentEventKind.RESOLVED, resolved)
    return thread


def kept(store: Store) -> dict[str, int]:
    """Incident id → how many of its events the store holds."""
    rows = store.db.rows("SELECT incident_id, count(*) FROM incident_events GROUP BY incident_id")
    return {row[0]: row[1] for row in rows}


def prune(store: Store, now: datetime = NOW) -> int:
    return store.prune(now, keep_messages_days=30, keep_tickets_days=30)


def test_a_settled_incident_goes_whole_once_quiet_since_before_retention(store: Store) -> None:
    settled(store, "gone", EDGE - timedelta(days=3), EDGE - SECOND)
    settled(store, "at-the-edge", EDGE - timedelta(days=3), EDGE)
    # Declared long ago, resolved lately: the old declaration stays with the rest (no half timelines).
    settled(store, "long-running", NOW - timedelta(days=300), NOW - timedelta(days=10))
    assert prune(store) == 3
    assert kept(store) == {"at-the-edge": 3, "long-running": 3}
    long_running = next(i for i in fold(store.incidents.all()) if i.id == "long-running")
    assert long_running.title == "long-running is down" and long_running.resolved_at is not None
    assert prune(store, NOW + timedelta(days=1)) == 3  # a day on, the edge has passed it
    assert kept(store) == {"long-running": 3}


def test_an_open_incident_is_kept_however_old(store: Store) -> None:
    declare(store, "open", NOW - timedelta(days=300))
    add(store, "open", IncidentEventKind.UPDATED, NOW - timedelta(days=250))
    settled(store, "closed", NOW - timedelta(days=300), NOW - timedelta(days=250))
    assert prune(store) == 3
    assert kept(store) == {"open": 2}
    (incident,) = fold(store.incidents.all())
    assert incident.id == "open" and incident.is_open


def test_a_high_priority_incident_is_kept_until_its_postmortem_is_exported(store: Store) -> None:
    declare(store, "outage", NOW - timedelta(days=200), IncidentPriority.HIGH)
    add(store, "outage", IncidentEventKind.RESOLVED, NOW - timedelta(days=199))
    settled(store, "blip", NOW - timedelta(days=200), NOW - timedelta(days=199))
    assert prune(store) == 3
    assert kept(store) == {"outage": 2}  # its postmortem is owed: the timeline it needs stays
    store.incidents.mark_exported("outage", NOW, "/tmp/postmortem-outage.md")
    assert prune(store, NOW + timedelta(hours=1)) == 2
    assert kept(store) == {}
    assert store.incidents.exported() == {"outage"}  # were it to come back from the channel, it is not owed


def test_an_incident_a_pending_post_still_goes_to_is_kept(store: Store) -> None:
    """Slack refused this dashboard's token for months: the update queued then still needs the thread."""
    long_ago = NOW - timedelta(days=120)
    thread = settled(store, "waiting", long_ago - timedelta(days=1), long_ago - timedelta(hours=1))
    settled(store, "quiet", long_ago - timedelta(days=1), long_ago - timedelta(hours=1))
    update = Write(
        "u-late",
        "u-late",
        WriteKind.ANNOUNCE,
        "waiting",
        long_ago,
        "UPRIYA",
        "Priya",
        Service.SLACK,
        body="…",
    )
    (queued,) = store.outbox.enqueue([update])
    pending = IncidentEvent(
        "waiting", IncidentEventKind.UPDATED, long_ago, "UPRIYA", ref="u-late", pending=True
    )
    store.incidents.save([("u-late", pending)])
    assert prune(store) == 3
    assert kept(store) == {"waiting": 4}
    assert store.incidents.thread_of("waiting") == thread
    store.outbox.mark_sent(queued, NOW)  # it went: the incident is settled again
    store.incidents.confirm("u-late", ts(long_ago))
    assert prune(store, NOW + timedelta(hours=1)) == 4
    assert kept(store) == {}


def test_every_incident_the_metrics_can_count_is_still_there(store: Store) -> None:
    """The metrics' longest period is `sync.history.WINDOW` (the screen's 90 days, the history kept for the
    report); an incident counts in it by its declaration, so none declared in it may be forgotten."""
    assert RETENTION == KEEP and RETENTION >= WINDOW >= timedelta(days=HISTORY_DAYS)
    for days in (10, 89, 90, 95, 99, 101, 130):
        settled(store, f"{days}-days", NOW - timedelta(days=days), NOW - timedelta(days=days, minutes=-30))
    longest = Period(NOW - WINDOW, NOW)
    before = incident_report(fold(store.incidents.all()), longest, ZONE, store.incidents.exported())
    assert prune(store) == 6  # the 101- and 130-day-old ones, past the history kept too
    after = incident_report(fold(store.incidents.all()), longest, ZONE, store.incidents.exported())
    assert after == before and after.total.count == 3
    assert set(kept(store)) == {"10-days", "89-days", "90-days", "95-days", "99-days"}
