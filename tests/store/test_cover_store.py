"""The cover store (migration 8): a day's cover as shown, its post confirmed or refused, the flags raised,
and the cover posts cached in the channel."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from duty_tui.models import ChatMessage
from duty_tui.rules.cover import DEFAULT_PERIODS, EVENT_TYPE, Cover, Slot, blank
from duty_tui.store import Store
from duty_tui.store.schema import MIGRATIONS

DAY = date(2026, 11, 26)
AT = datetime(2026, 11, 26, 8, 5, tzinfo=UTC)


def cover() -> Cover:
    slots = tuple(
        Slot(p, who) for p, who in zip(DEFAULT_PERIODS, ("U0AISHA", "U0TOM", None, "U0AISHA"), strict=True)
    )
    return Cover(DAY, "U0AISHA", "U0SAM", None, slots, by="Priya Shah", at=AT, ref="out-1", pending=True)


def test_a_day_has_one_cover_as_last_saved(store: Store) -> None:
    assert store.cover.of_day(DAY) is None
    store.cover.save(blank(DAY))
    store.cover.save(cover())
    assert store.cover.of_day(DAY) == cover()
    assert store.cover.of_day(date(2026, 11, 27)) is None


def test_its_post_confirmed_or_refused(store: Store) -> None:
    store.cover.save(cover())
    store.cover.confirm("out-1", "1795680300.000001")
    assert store.cover.of_day(DAY) == replace(cover(), ts="1795680300.000001", pending=False)
    store.cover.save(replace(cover(), ref="out-2"))
    store.cover.unposted("out-2")
    assert store.cover.of_day(DAY) == replace(cover(), ref=None, pending=False)


def test_flags_are_kept_per_day(store: Store) -> None:
    store.cover.flag(DAY, ["launch", "start 12:00–13:00"], AT)
    store.cover.flag(DAY, ["launch"], AT)
    assert store.cover.flagged(DAY) == {"launch", "start 12:00–13:00"}
    assert store.cover.flagged(date(2026, 11, 27)) == set()


def test_the_days_cover_posts_from_the_cached_channel(store: Store) -> None:
    def message(ts: str, kind: str | None) -> ChatMessage:
        return ChatMessage(
            ts, "C1", None, "x", metadata_type=kind, metadata=json.dumps({"day": "2026-11-26"})
        )

    store.messages.save(
        [
            message("1795600000.000001", EVENT_TYPE),  # yesterday
            message("1795680300.000001", EVENT_TYPE),
            message("1795680400.000001", "duty_tui_incident"),
            message("1795680500.000001", None),
        ]
    )
    assert [m.ts for m in store.cover.posts("C1", "1795650000.000000")] == ["1795680300.000001"]
    assert store.cover.posts("C2", "0") == []


def test_migration_8_adds_the_tables_to_a_version_7_store(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for version in range(1, 8):
        conn.executescript(MIGRATIONS[version])
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        store.cover.save(cover())
        assert store.cover.of_day(DAY) == cover()
        assert store.db.rows("PRAGMA user_version")[0][0] >= 8
    finally:
        store.close()
