"""Time a program the way a person sees it: launched in a real terminal (a pty), until rows show.

The parent opens a pseudo-terminal of the given size, spawns the program with the pty as its
stdin, stdout and stderr (so Textual runs its real Linux driver, not headless), and reads every
byte the program writes to the terminal. The clock stops when the bytes carry `distinct` different
ticket keys: a screenful of table rows, not a key in a title or a toast. Nothing in the child is
patched or hooked, so the figure includes the interpreter, every import, the store read, the
first layout and the write of the frame itself.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Ticket keys as the warm store writes them (benchmarks/_common.py: LAA-1001…, LM-4001…).
TICKET_KEY = re.compile(rb"(?:LAA|LM)-\d{4,5}(?!\d)")  # no \b: an SGR code ends in "m"


@dataclass(frozen=True)
class PtyRun:
    seconds: float  # launch → the frame with `distinct` ticket keys read from the pty
    bytes_read: int  # what the program had written to the terminal by then


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def time_to_rows(
    command: Sequence[str],
    env: Mapping[str, str],
    size: tuple[int, int],
    *,
    distinct: int = 10,
    timeout: float = 60.0,
    let_exit: bool = False,
) -> PtyRun:
    """Spawn `command` in a `size` (columns, rows) pty; seconds until `distinct` ticket keys show.
    With `let_exit`, the program is then left to end by itself (a runner that writes its own
    marks on exit); otherwise it is killed at once."""
    master, slave = os.openpty()
    _set_size(slave, *size)
    environment = {**env, "TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])}
    started = time.monotonic()
    child = subprocess.Popen(
        list(command),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environment,
        start_new_session=True,  # the pty becomes its controlling terminal, as in a real one
        close_fds=True,
    )
    os.close(slave)
    seen: set[bytes] = set()
    tail = b""  # a key split across two reads is still found
    total = 0
    try:
        while True:
            left = timeout - (time.monotonic() - started)
            if left <= 0:
                raise TimeoutError(f"{command[0]}: no ticket rows within {timeout:.0f} s")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError as error:  # EIO: the child closed the terminal (it exited)
                if error.errno == errno.EIO:
                    raise RuntimeError(
                        f"{command[0]} exited before painting rows (code {child.wait()}):\n"
                        f"{(tail).decode(errors='replace')[-2000:]}"
                    ) from error
                raise
            if not chunk:
                raise RuntimeError(f"{command[0]} closed its terminal before painting rows")
            total += len(chunk)
            window = tail + chunk
            seen.update(TICKET_KEY.findall(window))
            if len(seen) >= distinct:
                found = PtyRun(time.monotonic() - started, total)
                if let_exit:
                    _drain(master, child, timeout)
                return found
            tail = window[-4096:]
    finally:
        _stop(child)
        os.close(master)


def _drain(master: int, child: subprocess.Popen[bytes], timeout: float) -> None:
    """Read the terminal until the program closes it, so it never blocks writing its last frame."""
    ends = time.monotonic() + timeout
    while child.poll() is None and time.monotonic() < ends:
        if select.select([master], [], [], 0.1)[0]:
            try:
                os.read(master, 65536)
            except OSError:
                break
    child.wait(timeout=max(ends - time.monotonic(), 0.1))


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Kill the whole session: the measurement is over, and a clean exit would only add noise."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()
