"""Each support day's cover (the sub-team and who is on #laa-ops in each period), and the uncovered
periods already flagged that day.

What the team agrees on lives in #laa-ops (a post with `duty_tui_cover` metadata); this is the copy this
machine shows, set here or adopted from the channel, so a restart paints it at once.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from duty_tui.models import ChatMessage
from duty_tui.rules.cover import EVENT_TYPE, Cover, CoverPeriod, Slot
from duty_tui.store.db import Database
from duty_tui.store.rows import message_from_row


class CoverDays:
    def __init__(self, db: Database) -> None:
        self.db = db

    def of_day(self, day: date) -> Cover | None:
        rows = self.db.rows("SELECT * FROM cover_days WHERE day = ?", [day.isoformat()])
        return _cover_from_row(rows[0]) if rows else None

    def save(self, cover: Cover) -> None:
        """The day's cover as now shown (replacing what the day had)."""
        with self.db.write() as db:
            db.table("cover_days").upsert(_cover_row(cover), pk="day")

    def confirm(self, ref: str, ts: str) -> None:
        """Slack has the post that shares a cover set here: it is no longer pending."""
        with self.db.write():
            self.db.conn.execute("UPDATE cover_days SET ts = ?, pending = 0 WHERE ref = ?", [ts, ref])

    def unposted(self, ref: str) -> None:
        """Slack refused the post: the cover stays set here, shared with nobody."""
        with self.db.write():
            self.db.conn.execute("UPDATE cover_days SET pending = 0, ref = NULL WHERE ref = ?", [ref])

    def posts(self, channel: str, since_ts: str) -> list[ChatMessage]:
        """Cached #laa-ops messages with cover metadata since `since_ts` (a day's posts), oldest first."""
        rows = self.db.rows(
            "SELECT * FROM messages WHERE channel = ? AND metadata_type = ? AND ts >= ? ORDER BY ts",
            [channel, EVENT_TYPE, since_ts],
        )
        return [message_from_row(row) for row in rows]

    # -- flags ------------------------------------------------------------------------------------

    def flagged(self, day: date) -> set[str]:
        rows = self.db.rows("SELECT what FROM cover_flags WHERE day = ?", [day.isoformat()])
        return {str(row[0]) for row in rows}

    def flag(self, day: date, whats: list[str], at: datetime) -> None:
        with self.db.write() as db:
            db.table("cover_flags").upsert_all(
                [{"day": day.isoformat(), "what": what, "at": at.isoformat()} for what in whats],
                pk=("day", "what"),
            )


def _cover_row(cover: Cover) -> dict[str, Any]:
    periods = [
        {
            "start": f"{s.period.start:%H:%M}",
            "end": f"{s.period.end:%H:%M}",
            "label": s.period.label,
            "who": s.who,
        }
        for s in cover.slots
    ]
    return {
        "day": cover.day.isoformat(),
        "engineer": cover.engineer,
        "dba": cover.dba,
        "duty_consultant": cover.duty_consultant,
        "periods": json.dumps(periods, ensure_ascii=False),
        "by": cover.by,
        "at": cover.at.isoformat() if cover.at else None,
        "ts": cover.ts,
        "ref": cover.ref,
        "pending": int(cover.pending),
    }


def _cover_from_row(row: Any) -> Cover:
    slots = tuple(
        Slot(CoverPeriod(time.fromisoformat(p["start"]), time.fromisoformat(p["end"]), p["label"]), p["who"])
        for p in json.loads(row["periods"])
    )
    return Cover(
        day=date.fromisoformat(row["day"]),
        engineer=row["engineer"],
        dba=row["dba"],
        duty_consultant=row["duty_consultant"],
        slots=slots,
        by=row["by"],
        at=datetime.fromisoformat(row["at"]) if row["at"] else None,
        ts=row["ts"],
        ref=row["ref"],
        pending=bool(row["pending"]),
    )
