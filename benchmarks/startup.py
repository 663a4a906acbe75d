"""Startup: launch in a real terminal → the first ticket rows on it, against a bare Textual app.

Builds one warm store (5,000 tickets on the two boards, 20,000 messages, 300 chat users) in a
temporary data dir. Then, interleaved, it launches in a pseudo-terminal of 200×50 (`_pty.py`):

- duty-tui as installed: the `duty-tui` console script with `--config` and `--data-dir`, tokens
  from the environment, Jira and Slack refusing connections (the cache is all there is);
- the floor (`_bare_table.py`): one `DataTable`, the same 5,000 rows read with plain sqlite3.

Each launch is timed from outside, as a person sees it: from just before the spawn to the moment
the bytes written to the terminal carry ten different ticket keys (a screenful of rows). Nothing in
the programs is hooked. A warm-up launch of each writes the `.pyc` files and warms the page cache;
then the median of `--runs` (default 5) and the ratio of medians (goal ≤ 1.2).

Where the time goes: the same launches of `_startup_runner.py`, which marks each phase on the
monotonic clock (in the same pty), `python -X importtime`, and a profile of the first paint.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--size 200x50] [--json PATH]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from _common import BENCH_SECRETS, CHANNEL, build_warm_store, closed_port, median, table, verdict
from _pty import time_to_rows

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "_startup_runner.py"
BARE_TABLE = HERE / "_bare_table.py"
GOAL = 1.2
KINDS = ("duty", "baseline", "duty, no pollers")  # the runner's programs, for the phases
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
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env["JIRA_API_TOKEN"] = BENCH_SECRETS.jira_token or ""
    env["SLACK_BOT_TOKEN"] = BENCH_SECRETS.slack_token or ""
    return env


def launch_commands(config: Path, data_dir: Path) -> dict[str, list[str]]:
    """The two programs as a person starts them: duty-tui's console script, and the floor."""
    script = Path(sys.executable).with_name("duty-tui")
    duty = [str(script)] if script.exists() else [sys.executable, "-m", "duty_tui"]
    return {
        "duty-tui": [*duty, "--config", str(config), "--data-dir", str(data_dir)],
        "bare DataTable": [sys.executable, str(BARE_TABLE), str(data_dir)],
    }


def launch(command: list[str], size: tuple[int, int]) -> float:
    """Seconds from spawn to a screenful of ticket rows on the pty."""
    return time_to_rows(command, runner_env(), size).seconds


def run_marked(command: list[str], size: tuple[int, int], work: Path) -> dict[str, float]:
    """One runner launch in the pty; its phase marks, rebased so that the spawn is 0."""
    marks_file = work / "marks.json"
    marks_file.unlink(missing_ok=True)
    spawned = time.monotonic()  # CLOCK_MONOTONIC, the clock the runner's marks read
    seen = time_to_rows([*command, f"--marks={marks_file}"], runner_env(), size, let_exit=True)
    marks: dict[str, float] = json.loads(marks_file.read_text(encoding="utf-8"))
    if marks.pop("rows") != 5000 or "painted" not in marks:
        raise SystemExit(f"{command[2]} ended before painting 5,000 rows: {marks}")
    timings = {name: moment - spawned for name, moment in marks.items()}
    timings["seen on the terminal"] = seen.seconds
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


@dataclass
class Results:
    outside: dict[str, list[float]]  # program → seconds to rows on the terminal, per launch
    marked: dict[str, list[dict[str, float]]]  # runner kind → phase marks, per launch
    commands: dict[str, list[str]]  # runner kind → its headless command (importtime, profile)

    def ratio(self) -> float:
        return median(self.outside["duty-tui"]) / median(self.outside["bare DataTable"])


def measure(runs: int, size: tuple[int, int], work: Path) -> Results:
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
    launches = launch_commands(config, data_dir)
    size_text = f"{size[0]}x{size[1]}"
    runners = {kind: runner_command(kind, config, data_dir, size_text) for kind in KINDS}
    for command in launches.values():  # writes the .pyc files and warms the page cache; not counted
        launch(command, size)
    outside: dict[str, list[float]] = {name: [] for name in launches}
    for round_number in range(runs):
        # Alternate the order so that neither program always runs right after the other.
        names = list(launches) if round_number % 2 == 0 else list(reversed(launches))
        for name in names:
            outside[name].append(launch(launches[name], size))
    marked: dict[str, list[dict[str, float]]] = {kind: [] for kind in ("duty, no pollers", "baseline")}
    for kind in marked:
        run_marked(runners[kind], size, work)  # warm-up
        marked[kind] = [run_marked(runners[kind], size, work) for _ in range(3)]
    return Results(outside, marked, runners)


