"""Bank holidays kept in the store between runs: read back while fresh, looked up again when not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from duty_tui.store import Store
from duty_tui.store.holidays import FRESH_FOR, is_kept, kept_holiday_lookup

TODAY = date(2026, 11, 26)
MADE_UP = date(2026, 3, 3)  # no country's bank holiday: only a kept table can name it


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.in_dir(tmp_path)
    yield opened
    opened.close()


def keep(store: Store, looked_up: date, days: dict[str, str]) -> None:
    store.meta.set(
        "bank_holidays:GB-ENG:2026", json.dumps({"looked_up": looked_up.isoformat(), "days": days})
    )


def test_first_lookup_comes_from_the_package_and_is_kept(store: Store) -> None:
    assert not is_kept(store.meta, "GB-ENG", 2026)
    lookup = kept_holiday_lookup("GB-ENG", store.meta, lambda: TODAY)
    assert lookup(date(2026, 12, 25)) == "Christmas Day"
    assert lookup(date(2026, 12, 24)) is None
    assert is_kept(store.meta, "GB-ENG", 2026)
    kept = json.loads(store.meta.get("bank_holidays:GB-ENG:2026") or "")
    assert kept["looked_up"] == "2026-11-26"
    assert kept["days"]["2026-08-31"] == "Late Summer Bank Holiday"


def test_a_fresh_kept_table_is_read_back_instead_of_the_package(store: Store) -> None:
    keep(store, TODAY - timedelta(days=3), {MADE_UP.isoformat(): "Test Day"})
    lookup = kept_holiday_lookup("GB-ENG", store.meta, lambda: TODAY)
    assert lookup(MADE_UP) == "Test Day"
    assert lookup(date(2026, 12, 25)) is None  # the kept table is all it reads


def test_a_stale_or_damaged_table_is_looked_up_again(store: Store) -> None:
    keep(store, TODAY - FRESH_FOR - timedelta(days=1), {MADE_UP.isoformat(): "Test Day"})
    lookup = kept_holiday_lookup("GB-ENG", store.meta, lambda: TODAY)
    assert lookup(MADE_UP) is None
    assert lookup(date(2026, 12, 25)) == "Christmas Day"
    store.meta.set("bank_holidays:GB-ENG:2026", "{not json")
    again = kept_holiday_lookup("GB-ENG", store.meta, lambda: TODAY)
    assert again(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert json.loads(store.meta.get("bank_holidays:GB-ENG:2026") or "")["looked_up"] == "2026-11-26"


def test_no_code_means_no_holidays(store: Store) -> None:
    assert kept_holiday_lookup(None, store.meta, lambda: TODAY)(date(2026, 12, 25)) is None
