"""KeyedTable: a virtual, keyed table for thousands of rows that polls update in place.

Rows are models, identified by a key function; only the lines on screen are rendered (Line API),
so adding 5,000 rows costs a sort, not a layout. `apply(changed, removed)` diff-updates by key:
the cursor stays on the same row (by key, not index) and that row stays where it was on screen,
so a poll never moves what the engineer is looking at. Cells are `rich.text.Text` built by the
owner through `duty_tui/text/`; nothing here parses markup.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from duty_tui.widgets.bindings import bindings

T = TypeVar("T")
# An update touching fewer than one row in this many is merged into the order by bisection;
# larger ones re-sort everything (cheaper than many insertions).
INCREMENTAL_SHARE = 8


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

    class CursorMoved(Message):
        """The cursor is on another row (or on none)."""

        def __init__(self, table: KeyedTable[Any], key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> KeyedTable[Any]:
            return self.table

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
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._filter: tuple[str, ...] = ()
        self._predicate: Callable[[T], bool] | None = None
        self._cursor_key: str | None = None
        self._strips: dict[str, tuple[int, Strip]] = {}

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
        for key in removed:
            self._items.pop(key, None)
            self._sort_keys.pop(key, None)
            self._haystacks.pop(key, None)
            self._strips.pop(key, None)
        self._remember(changed)
        touched = [self._key(item) for item in changed]
        for key in touched:
            self._strips.pop(key, None)
        self._reorder([*touched, *removed])

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

    def _remember(self, items: Iterable[T]) -> None:
        for item in items:
            key = self._key(item)
            self._items[key] = item
            # The key breaks ties, so merging a few rows (bisection) and re-sorting all agree.
            self._sort_keys[key] = (self._sort_key(item), key)
            self._haystacks[key] = self._search_text(item).lower()

    def _shows(self, key: str) -> bool:
        if self._predicate is not None and not self._predicate(self._items[key]):
            return False
        return all(word in self._haystacks[key] for word in self._filter)

    def _reorder(self, touched: Sequence[str] | None = None) -> None:
        """Rebuild the shown order; with `touched` (the keys an update changed or removed), only
        those rows are taken out and put back: a poll of 50 changes into 5,000 rows need not
        re-test and re-sort them all. So the predicate must depend on the row alone: when what it
        reads changes (a view, a board), the owner calls `set_predicate` again, which re-tests all."""
        old_key = self._cursor_key
        old_index = self._index.get(old_key, 0) if old_key else 0
        old_screen_row = old_index - self.scroll_offset.y
        was_at_tail = bool(self._order) and old_key == self._order[-1]
        sort_key = self._sort_keys.__getitem__
        if touched is not None and len(touched) * INCREMENTAL_SHARE < len(self._order):
            gone = set(touched)
            order = [k for k in self._order if k not in gone]
            for key in dict.fromkeys(touched):
                if key in self._items and self._shows(key):
                    bisect.insort(order, key, key=sort_key)
            self._order = order
        else:
            self._order = sorted(filter(self._shows, self._items), key=sort_key)
        self._index = {key: index for index, key in enumerate(self._order)}
        if not self._order:
            new_key = None
        elif self.follow_tail and (was_at_tail or old_key is None):
            new_key = self._order[-1]
        elif old_key in self._index:
            new_key = old_key
        else:
            new_key = self._order[min(old_index, len(self._order) - 1)]
        self._update_virtual_size()
        self._cursor_key = new_key
        if new_key is not None:
            new_index = self._index[new_key]
            self._scroll_to_row_top(new_index - old_screen_row if old_key == new_key else None, new_index)
        if new_key != old_key:
            self.post_message(self.CursorMoved(self, new_key))
        self.refresh()

    # -- cursor -------------------------------------------------------------------------------

    def move_cursor_to(self, key: str) -> bool:
        if key not in self._index:
            return False
        self._set_cursor_index(self._index[key])
        return True

    def _set_cursor_index(self, index: int) -> None:
        if not self._order:
            return
        index = max(0, min(index, len(self._order) - 1))
        key = self._order[index]
        if key != self._cursor_key:
            self._cursor_key = key
            self.post_message(self.CursorMoved(self, key))
        self._scroll_to_row_top(None, index)
        self.refresh()

    def _cursor_index(self) -> int:
        return self._index.get(self._cursor_key, 0) if self._cursor_key else 0

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
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._order) + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._update_virtual_size()
        if self._order:
            self._scroll_to_row_top(None, self._cursor_index())

    def column_widths(self, width: int) -> list[int]:
        """Cell widths for a table `width` wide; 0 for a column left out at this width."""
        shown = [c for c in self.columns if width >= c.hide_below]
        gaps = len(shown) - 1
        fixed = sum(c.width or 0 for c in shown)
        flexible = max(0, width - fixed - gaps)
        return [
            0 if width < c.hide_below else c.width if c.width is not None else max(c.min_width, flexible)
            for c in self.columns
        ]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header_strip(width)
        index = int(self.scroll_offset.y) + y - 1
        if not self._order:
            if y == 1:
                style = self.get_component_rich_style("keyed-table--empty")
                empty = "Nothing matches; Esc clears the filter." if self._filter else self.empty_text
                return Strip(list(Text(" " + empty, style=style, end="").render(self.app.console)))
            return Strip.blank(width, self.rich_style)
        if index >= len(self._order):
            return Strip.blank(width, self.rich_style)
        key = self._order[index]
        strip = self._row_strip(key, width)
        if key == self._cursor_key:
            strip = Strip(
                list(Segment.apply_style(strip, post_style=self._cursor_style())), strip.cell_length
            )
        return strip

    def _cursor_style(self) -> Style:
        return self.get_component_rich_style("keyed-table--cursor")

    def _header_strip(self, width: int) -> Strip:
        style = self.get_component_rich_style("keyed-table--header")
        cells = [Text(c.label, justify=c.justify) for c in self.columns]
        return self._line(cells, width, style)

    def _row_strip(self, key: str, width: int) -> Strip:
        cached = self._strips.get(key)
        if cached is not None and cached[0] == width:
            return cached[1]
        strip = self._line(list(self._cells(self._items[key])), width, self.rich_style)
        self._strips[key] = (width, strip)
        return strip

    def _line(self, cells: Sequence[Text], width: int, base: Style) -> Strip:
        line = Text(no_wrap=True, end="")
        first = True
        for cell, column, cell_width in zip(cells, self.columns, self.column_widths(width), strict=False):
            if not cell_width:
                continue
            if not first:
                line.append(" ")
            first = False
            piece = cell.copy()
            piece.truncate(cell_width, overflow="ellipsis")
            if column.justify == "right":
                piece.align("right", cell_width)
            else:
                piece.pad_right(cell_width - piece.cell_len)
            line.append_text(piece)
        segments = list(Segment.apply_style(line.render(self.app.console, end=""), style=base))
        return Strip(segments).adjust_cell_length(width, base)
