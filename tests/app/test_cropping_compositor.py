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
from textual._compositor import ChopsUpdate, Compositor, CompositorUpdate
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from duty_tui.app import DutyApp
from duty_tui.views.cropping_compositor import CroppingCompositor
from duty_tui.views.dashboard import DashboardScreen
from tests.support import Harness, both_polled, settle

SIZE = (160, 40)


def full_frames(compositor: Compositor, console: object) -> tuple[str, str]:
    """What a full frame writes to the terminal, made by ours and by Textual's from the same state."""
    ours = compositor.render_full_update().render_segments(console)  # type: ignore[arg-type]
    compositor.__class__ = Compositor
    try:
        return ours, compositor.render_full_update().render_segments(console)  # type: ignore[arg-type]
    finally:
        compositor.__class__ = CroppingCompositor


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


def rendered_lines(
    monkeypatch: pytest.MonkeyPatch, compositor: Compositor, frame: Any, stock: bool
) -> dict[str, int]:
    """How many lines each widget was asked for while `frame()` was made, by ours or by Textual's."""
    asked: dict[str, int] = {}
    render_lines = Widget.render_lines

    def counted(widget: Widget, crop: Region) -> list[Strip]:
        key = f"{type(widget).__name__}#{widget.id or id(widget)}"
        asked[key] = asked.get(key, 0) + crop.height
        return render_lines(widget, crop)

    monkeypatch.setattr(Widget, "render_lines", counted)
    if stock:
        compositor.__class__ = Compositor
    try:
        frame()
    finally:
        compositor.__class__ = CroppingCompositor
        monkeypatch.undo()
    return asked


