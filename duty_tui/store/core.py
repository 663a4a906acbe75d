"""The SQLite store: the cache every pane paints from, the sync cursors, and local state.

One file in the data dir, WAL, created readable by the owner only. One connection shared by the UI
thread and the worker threads, guarded by one lock for every use (reads too). Writes go through
sqlite-utils, loaded on the first write so that painting from a warm cache does not wait for it.
Every poll is written in one transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duty_tui.models import (
    BoardInfo,
    ChatMessage,
    ChatUser,
    ChecklistTick,
    Reaction,
    SourceStatus,
    Ticket,
)
from duty_tui.store.outbox import OutboxTables
from duty_tui.store.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

STORE_FILE = "duty-tui.sqlite3"
# How long a statement waits for another process holding the store (`duty-tui sync --once`) before
# it fails; callers that must not lose data (the outbox) retry on top of this.
BUSY_TIMEOUT_SECONDS = 10.0
CONFIRMED_WINDOW = timedelta(hours=1)  # how long a confirmed write can outrank a lagging search


class StoreError(Exception):
    """The store cannot be opened or used; the message says what to do."""


@dataclass(frozen=True, slots=True)
class TicketChanges:
    """What one board poll changed in the listed tickets."""

    changed: tuple[Ticket, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)


class Store(OutboxTables):
    """duty-tui's SQLite store. Safe to call from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn = _open_private(path)
        self._db: sqlite_utils.Database | None = None
        try:
            self.set_busy_timeout(BUSY_TIMEOUT_SECONDS)
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self._conn.close()
            raise StoreError(
                f"{path} is not a usable duty-tui store ({error}): move it aside and start again; "
                "duty-tui rebuilds its cache from Jira and Slack."
            ) from error

    @classmethod
    def in_dir(cls, data_dir: Path) -> Store:
        return cls(data_dir / STORE_FILE)

    def set_busy_timeout(self, seconds: float) -> None:
        with self._lock:
            self._conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- plumbing -------------------------------------------------------------------------------

    @property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the shared connection (imported on first use)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self._conn)
        return self._db

    @contextmanager
    def _write(self) -> Iterator[sqlite_utils.Database]:
        """Lock + one transaction; everything inside commits together or not at all."""
        with self._lock:
            db = self.db
            with db.atomic():
                yield db

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all (writes nest as savepoints)."""
        with self._write():
            yield

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        with self._lock:
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer duty-tui (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}): upgrade duty-tui or point --data-dir somewhere else."
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                with self._conn:  # DDL and the version bump commit together
                    self._conn.executescript(
                        f"BEGIN; {MIGRATIONS[target]} PRAGMA user_version = {target}; COMMIT;"
                    )

    @property
    def schema_version(self) -> int:
        return int(self._rows("PRAGMA user_version")[0][0])

    # -- meta and cursors -----------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", [key])
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as db:
            db.table("meta").upsert({"key": key, "value": value}, pk="key")

    def get_cursor(self, name: str) -> str | None:
        rows = self._rows("SELECT value FROM cursors WHERE name = ?", [name])
        return str(rows[0][0]) if rows else None

    def set_cursor(self, name: str, value: str) -> None:
        with self._write() as db:
            db.table("cursors").upsert({"name": name, "value": value}, pk="name")

    # -- boards and tickets ---------------------------------------------------------------------

    def board_info(self, board_id: int) -> BoardInfo | None:
        rows = self._rows("SELECT * FROM boards WHERE id = ?", [board_id])
        if not rows:
            return None
        row = rows[0]
        return BoardInfo(
            id=row["id"],
            name=row["name"],
            filter_id=row["filter_id"],
            sub_query=row["sub_query"],
            mapped_status_ids=tuple(json.loads(row["mapped_status_ids"])),
            project_key=row["project_key"],
        )

    def save_board_info(self, info: BoardInfo, fetched_at: datetime) -> None:
        with self._write() as db:
            db.table("boards").upsert(
                {
                    "id": info.id,
                    "name": info.name,
                    "filter_id": info.filter_id,
                    "sub_query": info.sub_query,
                    "mapped_status_ids": json.dumps(list(info.mapped_status_ids)),
                    "project_key": info.project_key,
                    "fetched_at": fetched_at.isoformat(),
                },
                pk="id",
            )

    def listed_tickets(self) -> list[Ticket]:
        """Every ticket that at least one configured board lists, with its board names."""
        rows = self._rows(
            "SELECT t.*, group_concat(b.name, char(31)) AS board_names FROM tickets t "
            "JOIN board_tickets bt ON bt.key = t.key JOIN boards b ON b.id = bt.board_id "
            "GROUP BY t.key"
        )
        return self.overlay([ticket_from_row(row) for row in rows])

    def ticket(self, key: str) -> Ticket | None:
        rows = self._rows(
            "SELECT t.*, (SELECT group_concat(b.name, char(31)) FROM board_tickets bt "
            "JOIN boards b ON b.id = bt.board_id WHERE bt.key = t.key) AS board_names "
            "FROM tickets t WHERE t.key = ?",
            [key],
        )
        return self.overlay([ticket_from_row(rows[0])])[0] if rows else None

    def save_board_poll(
        self,
        board_id: int,
        tickets: Sequence[Ticket],
        *,
        full: bool,
        listed: Callable[[Ticket], bool],
        seen_at: datetime,
    ) -> TicketChanges:
        """Store one board's poll and work out what changed in the listed set.

        `full` polls (reconciles) list the whole board, so anything not in them leaves it;
        incremental polls only say something about the tickets they return.
        """
        with self._write() as db:
            incoming = self._keep_acknowledgements({t.key: t for t in tickets})
            incoming = self.keep_confirmed(incoming, seen_at - CONFIRMED_WINDOW)
            before_members = {
                r[0]
                for r in self._conn.execute("SELECT key FROM board_tickets WHERE board_id = ?", [board_id])
            }
            fresh_members = {key for key, t in incoming.items() if listed(t)}
            after_members = fresh_members if full else (before_members - incoming.keys()) | fresh_members
            affected = set(incoming) | (before_members - after_members)
            old_boards = self._boards_of(affected)
            old_prints = self._fingerprints(incoming)
            rows = [
                _ticket_row(t, seen_at) for t in incoming.values() if old_prints.get(t.key) != _fingerprint(t)
            ]
            if rows:
                db.table("tickets").upsert_all(rows, pk="key")
            gone = before_members - after_members
            self._conn.executemany(
                "DELETE FROM board_tickets WHERE board_id = ? AND key = ?", [(board_id, k) for k in gone]
            )
            self._conn.executemany(
                "INSERT OR IGNORE INTO board_tickets (board_id, key) VALUES (?, ?)",
                [(board_id, k) for k in after_members - before_members],
            )
            new_boards = self._boards_of(affected)
        changed_keys = [
            key
            for key in affected
            if new_boards.get(key)
            and (
                new_boards.get(key) != old_boards.get(key)
                or old_prints.get(key) != _fingerprint(incoming[key])
            )
        ]
        removed = tuple(sorted(key for key in affected if old_boards.get(key) and not new_boards.get(key)))
        changed = tuple(t for key in sorted(changed_keys) if (t := self.ticket(key)) is not None)
        return TicketChanges(changed=changed, removed=removed)

    def _boards_of(self, keys: Iterable[str]) -> dict[str, frozenset[int]]:
        result: dict[str, set[int]] = {}
        for key, board_id in self._select_in(
            "SELECT key, board_id FROM board_tickets WHERE key IN ({})", keys
        ):
            result.setdefault(key, set()).add(board_id)
        return {key: frozenset(ids) for key, ids in result.items()}

    def _keep_acknowledgements(self, incoming: dict[str, Ticket]) -> dict[str, Ticket]:
        """A ticket stays acknowledged at its earliest known acknowledgement, whatever a poll says."""
        sql = (
            "SELECT key, acknowledged_at, acknowledged_by FROM tickets "
            "WHERE key IN ({}) AND acknowledged_at IS NOT NULL"
        )
        for key, at, by in self._select_in(sql, incoming):
            stored = datetime.fromisoformat(at)
            ticket = incoming[key]
            if ticket.acknowledged_at is None or stored < ticket.acknowledged_at:
                incoming[key] = replace(ticket, acknowledged_at=stored, acknowledged_by=by)
        return incoming

    def _fingerprints(self, keys: Iterable[str]) -> dict[str, str]:
        return {
            row[0]: row[1]
            for row in self._select_in("SELECT key, fingerprint FROM tickets WHERE key IN ({})", keys)
        }

    def _select_in(
        self, sql: str, values: Iterable[str], params: Sequence[Any] = ()
    ) -> Iterator[sqlite3.Row]:
        """Run `sql` (with one `IN ({})` placeholder list) over `values` in chunks SQLite accepts."""
        items = list(values)
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            marks = ",".join("?" * len(chunk))
            yield from self._conn.execute(
                sql.format(marks), [*params, *chunk]
            )  # only "?" marks are formatted in

    # -- messages and users ---------------------------------------------------------------------

    def newest_ts(self, channel: str) -> str | None:
        rows = self._rows("SELECT max(ts) FROM messages WHERE channel = ?", [channel])
        return rows[0][0] if rows and rows[0][0] else None

    def save_messages(self, messages: Sequence[ChatMessage]) -> tuple[ChatMessage, ...]:
        """Upsert messages; returns those that are new or differ from the stored copy."""
        if not messages:
            return ()
        with self._write() as db:
            stored: dict[tuple[str, str], str] = {}
            for channel in {m.channel for m in messages}:
                tss = [m.ts for m in messages if m.channel == channel]
                sql = "SELECT ts, fingerprint FROM messages WHERE channel = ? AND ts IN ({})"
                for ts, fingerprint in self._select_in(sql, tss, [channel]):
                    stored[(channel, ts)] = fingerprint
            changed = [m for m in messages if stored.get((m.channel, m.ts)) != _message_fingerprint(m)]
            if changed:
                db.table("messages").upsert_all((_message_row(m) for m in changed), pk=("channel", "ts"))
        return tuple(changed)

    def messages(self, channel: str, *, limit: int, before_ts: str | None = None) -> list[ChatMessage]:
        """The newest `limit` messages (older than `before_ts` when given), oldest first."""
        if before_ts is None:
            rows = self._rows(
                "SELECT * FROM messages WHERE channel = ? ORDER BY ts DESC LIMIT ?", [channel, limit]
            )
        else:
            rows = self._rows(
                "SELECT * FROM messages WHERE channel = ? AND ts < ? ORDER BY ts DESC LIMIT ?",
                [channel, before_ts, limit],
            )
        return [_message(row) for row in reversed(rows)]

    def message_ts_between(self, channel: str, first: str, last: str) -> list[str]:
        rows = self._rows(
            "SELECT ts FROM messages WHERE channel = ? AND ts >= ? AND ts <= ? ORDER BY ts",
            [channel, first, last],
        )
        return [row[0] for row in rows]

    def delete_messages(self, channel: str, tss: Sequence[str]) -> None:
        if tss:
            with self._write():
                self._conn.executemany(
                    "DELETE FROM messages WHERE channel = ? AND ts = ?", [(channel, ts) for ts in tss]
                )

    def count_messages(self, channel: str) -> int:
        return int(self._rows("SELECT count(*) FROM messages WHERE channel = ?", [channel])[0][0])

    def save_chat_users(self, users: Iterable[ChatUser], fetched_at: datetime) -> None:
        rows = [
            {
                "id": u.id,
                "name": u.name,
                "is_bot": int(u.is_bot),
                "deleted": int(u.deleted),
                "fetched_at": fetched_at.isoformat(),
            }
            for u in users
        ]
        if rows:
            with self._write() as db:
                db.table("chat_users").upsert_all(rows, pk="id")

    def chat_users(self) -> dict[str, ChatUser]:
        return {
            row["id"]: ChatUser(
                id=row["id"], name=row["name"], is_bot=bool(row["is_bot"]), deleted=bool(row["deleted"])
            )
            for row in self._rows("SELECT * FROM chat_users")
        }

    # -- source status --------------------------------------------------------------------------

    def save_status(self, status: SourceStatus) -> None:
        with self._write() as db:
            db.table("source_status").upsert(
                {
                    "source": status.source,
                    "last_success": _iso(status.last_success),
                    "last_attempt": _iso(status.last_attempt),
                    "error": status.error,
                    "failing_since": _iso(status.failing_since),
                    "next_try": _iso(status.next_try),
                },
                pk="source",
            )

    def statuses(self) -> dict[str, SourceStatus]:
        return {
            row["source"]: SourceStatus(
                source=row["source"],
                last_success=_dt(row["last_success"]),
                last_attempt=_dt(row["last_attempt"]),
                error=row["error"],
                failing_since=_dt(row["failing_since"]),
                next_try=_dt(row["next_try"]),
            )
            for row in self._rows("SELECT * FROM source_status")
        }

    # -- checklist ------------------------------------------------------------------------------

    def ticks(self, day: date) -> dict[str, ChecklistTick]:
        return {
            row["item_id"]: ChecklistTick(
                item_id=row["item_id"], day=day, by=row["by"], at=_required_dt(row["at"])
            )
            for row in self._rows("SELECT * FROM checklist_ticks WHERE day = ?", [day.isoformat()])
        }

    def set_tick(self, item_id: str, day: date, *, ticked: bool, by: str, at: datetime) -> None:
        """Tick or untick an item for a support day; both are recorded in the history."""
        with self._write() as db:
            if ticked:
                db.table("checklist_ticks").upsert(
                    {"day": day.isoformat(), "item_id": item_id, "by": by, "at": at.isoformat()},
                    pk=("day", "item_id"),
                )
            else:
                self._conn.execute(
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

    # -- retention ------------------------------------------------------------------------------

    def prune(self, now: datetime, *, keep_messages_days: int, keep_tickets_days: int) -> int:
        """Forget old messages and tickets no board lists any more; returns rows deleted."""
        message_cutoff = f"{int((now - timedelta(days=keep_messages_days)).timestamp()):010d}"
        ticket_cutoff = (now - timedelta(days=keep_tickets_days)).isoformat()
        with self._write():
            deleted = self._conn.execute("DELETE FROM messages WHERE ts < ?", [message_cutoff]).rowcount
            deleted += self._conn.execute(
                "DELETE FROM tickets WHERE seen_at < ? AND key NOT IN (SELECT key FROM board_tickets)",
                [ticket_cutoff],
            ).rowcount
        return int(deleted)


# -- row mapping --------------------------------------------------------------------------------


def _open_private(path: Path) -> sqlite3.Connection:
    """Create the data dir (0700) and the store (0600) before SQLite opens it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
    except OSError as error:
        raise StoreError(
            f"Cannot create the store at {path} ({error.strerror}): pass a writable --data-dir."
        ) from error
    conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    return conn


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _required_dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _fingerprint(t: Ticket) -> str:
    return json.dumps(
        [
            t.summary,
            t.status,
            t.status_category,
            t.priority,
            t.issue_type,
            t.updated.isoformat(),
            t.reporter,
            t.assignee_id,
            t.assignee,
            t.components,
            t.labels,
            t.created.isoformat(),
            _iso(t.acknowledged_at),
            t.acknowledged_by,
            t.status_id,
        ],
        ensure_ascii=False,
    )


