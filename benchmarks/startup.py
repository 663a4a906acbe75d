"""Startup: process spawn → tickets table painted from a warm cache, against a bare Textual app.

Builds one warm store (5,000 tickets on the two boards, 20,000 messages, 300 chat users) in a
temporary data dir, then spawns, interleaved, duty-tui (`_startup_runner.py duty`: the CLI's path,
config file and tokens from the environment, Jira and Slack refusing connections) and the
baseline (`_startup_runner.py baseline`: one DataTable, the same rows by plain sqlite3). Each run
is timed from just before the spawn to the end of the first frame that drew ticket rows, so the
interpreter, every import and the store read are in it. Prints medians, minimums, the ratio of
medians (goal ≤ 1.2) and where duty-tui's time goes.

    .venv/bin/python benchmarks/startup.py [--runs 7] [--size 160x48]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from _common import BENCH_SECRETS, CHANNEL, build_warm_store, closed_port, median, table, verdict

RUNNER = Path(__file__).resolve().parent / "_startup_runner.py"
GOAL = 1.2
KINDS = ("duty", "baseline", "duty, no pollers")
# (label, mark it ends at): each phase runs from the previous mark ("spawn" is the parent's clock).
DUTY_PHASES = (
    ("interpreter start", "start"),
    ("imports", "imported"),
    ("config + build_runtime + logging", "runtime built"),
    ("App init, CSS, compose, mount", "app mounted"),
    ("store read in worker → CacheLoaded", "cache read"),
    ("panes filled → first frame done", "painted"),
)
BASELINE_PHASES = (
    ("interpreter start", "start"),
    ("imports", "imported"),
    ("App init, CSS, compose, mount", "app mounted"),
    ("sqlite3 read", "cache read"),
    ("add_rows → first frame done", "painted"),
)

CONFIG_TOML = """\
[jira]
url = "http://127.0.0.1:{jira_port}"
email = "duty@example.com"

[[jira.boards]]
name = "AWS Ops"
id = 262
label = "AWS"

[[jira.boards]]
name = "6DG Ops"
id = 265
label = "6DG"
component = "laa-6dg-support"

[slack]
channel = "{channel}"
api_url = "http://127.0.0.1:{slack_port}/api/"
"""


def runner_command(kind: str, config: Path, data_dir: Path, size: str) -> list[str]:
    name = "baseline" if kind == "baseline" else "duty"
    command = [sys.executable, str(RUNNER), name, str(config), str(data_dir), size]
    return [*command, "--no-polling"] if kind == "duty, no pollers" else command


def runner_env() -> dict[str, str]:
    """The environment `duty-tui` reads its tokens from; no PYTHONPATH, as for an installed tool."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["JIRA_API_TOKEN"] = BENCH_SECRETS.jira_token or ""
    env["SLACK_BOT_TOKEN"] = BENCH_SECRETS.slack_token or ""
    return env


def run_once(command: list[str]) -> dict[str, float]:
    """Spawn one runner; its marks, rebased so that the spawn is 0."""
    env = runner_env()
    spawned = time.monotonic()  # CLOCK_MONOTONIC, the clock the runner's marks read
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    ended = time.monotonic()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    marks: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    rows = marks.pop("rows")
    if rows != 5000 or "painted" not in marks:  # an app that quit early or painted nothing measured nothing
        raise SystemExit(f"{command[2]} ended before painting 5,000 rows: {marks}\n{done.stderr[-3000:]}")
    timings = {name: moment - spawned for name, moment in marks.items()}
    timings["process ended"] = ended - spawned
    return timings


