"""StoreWriter: store writes the UI asks for, done one at a time in the order asked, off the UI thread.

Textual workers run concurrently, so two quick keypresses could be stored in either order (an
untick saved before its tick, a second outbox write before the first). One daemon thread with a
queue keeps the order; being a daemon, it never holds up quitting. A job that fails does not stop the
ones after it: the error goes to `on_error` (a full disk or a read-only store, `StoreFault`, is logged as
its one sentence, not as a traceback: it is the machine's state, not a bug, and the log may be on the
very disk that is full).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from duty_tui.store.db import StoreFault

log = logging.getLogger(__name__)

Job = Callable[[], None]


class StoreWriter:
    def __init__(self, name: str, on_error: Callable[[Exception], None] | None = None) -> None:
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._on_error = on_error
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        self._jobs.put(job)

    def stop(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job()
            except StoreFault as fault:
                log.warning("a store write failed: %s", fault)
                if self._on_error is not None:
                    self._on_error(fault)
            except Exception as error:  # one failed write must not stop the ones after it
                log.exception("a store write failed")
                if self._on_error is not None:
                    self._on_error(error)
