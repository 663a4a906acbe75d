"""`duty-tui sync --once`: a line per source, non-zero when one failed, against the simulators."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from duty_tui.demo import DEMO_JIRA_TOKEN, DEMO_SLACK_TOKEN, DemoWorld
from tests.support import Harness, world_config_file


def sync(tmp_path: Path, world: DemoWorld, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "SLACK_", "DUTY_TUI"))}
    environment |= {"JIRA_API_TOKEN": DEMO_JIRA_TOKEN, "SLACK_BOT_TOKEN": DEMO_SLACK_TOKEN, **env}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "duty_tui",
            "sync",
            "--once",
            "--config",
            str(world_config_file(tmp_path, world)),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )


def test_sync_once_fills_the_store_and_reports_each_source(h: Harness, tmp_path: Path) -> None:
    result = sync(tmp_path, h.world)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(f"jira: ok: {len(h.waiting_keys())} tickets waiting")
    assert lines[1].startswith("slack: ok: ")
    log = tmp_path / "data" / "duty-tui.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert DEMO_JIRA_TOKEN not in log.read_text() and DEMO_SLACK_TOKEN not in log.read_text()


def test_sync_once_fails_with_a_line_per_source(h: Harness, tmp_path: Path) -> None:
    h.world.slack.faults.fail_next(3, status=503)
    result = sync(tmp_path, h.world)
    assert result.returncode == 1
    assert "slack: failed: Slack had a server error (503)" in result.stdout
    h.world.jira.faults.revoke_token()
    rejected = sync(tmp_path, h.world)
    assert rejected.returncode == 2
    assert "jira: failed: Jira rejected the credentials (401)" in rejected.stdout
    assert "Traceback" not in rejected.stderr and DEMO_JIRA_TOKEN not in rejected.stdout
