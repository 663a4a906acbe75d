"""The dashboard's compositor renders only the lines a partial update can show, and writes exactly the
bytes Textual's own compositor writes for it (duty_tui/views/cropping_compositor.py); what a terminal
shows after a run of keys, polls and clock ticks is what a full render of the screen shows."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from rich.cells import cell_len
from textual._compositor import Compositor, CompositorUpdate
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip

from duty_tui.app import DutyApp
from duty_tui.views.cropping_compositor import CroppingCompositor
from tests.support import Harness, both_polled, settle

SIZE = (160, 40)


def written(compositor: Compositor, regions: list[Region], stock: bool, console: object) -> str:
    """What a partial update of `regions` writes to the terminal, made by ours or by Textual's."""
    compositor._dirty_regions = set(regions)
    if stock:
        compositor.__class__ = Compositor  # the same state, Textual's own `_get_renders`
    try:
        update = compositor.render_partial_update()
    finally:
        compositor.__class__ = CroppingCompositor
    assert update is not None
    return update.render_segments(console)  # type: ignore[arg-type]


async def test_every_partial_update_writes_what_textuals_compositor_writes(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        compositor = app.screen._compositor
        assert isinstance(compositor, CroppingCompositor)
        rng, width, height = random.Random(9), *SIZE
        tickets = app.tickets
        for step in range(150):
            if step % 10 == 0:  # rows change under the updates: lines left dirty, drawn again
                row = rng.choice(tickets.table.items())
                tickets.apply([replace(row, summary=f"{row.summary} ({step})", priority="Highest")], ())
                tickets.table.action_cursor_down()
                await pilot.pause()
            regions = []
            for _ in range(rng.randrange(1, 4)):
                x, y = rng.randrange(width), rng.randrange(height)
                size = rng.randrange(1, width - x + 1), rng.randrange(1, height - y + 1)
                regions.append(Region(x, y, *size))
            ours = written(compositor, regions, stock=False, console=app.console)
            assert ours == written(compositor, regions, stock=True, console=app.console), (step, regions)


async def test_a_row_update_renders_its_rows_not_the_whole_screen(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        compositor = app.screen._compositor
        table = app.tickets.table
        row = Region(table.region.x, table.region.y + 2, table.region.width, 1)  # one row of pane 1
        crop = Region(0, 0, SIZE[0], 1).union(row)  # and the status bar: a write key's update

        def lines(stock: bool) -> dict[str, int]:
            if stock:
                compositor.__class__ = Compositor
            try:
                renders = list(compositor._get_renders(crop))
            finally:
                compositor.__class__ = CroppingCompositor
            return {f"{r.x},{r.y}": len(strips) for r, _, strips in renders}

        ours, textuals = lines(stock=False), lines(stock=True)
        assert sum(ours.values()) * 4 < sum(textuals.values())  # Textual renders whole widgets
        assert all(count <= crop.height for count in ours.values())  # ours: the crop's rows at most
        checklist = app.checklist.region
        assert not any(  # nothing below the crop (the checklist, pane 2) is rendered at all
            r.y >= crop.bottom for r, _, _ in compositor._get_renders(crop)
        ), checklist


# What Textual writes for an update: cursor moves, other escape sequences (styles), and text.
_WRITTEN = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[[0-9;?]*[a-zA-Z]|\x1b[^\[]|([^\x1b]+)")


class Terminal:
    """The cells of a terminal the updates are written to: enough of one for what Textual writes."""

    def __init__(self, width: int, height: int) -> None:
        self.rows = [[" "] * width for _ in range(height)]
        self.x = self.y = 0

    def feed(self, data: str) -> None:
        for match in _WRITTEN.finditer(data):
            if match.group(1):
                self.y, self.x = int(match.group(1)) - 1, int(match.group(2)) - 1
            elif match.group(3):
                for character in match.group(3):
                    if character == "\n":
                        self.y, self.x = self.y + 1, 0
                    elif character != "\r":
                        self._put(character)

    def _put(self, character: str) -> None:
        width = cell_len(character)
        if self.y < len(self.rows) and width:
            row = self.rows[self.y]
            for offset in range(width):  # a wide character's second cell holds nothing
                if self.x + offset < len(row):
                    row[self.x + offset] = "" if offset else character
            self.x += width

    def lines(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.rows]


def cells(strips: list[Strip]) -> list[str]:
    """The lines' text, as `Terminal.lines` reads its cells (a wide character's second cell is empty)."""
    return ["".join(segment.text for segment in strip).rstrip() for strip in strips]


def watched(app: DutyApp, terminal: Terminal) -> None:
    """Every update the app displays (headless: made, then not written) is written to `terminal`."""
    display = type(app)._display

    def written(screen: Screen[Any], renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate):
            terminal.feed(renderable.render_segments(app.console))
        display(app, screen, renderable)

    app._display = written  # type: ignore[method-assign]


async def test_the_terminal_shows_what_a_full_render_shows_after_every_key_poll_and_tick(h: Harness) -> None:
    app = h.app()
    terminal = Terminal(*SIZE)
    watched(app, terminal)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        app.screen.refresh()  # one full frame: the terminal starts from the whole screen
        await pilot.pause()
        assert terminal.lines() == cells(app.screen._compositor.render_strips())
        # Claim a request, take a ticket, tick the checklist, filter, move about; the clock moves on.
        keys = ["2", "k", "k", "t", "1", "j", "t", "4", "space", "j", "2", "j", "1", "slash", "C", "escape"]
        for step, key in enumerate(keys):
            await pilot.press(key)
            await pilot.pause()
            if step % 4 == 3:
                h.clock.advance(timedelta(seconds=50))
                app.on_clock_tick()  # ages, claim timers, the status bar's clock
                await pilot.pause()
            if step == 9:
                await pilot.press("r")  # a poll of both sources
                await settle(pilot, lambda: not app.refreshing)
            shown, rendered = terminal.lines(), cells(app.screen._compositor.render_strips())
            assert shown == rendered, (
                step,
                key,
                [(y, a, b) for y, (a, b) in enumerate(zip(shown, rendered, strict=True)) if a != b][:2],
            )


def test_it_is_used_only_on_the_textual_it_was_made_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from duty_tui.views import cropping_compositor

    assert cropping_compositor.FITS  # textual>=8.2,<9: the dashboard uses it
    monkeypatch.setattr(Compositor, "_get_renders", lambda self, crop, size: iter(()))  # a new signature
    assert not cropping_compositor._fits()
    monkeypatch.undo()
    monkeypatch.setattr(
        Compositor, "_render_chops", lambda self, crop, is_rendered_line: []
    )  # no longer asks
    assert not cropping_compositor._fits()
