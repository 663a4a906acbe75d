"""Leave when the terminal does: a dashboard whose terminal has gone must not run on unseen.

When a terminal closes (an ssh drop, a killed tmux pane) the kernel sends SIGHUP to its foreground
process group, and Python's default for it ends the process. A duty-tui started under another
program (`make demo`) may not be in that group, and then nothing tells it: Textual's input thread
then reads end-of-file in a tight loop (most of a core), its writer blocks on the dead terminal,
and the process would keep the outbox lock, so the next duty-tui on the data dir would not send.

So a daemon thread checks, every few seconds, whether the terminal it started on is still one, and
if not sends the process the SIGHUP the terminal would have. Ending like that loses nothing: every
write is stored before it is sent, the store survives a kill, and the kernel frees the lock.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

EVERY_SECONDS = 2.0


def _terminal_fds() -> list[int]:
    return [fd for fd in (0, 2) if os.isatty(fd)]  # Textual reads stdin and writes to stderr


def watch_terminal(
    *,
    every: float = EVERY_SECONDS,
    fds: list[int] | None = None,
    hang_up: Callable[[], None] | None = None,
) -> threading.Event | None:
    """Start watching; returns the event that stops the watch, or None when there is no terminal."""
    watched = _terminal_fds() if fds is None else fds
    if not watched:
        return None
    stop = threading.Event()
    end = hang_up or (lambda: os.kill(os.getpid(), signal.SIGHUP))

    def watch() -> None:
        while not stop.wait(every):
            if not all(os.isatty(fd) for fd in watched):
                log.warning("the terminal went away: duty-tui ends as a hang-up would end it")
                end()
                return

    threading.Thread(target=watch, name="terminal watch", daemon=True).start()
    return stop
