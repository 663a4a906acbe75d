"""`duty-tui report` through `main()` against the simulators: it refreshes the store first, stdout carries the
report alone in each form, and the exit status says whether every source could be read.

The world is the demo's on its fixed clock (Thursday 26 November 2026 10:30); the command runs on the real
clock, so every call ends the period at the world's "now" with `--until`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from duty_tui.__main__ import main
from duty_tui.demo import DEMO_JIRA_TOKEN, DEMO_SLACK_TOKEN, DemoWorld
from duty_tui.reports.command import Progress, parse_options, parse_since, run_report
from duty_tui.reports.csv_report import COLUMNS
from duty_tui.reports.forms import FORMATS
from duty_tui.rules.flow_history import report_period
from duty_tui.sources.errors import SourceError
from duty_tui.sync.history import HistoryFetched
from tests.conftest import MORNING
from tests.reports import sample
from tests.support import Harness, world_config_file

UNTIL = MORNING.isoformat()
TOP = ["period", "tickets", "boards", "incidents", "availability", "happiness"]
HOSTILE_BOARD = "AWS | Ops\\n# =HYPERLINK(1)"  # as TOML writes it: a pipe, a line break, a formula
Run = Callable[..., tuple[int, str, str]]


def write_config(tmp_path: Path, world: DemoWorld, aws_board: str = "AWS Ops") -> Path:
    members = ", ".join(f'"{member}"' for member in sorted(world.config().workflow.team.members))
    team = f"[team]\nmembers = [{members}]\n"
    return world_config_file(tmp_path, world, aws_board=aws_board, extra=team)


@pytest.fixture
def own_log() -> Iterator[None]:
    """The command logs to a file in its data dir: put the root logger back as it was afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers = handlers
    root.setLevel(level)


