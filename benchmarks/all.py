"""Every benchmark, one table: runs each script with `--json`, then prints figure | value | goal | verdict,
headed by the machine it ran on (CPU model and cores, Python, Textual, OS).

Each script runs as a subprocess of its own (so none pays for another's imports or memory), one after
the other: startup first (it is the most sensitive to a busy machine), the soak last (the longest). A
script's own detailed output goes to a log file under the temporary directory, whose path is printed;
`--verbose` shows it as it runs too. A script that fails, times out or writes no figures becomes a row
that says so, and the others still run. Always exits 0: the benchmarks measure, they don't fail a build.

    .venv/bin/python benchmarks/all.py [--quick] [--verbose] [--only startup,soak] [--markdown] [--json PATH]

`--quick` passes each script its `--quick` (startup, which has none, gets `--runs 3`): a few minutes in
all, for a check that everything runs; the figures to quote come from a full run on a quiet machine.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from _common import Figure, read_figures

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Script:
    name: str
    quick: tuple[str, ...] = ("--quick",)  # the arguments for a quick run
    quick_fallback: tuple[str, ...] = ()  # when the script has no --quick
    timeout: float = 1800.0  # seconds, full run (a quick run gets a third)
    file: Path | None = None  # default: benchmarks/<name>.py

    @property
    def path(self) -> Path:
        return self.file or HERE / f"{self.name}.py"


SCRIPTS = (
    Script("startup", quick_fallback=("--runs", "3")),
    Script("poll"),
    Script("actions"),
    Script("channel"),
    Script("metrics"),
    Script("soak", timeout=3600.0),
)


@dataclass(frozen=True)
class Outcome:
    script: Script
    figures: list[Figure]
    seconds: float
    log: Path
    problem: str | None = None  # why there are no figures


# -- the machine ----------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware")) and ":" in line:
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip().strip('"')
                return f"{name}, {platform.system()} {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def version_of(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count() or "?"),
        "python": platform.python_version(),
        "textual": version_of("textual"),
        "os": os_name(),
        "load": f"{load:.2f}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def machine_line(info: dict[str, str]) -> str:
    return (
        f"{info['cpu']}, {info['cores']} cores · Python {info['python']} · Textual {info['textual']} · "
        f"{info['os']}"
    )


# -- running the scripts -------------------------------------------------------------------------


def options_of(script: Script) -> str:
    """The script's --help, to see which options it has (a script being edited may lack some)."""
    try:
        done = subprocess.run(
            [sys.executable, str(script.path), "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout


def command(script: Script, quick: bool, figures: Path) -> tuple[list[str] | None, str | None]:
    """The command line for `script`, or why it cannot give figures."""
    if not script.path.exists():
        return None, f"{script.path.name} not found"
    helped = options_of(script)
    if "--json" not in helped:
        return None, f"{script.path.name} has no --json option (or its --help fails)"
    args = [sys.executable, str(script.path), "--json", str(figures)]
    if quick:
        args += list(script.quick if "--quick" in helped else script.quick_fallback)
    return args, None


def run(script: Script, quick: bool, logs: Path, verbose: bool) -> Outcome:
    figures_path = logs / f"{script.name}.json"
    log = logs / f"{script.name}.log"
    started = time.perf_counter()
    args, problem = command(script, quick, figures_path)
    if args is None:
        log.write_text(f"not run: {problem}\n", encoding="utf-8")
        return Outcome(script, [], 0.0, log, problem)
    timeout = script.timeout / 3 if quick else script.timeout
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w", encoding="utf-8") as out:
        out.write("$ " + " ".join(args) + "\n\n")
        out.flush()
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        assert process.stdout is not None
        timer = threading.Timer(timeout, process.kill)  # a silent, hung script is ended too
        timer.start()
        try:
            for line in process.stdout:  # line by line: the log and --verbose follow the script as it runs
                out.write(line)
                if verbose:
                    sys.stdout.write(line)
                    sys.stdout.flush()
            code = process.wait()
        finally:
            timer.cancel()
    seconds = time.perf_counter() - started
    if seconds >= timeout and code != 0:
        return Outcome(script, [], seconds, log, f"timed out after {timeout:.0f} s")
    if code != 0:
        return Outcome(script, [], seconds, log, f"failed (exit {code})")
    try:
        found = read_figures(figures_path)
    except (OSError, ValueError) as error:
        return Outcome(script, [], seconds, log, f"wrote no figures ({error.__class__.__name__})")
    if not found:
        return Outcome(script, [], seconds, log, "wrote an empty list of figures")
    return Outcome(script, found, seconds, log)


# -- the table -----------------------------------------------------------------------------------


def verdict(figure: Figure) -> str:
    if figure.met is None:
        return "-"
    return "meets goal" if figure.met else "MISSES goal"


def rows(outcomes: list[Outcome]) -> list[list[str]]:
    found = []
    for outcome in outcomes:
        if outcome.problem is not None:
            found.append(
                [f"{outcome.script.name}.py", outcome.problem, "", f"FAILED, see {outcome.log.name}"]
            )
        for figure in outcome.figures:
            found.append([figure.figure, figure.value, figure.goal or "-", verdict(figure)])
    return found


def plain(headers: list[str], body: list[list[str]]) -> str:
    """A text table, every column left-aligned (the values carry their units)."""
    cells = [headers, *body]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in body)])


