"""`CroppingCompositor`: a partial update renders only the lines of the widgets it can show.

For a partial update, Textual's compositor (`Compositor._get_renders`, textual 8.2) takes the bounding
box of the regions to repaint (the crop) and renders every widget whose *clip*, the visible area of
its container, overlaps it: each of them whole, every line. On the dashboard the containers' clips
are the whole screen or a whole column, so one changed table row rendered eleven widgets, 46 lines
each for the containers; and a key that changes a row and the status bar (a crop from the top line
down to the row, the full width) rendered sixteen, the checklist's 33 lines among them. Each line is
a cache lookup and a line filter, hundreds of them a frame: in an A/B in one process, a 50-ticket
poll's repaint 3.74 → 3.22 ms; a write key's did not measurably change (its time is elsewhere).

Here a widget is rendered only when its visible region overlaps the crop, and only the lines of it
within the crop's rows. Nothing else changes: the update is still made of the lines and spans Textual
chose (`_render_chops` takes a widget's lines only for the lines and between the cuts it updates, and
a widget outside the crop has nothing there); a widget keeps its full visible width, so every strip
still starts and ends on the compositor's cuts. A widget rendering a part of its lines is what Textual
does for any widget its container clips (a scrolled list), so widgets handle it. Full updates (the
first frame, a resize, a dialog's backdrop) pass no crop smaller than the screen and are unchanged.
`tests/app/test_cropping_compositor.py` compares the bytes both write for many updates of the real
dashboard, and what a terminal shows after a run of keys with a full render.

`FITS` says whether this Textual's compositor is the one this was made for (`textual>=8.2,<9`): its
partial update asks `_get_renders(crop)` for the widgets' lines. If a later one does not, the
dashboard keeps Textual's own compositor.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class CroppingCompositor(Compositor):
    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        top, bottom = crop.y, crop.bottom
        for widget, (region, clip) in self.visible_widgets.items():  # front to back, as Textual's
            visible = region.intersection(clip)
            if not visible.overlaps(crop):
                continue  # none of its lines is in the update
            first, last = max(visible.y, top), min(visible.bottom, bottom)
            shown = Region(visible.x, first, visible.width, last - first)
            lines = widget.render_lines(
                Region(shown.x - region.x, shown.y - region.y, shown.width, shown.height)
            )
            # As Textual's own clipped widgets: the part rendered, with itself as its clip.
            yield shown, shown, lines


def _fits() -> bool:
    try:
        asks = list(inspect.signature(Compositor._get_renders).parameters)
    except (AttributeError, TypeError, ValueError):
        return False
    chops = getattr(Compositor, "_render_chops", None)
    return asks == ["self", "crop"] and "_get_renders" in getattr(
        getattr(chops, "__code__", None), "co_names", ()
    )


FITS = _fits()
