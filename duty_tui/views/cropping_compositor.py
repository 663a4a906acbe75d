"""`CroppingCompositor`: a frame renders only the widget lines it can show.

Textual's compositor (`Compositor._render_chops`, textual 8.2) makes a frame by asking every widget
whose container's clip overlaps the update for its lines, whole, and cutting every line of every widget
at the screen's cuts (a cut is where a widget starts or ends on a line), front to back, the first piece
for a cut winning. Two kinds of work in that are never seen:

- **Lines outside the update.** For a partial update the containers' clips on the dashboard are the
  whole screen or a whole column, so one changed table row rendered eleven widgets, 46 lines each for
  the containers; a key that changes a row and the status bar (a crop from the top line down to the
  row, the full width) rendered sixteen, the checklist's 33 lines among them.
- **Lines hidden behind widgets in front.** A full frame (a dialog closing, the backdrop a dialog
  opens over, a resize) rendered and cut every line of the screen, the app's containers and the panes
  under the tables as well, though the widgets in front had already filled every cut of those lines.
  Cutting makes a new `Strip` for each piece (seven small caches each): closing the move dialog over the
  dashboard took 9–11 ms of the UI thread, two thirds of it here; with this 3.8–4.4 ms.

Here a widget's line is rendered only when at least one cut of it, between the widget's own left and
right edges, is still empty when its turn comes and is written in this frame: any cut of a full frame;
for a partial update, a cut whose piece lies in one of the spans updated on that line (a changed row
and the status bar in one frame no longer render the scrollbar, the pane's border and the container
beside the row). Nothing written changes: a piece goes to the same cut from the same widget as in
Textual's compositor, because a widget skipped on a line would have filled no cut written there (every
such cut it spans was already taken by a widget in front, and the first piece wins). A widget is
asked for a run of its lines (`render_lines` with a crop), which is what Textual does for any widget
its container clips (a scrolled list), so widgets that keep `render_lines`' contract (as many lines as
asked for) handle it.
`tests/app/test_cropping_compositor.py` compares the bytes both write for random partial updates and
full frames of the real dashboard in many states, and what a terminal shows after a run of keys with a
full render by Textual's compositor.

`FITS` says whether this Textual's compositor is the one this was made for (`textual>=8.2,<9`): its
frames are made by `_render_chops(crop, is_rendered_line)`, which asks `_get_renders` for whole widgets
and cuts them as above, and a partial update is the spans of its dirty regions written by a
`ChopsUpdate(chops, spans, chop_ends)`. If a later one differs, the dashboard keeps Textual's own.
"""

from __future__ import annotations

import inspect
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import pairwise

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

_MOVE_ONLY = Strip([])  # the piece at a span's end, of which only the cursor move to it is written


