"""What the security tests share: the demo world with known sentinel tokens, every form of them that must
never be written anywhere, a look through a directory's bytes for them, and an "evil" server that records
whatever reaches it (a redirect's target).

The sentinels are long and distinctive, so a test can look for a piece of one as well as the whole: a
sentence cut off in the middle of a token still leaks what is left of it.
"""

from __future__ import annotations

import base64
import http.server
import logging
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from duty_sim.health import HealthSim
from duty_sim.jira.service import JiraSim
from duty_sim.slack.service import SlackSim
from duty_tui.clock import ManualClock
from duty_tui.config import Secrets
from duty_tui.demo import DemoWorld
from duty_tui.demo.history import populate_history
from duty_tui.demo.scenario import populate
from duty_tui.demo.scenario_data import DUTY_ENGINEER
from duty_tui.runtime import setup_logging
from tests.support import Harness, world_config_file

# Fake tokens that only the simulators accept, made to be looked for.
JIRA_TOKEN = "sentinel-jira-tok-123"
SLACK_TOKEN = "xoxb-sentinel-456"
USER_TOKEN = "xoxp-sentinel-789"
EMAIL = DUTY_ENGINEER.email
BASIC = base64.b64encode(f"{EMAIL}:{JIRA_TOKEN}".encode()).decode("ascii")
# The base64 characters that encode the token alone (the email's are no secret): from the first group
# of three bytes that lies wholly within the token.
BASIC_TOKEN_PART = BASIC[4 * -(-(len(EMAIL) + 1) // 3) :].rstrip("=")

FORBIDDEN: dict[str, bytes] = {
    "a token (or a piece of one)": b"sentinel",  # in all three tokens, and in nothing else
    "the Jira token": JIRA_TOKEN.encode(),
    "the Slack bot token": SLACK_TOKEN.encode(),
    "the Slack user token": USER_TOKEN.encode(),
    "the Basic credentials (base64 of email:token)": BASIC.encode(),
    "a piece of the Basic credentials": BASIC_TOKEN_PART[:12].encode(),
}


class SentinelWorld(DemoWorld):
    """The demo world (both simulators, populated, and the health endpoints) accepting only the sentinel
    tokens: the Jira token with the engineer's email, the bot token, and the engineer's user token."""

    def __init__(self, clock: ManualClock) -> None:  # DemoWorld's own, with other tokens
        self.clock = clock
        self.jira = JiraSim(
            clock=clock,
            email=EMAIL,
            token=JIRA_TOKEN,
            api_user_name=DUTY_ENGINEER.name,
            api_account_id=DUTY_ENGINEER.jira_id,
        ).start()
        self.slack = SlackSim(clock=clock, token=SLACK_TOKEN).start()
        self.health = HealthSim(clock=clock).start()
        self.cast = populate(self.jira, self.slack, clock.now())
        self.history = populate_history(self.jira, self.slack, self.cast, clock.now(), channel=False)
        self.slack_user_token = self.slack.add_user_token(
            self.cast.slack[DUTY_ENGINEER.handle], token=USER_TOKEN
        )

    def secrets(self, *, as_user: bool = True) -> Secrets:
        return Secrets(
            jira_token=JIRA_TOKEN, slack_token=SLACK_TOKEN, slack_user_token=USER_TOKEN if as_user else None
        )


def sentinel_harness(tmp_path: Path, now: datetime) -> Harness:
    clock = ManualClock(now)
    return Harness(SentinelWorld(clock), clock, tmp_path / "data")


# -- looking for them ---------------------------------------------------------------------------------


def leaks(blob: bytes | str) -> list[str]:
    """Which forbidden forms `blob` holds (none, one hopes)."""
    data = blob.encode("utf-8", "surrogateescape") if isinstance(blob, str) else blob
    return [name for name, form in FORBIDDEN.items() if form in data]


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def leaks_under(folder: Path) -> dict[str, list[str]]:
    """Every file under `folder` (the store, its WAL and shared memory, the log, exports) whose bytes
    hold a forbidden form, with the forms found."""
    found = {}
    for path in files_under(folder):
        if names := leaks(path.read_bytes()):
            found[str(path.relative_to(folder))] = names
    return found


def modes_under(folder: Path) -> dict[str, int]:
    """Permission bits of `folder` and of everything under it, by path relative to it ("." itself)."""
    modes = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in sorted(folder.rglob("*")):
        modes[str(path.relative_to(folder))] = stat.S_IMODE(path.stat().st_mode)
    return modes


def loose(modes: dict[str, int], folder: Path) -> dict[str, str]:
    """The entries readable, writable or searchable by anyone but the owner."""
    return {
        name: oct(mode)
        for name, mode in modes.items()
        if mode & 0o077 or (name != "." and (folder / name).is_dir() and mode != 0o700)
    }


# -- the log file -------------------------------------------------------------------------------------


@dataclass
class LogFile:
    """`setup_logging` on a data dir, as the app and the CLI do; `undo` takes the handler away again."""

    path: Path
    handler: logging.Handler
    root_level: int

    def text(self) -> str:
        self.handler.flush()
        return self.path.read_text(encoding="utf-8")

    def undo(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        self.handler.close()
        root.setLevel(self.root_level)


def log_to(data_dir: Path, secrets: Secrets) -> LogFile:
    root = logging.getLogger()
    level = root.level
    path = setup_logging(data_dir, secrets)
    handler = next(h for h in root.handlers if getattr(h, "baseFilename", None) == str(path))
    return LogFile(path, handler, level)


# -- the command line ---------------------------------------------------------------------------------


def duty_tui(folder: Path, world: DemoWorld, *args: str) -> subprocess.CompletedProcess[str]:
    """`duty-tui <args> --config … --data-dir <folder>/data` in a fresh process, with the sentinel tokens
    in its environment (and no other JIRA_/SLACK_/DUTY_TUI settings)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "SLACK_", "DUTY_TUI"))}
    environment |= {
        "JIRA_API_TOKEN": JIRA_TOKEN,
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_USER_TOKEN": USER_TOKEN,
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "duty_tui",
            *args,
            "--config",
            str(world_config_file(folder, world)),
            "--data-dir",
            str(folder / "data"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )


# -- where a redirect points ----------------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Evil:
    """An HTTP server on 127.0.0.1 (another port: another origin) that answers everything 200 with `{}`
    and records what reached it."""

    url: str
    seen: list[Seen] = field(default_factory=list)

    def credentials(self) -> list[str]:
        """Whatever credentials reached it."""
        return [
            f"{s.method} {s.path}: {name}"
            for s in self.seen
            for name in s.headers
            if name.lower() in ("authorization", "cookie", "x-slack-token")
        ]


def evil_server() -> Iterator[Evil]:
    evil = Evil("")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            evil.seen.append(Seen(self.command, self.path, dict(self.headers.items())))
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    evil.url = f"http://127.0.0.1:{server.server_address[1]}/collect?from=duty-tui"
    try:
        yield evil
    finally:
        server.shutdown()
        server.server_close()
