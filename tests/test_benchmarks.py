"""The benchmarks' plumbing, without running a benchmark: the `--json` figures, the scripts' options and
`benchmarks/all.py`'s table, including a script that fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.append(str(BENCHMARKS))  # last: its script names must not shadow anything

import _common  # noqa: E402
import all as bench_all  # noqa: E402

OURS = ("poll", "actions", "channel", "metrics", "soak")  # startup.py has its own owner and options


def test_figures_round_trip_through_json(tmp_path: Path) -> None:
    figures = [
        _common.Figure("soak: RSS growth", "+3.6 MB", "≤ 10 MB", True),
        _common.Figure("poll: periodic requests", "+0.35 per cycle"),
    ]
    path = tmp_path / "figures.json"
    _common.write_figures(path, figures)
    assert _common.read_figures(path) == figures
    _common.write_figures(None, figures)  # no --json: nothing written, nothing raised


def test_a_file_that_is_not_a_list_of_figures_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "figures.json"
    path.write_text('{"figure": "x"}', encoding="utf-8")
    with pytest.raises(ValueError, match="list of figures"):
        _common.read_figures(path)


@pytest.mark.parametrize("name", OURS)
def test_each_script_offers_json_and_quick(name: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{name}.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "--json" in done.stdout and "--quick" in done.stdout


def test_a_failed_script_is_a_row_that_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text(
        "import argparse, sys\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--json')\n"
        "parser.parse_args()\n"
        "print('half-way, then a bug')\n"
        "sys.exit(3)\n",
        encoding="utf-8",
    )
    failed = bench_all.run(bench_all.Script("broken", file=broken), quick=True, logs=tmp_path, verbose=False)
    missing = bench_all.run(bench_all.Script("missing"), quick=True, logs=tmp_path, verbose=False)
    assert failed.problem == "failed (exit 3)" and "half-way" in failed.log.read_text(encoding="utf-8")
    assert missing.problem is not None and "not found" in missing.problem
    rows = bench_all.rows([failed, missing])
    assert rows[0] == ["broken.py", "failed (exit 3)", "", "FAILED, see broken.log"]
    assert rows[1][0] == "missing.py" and rows[1][3].startswith("FAILED")


def test_the_table_says_which_goals_are_met() -> None:
    outcome = bench_all.Outcome(
        bench_all.Script("soak"),
        [
            _common.Figure("stall", "42 ms", "none over 50 ms", True),
            _common.Figure("rss", "+12 MB", "≤ 10 MB", False),
            _common.Figure("info", "3"),
        ],
        1.0,
        Path("soak.log"),
    )
    assert [row[3] for row in bench_all.rows([outcome])] == ["meets goal", "MISSES goal", "-"]
    text = bench_all.markdown(["figure", "value", "goal", "verdict"], bench_all.rows([outcome]))
    assert text.splitlines()[2] == "| stall | 42 ms | none over 50 ms | meets goal |"


def test_the_machine_line_names_cores_python_and_textual() -> None:
    line = bench_all.machine_line(bench_all.machine())
    assert "cores" in line and "Python 3." in line and "Textual " in line