async def test_a_row_update_renders_its_rows_and_a_full_frame_only_what_shows(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        compositor = app.screen._compositor
        table = app.tickets.table
        row = Region(table.region.x, table.region.y + 2, table.region.width, 1)  # one row of pane 1
        crop = Region(0, 0, SIZE[0], 1).union(row)  # and the status bar: a write key's update

        def partial() -> None:
            compositor._dirty_regions = {Region(0, 0, SIZE[0], 1), row}
            compositor.render_partial_update()

        ours, textuals = (rendered_lines(monkeypatch, compositor, partial, stock) for stock in (False, True))
        assert sum(ours.values()) * 4 < sum(textuals.values()), (ours, textuals)  # Textual: whole widgets
        assert all(count <= crop.height for count in ours.values())  # ours: the crop's rows at most
        checklist = app.checklist
        assert not any(key.startswith(type(checklist).__name__) for key in ours)  # below the crop: none
        # What is written of the row's line is the row: the pane's border and what is beside it are
        # not rendered for it (Textual renders them: the crop spans the whole width), nor, at the
        # span's end, the border the cursor moves to and writes nothing of.
        assert {key.split("#")[0]: count for key, count in ours.items()} == {"StatusBar": 1, "TicketTable": 1}
        assert textuals[f"{type(app.tickets).__name__}#{app.tickets.id}"] > 1

        def full() -> None:
            compositor.render_full_update()

        ours, textuals = (rendered_lines(monkeypatch, compositor, full, stock) for stock in (False, True))
        # Textual asks every widget for every visible line; the panes, tables and containers under the
        # widgets in front are not asked for the lines those cover.
        assert sum(ours.values()) * 2 < sum(textuals.values()), (ours, textuals)
        assert sum(ours.values()) >= SIZE[1]  # and every line of the screen is still made


async def test_every_full_frame_writes_what_textuals_compositor_writes(h: Harness) -> None:
    """The frames a dialog closing, the backdrop under a dialog or a resize makes, in many states of
    the dashboard: the views, a filter, each pane focused, rows changed, other sizes."""
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        rng = random.Random(11)
        keys = ["j", "k", "tab", "1", "2", "3", "4", "v", "space", "G", "g", "ctrl+d"]
        sizes = [SIZE, (120, 30), (200, 50), (80, 24), (100, 60)]
        for step in range(40):
            if step % 8 == 7:
                await pilot.resize_terminal(*rng.choice(sizes))
            elif step % 8 == 3:
                row = rng.choice(app.tickets.table.items())
                app.tickets.apply([replace(row, summary=f"{row.summary} ({step})", priority="Highest")], ())
            else:
                await pilot.press(rng.choice(keys))
            await pilot.pause()
            if not isinstance(app.screen, DashboardScreen):
                await pilot.press("escape")
                await pilot.pause()
                continue
            compositor = app.screen._compositor
            ours, textuals = full_frames(compositor, app.console)
            assert ours == textuals, (step, app.size)
            # The backdrop a dialog opens over is the screen's strips, dimmed.
            assert compositor.render_strips() == textuals_strips(compositor), (step, app.size)


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


def textuals_strips(compositor: Compositor, size: Size | None = None) -> list[Strip]:
    """The screen's lines as Textual's own compositor makes them, from the same state."""
    compositor.__class__ = Compositor
    try:
        return compositor.render_strips(size)
    finally:
        compositor.__class__ = CroppingCompositor


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
        assert terminal.lines() == cells(textuals_strips(app.screen._compositor))
        # Claim a request, take a ticket, tick the checklist, filter, move about, open and close dialogs
        # (the frame a dialog closing makes is a full one); the clock moves on.
        keys = ["2", "k", "k", "t", "1", "j", "t", "4", "space", "j", "2", "j", "1", "slash", "C", "escape"]
        keys += ["m", "escape", "j", "c", "escape", "3", "k", "1", "a", "escape"]
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
            if not isinstance(app.screen, DashboardScreen):
                continue  # a dialog is open: the terminal shows it
            shown, rendered = terminal.lines(), cells(textuals_strips(app.screen._compositor))
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
    monkeypatch.setattr(Compositor, "_render_chops", lambda self, crop: [])  # a new signature
    assert not cropping_compositor._fits()
    monkeypatch.undo()
    monkeypatch.setattr(
        Compositor, "_render_chops", lambda self, crop, is_rendered_line: []
    )  # no longer cuts what `_get_renders` gives
    assert not cropping_compositor._fits()
    monkeypatch.undo()
    monkeypatch.setattr(Compositor, "render_full_update", lambda self, simplify=False: None)  # made otherwise
    assert not cropping_compositor._fits()
    monkeypatch.undo()
    monkeypatch.setattr(ChopsUpdate, "__init__", lambda self, chops, spans: None)  # writes otherwise
    assert not cropping_compositor._fits()
    monkeypatch.undo()
    assert cropping_compositor._fits()


class Overlapping(App[None]):
    """Widgets partly hidden behind others on the same lines, which the dashboard does not have: a
    bordered, padded container around its children, a widget moved over its neighbour, one on a layer
    above, a scrolled list its container clips, and a docked bar."""

    CSS = """
    Screen { layers: base above; }
    #outer { border: round red; padding: 1 2; height: 1fr; }
    #row { height: 12; }
    #left { width: 1fr; border: heavy green; }
    #right { width: 1fr; offset: -7 2; background: blue 40%; }
    #float { layer: above; offset: 30 5; width: 25; height: 6; border: double yellow; }
    #scroller { height: 8; border: solid white; }
    #bar { dock: bottom; height: 1; background: purple; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="outer"):
            with Horizontal(id="row"):
                yield Static("left " * 40, id="left")
                yield Static("right " * 40, id="right")
            with VerticalScroll(id="scroller"):
                for n in range(30):
                    yield Static(f"line {n} " + "·" * n)
        yield Static("floating over both", id="float")
        yield Static("bar", id="bar")

    def on_mount(self) -> None:
        self.screen._compositor.__class__ = CroppingCompositor


async def test_widgets_partly_hidden_on_a_line_are_drawn_as_textuals_compositor_draws_them() -> None:
    app = Overlapping()
    async with app.run_test(size=(90, 34)) as pilot:
        rng = random.Random(5)
        for step in range(30):
            if step % 5 == 4:
                app.query_one("#scroller", VerticalScroll).scroll_to(y=rng.randrange(20), animate=False)
                await pilot.resize_terminal(rng.randrange(40, 120), rng.randrange(20, 50))
            await pilot.pause()
            compositor = app.screen._compositor
            assert isinstance(compositor, CroppingCompositor)
            ours, textuals = full_frames(compositor, app.console)
            assert ours == textuals, step
            width, height = app.size
            regions = [
                Region(x, y, rng.randrange(1, width - x + 1), rng.randrange(1, height - y + 1))
                for x, y in (
                    (rng.randrange(width), rng.randrange(height)) for _ in range(rng.randrange(1, 4))
                )
            ]
            ours = written(compositor, regions, stock=False, console=app.console)
            assert ours == written(compositor, regions, stock=True, console=app.console), (step, regions)
            other = Size(rng.randrange(1, width + 10), rng.randrange(1, height + 5))  # inline mode's lines
            assert compositor.render_strips(other) == textuals_strips(compositor, other), (step, other)
