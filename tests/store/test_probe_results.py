"""Probe results in the store: every result kept whole (to the millisecond), read back by period and by
check, the latest few per check, forgotten after the retention; and the migrations run in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from duty_tui.rules.availability import ProbeError, ProbeResult
from duty_tui.store import Store
from duty_tui.store.probes import RETENTION
from duty_tui.store.schema import MIGRATIONS, SCHEMA_VERSION

NOW = datetime(2026, 11, 26, 10, 30, 0, 123000, tzinfo=UTC)


def up(name: str, at: datetime, latency: int = 42) -> ProbeResult:
    return ProbeResult(name, at, ok=True, status=200, latency_ms=latency)


def test_the_migrations_are_numbered_one_to_the_schema_version(tmp_path: Path) -> None:
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))
    assert SCHEMA_VERSION >= 9
    store = Store.in_dir(tmp_path)
    try:
        assert store.db.rows("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert store.db.rows("SELECT name FROM sqlite_master WHERE name = 'probe_results'")
    finally:
        store.close()


def test_results_come_back_as_they_went_in(store: Store) -> None:
    failed = ProbeResult(
        "CCMS PROD",
        NOW,
        ok=False,
        status=None,
        latency_ms=None,
        error=ProbeError.TLS,
        reason="TLS handshake failed",
    )
    slow = ProbeResult(
        "CWA PROD", NOW + timedelta(seconds=1), ok=False, error=ProbeError.TIMEOUT, reason="slow"
    )
    store.probes.record([up("CCMS PROD", NOW - timedelta(minutes=1)), failed, slow])
    assert store.probes.since(NOW) == [failed, slow]
    assert store.probes.since(NOW - timedelta(hours=1), ["CCMS PROD"]) == [
        up("CCMS PROD", NOW - timedelta(minutes=1)),
        failed,
    ]
    ok_row = store.db.rows("SELECT reason, error FROM probe_results WHERE ok = 1")[0]
    assert (ok_row["reason"], ok_row["error"]) == (None, None)  # compact: nothing to say when it is up


def test_latest_gives_each_checks_last_results_oldest_first(store: Store) -> None:
    store.probes.record([up("A", NOW + timedelta(minutes=i), latency=i) for i in range(5)])
    store.probes.record([up("B", NOW)])
    latest = store.probes.latest(["A", "B", "C"], count=2)
    assert [r.latency_ms for r in latest["A"]] == [3, 4]
    assert len(latest["B"]) == 1 and latest["C"] == []


def test_results_at_the_same_instant_keep_their_order(store: Store) -> None:
    first, second = up("A", NOW, latency=1), ProbeResult("A", NOW, ok=False, error=ProbeError.STATUS)
    store.probes.record([first])
    store.probes.record([second])
    assert store.probes.since(NOW) == [first, second]
    assert store.probes.latest(["A"], count=1)["A"] == [second]


def test_results_older_than_the_retention_are_forgotten(store: Store) -> None:
    assert RETENTION.days == 35  # the 30-day figures, with room for a slow week
    store.probes.record([up("A", NOW - timedelta(days=36)), up("A", NOW - timedelta(days=34))])
    assert store.probes.forget_before(NOW - RETENTION) == 1
    assert [r.at for r in store.probes.since(NOW - timedelta(days=40))] == [NOW - timedelta(days=34)]
