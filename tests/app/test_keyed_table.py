"""KeyedTable's order and cursor under many small updates: the incremental merge must give exactly
the order a full re-sort gives, and the cursor must stay on its row (or take the next one's place)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from rich.text import Text
from textual.app import App, ComposeResult

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
                rows[key] = Row(key, rng.randrange(50), rng.choice(words), hidden=rng.random() < 0.2)
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