def markdown(headers: list[str], body: list[list[str]]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(headers), "|" + "---|" * len(headers), *(line(r) for r in body)])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="each script's quick run (a few minutes in all)")
    parser.add_argument("--verbose", action="store_true", help="show each script's own output as it runs")
    parser.add_argument(
        "--only",
        help="comma-separated script names to run (default: "
        + ",".join(s.name for s in SCRIPTS)
        + "), in this file's order",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="also print the table as Markdown (for the README)"
    )
    parser.add_argument(
        "--json", type=Path, metavar="PATH", help="also write the machine and every figure as JSON"
    )
    args = parser.parse_args()
    wanted = [name.strip() for name in args.only.split(",")] if args.only else [s.name for s in SCRIPTS]
    unknown = set(wanted) - {s.name for s in SCRIPTS}
    if unknown:
        parser.error(f"no such script: {', '.join(sorted(unknown))}")
    info = machine()
    logs = Path(tempfile.mkdtemp(prefix=f"duty-tui-bench-{datetime.now(UTC):%Y%m%d-%H%M%S}-"))
    mode = "quick run" if args.quick else "full run"
    print(f"duty-tui benchmarks, {mode}, on {machine_line(info)}")
    print(f"Load average at the start: {info['load']} (close other heavy work first). Logs: {logs}\n")
    outcomes = []
    started = time.perf_counter()
    for script in (s for s in SCRIPTS if s.name in wanted):
        print(f"  {script.name}.py …", end="\n" if args.verbose else "", flush=True)
        outcome = run(script, args.quick, logs, args.verbose)
        state = outcome.problem or f"{len(outcome.figures)} figures"
        print(
            f"{'  ' + script.name + '.py' if args.verbose else ''} {state} in {outcome.seconds:.0f} s",
            flush=True,
        )
        outcomes.append(outcome)
    elapsed = time.perf_counter() - started
    headers = ["figure", "value", "goal", "verdict"]
    body = rows(outcomes)
    print(f"\nBenchmarks, {mode}, {info['date']}, {elapsed / 60:.1f} min in all")
    print(f"Machine: {machine_line(info)}\n")
    print(plain(headers, body))
    if args.markdown:
        print(f"\nMachine: {machine_line(info)} ({mode})\n")
        print(markdown(headers, body))
    print(f"\nEach script's own output: {logs}/<script>.log (rerun one with --verbose to watch it).")
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "quick": args.quick,
                    "figures": [
                        {"script": o.script.name, **f.as_json()} for o in outcomes for f in o.figures
                    ],
                    "failed": {o.script.name: o.problem for o in outcomes if o.problem},
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
