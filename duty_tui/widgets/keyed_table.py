"""KeyedTable: a virtual, keyed table for thousands of rows that polls update in place.

Rows are models, identified by a key function; only the lines on screen are rendered (Line API),
so adding 5,000 rows costs a sort, not a layout. `apply(changed, removed)` diff-updates by key:
the cursor stays on the same row (by key, not index) and that row stays where it was on screen,
so a poll never moves what the engineer is looking at. Cells are `rich.text.Text` built by the
owner through `duty_tui/text/`; nothing here parses markup.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, NamedTuple, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from duty_tui.text.render import cell_segments, cropped
from duty_tui.widgets.bindings import bindings

T = TypeVar("T")
# An update touching fewer than one row in this many is merged into the order by bisection;
# larger ones re-sort everything (cheaper than many insertions).
INCREMENTAL_SHARE = 8
PIECES_KEPT = 4096  # rendered cells kept for reuse (see KeyedTable._piece)


class _Shown(NamedTuple):
    """The cursor's row and place, and the rows on screen (see `KeyedTable._shown`)."""

    cursor_key: str | None
    cursor_index: int
    top: int
    on_screen: list[str]
    at_tail: bool


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int | None = None  # None: take the remaining width (one flexible column per table)
    min_width: int = 8
    justify: Literal["left", "right"] = "left"
    hide_below: int = 0  # leave the column out when the table is narrower than this


