"""The floor `startup.py` compares duty-tui with: the bare Textual app a reader would write first.

    python _bare_table.py DATA_DIR

One DataTable, the same 5,000 listed tickets read from duty-tui's store with plain sqlite3 in
the same order, added with `add_rows` on mount. It runs in the terminal it was started in (no
headless mode, no hooks), so `startup.py` can time it from outside exactly as it times duty-tui.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable

LABELS = {"AWS Ops": "AWS", "6DG Ops": "6DG"}
ORDER = (
    "CASE lower(t.priority) WHEN 'highest' THEN 1 WHEN 'high' THEN 2 WHEN 'medium' THEN 3 "
    "WHEN 'low' THEN 4 WHEN 'lowest' THEN 4 ELSE 5 END, t.created, t.key"
)
QUERY = (
    "SELECT group_concat(b.name, '+'), t.key, t.priority, t.created, t.summary "
    "FROM tickets t JOIN board_tickets bt ON bt.key = t.key "
    f"JOIN boards b ON b.id = bt.board_id GROUP BY t.key ORDER BY {ORDER}"
)


def age(created: str, now: datetime) -> str:
    minutes = int((now - datetime.fromisoformat(created)).total_seconds()) // 60
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h" if minutes < 48 * 60 else f"{minutes // 1440}d"


class BareTable(App[None]):
    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = data_dir

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        now = datetime.now(UTC)
        with sqlite3.connect(self.data_dir / "duty-tui.sqlite3") as connection:
            rows = connection.execute(QUERY).fetchall()
        table: DataTable[str] = self.query_one(DataTable)
        table.add_columns("Board", "Key", "Priority", "Age", "Summary")
        table.add_rows(
            (LABELS.get(boards, boards), key, priority, age(created, now), summary)
            for boards, key, priority, created, summary in rows
        )
        table.focus()


if __name__ == "__main__":
    BareTable(Path(sys.argv[1])).run()
