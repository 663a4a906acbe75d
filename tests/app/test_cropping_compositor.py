"""The dashboard's compositor renders only the lines a partial update can show, and writes exactly the
bytes Textual's own compositor writes for it (duty_tui/views/cropping_compositor.py)."""

from __future__ import annotations

import random
from dataclasses import replace

from textual._compositor import Compositor
from textual.geometry import Region

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