def profile_first_paint(command: list[str], work: Path, top: int = 14) -> str:
    """cProfile of the runner's main thread from interpreter start to the first painted rows
    (headless, so the pty's reader costs nothing): the functions with the most own time."""
    out = work / "first-paint.prof"
    subprocess.run(
        [*command, f"--profile={out}"], env=runner_env(), capture_output=True, timeout=120, check=True
    )
    stream = io.StringIO()
    stats = pstats.Stats(str(out), stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    lines = [line for line in stream.getvalue().splitlines() if re.match(r"\s+(\d|ncalls)", line)]
    site = re.compile(r"\S*/(site-packages|lib/python3\.\d+)/")
    return "\n".join(site.sub("", line.replace(str(Path.cwd()) + "/", "")) for line in lines)


def report(results: Results, size: tuple[int, int], work: Path) -> list[dict[str, object]]:
    runs = len(results.outside["duty-tui"])
    print(
        f"\nLaunch → ten ticket keys on the terminal (a pty, {size[0]}×{size[1]}), median of {runs} "
        f"interleaved launches after a warm-up, {os.cpu_count()} CPUs:\n"
    )
    base = median(results.outside["bare DataTable"])
    labels = {
        "duty-tui": "duty-tui (console script; Jira and Slack refuse connections)",
        "bare DataTable": "floor: bare App, one DataTable, add_rows (_bare_table.py)",
    }
    rows = [
        [
            labels[name],
            f"{median(times) * 1000:.0f} ms",
            f"{min(times) * 1000:.0f} ms",
            f"{max(times) * 1000:.0f} ms",
            f"{median(times) / base:.2f}",
        ]
        for name, times in results.outside.items()
    ]
    print(table(["program", "median", "min", "max", "× floor"], rows))
    ratio = results.ratio()
    print(f"\nRatio duty-tui / floor (medians): {ratio:.2f}   goal ≤ {GOAL}   {verdict(ratio, GOAL)}")

    print("\nWhere the time goes: the runner's marks in the same pty (median of 3 launches):\n")
    shipped = phases(results.marked["duty, no pollers"], DUTY_PHASES)
    rows = [[label, f"{a * 1000:.0f} ms"] for (label, _), a in zip(DUTY_PHASES, shipped, strict=True)]
    print(indented(table(["duty-tui phase (pollers off)", "median"], rows)))
    rows = [
        [label, f"{value * 1000:.0f} ms"]
        for (label, _), value in zip(
            BASELINE_PHASES, phases(results.marked["baseline"], BASELINE_PHASES), strict=True
        )
    ]
    print()
    print(indented(table(["floor phase", "median"], rows)))

    ranked, total = import_breakdown(results.commands["duty, no pollers"])
    print(f"\nduty-tui imports, launch to exit after the first rows (-X importtime): {total * 1000:.0f} ms")
    print(indented(table(["package", "self ms"], [[name, f"{sec * 1000:.0f}"] for name, sec in ranked])))
    ranked, total = import_breakdown(results.commands["baseline"], top=4)
    print(f"\nfloor imports, for comparison: {total * 1000:.0f} ms")
    print(indented(table(["package", "self ms"], [[name, f"{sec * 1000:.0f}"] for name, sec in ranked])))

    print("\nProfile of duty-tui's first paint (main thread, headless runner; own time):\n")
    print(indented(profile_first_paint(results.commands["duty, no pollers"], work)))
    return [
        {
            "figure": "startup: launch → first rows in a pty, duty-tui ÷ bare DataTable",
            "value": f"{ratio:.2f} ({median(results.outside['duty-tui']) * 1000:.0f} ms"
            f" ÷ {base * 1000:.0f} ms)",
            "goal": f"≤ {GOAL}",
            "met": ratio <= GOAL,
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="timed launches of each program (default 5)")
    parser.add_argument("--size", default="200x50", help="terminal size COLSxROWS (default 200x50)")
    parser.add_argument("--json", type=Path, help="also write the headline figures here, as JSON")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="duty-tui-bench-startup-"))
    try:
        results = measure(args.runs, (columns, rows), work)
        figures = report(results, (columns, rows), work)
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
