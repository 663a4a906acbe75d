"""A real terminal for duty-tui: a pseudo-terminal, the keys typed into it, and every byte read from it.

`Terminal` starts `tests/hostile/tty_app.py` with the pty's slave as its stdin, stdout and stderr
(TERM=xterm-256color, 160×48 by default), so Textual runs its real Linux driver: what is read from the
master is exactly what a terminal emulator would receive. Keys are written to the master as a terminal
sends them (escape sequences for arrows and pages, bracketed paste for pasted text) and go through
Textual's own input parser. A reader thread drains the master all the time (a full pty would block the
app's writer), and another reads the app's state lines from a pipe (never the terminal) so that a test
waits for a screen or a row instead of sleeping.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tests.hostile.tty_app import ENV_STATE_FD

ROOT = Path(__file__).resolve().parents[2]
SIZE = (160, 48)

# How a terminal sends each key Textual names (xterm, normal cursor mode).
KEYS: Mapping[str, bytes] = {
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "space": b" ",
    "backspace": b"\x7f",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "question_mark": b"?",
    "slash": b"/",
    "ctrl+s": b"\x13",
    "ctrl+b": b"\x02",
    "ctrl+q": b"\x11",
}

State = dict[str, Any]
LISTS = ("ticket-table", "message-table")  # the dashboard's two tables, by id
DASHBOARD = "DashboardScreen"  # the screen the dashboard is on, by class name


class NeverHappened(AssertionError):
    """What a test waited for did not happen in time (the app is still running)."""


class Terminal:
    """duty-tui running in a pty: `press`, `paste`, `wait`, and `output`, every byte it wrote."""

    def __init__(self, spec: Path, size: tuple[int, int] = SIZE, *, env: Mapping[str, str] | None = None):
        self.size = size
        self.output = bytearray()
        self.marks: list[tuple[str, int]] = []  # (label, offset in output) at each step of a test
        self.times: list[tuple[str, float]] = []  # (label, when) at each step, for a slow test's report
        self.state: State = {}
        self.states = 0
        self.state_error: tuple[float, str] | None = None  # the last report the app could not make, and when
        self._lock = threading.Lock()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        state_read, state_write = os.pipe()
        environment = {
            **os.environ,
            **(env or {}),
            "TERM": "xterm-256color",
            "COLORTERM": "",
            "COLUMNS": str(size[0]),
            "LINES": str(size[1]),
            ENV_STATE_FD: str(state_write),
            "PYTHONPATH": str(ROOT),
        }
        for noisy in ("TEXTUAL", "TERM_PROGRAM", "TMUX", "NO_COLOR", "PYTEST_XDIST_WORKER"):
            environment.pop(noisy, None)
        self.child = subprocess.Popen(
            [sys.executable, "-m", "tests.hostile.tty_app", str(spec)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            cwd=ROOT,
            start_new_session=True,  # the pty becomes its controlling terminal, as in a real one
            pass_fds=(state_write,),
            close_fds=True,
        )
        os.close(slave)
        os.close(state_write)
        self.master = master
        self._state_fd = state_read
        self._readers = [
            threading.Thread(target=self._read_terminal, name="pty reader", daemon=True),
            threading.Thread(target=self._read_state, name="state reader", daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    # -- reading ---------------------------------------------------------------------------------

    def _read_terminal(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.child.poll() is not None:
                        return
                    continue
                chunk = os.read(self.master, 65536)
            except OSError as error:  # EIO: the child closed the terminal
                if error.errno in (errno.EIO, errno.EBADF):
                    return
                raise
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def _read_state(self) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(self._state_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                found = json.loads(line)
                with self._lock:
                    if "error" in found:
                        self.state_error = (time.monotonic(), str(found["error"]))
                    else:
                        self.state = found
                        self.states += 1

    def snapshot(self) -> bytes:
        with self._lock:
            return bytes(self.output)

    def tail(self, length: int = 3000) -> str:
        """The last bytes written, readable (a traceback, when the app died)."""
        return repr(self.snapshot()[-length:].decode("utf-8", "replace"))

    def screen(self) -> str:
        """The screen as the bytes so far paint it (for a failure's message)."""
        from tests.hostile.stream import Painter

        return Painter(self.size).feed(self.snapshot().decode("utf-8", "replace")).text()

    def mark(self, label: str) -> None:
        with self._lock:
            self.marks.append((label, len(self.output)))
            self.times.append((label, time.monotonic()))

    # -- waiting ---------------------------------------------------------------------------------

    def wait(self, until: Callable[[State], bool], what: str, timeout: float = 15.0) -> State:
        """Until the app's reported state satisfies `until` (a fresh report, after the call)."""
        ends = time.monotonic() + timeout
        seen = self.states
        while time.monotonic() < ends:
            with self._lock:
                current, count = self.state, self.states
            if count > seen and until(current):
                return current
            if self.child.poll() is not None:
                raise AssertionError(
                    f"duty-tui exited ({self.child.returncode}) waiting for {what}: {self.tail()}"
                )
            time.sleep(0.02)
        last = f"last state {_brief(self.state)}{self._why_no_state()}"
        raise NeverHappened(f"never {what}: {last}\n{self.screen()}")

    def _why_no_state(self) -> str:
        """When the app stopped reporting its state: the reports it could not make say why."""
        with self._lock:
            error = self.state_error
        if error is None:
            return ""
        return f"; the app's last failed report, {time.monotonic() - error[0]:.1f} s ago: {error[1]}"

    def eventually(self, condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        """Until `condition` (about the simulators, say) holds, while the app keeps running."""
        ends = time.monotonic() + timeout
        while time.monotonic() < ends:
            if condition():
                return
            if self.child.poll() is not None:
                raise AssertionError(
                    f"duty-tui exited ({self.child.returncode}) waiting for {what}: {self.tail()}"
                )
            time.sleep(0.03)
        raise NeverHappened(
            f"never {what}: last state {_brief(self.state)}{self._why_no_state()}\n{self.screen()}"
        )

    def frame_after(self, state: State) -> State:
        """Until the app has written to the terminal since it reported `state` (taken before a key was sent,
        so the write is the frame that shows what the key did)."""
        return self.wait(lambda s: s["writes"] > state["writes"], "a frame", timeout=5)

    def settle(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Until the app has written nothing for `quiet` seconds (its frame is out)."""
        ends = time.monotonic() + timeout
        size, since = len(self.output), time.monotonic()
        while time.monotonic() < ends:
            time.sleep(0.03)
            now = len(self.output)
            if now != size:
                size, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    def ready(self, tickets: int = 1, messages: int = 1, timeout: float = 40.0) -> State:
        """Until the cache is painted, both sources polled once, and the panes hold that many rows."""
        return self.wait(
            lambda s: bool(
                s["painted"]
                and s["polled"].get("jira")
                and s["polled"].get("slack")
                and len(s["ticket_rows"]) >= tickets
                and len(s["message_rows"]) >= messages
            ),
            "polled",
            timeout,
        )

    def on(self, screen: str, timeout: float = 15.0) -> State:
        return self.wait(lambda s: s["screen"] == screen, f"on {screen}", timeout)

    def dialog(self, key: str, screen: str, focused: str) -> State:
        """Press `key` and wait for `screen` with `focused` holding the focus (a modal focuses its field
        after it is mounted: a paste sent before that would go nowhere)."""
        self.press(key)
        return self.wait(lambda s: s["screen"] == screen and s["focused"] == focused, f"{screen}, {focused}")

    def loaded(self, screen: str, timeout: float = 15.0) -> State:
        """On `screen`, and nothing on it says "Loading" any more."""
        return self.wait(lambda s: s["screen"] == screen and not s["loading"], f"{screen} loaded", timeout)

    def cursor_to(self, pane: str, key: str) -> None:
        """Move the cursor of the tickets ("ticket") or channel ("message") table onto `key`, by keys: from
        where it is, or from the first or the last row, whichever is nearest."""
        state = self.wait(lambda s: key in s[f"{pane}_rows"], f"{key} listed")
        rows, current = state[f"{pane}_rows"], state[pane]
        target = rows.index(key)
        here = rows.index(current) if current in rows else 0
        options = [
            (abs(target - here), here, []),
            (target, 0, ["home"]),
            (len(rows) - 1 - target, len(rows) - 1, ["end"]),
        ]
        _, position, keys = min(options, key=lambda option: option[0])
        steps = target - position
        self.press(*keys, *(["down"] * steps if steps > 0 else ["up"] * -steps))
        self.wait(lambda s: s[pane] == key, f"the cursor on {key}", timeout=15 + abs(steps) / 5)

    def pane(self, number: int) -> State:
        """Press the pane's digit and wait for its list to take the focus (Textual moves the focus after
        the key is handled, so a key sent at once could still reach the list before)."""
        self.press(str(number))
        wanted = {1: "ticket-table", 2: "message-table"}.get(number)
        return self.wait(
            lambda s: s["screen"] == DASHBOARD and (s["focused"] == wanted if wanted else True),
            f"pane {number}",
        )

    def focus(self, widget_id: str, key: str = "tab", limit: int = 20) -> None:
        """Tab (or `key`, say shift+tab) until the widget `widget_id` has focus."""
        for _ in range(limit):
            state = self.wait(lambda s: True, "a state")
            if state["focused"] == widget_id:
                return
            self.press(key)
            self.wait(lambda s, was=state["focused"]: s["focused"] != was, "the focus moved", 5)  # type: ignore[misc]
        raise NeverHappened(f"never focused {widget_id}")

    def top(self, pane: str) -> State:
        """`home` on the tickets ("ticket") or channel ("message") table; wait for the cursor to be there."""
        self.press("home")
        return self.wait(lambda s: s[pane] == s[f"{pane}_rows"][0], f"the first {pane}")

    def page_through(self, pane: str | None = None, limit: int = 120) -> int:
        """Page down to the end, letting each page reach the terminal: a table (`pane`: "ticket" or
        "message") until its cursor is on the last row, an option list ("options") until its last option
        is highlighted, else the focused scroll area until its bottom.
        Returns the pages turned."""

        def where(state: State) -> object:
            return state[pane] if pane else state["scroll"]

        def done(state: State) -> bool:
            if pane == "options":
                return state["options"] is not None and state["options"][0] >= state["options"][1] - 1
            if pane:
                return bool(state[f"{pane}_rows"]) and state[pane] == state[f"{pane}_rows"][-1]
            scroll = state["scroll"]
            return scroll is None or scroll[0] >= scroll[1] - 0.5

        # A dialog focuses its scroll area once mounted: until then the state would describe the list below.
        state = self.wait(
            lambda s: s["focused"] not in LISTS or s["screen"] == DASHBOARD, "the focus settled"
        )
        for turned in range(limit):
            if done(state):
                return turned
            before = where(state)
            self.press("pagedown")
            self.wait(lambda s, before=before: where(s) != before, "a page turned")  # type: ignore[misc]
            state = self.frame_after(state)
        raise AssertionError(f"still paging after {limit} pages")

    # -- typing ----------------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.master, view)
            view = view[written:]

    def press(self, *keys: str) -> None:
        """Each key as a terminal sends it, one at a time (a lone ESC needs its own read to count)."""
        for key in keys:
            self.send(KEYS.get(key, key.encode()))
            time.sleep(0.06 if key == "escape" else 0.01)

    def paste(self, words: str) -> None:
        """A bracketed paste, as a terminal sends the clipboard (Textual turns on mode 2004), and wait until
        the focused field holds it: Textual queues a paste on the field, while a key after it may reach a
        priority binding (ctrl+s) first."""
        before = self.wait(lambda s: True, "a state")["typed"]
        self.send(b"\x1b[200~" + words.encode("utf-8", "surrogatepass") + b"\x1b[201~")
        if before is not None:
            self.wait(lambda s: s["typed"] is not None and s["typed"] > before, "the paste in the field")

    def click(self, x: int, y: int) -> None:
        """A left click at cell (x, y), 0-based, in SGR mouse encoding (Textual turns on mode 1006)."""
        self.send(f"\x1b[<0;{x + 1};{y + 1}M".encode())
        time.sleep(0.02)
        self.send(f"\x1b[<0;{x + 1};{y + 1}m".encode())

    # -- ending ----------------------------------------------------------------------------------

    def quit(self, timeout: float = 15.0) -> int:
        """`ctrl+q`, then `y` if duty-tui asks (the engineer leads an incident), and wait for the end."""
        ends = time.monotonic() + timeout
        with contextlib.suppress(OSError):
            self.send(KEYS["ctrl+q"])
        while self.child.poll() is None and time.monotonic() < ends:
            if self.state.get("screen") == "QuitWhileLeadingScreen":
                with contextlib.suppress(OSError):
                    self.send(b"y")
            time.sleep(0.1)
        if self.child.poll() is None:
            self.kill()
            raise AssertionError("duty-tui did not quit")
        for reader in self._readers:
            reader.join(5)
        return self.child.returncode

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.child.pid, signal.SIGKILL)
        self.child.wait()

    def close(self) -> None:
        if self.child.poll() is None:
            self.kill()
        for reader in self._readers:
            reader.join(5)
        for fd in (self.master, self._state_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


def _brief(state: State) -> State:
    """The state without its long row lists, for a failure message."""
    return {k: (f"{len(v)} rows" if k.endswith("_rows") else v) for k, v in state.items()}
