"""Health probe results (`rules.availability.ProbeResult`), every one of them, kept for 35 days.

Every result rather than only the changes of state: the latency percentiles need each answer's time,
the outage windows and "failing twice in a row" need each probe, and the figures can be recomputed
exactly for any period. It stays small: a row is a few integers (the time in milliseconds, the status,
the latency), the reason only when the probe failed; three checks a minute for 35 days is about 150,000
rows, a few megabytes. 35 days covers the longest figure (30 days) with room for a slow week.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from duty_tui.rules.availability import ProbeError, ProbeResult
from duty_tui.store.db import Database

RETENTION = timedelta(days=35)


class ProbeResults:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, results: Iterable[ProbeResult]) -> None:
        rows = [_row(result) for result in results]
        if not rows:
            return
        with self.db.write():
            self.db.conn.executemany(
                "INSERT INTO probe_results (name, at, ok, status, latency_ms, error, reason) "
                "VALUES (:name, :at, :ok, :status, :latency_ms, :error, :reason)",
                rows,
            )

    def since(self, since: datetime, names: Sequence[str] | None = None) -> list[ProbeResult]:
        """Results from `since` on (of these checks, when named), oldest first."""
        if names is None:
            rows = self.db.rows("SELECT rowid, * FROM probe_results WHERE at >= ?", [_millis(since)])
        else:
            rows = self.db.rows_in(
                "SELECT rowid, * FROM probe_results WHERE at >= ? AND name IN ({})", names, [_millis(since)]
            )
        rows.sort(key=lambda row: (row["at"], row["rowid"]))
        return [_result(row) for row in rows]

    def latest(self, names: Iterable[str], count: int = 2) -> dict[str, list[ProbeResult]]:
        """Each named check's last `count` results, oldest first (what "failing twice" reads)."""
        found: dict[str, list[ProbeResult]] = {}
        for name in names:
            rows = self.db.rows(
                "SELECT * FROM probe_results WHERE name = ? ORDER BY at DESC, rowid DESC LIMIT ?",
                [name, count],
            )
            found[name] = [_result(row) for row in reversed(rows)]
        return found

    def forget_before(self, before: datetime) -> int:
        with self.db.write():
            cursor = self.db.conn.execute("DELETE FROM probe_results WHERE at < ?", [_millis(before)])
            return cursor.rowcount


def _millis(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _row(result: ProbeResult) -> dict[str, Any]:
    return {
        "name": result.check,
        "at": _millis(result.at),
        "ok": int(result.ok),
        "status": result.status,
        "latency_ms": result.latency_ms,
        "error": result.error.value if result.error else None,
        "reason": result.reason or None,
    }


def _result(row: Any) -> ProbeResult:
    return ProbeResult(
        check=row["name"],
        at=datetime.fromtimestamp(row["at"] / 1000, UTC),
        ok=bool(row["ok"]),
        status=row["status"],
        latency_ms=row["latency_ms"],
        error=_error(row["error"]),
        reason=row["reason"] or "",
    )


def _error(value: str | None) -> ProbeError | None:
    if value is None:
        return None
    try:
        return ProbeError(value)
    except ValueError:  # a kind a newer duty-tui wrote
        return ProbeError.OTHER
