"""The store's connection: one SQLite file, one connection shared by every thread, one lock for every use.

The file is created readable by the owner only (0600, in a 0700 directory), in WAL mode so that
`duty-tui sync --once` in another process can read while the app writes. Every use, reads too, holds
the one lock: the UI thread and the worker threads share the connection. `write()` is the lock plus
one transaction, so a poll commits whole or not at all; nested writes become savepoints. sqlite-utils
is loaded on the first write, so painting from a warm cache never waits for it. Migrations run
forward on open (`schema.MIGRATIONS`).

A data dir duty-tui cannot write to (read-only, or not a directory) stops the start with one sentence
(`StoreError`): every poll is stored before it is painted and every write before it is sent, so a store
that can only be read would show a dashboard that looks live and is not, and take keys it cannot keep
(in WAL mode SQLite cannot even read it without creating files beside it). A disk that fills up, or a
store that turns read-only, while duty-tui runs makes each write transaction fail whole with a
`StoreFault` (still a `sqlite3.OperationalError`) whose message is the sentence to show: nothing is
half-written, and what the outbox already holds stays there until it can be sent and marked sent.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duty_tui.store.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

# How long a statement waits for another process holding the store (`duty-tui sync --once`) before
# it fails; callers that must not lose data (the outbox) retry on top of this.
BUSY_TIMEOUT_SECONDS = 10.0
IN_CHUNK = 500  # values per `IN (…)` list: well under SQLite's limit on bound parameters

_READ_ONLY_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
_KEPT = "; nothing already queued is lost"


class StoreError(Exception):
    """The store cannot be opened or used; the message says what to do."""


class StoreFault(sqlite3.OperationalError):
    """A write the store could not keep because of where it lives (a full disk, a read-only file system),
    not because of what was written. Its message is one sentence for the engineer; nothing of the
    transaction was kept. Raised by `Database.write()`."""

    def __init__(self, sentence: str, data_dir: Path) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.data_dir = data_dir

    @property
    def reason(self) -> str:
        """The sentence as a clause, for "Could not save X (…)" messages."""
        return self.sentence[:1].lower() + self.sentence[1:].rstrip(".")


class StoreFull(StoreFault):
    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            f"The disk holding {data_dir} is full: free some space; nothing already queued is lost.", data_dir
        )


class StoreReadOnly(StoreFault):
    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            f"The data directory {data_dir} has become read-only: make it writable again; nothing "
            "already queued is lost.",
            data_dir,
        )


def why_not_stored(error: BaseException) -> str:
    """Why the store refused a write, for a message that says so: the sentence of a `StoreFault`, else
    the error's kind (the log has the rest)."""
    return error.reason if isinstance(error, StoreFault) else error.__class__.__name__


@dataclass
class Faults:
    """Fault injection, for tests only (duty-tui never sets these): what a disk that fills up or a file
    system that turns read-only does, where a test cannot make one (as root, chmod stops nothing).

    `read_only`: on open, the data dir refuses a new file as a read-only mount does (EROFS) and SQLite
    opens the store read-only; while running, every write transaction fails at its commit with
    SQLITE_READONLY. `full`: every write transaction fails at its commit with SQLITE_FULL, as when the
    WAL cannot grow. Either rolls the transaction back, as SQLite does; clear it and writes work again.
    """

    read_only: bool = False
    full: bool = False


# What each `Database` opened from now on starts with (a copy: `Database.faults` is its own).
FAULTS = Faults()


