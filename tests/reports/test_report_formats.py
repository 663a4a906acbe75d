"""The report in its three forms (Markdown, CSV, JSON) against golden files, the JSON against its schema, and
hostile text that must not break a Markdown table or a spreadsheet.

The golden files in tests/reports/golden/ come from the hand-built world in tests/reports/sample.py. After a
deliberate change to a form, regenerate them and read the diff before committing it:

    REGENERATE_GOLDEN=1 .venv/bin/pytest -q -n 0 tests/reports/test_report_formats.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from duty_tui.reports import forms
from duty_tui.reports.csv_report import COLUMNS, defuse, report_csv
from duty_tui.reports.markdown import report_markdown
from duty_tui.reports.metrics import MetricsReport, compute
from duty_tui.rules.availability import HealthCheck, ProbeError, ProbeResult
from duty_tui.rules.flow_history import TicketHistory
from duty_tui.rules.incidents import fold
from tests.reports import sample

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(forms.__file__).parent / "report.schema.json"
REGENERATE = bool(os.environ.get("REGENERATE_GOLDEN"))


def golden(name: str, produced: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.write_bytes(produced.encode())
    assert produced == path.read_bytes().decode(), f"{name} differs from the golden file"


@pytest.mark.parametrize(
    ("form", "name"), [("markdown", "report.md"), ("csv", "report.csv"), ("json", "report.json")]
)
def test_each_form_matches_its_golden_file(form: forms.Format, name: str) -> None:
    golden(name, forms.render(sample.report(), form))


def schema() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(found)
    return found


def test_the_json_follows_its_schema() -> None:
    produced = json.loads(forms.render(sample.report(), "json"))
    jsonschema.Draft202012Validator(schema()).validate(produced)
    assert list(produced) == ["period", "tickets", "boards", "incidents", "availability", "happiness"]


def test_the_schema_rejects_a_report_that_drifts() -> None:
    """The schema is strict, so a key added or renamed in the code fails here until the README and the schema
    say so too."""
    produced = sample.report().to_json()
    validator = jsonschema.Draft202012Validator(schema())
    drifted = json.loads(json.dumps(produced))
    drifted["tickets"][0]["summary"] = "a new key"
    assert not validator.is_valid(drifted)
    drifted = json.loads(json.dumps(produced))
    del drifted["tickets"][0]["time_in_category"]["Done"]
    assert not validator.is_valid(drifted)
    drifted = json.loads(json.dumps(produced))
    drifted["period"]["since"] = "2026-11-12T10:30:00"  # no offset
    assert not validator.is_valid(drifted)


def test_the_csv_holds_the_jsons_figures() -> None:
    report = sample.report()
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    tickets = report.to_json()["tickets"]
    assert [row["key"] for row in rows] == [ticket["key"] for ticket in tickets]
    for row, ticket in zip(rows, tickets, strict=True):
        assert row["acknowledge_breached"] == str(ticket["acknowledge_breached"]).lower()
        assert row["acknowledged"] == (ticket["acknowledged"] or "")
        ack = ticket["time_to_acknowledge"]
        assert row["time_to_acknowledge_working_minutes"] == (
            "" if ack is None else str(ack["working_minutes"])
        )
        assert row["in_progress_minutes"] == str(ticket["time_in_category"]["In Progress"]["minutes"])


# -- hostile text -------------------------------------------------------------------------------------

EVIL = [
    '=HYPERLINK("https://evil.example","x")',
    "+1|2",
    "-cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "a | b\n# heading\n| c |",
    "line\r\nbreak",
    "\tTAB=1",
    "<script>alert(1)</script> [link](https://evil.example) *bold* `code`",
    "\x1b]0;PWNED\x07title",
    "back\\slash\\|pipe",
]


def hostile_report() -> MetricsReport:
    """The sample with hostile ticket keys and boards, check, service and environment names and reasons."""
    histories: list[TicketHistory] = [
        replace(ticket, key=EVIL[(i - 1) % len(EVIL)], board=EVIL[(i + 3) % len(EVIL)])
        for i, ticket in enumerate(sample.tickets())
    ]
    checks = [HealthCheck(evil, evil, evil, "https://x.example/health", interval=3600) for evil in EVIL]
    probes = [
        ProbeResult(
            check.name,
            sample.at(25, hour),
            ok=hour % 2 == 0,
            error=None if hour % 2 == 0 else ProbeError.TEXT,
            reason=check.name,
        )
        for check in checks
        for hour in range(12)
    ]
    incidents = [replace(event, services=tuple(EVIL[:3])) for event in sample.incidents()]
    inputs = replace(
        sample.inputs(),
        tickets=histories,
        boards=EVIL[:2],
        checks=checks,
        probes=probes,
        incidents=fold(incidents),
    )
    return replace(compute(inputs, sample.PERIOD, sample.CALENDAR), warnings=tuple(EVIL))


UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def test_hostile_text_cannot_break_the_markdown() -> None:
    produced = report_markdown(hostile_report())
    assert "\x1b" not in produced and "\r" not in produced and "\x07" not in produced
    lines = produced.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert all(not any(evil in heading for evil in EVIL) for heading in headings)
    assert "heading" not in " ".join(headings)
    # Each table's rows have as many cells as its header: no cell added a column or a line.
    tables: list[list[str]] = []
    for line in lines:
        if line.startswith("|"):
            if not tables or not tables[-1]:
                tables.append([])
            tables[-1].append(line)
        elif tables and tables[-1]:
            tables.append([])
    tables = [table for table in tables if table]
    assert len(tables) >= 6
    for table in tables:
        width = len(UNESCAPED_PIPE.findall(table[0]))
        assert all(len(UNESCAPED_PIPE.findall(row)) == width for row in table), table
    assert "<script>" not in produced and not re.search(r"(?<!\\)\]\(", produced)  # no HTML, no link
    # Every line of the document is Markdown duty-tui wrote: a table row, a heading, a list item, a quote,
    # prose, or blank. None starts with text from outside.
    for line in lines:
        assert not line.startswith(("=", "+", "@", "<", "\t")), line


def test_hostile_text_cannot_break_the_csv() -> None:
    produced = report_csv(hostile_report())
    rows = list(csv.reader(io.StringIO(produced)))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + 5  # the five tickets of the period
    assert all(len(row) == len(COLUMNS) for row in rows)
    for row in rows[1:]:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
            assert "\x1b" not in value and "\r" not in value
    keys = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("https://evil.example","x")' in keys


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5", "'-5"),
        ("@A1", "'@A1"),
        ("\t=x", "'\t=x"),
        ("LAA-1", "LAA-1"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_cell_is_never_a_formula(value: str, cell: str) -> None:
    assert defuse(value) == cell