class KeyedTable(ScrollView, Generic[T], can_focus=True):
    """A scrollable table of models with a row cursor that follows its row's key."""

    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;  /* columns always fit the width: never a horizontal scrollbar */
        & > .keyed-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .keyed-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .keyed-table--empty { color: $text-muted; text-style: italic; }
        &:focus {
            background-tint: $foreground 5%;
            & > .keyed-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keyed-table--header",
        "keyed-table--cursor",
        "keyed-table--empty",
    }
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "list.down", "list.up", "list.page_down", "list.page_up", "list.first", "list.last", "list.open"
    )

    class Selected(Message):
        """Enter (or a click on the cursor row) on a row."""

        def __init__(self, table: KeyedTable[Any], key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> KeyedTable[Any]:
            return self.table

    class ReachedTop(Message):
        """The cursor tried to move above the first row (the owner may load older rows)."""

        def __init__(self, table: KeyedTable[Any]) -> None:
            super().__init__()
            self.table = table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[T], str],
        cells: Callable[[T], Sequence[Text]],
        sort_key: Callable[[T], Any],
        search_text: Callable[[T], str],
        empty_text: str = "Nothing to show.",
        follow_tail: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = tuple(columns)
        self._key = key
        self._cells = cells
        self._sort_key = sort_key
        self._search_text = search_text
        self.empty_text = empty_text
        # A chat log keeps showing the newest row when the cursor sits on the last one.
        self.follow_tail = follow_tail
        self._items: dict[str, T] = {}
        self._sort_keys: dict[str, Any] = {}
        self._haystacks: dict[str, str] = {}
        self._order: list[str] = []  # sorted by `_sort_keys`, so a row's place is found by bisection
        self._filter: tuple[str, ...] = ()
        self._predicate: Callable[[T], bool] | None = None
        self._cursor_key: str | None = None
        self._strips: dict[str, tuple[int, Strip]] = {}
        # Styles as last looked up (Textual works them out afresh on every call and every refresh);
        # dropped when the widget's styles change (focus, theme). `_strips_base` is the base style the
        # cached strips were drawn with: a new base (the focus tint) redraws them.
        self._styles: dict[str, Style] = {}
        self._drawing: tuple[int, int] | None = None  # the rows' width and first row while lines are drawn
        self._strips_base: Style | None = None
        self._widths: tuple[int, list[int]] | None = None
        self._header: tuple[int, Style, Strip] | None = None
        self._pieces: dict[tuple[object, ...], tuple[list[Segment], int]] = {}  # see _piece

    # -- data ---------------------------------------------------------------------------------

    @property
    def cursor_key(self) -> str | None:
        return self._cursor_key

    @property
    def row_count(self) -> int:
        """Rows shown (after the filter)."""
        return len(self._order)

    @property
    def total_count(self) -> int:
        return len(self._items)

    def row_keys(self) -> list[str]:
        """Keys of the rows shown, top to bottom."""
        return list(self._order)

    def item(self, key: str) -> T | None:
        return self._items.get(key)

    def items(self) -> list[T]:
        return list(self._items.values())

    def row_text(self, key: str) -> list[Text]:
        """The cells of a row as rendered (for tests and snapshots)."""
        return list(self._cells(self._items[key]))

    def cell(self, key: str, column: str) -> Text:
        """One cell of a row by column key."""
        position = next(i for i, c in enumerate(self.columns) if c.key == column)
        return self.row_text(key)[position]

    def set_rows(self, items: Iterable[T]) -> None:
        """Replace every row (the cursor keeps its key if that row is still there)."""
        self._items.clear()
        self._sort_keys.clear()
        self._haystacks.clear()
        self._remember(items)
        self._strips.clear()
        self._reorder()

    def apply(self, changed: Iterable[T], removed: Iterable[str] = ()) -> None:
        """Upsert `changed` and drop `removed` by key, keeping the cursor row still on screen."""
        changed = list(changed)
        removed = [k for k in removed if k in self._items]
        if not changed and not removed:
            return
        latest = {self._key(item): item for item in changed}  # by key, the last of each
        ranks = {key: (self._sort_key(item), key) for key, item in latest.items()}
        touched = list(dict.fromkeys([*latest, *removed]))
        before = self._shown(on_screen=True)
        merge = len(touched) * INCREMENTAL_SHARE < len(self._order)
        kept: set[str] = set()
        if merge:
            # A changed row that was shown, still is, and keeps its sort key stays where it is: most of a
            # poll's edits leave what the order reads alone. The others are found while the sort keys still
            # say where they are and taken out; those still shown go back in by bisection (`_reorder`).
            kept = {
                key
                for key, rank in ranks.items()
                if self._sort_keys.get(key) == rank and self._shows(key) and self._passes(latest[key])
            }
            gone = sorted(at for key in touched if key not in kept and (at := self._find(key)) is not None)
            for at in reversed(gone):
                del self._order[at]
        for key in removed:
            self._items.pop(key, None)
            self._sort_keys.pop(key, None)
            self._haystacks.pop(key, None)
        self._remember(changed, ranks)
        for key in touched:
            self._strips.pop(key, None)
        self._reorder(touched, before, merge=merge, kept=kept)

    def invalidate(self) -> None:
        """Re-render every row (e.g. ages moved on), without touching order or cursor."""
        self._strips.clear()
        self.refresh()

    def set_filter(self, text: str) -> None:
        words = tuple(text.lower().split())
        if words != self._filter:
            self._filter = words
            self._reorder()

    def set_predicate(self, predicate: Callable[[T], bool] | None) -> None:
        """A filter in code (a view or a board), applied together with the typed filter."""
        self._predicate = predicate
        self._strips.clear()
        self._reorder()

    @property
    def filter_text(self) -> str:
        return " ".join(self._filter)

    def _remember(self, items: Iterable[T], ranks: dict[str, tuple[Any, str]] | None = None) -> None:
        """Hold `items`, with their sort keys (from `ranks` when the caller worked them out already)."""
        for item in items:
            key = self._key(item)
            self._items[key] = item
            # The key breaks ties, so merging a few rows (bisection) and re-sorting all agree.
            self._sort_keys[key] = ranks[key] if ranks is not None else (self._sort_key(item), key)
            self._haystacks.pop(key, None)  # made when a filter first reads it: most rows never are

    def _shows(self, key: str) -> bool:
        return self._passes(self._items[key], key)

    def _passes(self, item: T, key: str | None = None) -> bool:
        """Whether `item` shows: the predicate and the typed filter. With `key` (a row the table holds),
        its text for the filter is kept for the next time; without (a row not yet held), made and let go."""
        if self._predicate is not None and not self._predicate(item):
            return False
        if not self._filter:
            return True
        haystack = self._haystacks.get(key) if key is not None else None
        if haystack is None:
            haystack = self._search_text(item).lower()
            if key is not None:
                self._haystacks[key] = haystack
        return all(word in haystack for word in self._filter)

    def _shown(self, *, on_screen: bool = False) -> _Shown:
        """Where the cursor is and what the screen shows, before an update changes them. With
        `on_screen` (from `apply`, before it touches anything) the order still agrees with the sort
        keys, so the cursor's row is found by bisection; otherwise the rows may be new (`set_rows`)."""
        key, top = self._cursor_key, int(self.scroll_offset.y)
        index = 0
        if key is not None and on_screen:
            index = self._find(key) or 0
        elif key is not None:
            with contextlib.suppress(ValueError):
                index = self._order.index(key)
        return _Shown(
            key,
            index,
            top,
            self._order[top : top + self._screen_rows()] if on_screen else [],
            bool(self._order) and key == self._order[-1],
        )

    def _reorder(
        self,
        touched: Sequence[str] | None = None,
        before: _Shown | None = None,
        *,
        merge: bool = False,
        kept: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        """Rebuild the shown order. With `touched` (the keys an update changed or removed, `before`
        it did) and `merge`, the touched rows were taken out already and only those still shown are
        put back, by bisection (those in `kept` never left: their place is unchanged): a poll of 50
        changes into 5,000 rows need not re-test, re-sort or even walk them all. So the predicate must
        depend on the row alone: when what it reads changes (a view, a board), the owner calls
        `set_predicate` again, which re-tests all."""
        old = before or self._shown()
        old_key, old_index = old.cursor_key, old.cursor_index
        sort_key = self._sort_keys.__getitem__
        if touched is not None and merge:
            order = self._order
            for key in touched:
                if key not in kept and key in self._items and self._shows(key):
                    bisect.insort(order, key, key=sort_key)
        else:
            self._order = sorted(filter(self._shows, self._items), key=sort_key)
        new_key, new_index = self._cursor_after(old)
        self._update_virtual_size()
        self._cursor_key = new_key
        if new_key is not None:
            old_screen_row = old_index - old.top
            self._scroll_to_row_top(new_index - old_screen_row if old_key == new_key else None, new_index)
        if touched is None or not old.on_screen or not self._order or int(self.scroll_offset.y) != old.top:
            self.refresh()  # a new filter, new rows, or a scroll: every line may differ
        else:
            moved = {old_key, new_key} if old_key != new_key else set()
            self._refresh_rows(old.on_screen, set(touched), moved)

    def _cursor_after(self, old: _Shown) -> tuple[str | None, int]:
        """Where the cursor goes once the order changed: its row if still shown, else the row that took
        its place (or the newest, following the tail)."""
        order = self._order
        if not order:
            return None, 0
        if self.follow_tail and (old.at_tail or old.cursor_key is None):
            return order[-1], len(order) - 1
        at = self._find(old.cursor_key) if old.cursor_key is not None else None
        if at is not None:
            return old.cursor_key, at
        at = min(old.cursor_index, len(order) - 1)
        return order[at], at

    def _find(self, key: str) -> int | None:
        """Where row `key` is in the order (None: not shown), by bisection over the sort keys."""
        rank = self._sort_keys.get(key)
        if rank is None:  # a row the table does not hold
            return None
        order = self._order
        at = bisect.bisect_left(order, rank, key=self._sort_keys.__getitem__)
        return at if at < len(order) and order[at] == key else None

    def _screen_rows(self) -> int:
        """How many rows the screen shows below the header (0 before the first layout)."""
        return max(0, self.scrollable_content_region.height - 1)

    def _refresh_rows(self, before: Sequence[str], touched: set[str], cursor: set[str | None]) -> None:
        """Repaint only the lines whose row changed (`touched`), moved (another key at that line than
        `before`, what the lines showed), or gained or lost the cursor: a poll of 50 changes into 5,000
        rows mostly lands off screen, and Textual repaints each dirty line of every widget under it."""
        top = int(self.scroll_offset.y)
        after = self._order[top : top + self._screen_rows()]
        dirty = [
            line
            for line in range(max(len(before), len(after)))
            if (now := after[line] if line < len(after) else None) in touched
            or now in cursor
            or now != (before[line] if line < len(before) else None)
        ]
        # The rows' width, not the widget's: the scrollbar beside them is a widget of its own, which
        # repaints itself when it changes; a line region over it had it rendered for every changed row.
        width = self.scrollable_content_region.width
        start = 0
        for position, line in enumerate(dirty):  # one region per run of adjacent lines
            if position + 1 == len(dirty) or dirty[position + 1] != line + 1:
                first = dirty[start]
                self.refresh(Region(0, first + 1, width, line - first + 1))  # + 1: below the header
                start = position + 1

    # -- cursor -------------------------------------------------------------------------------

    def move_cursor_to(self, key: str) -> bool:
        at = self._find(key)
        if at is None:
            return False
        self._set_cursor_index(at)
        return True

    def _set_cursor_index(self, index: int) -> None:
        if not self._order:
            return
        index = max(0, min(index, len(self._order) - 1))
        key, old_key, old_top = self._order[index], self._cursor_key, int(self.scroll_offset.y)
        self._cursor_key = key
        self._scroll_to_row_top(None, index)
        if int(self.scroll_offset.y) != old_top:
            self.refresh()
        elif key != old_key:  # the same rows on screen: only the cursor's old and new lines change
            on_screen = self._order[old_top : old_top + self._screen_rows()]
            self._refresh_rows(on_screen, set(), {old_key, key})

    def _cursor_index(self) -> int:
        return (self._find(self._cursor_key) if self._cursor_key else None) or 0

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_row_top(self, wanted_top: int | None, index: int) -> None:
        """Scroll so row `index` is visible, preferring the top row `wanted_top`."""
        page = self._page_rows
        top = int(self.scroll_offset.y) if wanted_top is None else wanted_top
        if index < top:
            top = index
        elif index > top + page - 1:
            top = index - page + 1
        top = max(0, min(top, max(0, len(self._order) - page)))
        if top != self.scroll_offset.y:
            # force: right after the first rows arrive the scrollbar is not laid out yet, and an unforced
            # scroll is then refused (the newest message would open off screen).
            self.scroll_to(y=top, animate=False, immediate=True, force=True)

    def action_cursor_down(self) -> None:
        self._set_cursor_index(self._cursor_index() + 1)

    def action_cursor_up(self) -> None:
        if self._order and self._cursor_index() == 0:
            self.post_message(self.ReachedTop(self))
        self._set_cursor_index(self._cursor_index() - 1)

    def action_page_down(self) -> None:
        self._set_cursor_index(self._cursor_index() + self._page_rows)

    def action_page_up(self) -> None:
        self._set_cursor_index(self._cursor_index() - self._page_rows)

    def action_first(self) -> None:
        self._set_cursor_index(0)

    def action_last(self) -> None:
        self._set_cursor_index(len(self._order) - 1)

    def action_select(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.Selected(self, self._cursor_key))

    def on_click(self, event: events.Click) -> None:
        row = event.y - 1 + int(self.scroll_offset.y)
        if event.y >= 1 and 0 <= row < len(self._order):
            if self._order[row] == self._cursor_key and event.chain >= 2:
                self.action_select()
            self._set_cursor_index(row)

    # -- rendering ------------------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        size = Size(self.scrollable_content_region.width, len(self._order) + 1)
        if size == self.virtual_size:
            return
        if self._sized_by_layout():
            # Textual lays out the whole screen for a new virtual size (~10 ms on the dashboard, every
            # scrollbar repainted), though here it moves nothing but this table's own scrollbar: a row
            # leaving a view would cost more than repainting it. Update the scrollbar alone; should it
            # appear or go, Textual's own reactive for that still lays the screen out.
            self.set_reactive(KeyedTable.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Every layout of the screen (a dialog closing, a banner showing) hands a scroll view its viewport
        # as the "virtual size", which never equals ours, so Textual would repaint the scrollbar each time.
        # While the table keeps its size there is nothing to update: a new row count updates the scrollbar
        # itself (see _update_virtual_size).
        if size == self.size and container_size == self.container_size and self.is_mounted:
            return False
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _sized_by_layout(self) -> bool:
        """Whether the table is laid out already and its height is the layout's, not its rows'."""
        height = self.styles.height
        return self.is_mounted and bool(self.size) and height is not None and not height.is_auto

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._header = None
        self._update_virtual_size()
        if self._order:
            self._scroll_to_row_top(None, self._cursor_index())

    def column_widths(self, width: int) -> list[int]:
        """Cell widths for a table `width` wide; 0 for a column left out at this width."""
        if self._widths is None or self._widths[0] != width:
            self._widths = (width, self._column_widths(width))
        return self._widths[1]

    def _column_widths(self, width: int) -> list[int]:
        shown = [c for c in self.columns if width >= c.hide_below]
        gaps = len(shown) - 1
        fixed = sum(c.width or 0 for c in shown)
        flexible = max(0, width - fixed - gaps)
        return [
            0 if width < c.hide_below else c.width if c.width is not None else max(c.min_width, flexible)
            for c in self.columns
        ]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, component: str) -> Style:
        """A component's style, or the widget's own for "" (Textual's `rich_style` walks every ancestor)."""
        style = self._styles.get(component)
        if style is None:
            style = self.get_component_rich_style(component) if component else self.rich_style
            self._styles[component] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        # Where the rows are, once for the lines Textual asks for now rather than once a line: both are
        # Textual properties worked out afresh on every read (a third of drawing a cached row).
        self._drawing = self._rows_at()
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def _rows_at(self) -> tuple[int, int]:
        """The rows' width (the scrollbar beside them left out) and the first row on screen."""
        return self.scrollable_content_region.width, int(self.scroll_offset.y)

    def render_line(self, y: int) -> Strip:
        width, top = self._drawing or self._rows_at()
        if y == 0:
            return self._header_strip(width)
        index = top + y - 1
        if not self._order:
            if y == 1:
                style = self._style("keyed-table--empty")
                empty = "Nothing matches; Esc clears the filter." if self._filter else self.empty_text
                return Strip(list(Text(" " + empty, style=style, end="").render(self.app.console)))
            return Strip.blank(width, self._style(""))
        if index >= len(self._order):
            return Strip.blank(width, self._style(""))
        key = self._order[index]
        strip = self._row_strip(key, width)
        if key == self._cursor_key:
            strip = Strip(
                list(Segment.apply_style(strip, post_style=self._cursor_style())), strip.cell_length
            )
        return strip

    def _cursor_style(self) -> Style:
        return self._style("keyed-table--cursor")

    def _header_strip(self, width: int) -> Strip:
        style = self._style("keyed-table--header")
        if self._header is None or self._header[:2] != (width, style):
            cells = [Text(c.label, justify=c.justify) for c in self.columns]
            self._header = (width, style, self._line(cells, width, style))
        return self._header[2]

    def _row_strip(self, key: str, width: int) -> Strip:
        base = self._style("")
        if base != self._strips_base:  # e.g. the focus tint came or went: every row's background moves
            self._strips.clear()
            self._strips_base = base
        cached = self._strips.get(key)
        if cached is not None and cached[0] == width:
            return cached[1]
        strip = self._line(list(self._cells(self._items[key])), width, base)
        self._strips[key] = (width, strip)
        return strip

    def _line(self, cells: Sequence[Text], width: int, base: Style) -> Strip:
        segments: list[Segment] = []
        used = 0
        for cell, column, cell_width in zip(cells, self.columns, self.column_widths(width), strict=False):
            if not cell_width:
                continue
            if segments:
                segments.append(Segment(" ", base))
                used += 1
            piece, length = self._piece(cell, cell_width, column.justify, base)
            segments += piece
            used += length
        if used == width:  # the columns fill the line exactly (they do unless it is very narrow)
            return Strip(segments, width)
        return Strip(segments, used).adjust_cell_length(width, base)

    def _piece(self, cell: Text, width: int, justify: str, base: Style) -> tuple[list[Segment], int]:
        """A cell cut or padded to its column, as segments in the row's `base` style. Most cells recur
        (a board, a priority, an age, a clock), so the pieces are kept by what they are made of."""
        made_of = (cell.plain, cell.style, tuple(cell.spans), width, justify, base)
        found = self._pieces.get(made_of)
        if found is None:
            piece = cropped(cell, width)
            if justify == "right":
                piece.align("right", width)
            else:
                piece.pad_right(width - piece.cell_len)
            made = cell_segments(piece, base, self.app.console)
            found = (made, Segment.get_line_length(made))
            if len(self._pieces) >= PIECES_KEPT:
                self._pieces.clear()
            self._pieces[made_of] = found
        return found
