"""Storing a keypress's writes in the outbox from the store writer's thread, with patience.

A busy store (a long reconcile, `sync --once` in another process) is retried with back-off before the
desk is told the writes could not be saved; nothing is sent that was not stored first.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

from textual.message_pump import MessagePump

from duty_tui.desks.ticket_collaborators import Sender
from duty_tui.desks.ticket_messages import PendingWritesChanged
from duty_tui.desks.ui import post_from_thread
from duty_tui.models import Write
from duty_tui.store import Store
from duty_tui.store.db import StoreFault
from duty_tui.sync.loop import backoff

log = logging.getLogger(__name__)

STORE_ATTEMPTS = 4
STORE_RETRY_SECONDS = 0.5


def store_writes(
    store: Store, writes: list[Write], pause: threading.Event, also: Callable[[], None] | None = None
) -> list[Write]:
    """Enqueue the writes (and run `also`, local bookkeeping that goes with them, in the same
    transaction). Raises the last `sqlite3.Error` when the store stays busy."""
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            with store.transaction():
                stored = store.outbox.enqueue(writes)
                if also is not None:
                    also()
            return stored
        except StoreFault:  # a full disk or a read-only store: waiting will not help, say so now
            raise
        except sqlite3.Error:
            if attempt == STORE_ATTEMPTS:
                raise
            pause.wait(backoff(attempt, STORE_RETRY_SECONDS))
    raise AssertionError("unreachable")


def pending_count(store: Store) -> int | None:
    """How many writes wait, read after storing some; None when the store cannot say. The writes are
    stored either way, and the desk must hear that they are (its rows wait for it)."""
    try:
        return store.outbox.count_pending()
    except sqlite3.Error:
        log.warning("could not count the writes waiting", exc_info=True)
        return None


def report_stored(desk: MessagePump, store: Store, sender: Sender | None) -> None:
    """After a desk's writes are stored, on the store writer's thread: tell the desk how many writes
    wait (for the status bar; when the store cannot say, the count it shows stands), and wake the
    sender. The writes are stored either way: a count that failed must not keep them from being sent."""
    count = pending_count(store)
    if count is not None:
        post_from_thread(desk, PendingWritesChanged(count, None))
    if sender is not None:
        sender.wake()
