"""Helpers for driving the app by keys against the simulators: the world, the app, waiting, the screen."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.config import Config
from duty_tui.demo import DemoWorld, demo_secrets
from duty_tui.demo.scenario import CHANNEL, COMPONENT
from duty_tui.runtime import Runtime, build_runtime

# Textual's own colour and cursor sequences; anything else starting with ESC came from data.
OWN_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[mHlhJK]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Harness:
    """A populated demo world on a fixed clock, and apps built on one data dir (so restarts share it)."""

    world: DemoWorld
    clock: ManualClock
    data_dir: Path
    runtimes: list[Runtime] = field(default_factory=list)

    def config(self, **changes: Any) -> Config:
        from dataclasses import replace

        config = self.world.config(poll_seconds=3600)  # tests poll on start and on "r" only
        return replace(config, **changes) if changes else config

    def runtime(
        self, data_dir: Path | None = None, config: Config | None = None, *, read_only: bool = False
    ) -> Runtime:
        runtime = build_runtime(
            config or self.config(),
            demo_secrets(),
            data_dir or self.data_dir,
            self.clock,
            read_only=read_only,
            demo=True,
        )
        self.runtimes.append(runtime)
        return runtime

    def app(self, config: Config | None = None, *, read_only: bool = False) -> DutyApp:
        return DutyApp(self.runtime(config=config, read_only=read_only))

    def close(self) -> None:
        for runtime in self.runtimes:
            runtime.close()
        self.world.stop()

    # -- what the simulated services hold ------------------------------------------------------

    def waiting_keys(self) -> set[str]:
        """The tickets duty-tui should list, worked out from the simulator's own state."""
        world = self.world.jira.world
        keys = set()
        for key in world.issue_keys():
            fields = world.issue(key)["fields"]
            if fields["assignee"] is not None or fields["status"]["statusCategory"]["key"] == "done":
                continue
            components = {c["name"] for c in fields["components"]}
            if key.startswith("LAA-") or (key.startswith("LM-") and COMPONENT in components):
                keys.add(key)
        return keys

    def channel_ts(self) -> set[str]:
        return {str(m["ts"]) for m in self.world.slack.world.history(CHANNEL)}


def make_harness(tmp_path: Path, now: datetime) -> Harness:
    clock = ManualClock(now)
    return Harness(DemoWorld(clock), clock, tmp_path / "data")


async def settle(pilot: Pilot[Any], until: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for worker threads to post and the UI to apply it: poll the condition, never sleep blindly."""
    steps = int(timeout / 0.02)
    for _ in range(steps):
        if until():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never held")


def polled(app: DutyApp, source: str) -> bool:
    status = app.statuses.get(source)
    return status is not None and status.last_attempt is not None and app.painted


def both_polled(app: DutyApp) -> Callable[[], bool]:
    return lambda: polled(app, "jira") and polled(app, "slack") and app.tickets.table.row_count > 0


def screen_dump(app: App[Any]) -> tuple[str, str]:
    """(terminal output, plain text) of the current screen, rendered the way export_screenshot does."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return output, console.export_text()


def screen_text(app: App[Any]) -> str:
    return screen_dump(app)[1]


def assert_screen_clean(app: App[Any]) -> None:
    """Nothing from the data reached the terminal as a control sequence."""
    raw, plain = screen_dump(app)
    rest = OWN_ESCAPES.sub("", raw).replace("\r", "")
    assert "\x1b" not in rest, repr(rest[max(0, rest.index("\x1b") - 30) : rest.index("\x1b") + 30])
    assert not CONTROL.search(rest.replace("\n", "")), "control character on screen"
    assert not CONTROL.search(plain.replace("\n", ""))
