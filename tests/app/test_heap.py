"""The app's Heap: the start-up heap frozen once after the first paint, and Textual's hold on closed
widgets released on the clock tick (duty_tui/heap.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from duty_tui.app import DutyApp
from duty_tui.heap import YOUNG_THRESHOLD, Heap, release_closed_widgets, unfreeze_leak
from tests.support import Harness, settle


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Tests run many apps in one process: nothing a test froze may outlive it, nor its thresholds."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class Editor(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield TextArea("a draft")


class Little(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("rows")


def theme_watchers(app: App[Any]) -> list[object]:
    return [node for node, _ in getattr(app, "__watchers", {}).get("theme", [])]


def test_settle_collects_then_freezes_what_is_alive_once() -> None:
    heap = Heap()
    cycle: list[object] = []
    cycle.append(cycle)  # garbage in a cycle: only the collector frees it
    del cycle
    heap.settle()
    frozen = gc.get_freeze_count()
    assert frozen > 0 and heap.settled
    kept: list[object] = []
    kept.append(kept)
    heap.settle()  # a second settle would freeze what is alive now, and leak it once it dies
    assert gc.get_freeze_count() == frozen
    assert unfreeze_leak() == 0  # the first cycle went before the freeze, so freezing kept no garbage
    assert gc.get_freeze_count() == 0


def test_settle_makes_young_collections_rarer_and_leaves_the_older_thresholds() -> None:
    gc.set_threshold(700, 10, 10)
    Heap().settle()
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)


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
        Heap().tick(app)
        assert editor not in theme_watchers(app)
        assert StylesCache.get_inner_outer.cache_info().currsize == 0
        app.push_screen(Editor())  # an open editor keeps its watcher
        await pilot.pause()
        release_closed_widgets(app)
        assert app.screen.query_one(TextArea) in theme_watchers(app)


async def test_the_dashboard_freezes_its_start_up_after_the_first_paint(h: Harness) -> None:
    app = DutyApp(h.runtime(), heap=Heap())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: app.heap is not None and app.heap.settled)
        assert app.tickets.table.row_count > 0  # painted before it froze
        assert gc.get_freeze_count() > 10_000  # modules, classes, CSS and the cached tickets


async def test_a_dashboard_without_a_heap_freezes_nothing(h: Harness) -> None:
    app = h.app()  # as the tests build them: thousands of apps in one process
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: app.painted)
        await pilot.pause()
        assert gc.get_freeze_count() == 0