def import_breakdown(command: list[str], top: int = 12) -> tuple[list[tuple[str, float]], float]:
    """`python -X importtime`: self time summed per top-level package (duty_tui per module)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command[1:]],
        env=runner_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    per_package: dict[str, float] = defaultdict(float)
    pattern = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s+(.*)$")
    for line in done.stderr.splitlines():
        found = pattern.match(line)
        if found:
            module = found.group(3).strip()
            package = module.split(".")[0]
            if module.startswith("duty_tui."):  # duty-tui's own modules, one by one
                package = ".".join(module.split(".")[:2])
            per_package[package] += int(found.group(1)) / 1e6
    ranked = sorted(per_package.items(), key=lambda item: -item[1])
    return ranked[:top], sum(per_package.values())


def phases(runs: list[dict[str, float]], steps: tuple[tuple[str, str], ...]) -> list[float]:
    """Median length of each phase, in seconds."""
    result, previous = [], "spawn"
    for _, name in steps:
        result.append(median(r[name] - (r[previous] if previous != "spawn" else 0.0) for r in runs))
        previous = name
    return result


def indented(text: str) -> str:
    return "    " + text.replace("\n", "\n    ")


def measure(
    runs: int, size: str, work: Path
) -> tuple[dict[str, list[dict[str, float]]], dict[str, list[str]]]:
    data_dir = work / "data"
    started = time.perf_counter()
    warm = build_warm_store(data_dir, datetime.now(UTC).replace(microsecond=0))
    print(
        f"Warm store: {warm.tickets:,} listed tickets, {warm.messages:,} messages in {CHANNEL}, "
        f"{warm.users} chat users ({(data_dir / 'duty-tui.sqlite3').stat().st_size / 1e6:.1f} MB, "
        f"built in {time.perf_counter() - started:.1f} s)."
    )
    config = work / "config.toml"
    config.write_text(
        CONFIG_TOML.format(jira_port=closed_port(), slack_port=closed_port(), channel=CHANNEL),
        encoding="utf-8",
    )
    commands = {kind: runner_command(kind, config, data_dir, size) for kind in KINDS}
    for kind in KINDS:  # warms the page cache and writes the .pyc files; not counted
        run_once(commands[kind])
    results: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    for round_number in range(runs):
        # Alternate the order so that no program always runs right after the same other one.
        for kind in KINDS if round_number % 2 == 0 else tuple(reversed(KINDS)):
            results[kind].append(run_once(commands[kind]))
    return results, commands


def report(results: dict[str, list[dict[str, float]]], commands: dict[str, list[str]], size: str) -> None:
    painted = {kind: [r["painted"] for r in results[kind]] for kind in KINDS}
    base = median(painted["baseline"])
    runs = len(painted["baseline"])
    print(
        f"\nSpawn → first frame with ticket rows, {runs} interleaved runs each, headless {size}, "
        f"{os.cpu_count()} CPUs:\n"
    )
    labels = {
        "duty": "duty-tui (as shipped; Jira and Slack refuse connections)",
        "baseline": "baseline: bare App, one DataTable, add_rows",
        "duty, no pollers": "duty-tui with start_polling disabled (diagnostic)",
    }
    rows = [
        [
            labels[kind],
            f"{median(painted[kind]) * 1000:.0f} ms",
            f"{min(painted[kind]) * 1000:.0f} ms",
            f"{median(painted[kind]) / base:.2f}",
            f"{median(r['process ended'] for r in results[kind]) * 1000:.0f} ms",
        ]
        for kind in KINDS
    ]
    print(table(["program", "median", "min", "× baseline", "(to process exit)"], rows))
    ratio = median(painted["duty"]) / base
    print(f"\nRatio duty-tui / baseline (medians): {ratio:.2f}   goal ≤ {GOAL}   {verdict(ratio, GOAL)}")

    print("\nWhere the time goes (median of each phase):\n")
    shipped, quiet = phases(results["duty"], DUTY_PHASES), phases(results["duty, no pollers"], DUTY_PHASES)
    rows = [
        [label, f"{a * 1000:.0f} ms", f"{b * 1000:.0f} ms"]
        for (label, _), a, b in zip(DUTY_PHASES, shipped, quiet, strict=True)
    ]
    print(indented(table(["duty-tui phase", "as shipped", "no pollers"], rows)))
    rows = [
        [label, f"{value * 1000:.0f} ms"]
        for (label, _), value in zip(
            BASELINE_PHASES, phases(results["baseline"], BASELINE_PHASES), strict=True
        )
    ]
    print()
    print(indented(table(["baseline phase", "median"], rows)))

    ranked, total = import_breakdown(commands["duty, no pollers"])
    print(f"\nduty-tui imports before the first frame (python -X importtime, one run): {total * 1000:.0f} ms")
    print(indented(table(["package", "self ms"], [[name, f"{sec * 1000:.0f}"] for name, sec in ranked])))
    ranked, total = import_breakdown(commands["baseline"], top=4)
    print(f"\nbaseline imports, for comparison: {total * 1000:.0f} ms")
    print(indented(table(["package", "self ms"], [[name, f"{sec * 1000:.0f}"] for name, sec in ranked])))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each program (default 7)")
    parser.add_argument("--size", default="160x48", help="terminal size COLSxROWS (default 160x48)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="duty-tui-bench-startup-"))
    try:
        results, commands = measure(args.runs, args.size, work)
        report(results, commands, args.size)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
