"""The app's Heap: start-up frozen after the first paint, settled on the clock, never while a dialog is
open, and Textual's hold on closed widgets released (duty_tui/heap.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.heap import SETTLE_EVERY, Heap, busy, release_closed_widgets, unfreeze_leak
from tests.support import Harness, settle

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Tests run many apps in one process: nothing a test froze may outlive it."""
    yield
    gc.unfreeze()


class Editor(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield TextArea("a draft")


class Little(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("rows")


def theme_watchers(app: App[Any]) -> list[object]:
    return [node for node, _ in getattr(app, "__watchers", {}).get("theme", [])]


def test_settle_collects_then_freezes_what_is_alive() -> None:
    clock = ManualClock(START)
    heap = Heap(clock.now)
    cycle: list[object] = []
    cycle.append(cycle)  # garbage in a cycle: only the collector frees it
    del cycle
    heap.settle()
    assert gc.get_freeze_count() > 0
    assert heap.settles == 1 and heap.settled_at == START
    assert gc.garbage == []
    assert unfreeze_leak() == 0  # the cycle went before the freeze, so freezing kept no garbage
    assert gc.get_freeze_count() == 0


async def test_tick_settles_on_the_clock_and_only_when_no_dialog_or_worker_is_alive() -> None:
    clock = ManualClock(START)
    heap = Heap(clock.now)
    app = Little()
    async with app.run_test() as pilot:
        heap.tick(app)
        assert heap.settles == 0  # nothing before the first paint's settle
        heap.settle()
        clock.advance(SETTLE_EVERY - timedelta(seconds=1))
        heap.tick(app)
        assert heap.settles == 1
        app.push_screen(Editor())
        await pilot.pause()
        clock.advance(timedelta(seconds=1))
        heap.tick(app)
        assert heap.settles == 1  # the editor's widgets would be frozen alive, then leak when it closes
        app.pop_screen()
        await pilot.pause()
        release = threading.Event()
        app.run_worker(release.wait, thread=True)  # a worker in flight is garbage in a cycle once done
        heap.tick(app)
        assert heap.settles == 1
        release.set()
        await app.workers.wait_for_complete()
        heap.tick(app)
        assert heap.settles == 2 and heap.settled_at == clock.now()


async def test_closed_editors_and_their_line_caches_are_let_go() -> None:
    app = Little()
    async with app.run_test() as pilot:
        app.push_screen(Editor())
        await pilot.pause()
        editor = app.screen.query_one(TextArea)
        app.pop_screen()
        await pilot.pause()
        assert editor in theme_watchers(app)  # Textual keeps the closed editor watching the theme
        assert StylesCache.get_inner_outer.cache_info().currsize > 0
        release_closed_widgets(app)
        assert editor not in theme_watchers(app)
        assert StylesCache.get_inner_outer.cache_info().currsize == 0
        app.push_screen(Editor())  # an open editor keeps its watcher
        await pilot.pause()
        release_closed_widgets(app)
        assert app.screen.query_one(TextArea) in theme_watchers(app)


async def test_the_dashboard_freezes_its_start_up_after_the_first_paint_and_settles_on_its_tick(
    h: Harness,
) -> None:
    app = DutyApp(h.runtime(), heap=Heap(h.clock.now))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: app.heap is not None and app.heap.settles == 1)
        assert app.tickets.table.row_count > 0  # painted before it froze
        assert gc.get_freeze_count() > 10_000  # modules, classes, CSS and the cached tickets
        app.on_clock_tick()
        assert app.heap.settles == 1
        h.clock.advance(SETTLE_EVERY)
        await settle(pilot, lambda: busy(app) is None)  # and the first polls' workers done
        app.on_clock_tick()
        assert app.heap.settles == 2
