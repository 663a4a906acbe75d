"""The two programs `startup.py` times from process spawn to the first frame with ticket rows.

    python _startup_runner.py duty CONFIG DATA_DIR COLSxROWS [--no-polling] [--marks=FILE] [--profile=FILE]
    python _startup_runner.py baseline CONFIG DATA_DIR COLSxROWS [--marks=FILE]

Headless at COLSxROWS, printing the marks; or, with --marks=FILE, in the terminal it was started
in (startup.py's pty), writing the marks to FILE. --profile=FILE profiles the main thread from
here to the first painted rows (cProfile) and dumps the stats to FILE.

`duty` starts duty-tui the way `duty-tui --config CONFIG --data-dir DATA_DIR` does (config file,
tokens from the environment, build_runtime, logging, DutyApp) and exits after the first frame in
which the tickets table drew rows from the warm cache. `baseline` is the bare Textual app a
reader would write first: one DataTable, the same 5,000 rows read with plain sqlite3, `add_rows`.

Only the standard library is imported at module level, so both programs pay exactly their own
imports. Both print one JSON line of CLOCK_MONOTONIC marks (the clock startup.py reads before
spawning, system-wide on Linux) after the app has exited; stdout is free again by then.
"""

from __future__ import annotations

import time

MARKS: dict[str, float] = {"start": time.monotonic()}  # the first line after interpreter start

import cProfile  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
PROFILE: list[tuple[cProfile.Profile, Path]] = []  # with --profile=FILE: the main thread's, to FILE


def mark(name: str) -> None:
    MARKS.setdefault(name, time.monotonic())


def exit_once_painted(app: Any) -> None:
    """Exit `app` after the first frame that carried ticket rows. A refresh may complete before the
    table's own repaint request reaches the screen, so keep waiting until one really did."""
    if "first ticket row rendered" in MARKS:
        mark("painted")
        for profiler, path in PROFILE:
            profiler.disable()
            profiler.dump_stats(path)
        app.exit()
    else:
        app.call_after_refresh(exit_once_painted, app)


def run_duty(
    config_path: Path, data_dir: Path, size: tuple[int, int], *, polling: bool, headless: bool
) -> None:
    # As `duty-tui` would be installed: the package importable, nothing else on the path.
    sys.path.insert(0, str(REPO_ROOT))
    from textual.strip import Strip

    from duty_tui.app import DutyApp
    from duty_tui.clock import SystemClock
    from duty_tui.config import load_config, load_secrets
    from duty_tui.messages import CacheLoaded
    from duty_tui.models import Ticket
    from duty_tui.runtime import build_runtime, setup_logging
    from duty_tui.widgets.keyed_table import KeyedTable
    from duty_tui.widgets.tickets import TicketTable

    mark("imported")
    config = load_config(config_path)
    secrets = load_secrets()
    runtime = build_runtime(config, secrets, data_dir, SystemClock())
    setup_logging(data_dir, secrets)
    mark("runtime built")

    # Textual calls render_line for every line of the frame it composes (headless too; only the
    # write to the terminal is skipped). A data row drawn means the rows reached the screen.
    original = TicketTable.render_line

    def render_line(self: KeyedTable[Ticket], y: int) -> Strip:
        if y >= 1 and self.row_count:
            mark("first ticket row rendered")
        return original(self, y)

    TicketTable.render_line = render_line  # type: ignore[method-assign]

    class FirstPaint(DutyApp):
        """DutyApp that leaves after the first frame showing ticket rows."""

        def on_mount(self) -> None:
            # Textual calls each class's handler along the MRO: DutyApp.on_mount runs after this.
            mark("app mounted")

        def on_cache_loaded(self, message: CacheLoaded) -> None:
            # Runs before DutyApp.on_cache_loaded (same MRO dispatch), so this is the worker's
            # read plus the trip through the message queue; the panes fill right after.
            mark("cache read")
            self.call_after_refresh(exit_once_painted, self)

        def start_polling(self) -> None:
            if polling:
                super().start_polling()

    app = FirstPaint(runtime)
    try:
        app.run(headless=headless, size=size if headless else None)
    finally:
        runtime.close()
    mark("exited")
    MARKS["rows"] = float(app.tickets.table.row_count)
    if app.exit_message:  # the app quit on its own (e.g. a source it thinks is misconfigured)
        raise SystemExit(f"duty-tui exited by itself: {app.exit_message}")


def run_baseline(data_dir: Path, size: tuple[int, int], *, headless: bool) -> None:
    import sqlite3
    from datetime import UTC, datetime

    from _bare_table import LABELS, QUERY, age  # the floor's own rows, read the same way
    from textual.app import App, ComposeResult
    from textual.strip import Strip
    from textual.widgets import DataTable

    mark("imported")
    connection = sqlite3.connect(data_dir / "duty-tui.sqlite3")

    class Table(DataTable[str]):
        def render_line(self, y: int) -> Strip:
            if y >= 1 and self.row_count:
                mark("first ticket row rendered")
            return super().render_line(y)

    table = Table(cursor_type="row")

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield table

        def on_mount(self) -> None:
            mark("app mounted")
            now = datetime.now(UTC)
            rows = connection.execute(QUERY).fetchall()
            mark("cache read")
            table.add_columns("Board", "Key", "Priority", "Age", "Summary")
            table.add_rows(
                (LABELS.get(boards, boards), key, priority, age(created, now), summary)
                for boards, key, priority, created, summary in rows
            )
            table.focus()
            self.call_after_refresh(exit_once_painted, self)

    app = Bare()
    app.run(headless=headless, size=size if headless else None)
    mark("exited")
    MARKS["rows"] = float(table.row_count)
    connection.close()


def main(argv: list[str]) -> None:
    kind, config_path, data_dir, size_text = argv[:4]
    columns, rows = (int(n) for n in size_text.split("x"))
    marks_file = next((a.split("=", 1)[1] for a in argv if a.startswith("--marks=")), None)
    headless = marks_file is None  # with a marks file, it runs in the terminal it was given (a pty)
    profile_file = next((a.split("=", 1)[1] for a in argv if a.startswith("--profile=")), None)
    if profile_file is not None:
        PROFILE.append((cProfile.Profile(), Path(profile_file)))
        PROFILE[0][0].enable()
    if kind == "duty":
        polling = "--no-polling" not in argv
        run_duty(Path(config_path), Path(data_dir), (columns, rows), polling=polling, headless=headless)
    elif kind == "baseline":
        run_baseline(Path(data_dir), (columns, rows), headless=headless)
    else:
        raise SystemExit(f"unknown runner {kind!r}")
    if marks_file is None:
        print(json.dumps(MARKS))
    else:  # the terminal is the pty startup.py reads; the marks go beside it
        Path(marks_file).write_text(json.dumps(MARKS), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