class CroppingCompositor(Compositor):
    def render_partial_update(self) -> ChopsUpdate | None:
        """Textual's (textual 8.2), except that the frame is made knowing the spans it updates on each
        line, not only the lines: what is drawn of a line is the spans, so a widget none of whose cuts
        is in one (a row's change seen by the scrollbar, the pane's border and the container beside it,
        when the status bar changed in the same frame) need not be rendered there."""
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        if not update_regions:
            return None
        crop = Region.from_union(update_regions).intersection(self.size.region)
        spans = list(self._regions_to_spans(update_regions))
        drawn, moves = _drawn_cuts(self.cuts, spans)
        chops = self._chops(crop, drawn)
        for y, at in moves.items():
            line = chops[y]
            for cut in at:
                if line[cut] is None:
                    line[cut] = _MOVE_ONLY  # type: ignore[index]  # `_chops` hands out its own dicts
        return ChopsUpdate(chops, spans, [line_cuts[1:] for line_cuts in self.cuts])

    def _render_chops(
        self, crop: Region, is_rendered_line: Callable[[int], bool]
    ) -> Sequence[Mapping[int, Strip]]:
        """A full frame, or the screen's lines: every cut of the lines asked for. The lines of another
        size (`render_strips(size)`, which only inline mode asks for) are left to Textual's own."""
        if crop != self.size.region:
            return super()._render_chops(crop, is_rendered_line)
        cuts = self.cuts  # one list of cuts per line of the screen, which `crop` is
        return self._chops(
            crop, {y: frozenset(line_cuts[:-1]) for y, line_cuts in enumerate(cuts) if is_rendered_line(y)}
        )

    def _chops(self, crop: Region, drawn: Mapping[int, AbstractSet[int]]) -> Sequence[Mapping[int, Strip]]:
        """Each line's pieces, one per cut, front to back; a widget's line rendered only if one of the
        cuts `drawn` on that line, between its edges, is still empty when its turn comes."""
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(line_cuts[:-1]) for line_cuts in cuts]
        empty = {y: len(cuts_drawn) for y, cuts_drawn in drawn.items()}  # drawn cuts not filled yet
        top, bottom = crop.y, crop.bottom
        for widget, (region, clip) in self.visible_widgets.items():  # front to back, as Textual's
            visible = region.intersection(clip)
            if not visible.overlaps(crop):
                continue  # none of its lines is in the update
            left, right = visible.x, visible.right
            wanted = [
                y
                for y in range(max(visible.y, top), min(visible.bottom, bottom))
                if empty.get(y) and _shows(chops[y], drawn[y], cuts[y], left, right)
            ]
            for first, count in _runs(wanted):
                lines = widget.render_lines(Region(left - region.x, first - region.y, visible.width, count))
                for y, strip in zip(range(first, first + count), lines, strict=False):
                    line_cuts, cuts_drawn = cuts[y], drawn[y]
                    # The cuts from its left edge to its right edge, both included (as Textual's).
                    spanned = line_cuts[bisect_left(line_cuts, left) : bisect_right(line_cuts, right)]
                    line = chops[y]
                    # One piece fewer than cuts: none starts at its right edge.
                    pieces = strip.divide([cut - left for cut in spanned[1:]])
                    for cut, piece in zip(spanned, pieces, strict=False):
                        if line[cut] is None:  # front to back: the first piece for a cut wins
                            line[cut] = piece
                            if cut in cuts_drawn:
                                empty[y] -= 1
        return chops  # type: ignore[return-value]  # as Textual's: the cuts of lines not rendered stay None


def _drawn_cuts(
    cuts: list[list[int]], spans: list[tuple[int, int, int]]
) -> tuple[dict[int, AbstractSet[int]], dict[int, list[int]]]:
    """Per line, the cuts whose pieces a partial update writes text from: those that overlap one of
    the line's spans. And the cuts at a span's end that are not: `ChopsUpdate` writes a cursor move
    there and no text (Textual's frame has a piece at every cut of a line it updates, the screen's at
    the back if nothing else), so any piece will do and no widget need be rendered for it."""
    drawn: dict[int, set[int]] = {}
    ends: dict[int, list[int]] = {}
    for y, x1, x2 in spans:
        found = drawn.setdefault(y, set())
        for start, end in pairwise(cuts[y]):
            if start < x2 and end > x1:
                found.add(start)
            elif start == x2:
                ends.setdefault(y, []).append(start)
    return dict(drawn), ends


def _shows(
    line: Mapping[int, Strip | None], drawn: AbstractSet[int], line_cuts: list[int], left: int, right: int
) -> bool:
    """Whether a widget from `left` to `right` would fill a drawn cut of this line still empty."""
    return any(
        line[cut] is None and cut in drawn
        for cut in line_cuts[bisect_left(line_cuts, left) : bisect_left(line_cuts, right)]
    )


def _runs(rows: list[int]) -> Iterator[tuple[int, int]]:
    """Consecutive rows as (first, count): a widget is asked for each run of its lines in one call."""
    start = 0
    while start < len(rows):
        end = start + 1
        while end < len(rows) and rows[end] == rows[end - 1] + 1:
            end += 1
        yield rows[start], end - start
        start = end


def _fits() -> bool:
    try:
        renders = list(inspect.signature(Compositor._get_renders).parameters)
        chops = list(inspect.signature(Compositor._render_chops).parameters)
        update = list(inspect.signature(ChopsUpdate.__init__).parameters)
        made_by = [Compositor.render_full_update, Compositor.render_partial_update, Compositor.render_strips]
        partial = Compositor.render_partial_update.__code__.co_names
        return (
            renders == ["self", "crop"]
            and chops == ["self", "crop", "is_rendered_line"]
            and update == ["self", "chops", "spans", "chop_ends"]
            and "_get_renders" in Compositor._render_chops.__code__.co_names
            and all("_render_chops" in method.__code__.co_names for method in made_by)
            and {"_dirty_regions", "_regions_to_spans", "ChopsUpdate"} <= set(partial)
            and isinstance(inspect.getattr_static(Compositor, "cuts"), property)
        )
    except (AttributeError, TypeError, ValueError):
        return False


FITS = _fits()