def _ticket_row(t: Ticket, seen_at: datetime) -> dict[str, Any]:
    return {
        "key": t.key,
        "id": t.id,
        "summary": t.summary,
        "status": t.status,
        "status_category": t.status_category,
        "priority": t.priority,
        "issue_type": t.issue_type,
        "created": t.created.isoformat(),
        "updated": t.updated.isoformat(),
        "reporter": t.reporter,
        "assignee_id": t.assignee_id,
        "assignee": t.assignee,
        "components": "\x1f".join(t.components),
        "labels": "\x1f".join(t.labels),
        "url": t.url,
        "seen_at": seen_at.isoformat(),
        "acknowledged_at": _iso(t.acknowledged_at),
        "acknowledged_by": t.acknowledged_by,
        "status_id": t.status_id,
        "fingerprint": _fingerprint(t),
    }


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(value.split("\x1f")) if value else ()


def ticket_from_row(row: sqlite3.Row) -> Ticket:
    """A tickets row (with `board_names` when the query joined the boards) → Ticket."""
    names = row["board_names"] if "board_names" in row.keys() else None  # noqa: SIM118 - sqlite3.Row
    return Ticket(
        key=row["key"],
        id=row["id"],
        summary=row["summary"],
        status=row["status"],
        status_category=row["status_category"],
        priority=row["priority"],
        issue_type=row["issue_type"],
        created=datetime.fromisoformat(row["created"]),
        updated=datetime.fromisoformat(row["updated"]),
        reporter=row["reporter"],
        assignee_id=row["assignee_id"],
        assignee=row["assignee"],
        components=_split(row["components"]),
        labels=_split(row["labels"]),
        url=row["url"],
        boards=tuple(sorted(_split(names))),
        acknowledged_at=_dt(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
        status_id=row["status_id"] or "",
    )


def _message_fingerprint(m: ChatMessage) -> str:
    return json.dumps(
        [
            m.user_id,
            m.text,
            m.subtype,
            m.bot_name,
            m.thread_ts,
            m.reply_count,
            m.latest_reply,
            [[r.name, r.count] for r in m.reactions],
            m.edited,
        ],
        ensure_ascii=False,
    )


def _message_row(m: ChatMessage) -> dict[str, Any]:
    return {
        "channel": m.channel,
        "ts": m.ts,
        "user_id": m.user_id,
        "text": m.text,
        "subtype": m.subtype,
        "bot_name": m.bot_name,
        "thread_ts": m.thread_ts,
        "reply_count": m.reply_count,
        "latest_reply": m.latest_reply,
        "reactions": json.dumps([[r.name, r.count] for r in m.reactions]) if m.reactions else None,
        "edited": int(m.edited),
        "fingerprint": _message_fingerprint(m),
    }


def _message(row: sqlite3.Row) -> ChatMessage:
    reactions = json.loads(row["reactions"]) if row["reactions"] else []
    return ChatMessage(
        ts=row["ts"],
        channel=row["channel"],
        user_id=row["user_id"],
        text=row["text"],
        subtype=row["subtype"] or "",
        bot_name=row["bot_name"],
        thread_ts=row["thread_ts"],
        reply_count=row["reply_count"] or 0,
        latest_reply=row["latest_reply"],
        reactions=tuple(Reaction(name=n, count=c) for n, c in reactions),
        edited=bool(row["edited"]),
    )