@pytest.fixture
def run(
    h: Harness,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    own_log: None,
) -> Run:
    """`duty-tui report …` in this process: (exit status, stdout, stderr)."""
    for name in ("DUTY_TUI_CONFIG", "DUTY_TUI_DATA", "SLACK_USER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIRA_API_TOKEN", DEMO_JIRA_TOKEN)
    monkeypatch.setenv("SLACK_BOT_TOKEN", DEMO_SLACK_TOKEN)

    def invoke(*args: str, board: str = "AWS Ops") -> tuple[int, str, str]:
        config = write_config(tmp_path, h.world, board)
        common = ["--config", str(config), "--data-dir", str(tmp_path / "data")]
        status = main(["report", *common, *args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return invoke


def test_the_json_report_has_every_part(run: Run) -> None:
    status, out, err = run("--since", "30d", "--until", UNTIL, "--format", "json")
    assert status == 0, err
    report = json.loads(out)
    assert list(report) == TOP
    assert report["period"] == {"since": "2026-10-27T10:30:00+00:00", "until": "2026-11-26T10:30:00+00:00"}
    assert list(report["boards"]) == ["AWS Ops", "6DG Ops"]
    assert report["tickets"], "the demo's tickets were fetched before the figures were worked out"
    assert {ticket["board"] for ticket in report["tickets"]} <= {"AWS Ops", "6DG Ops"}
    assert "Traceback" not in err


@pytest.mark.parametrize("form", FORMATS)
def test_each_form_prints_the_report_alone(run: Run, form: str) -> None:
    status, out, err = run("--since", "2w", "--until", "2026-11-26", "--format", form)
    assert status == 0, err
    assert err == ""  # a quick fetch on a pipe says nothing
    if form == "json":
        assert json.loads(out)["period"]["until"] == "2026-11-27T00:00:00+00:00"  # the end of that day
    elif form == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == list(COLUMNS) and len(rows) > 1
    else:
        assert out.startswith("# Support report\n\nFrom Fri 13 Nov 2026 00:00 to Fri 27 Nov 2026 00:00")


def test_with_jira_failing_the_cache_is_printed_and_the_status_is_1(h: Harness, run: Run) -> None:
    status, warm, _ = run("--since", "30d", "--until", UNTIL, "--format", "json")
    assert status == 0
    h.world.jira.faults.fail_next(1000, status=503)
    status, out, err = run("--since", "30d", "--until", UNTIL, "--format", "json")
    assert status == 1
    assert json.loads(out)["tickets"] == json.loads(warm)["tickets"]  # the figures from the cache
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("duty-tui: Jira could not be read (Jira had a server error (503)")
    assert "the figures are from the cache (last read" in lines[0]
    assert "Traceback" not in err


def test_rejected_credentials_print_the_cache_and_exit_1(h: Harness, run: Run) -> None:
    """A source that could not be read, as issue 10 says: the figures from the cache, and exit 1."""
    h.world.slack.faults.revoke_token()
    status, out, err = run("--since", "30d", "--until", UNTIL, "--format", "json")
    assert status == 1
    assert list(json.loads(out)) == TOP
    assert "Slack could not be read" in err and DEMO_SLACK_TOKEN not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--since", "30x"], "--since '30x' is not a period"),
        (["--since", "0d"], "--since '0d' is not a period"),
        (["--since", "400d"], "--since '400d' is not a period"),
        (["--since", "30d", "--until", "next week"], "--until 'next week' is not a date"),
        (["--format", "xlsx"], "--format 'xlsx' is not one of markdown, csv, json"),
    ],
)
def test_a_bad_option_is_one_sentence_and_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checked before the config is read or anything is fetched."""
    status = main(["report", "--config", "/nonexistent/config.toml", *args])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err.startswith(f"duty-tui: {words}")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_a_missing_token_is_one_sentence_and_exit_2(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIRA_API_TOKEN")
    status, out, err = run("--since", "30d")
    assert (status, out) == (2, "")
    assert "JIRA_API_TOKEN" in err and err.count("\n") == 1


UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def test_hostile_names_break_neither_the_markdown_nor_the_csv(h: Harness, run: Run) -> None:
    """A board named with a pipe, a line break and a formula, and a ticket summary full of Markdown."""
    h.world.jira.world.create_issue("LAA", "| evil | summary\n# heading =1+1 <b>", created=MORNING)
    status, out, err = run("--since", "30d", "--until", UNTIL, board=HOSTILE_BOARD)
    assert status == 0, err
    lines = out.splitlines()
    assert not any(line.startswith("# =") for line in lines) and "<b>" not in out
    table: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            width = len(UNESCAPED_PIPE.findall(table[0]))
            assert all(len(UNESCAPED_PIPE.findall(row)) == width for row in table), table
        table = []
    assert "| AWS \\| Ops ⏎ \\# =HYPERLINK(1) |" in out

    status, out, err = run("--since", "30d", "--until", UNTIL, "--format", "csv", board=HOSTILE_BOARD)
    assert status == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert all(len(row) == len(COLUMNS) for row in rows)
    boards = {row[1] for row in rows[1:]}
    assert boards == {"AWS | Ops\n# =HYPERLINK(1)", "6DG Ops"}  # quoted by the csv module, never a formula
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_demo_reports_against_its_own_simulators(
    capsys: pytest.CaptureFixture[str], own_log: None
) -> None:
    """`duty-tui --demo report`: no config, no tokens; a throwaway store, removed afterwards."""
    status = main(["--demo", "report", "--since", "30d", "--format", "json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    report = json.loads(captured.out)
    assert list(report) == TOP and report["tickets"]
    # The demo's 30 days: the past tickets, incidents (one postmortem owed), asks and probe results.
    assert len(report["tickets"]) > 50
    assert report["incidents"]["total"]["count"] >= 4
    assert report["incidents"]["postmortems_owed"]["count"] == 1
    assert report["happiness"]["total"]["answers"] > 0
    windows = [check["windows"]["30 days"] for check in report["availability"].values()]
    assert windows and all(w["probes"] > 0 for w in windows)
    assert any(w["uptime"]["all_hours"] < 100 for w in windows)  # the demo's outages


# -- the command's parts ------------------------------------------------------------------------------


class FailingHistory:
    """A history fetch that fails: with a `SourceError` returned, or with a bug raised."""

    def __init__(self, raises: bool) -> None:
        self.raises = raises

    def run(self, progress: object = None, cancelled: object = None) -> HistoryFetched:
        if self.raises:
            raise RuntimeError("a bug")
        return HistoryFetched(0, False, SourceError("Jira had a server error (500)"))


@pytest.mark.parametrize("raises", [False, True])
def test_a_failed_history_fetch_prints_the_cache_and_exits_1(h: Harness, raises: bool) -> None:
    runtime = replace(h.runtime(), history=FailingHistory(raises))
    out, err = io.StringIO(), io.StringIO()
    options = parse_options("30d", None, "json")
    assert run_report(runtime, options, out, err) == 1
    assert list(json.loads(out.getvalue())) == TOP
    reason = "a bug" if raises else "Jira had a server error (500)"
    assert err.getvalue() == (
        f"duty-tui: Jira's history could not be fetched ({reason}): the figures are from the cache.\n"
    )


@pytest.mark.parametrize(
    ("value", "until"),
    [
        ("2026-11-29", "2026-11-30T00:00:00+00:00"),  # the end of that day in London
        ("2026-06-29", "2026-06-30T00:00:00+01:00"),  # in summer time too
        ("2026-11-26T10:30", "2026-11-26T10:30:00+00:00"),  # no offset: in the support time zone
        ("2026-06-26T10:30", "2026-06-26T10:30:00+01:00"),
        ("2026-11-26T10:30:00+05:00", "2026-11-26T05:30:00+00:00"),  # as given
    ],
)
def test_until_a_date_or_a_time(value: str, until: str) -> None:
    options = parse_options("1w", value, "json")
    period = report_period(options.span, options.until, MORNING, sample.LONDON)
    assert period.to_json(sample.LONDON)["until"] == until
    assert period.until - period.since == timedelta(days=7)


@pytest.mark.parametrize(
    ("value", "days"), [("30d", 30), ("4w", 28), (" 7D ", 7), ("366d", 366), ("52w", 364)]
)
def test_since_days_or_weeks(value: str, days: int) -> None:
    assert parse_since(value) == timedelta(days=days)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_one_line_wiped_at_the_end() -> None:
    err = Terminal()
    progress = Progress(err)
    progress(1, 3)
    progress(2, 3)  # too soon after the last: not drawn
    progress(3, 3)  # the last is always drawn
    progress.finish()
    assert err.getvalue() == (
        "\rduty-tui: fetching Jira's ticket history: 1 of 3 tickets\x1b[K"
        "\rduty-tui: fetching Jira's ticket history: 3 of 3 tickets\x1b[K"
        "\r\x1b[K"
    )


def test_progress_on_a_pipe_is_a_line_now_and_then_for_a_long_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    moments = iter([0.0, 1.0, 6.0, 10.0, 25.0])
    monkeypatch.setattr("duty_tui.reports.command.time.monotonic", lambda: next(moments))
    err = io.StringIO()
    progress = Progress(err)  # started at 0
    progress(10, 1000)  # 1 s: a quick fetch says nothing
    progress(500, 1000)  # 6 s: a line
    progress(600, 1000)  # 10 s: too soon after it
    progress(900, 1000)  # 25 s: another
    progress.finish()
    assert err.getvalue() == (
        "duty-tui: fetching Jira's ticket history: 500 of 1000 tickets\n"
        "duty-tui: fetching Jira's ticket history: 900 of 1000 tickets\n"
    )


def test_a_period_beyond_the_history_kept_is_printed_with_a_warning_and_exit_1(run: Run) -> None:
    """duty-tui keeps 90 days of Jira history: a 180-day report says from when its figures are incomplete."""
    status, out, err = run("--since", "180d", "--until", UNTIL, "--format", "json")
    assert status == 1
    assert list(json.loads(out)) == TOP
    assert "keeps 90 days of Jira history" in err and "incomplete" in err
