"""KeyedTable's order and cursor under many small updates: the incremental merge must give exactly
the order a full re-sort gives, and the cursor must stay on its row (or take the next one's place)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Input

from duty_tui.widgets.keyed_table import Column, KeyedTable


@dataclass(frozen=True)
class Row:
    key: str
    rank: int
    word: str
    hidden: bool = False


def table() -> KeyedTable[Row]:
    return KeyedTable(
        [Column("key", "Key", 6), Column("word", "Word")],
        key=lambda r: r.key,
        cells=lambda r: [Text(r.key), Text(r.word)],
        sort_key=lambda r: r.rank,  # ties on purpose: the table breaks them by key, both ways
        search_text=lambda r: r.word,
    )


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.table = table()

    def compose(self) -> ComposeResult:
        yield self.table


def expected(rows: dict[str, Row], words: tuple[str, ...] = ()) -> list[str]:
    shown = [r for r in rows.values() if not r.hidden and all(w in r.word for w in words)]
    return [r.key for r in sorted(shown, key=lambda r: (r.rank, r.key))]


async def test_small_updates_merge_into_the_same_order_a_full_sort_gives() -> None:
    rng = random.Random(3)
    words = ["alpha", "beta", "gamma", "delta"]
    rows = {f"K{n}": Row(f"K{n}", rng.randrange(50), rng.choice(words)) for n in range(400)}
    app = TableApp()
    async with app.run_test(size=(60, 20)):
        t = app.table
        t.set_rows(rows.values())
        t.set_predicate(lambda r: not r.hidden)
        t.set_filter("l")  # alpha and delta
        for step in range(300):
            changed = []
            for key in rng.sample(sorted(rows), rng.randrange(1, 12)):
                # Half keep their rank (their row stays where it is, unless it is hidden or filtered now).
                rank = rows[key].rank if rng.random() < 0.5 else rng.randrange(50)
                rows[key] = Row(key, rank, rng.choice(words), hidden=rng.random() < 0.2)
                changed.append(rows[key])
            removed = rng.sample(sorted(set(rows) - {r.key for r in changed}), rng.randrange(0, 3))
            for key in removed:
                del rows[key]
            if step % 25 == 0:  # and now and then one that touches many rows: the full re-sort
                changed += [replace_rank(rows, key, rng.randrange(50)) for key in sorted(rows)[:120]]
            cursor = t.cursor_key
            t.apply(changed, [*removed, "never-there"])
            assert t.row_keys() == expected(rows, ("l",)), step
            if cursor in t.row_keys():
                assert t.cursor_key == cursor  # the cursor follows its row


def replace_rank(rows: dict[str, Row], key: str, rank: int) -> Row:
    row = rows[key]
    rows[key] = Row(key, rank, row.word, row.hidden)
    return rows[key]


async def test_when_the_cursor_row_leaves_the_next_row_takes_its_place() -> None:
    rows = {f"K{n:02}": Row(f"K{n:02}", n, "w") for n in range(30)}
    app = TableApp()
    async with app.run_test(size=(60, 20)):
        t = app.table
        t.set_rows(rows.values())
        assert t.move_cursor_to("K10")
        t.apply([], ["K10"])
        assert t.cursor_key == "K11" and t.row_keys().index("K11") == 10
        t.set_predicate(lambda r: not r.hidden)
        t.apply([Row("K11", 11, "w", hidden=True)])  # hidden by the predicate: gone the same way
        assert t.cursor_key == "K12"
        t.apply([Row("K12", 99, "w")])  # moved down the list: the cursor goes with it
        assert t.cursor_key == "K12" and t.row_keys()[-1] == "K12"


# -- repainting only what changed -----------------------------------------------------------------


def lines(t: KeyedTable[Row]) -> list[list[tuple[str, object]]]:
    """The table's lines as it would paint them now: Textual keeps each painted line until the table
    marks it dirty, so a line an update forgot to mark shows here as it was."""
    strips = t.render_lines(Region(0, 0, t.size.width, t.size.height))
    return [[(segment.text, segment.style) for segment in strip] for strip in strips]


def repainted(t: KeyedTable[Row]) -> list[list[tuple[str, object]]]:
    t.refresh()  # drops every painted line
    return lines(t)


class Spy:
    """What an update asked Textual to repaint: None for the whole table, else the lines."""

    def __init__(self, t: KeyedTable[Row]) -> None:
        self.calls: list[Region | None] = []
        original = t.refresh

        def refresh(*regions: Region, **options: Any) -> Any:
            self.calls.extend(regions or [None])
            return original(*regions, **options)

        t.refresh = refresh  # type: ignore[method-assign]

    def lines(self) -> set[int] | None:
        if None in self.calls:
            return None
        return {y for region in self.calls if region is not None for y in range(region.y, region.bottom)}


async def test_an_update_repaints_only_the_lines_whose_row_changed_or_moved() -> None:
    rows = {f"K{n:03}": Row(f"K{n:03}", n * 10, f"word{n}") for n in range(200)}
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:  # a header and 11 rows on screen
        t = app.table
        t.set_rows(rows.values())
        assert t.move_cursor_to("K001")
        await pilot.pause()
        t.apply([rows["K199"]])  # the first update after the first layout sizes the scrolling: a full repaint
        await pilot.pause()
        spy = Spy(t)
        t.apply([Row("K150", 1500, "changed far below")])  # off screen: nothing to repaint
        assert spy.calls == [] and t.cursor_key == "K001"
        t.apply([Row("K002", 20, "new words")])  # on screen, same place: that line alone
        assert spy.lines() == {3}  # the header is line 0
        # The rows' width: the scrollbar beside them (200 rows in 11 lines) is not repainted with them.
        assert t.show_vertical_scrollbar and {r.width for r in spy.calls if r} == {
            t.scrollable_content_region.width
        }
        assert t.scrollable_content_region.width < t.size.width
        await pilot.pause()
        assert "new words" in "".join(text for text, _ in lines(t)[3])
        spy.calls.clear()
        t.apply([Row("K008", 35, "moved up")])  # from line 9 to line 5: the lines between shift
        assert spy.lines() == {5, 6, 7, 8, 9}
        assert t.cursor_key == "K001" and t.scroll_offset.y == 0
        await pilot.pause()
        assert lines(t) == repainted(t)
        spy.calls.clear()
        t.action_cursor_down()  # the cursor moves within the screen: its old and new lines
        assert spy.lines() == {2, 3} and t.cursor_key == "K002"
        await pilot.pause()
        assert lines(t) == repainted(t)


async def test_what_the_table_paints_after_any_update_is_what_a_full_repaint_paints() -> None:
    rng = random.Random(5)
    rows = {
        f"K{n:03}": Row(f"K{n:03}", rng.randrange(100), rng.choice(["alpha", "beta"])) for n in range(300)
    }
    app = TableApp()
    async with app.run_test(size=(60, 14)) as pilot:
        t = app.table
        t.set_rows(rows.values())
        t.set_predicate(lambda r: not r.hidden)
        await pilot.pause()
        for step in range(150):
            keys = t.row_keys()
            top = int(t.scroll_offset.y)
            on_screen = keys[top : top + 13]
            # Mostly rows on screen or near it: new words, new ranks (re-sorts), hidden, removed, added.
            chosen = rng.sample(on_screen, min(len(on_screen), rng.randrange(0, 4))) + rng.sample(keys, 2)
            changed = []
            for key in chosen:
                rank = rows[key].rank if rng.random() < 0.5 else rng.randrange(100)
                rows[key] = Row(key, rank, f"{rng.choice(['alpha', 'beta'])} {step}", rng.random() < 0.1)
                changed.append(rows[key])
            removed = [] if rng.random() < 0.7 else [rng.choice(on_screen)] if on_screen else []
            for key in removed:
                rows.pop(key, None)
            if rng.random() < 0.2:
                rows[f"N{step}"] = Row(f"N{step}", rng.randrange(100), "new")
                changed.append(rows[f"N{step}"])
            cursor = t.cursor_key
            t.apply([c for c in changed if c.key not in removed], removed)
            if rng.random() < 0.3:
                t.action_cursor_down() if rng.random() < 0.5 else t.action_cursor_up()
            elif cursor in t.row_keys():
                assert t.cursor_key == cursor, step  # a re-sort keeps the cursor on its row
            await pilot.pause()
            assert lines(t) == repainted(t), step


async def test_rows_take_the_new_background_when_the_focus_leaves_or_comes_back() -> None:
    class TwoApp(App[None]):
        def compose(self) -> ComposeResult:
            yield table()
            yield Input()

    app = TwoApp()
    async with app.run_test(size=(60, 20)) as pilot:
        t = app.query_one(KeyedTable)
        t.set_rows(Row(f"K{n}", n, "w") for n in range(30))
        for focused in (t, app.query_one(Input), t):
            focused.focus()
            await pilot.pause()
            backgrounds = {segment.style.bgcolor for segment in t.render_line(3) if segment.style}
            assert backgrounds == {t.rich_style.bgcolor}, focused  # row 3: not the cursor's


async def test_rows_leaving_move_the_scrollbar_without_laying_out_the_screen() -> None:
    """A row leaving the view (an unassign in "mine") is a new row count: the table's own scrollbar
    follows it without a layout of the whole screen, unless the scrollbar must appear or go."""
    rows = {f"K{n:03}": Row(f"K{n:03}", n, "w") for n in range(200)}
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:  # a header and 11 rows on screen
        t = app.table
        t.set_rows(rows.values())
        await pilot.pause()
        layouts: list[bool] = []
        screen = app.screen
        original = screen._refresh_layout

        def counted(*args: Any, **kwargs: Any) -> None:
            layouts.append(True)
            original(*args, **kwargs)

        screen._refresh_layout = counted  # type: ignore[method-assign]
        t.apply([], [f"K{n:03}" for n in range(150)])
        await pilot.pause()
        assert layouts == [] and t.row_count == 50
        assert t.virtual_size.height == 51 and t.vertical_scrollbar.window_virtual_size == 51
        assert t.show_vertical_scrollbar and t.max_scroll_y == 51 - t.scrollable_content_region.height
        assert lines(t) == repainted(t)
        t.apply([], [f"K{n:03}" for n in range(150, 195)])  # 5 rows fit: the scrollbar goes
        await pilot.pause()
        assert layouts and not t.show_vertical_scrollbar
        assert t.scrollable_content_region.width == 60  # the scrollbar's column is the table's again
        assert lines(t) == repainted(t)
