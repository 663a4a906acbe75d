"""The store's connection: one SQLite file, one connection shared by every thread, one lock for every use.

The file is created readable by the owner only (0600, in a 0700 directory), in WAL mode so that
`duty-tui sync --once` in another process can read while the app writes. Every use, reads too, holds
the one lock: the UI thread and the worker threads share the connection. `write()` is the lock plus
one transaction, so a poll commits whole or not at all; nested writes become savepoints. sqlite-utils
is loaded on the first write, so painting from a warm cache never waits for it. Migrations run
forward on open (`schema.MIGRATIONS`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duty_tui.store.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

# How long a statement waits for another process holding the store (`duty-tui sync --once`) before
# it fails; callers that must not lose data (the outbox) retry on top of this.
BUSY_TIMEOUT_SECONDS = 10.0
IN_CHUNK = 500  # values per `IN (…)` list: well under SQLite's limit on bound parameters


class StoreError(Exception):
    """The store cannot be opened or used; the message says what to do."""


class Database:
    """The shared connection, its lock, transactions and migrations. Safe to call from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.conn = _open_private(path)
        self._utils: sqlite_utils.Database | None = None
        try:
            self.set_busy_timeout(BUSY_TIMEOUT_SECONDS)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self.conn.close()
            raise StoreError(
                f"{path} is not a usable duty-tui store ({error}): move it aside and start again; "
                "duty-tui rebuilds its cache from Jira and Slack."
            ) from error

    def set_busy_timeout(self, seconds: float) -> None:
        with self.lock:
            self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # -- reading ------------------------------------------------------------------------------------

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def rows_in(self, sql: str, values: Iterable[str], params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run `sql` (with one `IN ({})` placeholder list) over `values`, in chunks SQLite accepts."""
        items = list(values)
        found: list[sqlite3.Row] = []
        with self.lock:
            for start in range(0, len(items), IN_CHUNK):
                chunk = items[start : start + IN_CHUNK]
                marks = ",".join("?" * len(chunk))  # only "?" marks are formatted in
                found += self.conn.execute(sql.format(marks), [*params, *chunk]).fetchall()
        return found

    # -- writing ------------------------------------------------------------------------------------

    @property
    def utils(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the shared connection (imported on first use)."""
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """Lock + one transaction; everything inside commits together or not at all."""
        with self.lock:
            utils = self.utils
            with utils.atomic():
                yield utils

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside, across table families, commits together or not at all."""
        with self.write():
            yield

    # -- schema -------------------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self.lock:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer duty-tui (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}): upgrade duty-tui or point --data-dir somewhere else."
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                with self.conn:  # DDL and the version bump commit together
                    self.conn.executescript(
                        f"BEGIN; {MIGRATIONS[target]} PRAGMA user_version = {target}; COMMIT;"
                    )


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
