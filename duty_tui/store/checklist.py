"""The checklist's ticks by support day, and the history of every tick and untick."""

from __future__ import annotations

from datetime import date, datetime

from duty_tui.models import ChecklistTick
from duty_tui.store.db import Database
from duty_tui.store.rows import tick_from_row


class ChecklistTicks:
    def __init__(self, db: Database) -> None:
        self.db = db

    def of_day(self, day: date) -> dict[str, ChecklistTick]:
        rows = self.db.rows("SELECT * FROM checklist_ticks WHERE day = ?", [day.isoformat()])
        return {row["item_id"]: tick_from_row(row, day) for row in rows}

    def set(self, item_id: str, day: date, *, ticked: bool, by: str, at: datetime) -> None:
        """Tick or untick an item for a support day; both are recorded in the history."""
        with self.db.write() as db:
            if ticked:
                db.table("checklist_ticks").upsert(
                    {"day": day.isoformat(), "item_id": item_id, "by": by, "at": at.isoformat()},
                    pk=("day", "item_id"),
                )
            else:
                self.db.conn.execute(
                    "DELETE FROM checklist_ticks WHERE day = ? AND item_id = ?", [day.isoformat(), item_id]
                )
            db.table("checklist_history").insert(
                {
                    "day": day.isoformat(),
                    "item_id": item_id,
                    "ticked": int(ticked),
                    "by": by,
                    "at": at.isoformat(),
                }
            )