class Database:
    """The shared connection, its lock, transactions and migrations. Safe to call from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data_dir = path.parent
        self.faults = replace(FAULTS)
        self.lock = threading.RLock()
        self.conn = _open_private(path, self.faults)
        self._utils: sqlite_utils.Database | None = None
        self._commits = 0  # states of the store seen (see `version`)
        self._writing = 0  # how deep in `write()` the thread holding the lock is
        self._others: int | None = None  # SQLite's data_version: changes when another process commits
        try:
            self.set_busy_timeout(BUSY_TIMEOUT_SECONDS)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self.conn.close()
            raise StoreError(_cannot_open(path, error)) from error

    def set_busy_timeout(self, seconds: float) -> None:
        with self.lock:
            self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # -- reading ------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """Which state of the store a read made now sees: a count of the transactions committed, through
        `write()` here or by another process on the same file (inside a transaction, the count it will
        commit as). Read it under `lock`, with the reads it dates: of two readings on different threads,
        the one with the higher version is the newer, and equal versions saw the same state (the UI uses
        it to never show an older reading over a newer one)."""
        with self.lock:
            others = self.conn.execute("PRAGMA data_version").fetchone()[0]
            if others != self._others:  # another process committed (or this is the first look)
                self._others = others
                self._commits += 1
            return self._commits + (1 if self._writing else 0)

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
        """Lock + one transaction; everything inside commits together or not at all.

        A full disk or a read-only file system raises `StoreFault` (after the rollback), whatever
        statement or the commit met it."""
        with self.lock:
            utils = self.utils
            outermost = not self.conn.in_transaction
            self._writing += 1
            try:
                with utils.atomic():
                    yield utils
                    if outermost:
                        self._injected_fault()
                if outermost:
                    self._commits += 1
            except sqlite3.OperationalError as error:
                fault = self.fault(error)
                if fault is None or fault is error:
                    raise
                raise fault from error
            finally:
                self._writing -= 1

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside, across table families, commits together or not at all."""
        with self.write():
            yield

    def fault(self, error: sqlite3.Error) -> StoreFault | None:
        """`error` as the `StoreFault` it means (the disk is full, the store is read-only), or None."""
        if isinstance(error, StoreFault):
            return error
        code = getattr(error, "sqlite_errorcode", None)
        message = str(error)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary == sqlite3.SQLITE_FULL or "database or disk is full" in message:
            return StoreFull(self.data_dir)
        if primary == sqlite3.SQLITE_READONLY or "readonly database" in message:
            return StoreReadOnly(self.data_dir)
        return None

    def _injected_fault(self) -> None:
        """Fail the commit the way SQLite does, when a test asked for it (`Faults`)."""
        if self.faults.full:
            raise _sqlite_error("database or disk is full", sqlite3.SQLITE_FULL, "SQLITE_FULL")
        if self.faults.read_only:
            raise _sqlite_error(
                "attempt to write a readonly database", sqlite3.SQLITE_READONLY, "SQLITE_READONLY"
            )

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


def _sqlite_error(message: str, code: int, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


# -- opening ------------------------------------------------------------------------------------------


def _open_private(path: Path, faults: Faults) -> sqlite3.Connection:
    """Create the data dir (0700) and the store (0600) before SQLite opens it, after checking that the
    data dir takes new files (SQLite makes its WAL and shared-memory files beside the store)."""
    data_dir = path.parent
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        why = "it is a file" if data_dir.is_file() else error.strerror
        raise StoreError(
            f"Cannot create the data directory {data_dir} ({why}): pass a writable --data-dir."
        ) from error
    try:
        _check_writable(data_dir, faults)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
    except OSError as error:
        raise StoreError(_cannot_write(path, error)) from error
    if faults.read_only:
        where = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(where, uri=True, check_same_thread=False, timeout=10)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    return conn


def _check_writable(data_dir: Path, faults: Faults) -> None:
    """Make and remove an empty file in the data dir: what a read-only mount, a directory without write
    permission or a full inode table refuse (as root, only the first and the last)."""
    if faults.read_only:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(data_dir))
    fd, probe = tempfile.mkstemp(prefix=".duty-tui-", suffix=".probe", dir=data_dir)
    os.close(fd)
    os.unlink(probe)


def _cannot_write(path: Path, error: OSError) -> str:
    """The one sentence for a store duty-tui cannot write to, by why."""
    data_dir = path.parent
    if error.errno in _FULL_ERRNOS:
        return f"The disk holding {data_dir} is full: free some space and start duty-tui again{_KEPT}."
    what = f"the data directory {data_dir}" if error.filename != str(path) else f"the store {path}"
    if error.errno in _READ_ONLY_ERRNOS:
        return (
            f"Cannot write to {what} ({error.strerror}): make it writable, or pass a writable "
            "--data-dir (writes already queued there wait, unsent, until duty-tui runs on it again)."
        )
    return f"Cannot create the store at {path} ({error.strerror}): pass a writable --data-dir."


def _cannot_open(path: Path, error: sqlite3.DatabaseError) -> str:
    """The one sentence for a store SQLite would not open: only a file that is not a store is moved
    aside (that loses its queued writes); a full disk or a file system that refuses writes is not it."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == sqlite3.SQLITE_FULL:
        return f"The disk holding {path.parent} is full: free some space and start duty-tui again{_KEPT}."
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return (
            f"Cannot write to the store {path} ({error}): make it and {path.parent} writable, or "
            "pass a writable --data-dir (writes already queued there wait, unsent, until duty-tui runs "
            "on it again)."
        )
    return (
        f"{path} is not a usable duty-tui store ({error}): move it aside and start again; "
        "duty-tui rebuilds its cache from Jira and Slack."
    )
