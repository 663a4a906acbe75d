"""duty-tui in a real terminal, for the byte-level hostile tests: `python -m tests.hostile.tty_app SPEC`.

The parent (tests/hostile/terminal.py) holds the simulators, seeded with hostile text, and starts this
program with a pseudo-terminal as its stdin, stdout and stderr. SPEC is a pickle of (config, secrets,
data dir, now). The program builds the runtime the way `duty-tui` does (`build_runtime`, `setup_logging`)
and runs `DutyApp` with Textual's real Linux driver: every byte it writes goes to the terminal, and every
key the parent types comes through Textual's own input parser.

With $HOSTILE_BYPASS=sanitize the sanitizer is switched off (`bypass_sanitize`), with markup the tables
parse their text as markup (`bypass_markup`): the tests' proof that their checks fail when untrusted text
reaches the terminal raw or is interpreted. The only other thing added is a report of the app's state, one
JSON line every 25 ms on the file descriptor named by $HOSTILE_STATE_FD (a pipe, never the terminal), so the
parent can wait for a screen or a row instead of sleeping. It is read on the app's own event loop
(Textual's autopilot hook) and writes nothing to the terminal; the driver's `write` is wrapped only to
count the writes (`Frames`), what it writes is unchanged. The app has its `Heap`, as the command's has.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

ENV_STATE_FD = "HOSTILE_STATE_FD"
ENV_BYPASS = "HOSTILE_BYPASS"  # "sanitize" or "markup": break the product on purpose, in this process only
STATE_EVERY = 0.025


def state(app: Any) -> dict[str, Any]:
    from duty_tui.app import DutyApp

    assert isinstance(app, DutyApp)
    screen = app.screen
    focused = app.focused
    return {
        "screen": type(screen).__name__,
        "stack": [type(s).__name__ for s in app.screen_stack],
        "focused": (getattr(focused, "id", None) or type(focused).__name__) if focused else None,
        # Where the focused widget (or the screen's scrolling body) is scrolled to, and how far it goes.
        "scroll": _scroll(focused),
        "painted": app.painted,
        "polled": {name: bool(s.last_attempt) for name, s in app.statuses.items()},
        "failing": sorted(name for name, s in app.statuses.items() if s.error),
        "refreshing": sorted(app.refreshing),
        "ticket": app.tickets.table.cursor_key,
        "ticket_rows": app.tickets.table.row_keys(),
        "message": app.channel.table.cursor_key,
        "message_rows": app.channel.table.row_keys(),
        "incidents": [(i.id, i.is_open) for i in app.incident_desk.incidents],
        "pending": app.pending_writes,
        "outbox": app.runtime.store.outbox.count_pending(),
        "toasts": len(app._notifications),
        "loading": _loading(screen),
        "options": _options(screen, focused),
        "typed": _typed(focused),
    }


def _typed(focused: Any) -> int | None:
    """How many characters the focused text field holds (None: the focus is not on one)."""
    from textual.widgets import Input, TextArea

    if isinstance(focused, Input):
        return len(focused.value)
    if isinstance(focused, TextArea):
        return len(focused.text)
    return None


def _options(screen: Any, focused: Any) -> list[int] | None:
    """[highlighted, how many] of the option list in use: the focused one, else the first one shown."""
    from textual.widgets import OptionList

    lists = (
        [focused] if isinstance(focused, OptionList) else [w for w in screen.query(OptionList) if w.display]
    )
    if not lists:
        return None
    highlighted = lists[0].highlighted
    return [-1 if highlighted is None else highlighted, lists[0].option_count]


def _scroll(widget: Any) -> list[float] | None:
    while widget is not None:
        if getattr(widget, "max_scroll_y", 0):
            return [widget.scroll_y, widget.max_scroll_y]
        widget = widget.parent
    return None


def _loading(screen: Any) -> bool:
    """Whether the screen still waits for something it fetches (its text says "Loading")."""
    from textual.widgets import Static

    for widget in screen.query(Static):
        try:
            if widget.display and "Loading" in str(widget.render()):
                return True
        except Exception:
            continue
    return False


class Frames:
    """How many times the app has written to the terminal: the driver's `write`, counted, unchanged."""

    def __init__(self, app: Any) -> None:
        self.count = 0
        driver = app._driver
        write = driver.write

        def counted(data: str) -> None:
            self.count += 1
            write(data)

        driver.write = counted


async def report(pilot: Any) -> None:
    app = pilot.app
    fd = int(os.environ[ENV_STATE_FD])
    frames = Frames(app)
    while app.is_running:
        try:
            line = json.dumps({**state(app), "writes": frames.count}) + "\n"
        except Exception as error:  # a screen mid-change: say so, and look again
            line = json.dumps({"error": repr(error)}) + "\n"
        try:
            os.write(fd, line.encode())
        except OSError:
            return
        await asyncio.sleep(STATE_EVERY)


def bypass_sanitize() -> None:
    """The checks' own test: `duty_tui.text.sanitize` returns its input unchanged, everywhere it is called
    (the function's code is swapped, so every module that imported it by name gets the broken one)."""
    from duty_tui.text import clean

    def unchanged(value: str) -> str:
        return str(value)

    clean.sanitize.__code__ = unchanged.__code__


def bypass_markup() -> None:
    """The checks' own test: `duty_tui.text.plain` (the tables' cells) parses its text as Rich markup."""
    from duty_tui.text import render

    # Swapped in as `plain`'s code, it runs with the render module's globals, where Text and shown are.
    def parsed(value: str, style: Any = None, *, single_line: bool = False, limit: int | None = None) -> Any:
        return Text.from_markup(shown(value, single_line=single_line, limit=limit))  # type: ignore[name-defined]  # noqa: F821

    render.plain.__code__ = parsed.__code__


def main() -> int:
    if os.environ.get(ENV_BYPASS) == "sanitize":
        bypass_sanitize()
    if os.environ.get(ENV_BYPASS) == "markup":
        bypass_markup()
    from duty_tui.app import DutyApp
    from duty_tui.clock import ManualClock
    from duty_tui.heap import Heap
    from duty_tui.runtime import build_runtime, setup_logging

    config, secrets, data_dir, now = pickle.loads(Path(sys.argv[1]).read_bytes())  # the parent's own file
    data_dir = Path(data_dir)
    runtime = build_runtime(config, secrets, data_dir, ManualClock(now), demo=True)
    setup_logging(data_dir, secrets)
    # With its Heap, as the duty-tui command runs it: the start-up heap frozen after the first paint
    # (the collector's full passes took 1.7 s of this process's 9 s in the longest test; 1.25 s frozen).
    app = DutyApp(runtime, heap=Heap())
    try:
        app.run(auto_pilot=report)
    finally:
        runtime.close()
    if app.exit_message:
        sys.stderr.write(f"duty-tui: {app.exit_message}\n")
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
