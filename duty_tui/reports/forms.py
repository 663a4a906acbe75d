"""The report's three forms: Markdown for an email, CSV for a spreadsheet, JSON for a program (the README's
"Reports" section and `report.schema.json` beside this file document it)."""

from __future__ import annotations

import json
import re
from typing import Final, Literal

from duty_tui import text
from duty_tui.reports.csv_report import report_csv
from duty_tui.reports.markdown import report_markdown
from duty_tui.reports.metrics import MetricsReport

Format = Literal["markdown", "csv", "json"]
FORMATS: Final[tuple[Format, ...]] = ("markdown", "csv", "json")


def render(report: MetricsReport, form: Format) -> str:
    """The report as text, ending in a newline."""
    if form == "json":
        # Names from outside (checks, services, boards, tickets) keep every character for a program, but
        # the ones `text.sanitize` would remove (C1 controls such as the 8-bit CSI, DEL, bidi controls,
        # invisible characters, lone surrogates) are written as \u escapes, never raw: the report is also
        # read in a terminal, and `json.dumps` escapes only C0 controls.
        dumped = json.dumps(report.to_json(), indent=2, ensure_ascii=False)
        return text.UNSAFE_CHARACTER.sub(_escaped, dumped) + "\n"
    if form == "csv":
        return report_csv(report)
    return report_markdown(report)


def _escaped(found: re.Match[str]) -> str:
    """A character as a JSON escape (a pair of escapes for one beyond the BMP)."""
    return json.dumps(found.group())[1:-1]
