"""The report's three forms: Markdown for an email, CSV for a spreadsheet, JSON for a program (the README's
"Reports" section and `report.schema.json` beside this file document it)."""

from __future__ import annotations

import json
from typing import Final, Literal

from duty_tui.reports.csv_report import report_csv
from duty_tui.reports.markdown import report_markdown
from duty_tui.reports.metrics import MetricsReport

Format = Literal["markdown", "csv", "json"]
FORMATS: Final[tuple[Format, ...]] = ("markdown", "csv", "json")


def render(report: MetricsReport, form: Format) -> str:
    """The report as text, ending in a newline."""
    if form == "json":
        return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    if form == "csv":
        return report_csv(report)
    return report_markdown(report)
