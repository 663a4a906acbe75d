"""The whole corpus through the report's three forms (`duty-tui report`): the bytes a terminal, a spreadsheet
or a mail client reads hold no control or invisible character, the Markdown keeps its shape, no CSV cell is
a formula, and the JSON keeps every name exactly (as escapes where a raw character would be unsafe).

tests/reports checks the forms against golden files and ten hostile strings; this adds every corpus entry
in every place a report shows text from outside: ticket keys and boards, incident titles (the postmortems
owed) and services, health check names, services and environments, probe reasons and warnings.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace

import pytest

from duty_tui.models import IncidentEvent, IncidentEventKind, IncidentPriority
from duty_tui.reports import forms
from duty_tui.reports.csv_report import COLUMNS
from duty_tui.reports.metrics import MetricsReport, compute
from duty_tui.rules.availability import HealthCheck, ProbeError, ProbeResult
from duty_tui.rules.incidents import fold
from tests.reports import sample
from tests.support import FORBIDDEN, HOSTILE

UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def names(corpus: list[str]) -> list[str]:
    """The corpus as names: each distinct and non-empty (a report keys some figures by name)."""
    return [f"{value}·{n}" for n, value in enumerate(corpus)]


def hostile_report(corpus: list[str]) -> MetricsReport:
    tickets = sample.tickets()
    histories = [
        replace(tickets[n % len(tickets)], key=name, board=name) for n, name in enumerate(names(corpus))
    ]
    checks = [
        HealthCheck(name, name, name, "https://x.example/health", interval=3600) for name in names(corpus)
    ]
    probes = [
        ProbeResult(
            check.name, sample.at(25, hour), ok=hour % 2 == 0, error=ProbeError.TEXT, reason=check.name
        )
        for check in checks
        for hour in range(4)
    ]
    declared, resolved = IncidentEventKind.DECLARED, IncidentEventKind.RESOLVED
    incidents = [
        event
        for n, name in enumerate(names(corpus))
        for event in (
            IncidentEvent(
                f"inc-{n}",
                declared,
                sample.at(24, 10),
                "U1",
                title=name,
                priority=IncidentPriority.HIGH,
                services=(name,),
            ),
            IncidentEvent(f"inc-{n}", resolved, sample.at(24, 11), "U1"),
        )
    ]
    inputs = replace(
        sample.inputs(),
        tickets=histories,
        boards=names(corpus),
        checks=checks,
        probes=probes,
        incidents=fold(incidents),
    )
    return replace(compute(inputs, sample.PERIOD, sample.CALENDAR), warnings=tuple(names(corpus)))


@pytest.fixture(scope="module")
def report() -> MetricsReport:
    return hostile_report(HOSTILE)


def assert_printable_bytes(data: bytes, form: str, *, allowed: str = "\n") -> str:
    produced = data.decode("utf-8")  # never a lone surrogate, never invalid UTF-8
    bad = sorted({f"U+{ord(c):04X}" for c in produced if c in FORBIDDEN and c not in allowed})
    assert not bad, (form, bad)
    return produced


def test_the_markdown_is_printable_and_keeps_its_shape(report: MetricsReport) -> None:
    produced = assert_printable_bytes(forms.render(report, "markdown").encode(), "markdown")
    lines = produced.splitlines()
    table: list[str] = []
    tables = 0
    for line in [*lines, ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            tables += 1
            width = len(UNESCAPED_PIPE.findall(table[0]))
            assert all(len(UNESCAPED_PIPE.findall(row)) == width for row in table), table[:3]
        table = []
    assert tables >= 6
    for line in lines:  # every line is one duty-tui wrote: none starts with text from outside
        assert not line.startswith(("=", "+", "@", "<", "\t", "[", "$", "{")), line
        if line.startswith("#"):
            assert not any(name in line for name in names(HOSTILE)), line
    assert "<script>" not in produced and not re.search(r"(?<!\\)\]\(", produced)  # no HTML, no link
    # Each incident owed a postmortem is listed by its title, made literal.
    assert len([line for line in lines if line.startswith("- ") and "(inc-" in line]) == len(HOSTILE)


def test_the_csv_is_printable_and_no_cell_is_a_formula(report: MetricsReport) -> None:
    produced = assert_printable_bytes(forms.render(report, "csv").encode(), "csv", allowed="\n\r")
    assert "\r" not in produced.replace("\r\n", ""), "a carriage return outside a line ending"
    rows = list(csv.reader(io.StringIO(produced)))
    assert rows[0] == list(COLUMNS)
    assert all(len(row) == len(COLUMNS) for row in rows)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA)]
    assert not [cell for cell in cells if set(cell) & (FORBIDDEN - {"\n"})]


def test_the_json_is_printable_and_keeps_every_name(report: MetricsReport) -> None:
    data = forms.render(report, "json").encode()
    produced = assert_printable_bytes(data, "json")
    parsed = json.loads(produced)
    # Every name comes back exactly (as JSON readers see it: a surrogate pair given as two code points is
    # one character once read back), however it had to be written.
    expected = {json.loads(json.dumps(name)) for name in names(HOSTILE)}
    assert set(parsed["availability"]) == expected  # check names
    assert {check["service"] for check in parsed["availability"].values()} == expected
    assert set(parsed["boards"]) == expected
    assert set(parsed["incidents"]["services"]) == expected
    keys = {ticket["key"] for ticket in parsed["tickets"]}
    assert keys and keys <= expected
    assert {ticket["board"] for ticket in parsed["tickets"]} <= expected
