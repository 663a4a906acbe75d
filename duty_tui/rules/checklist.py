"""The daily duty checklist: the sections shipped in `data/checklists.toml` and the day's ticks.

Ticks belong to a support day (the local date in the support time zone), so a new day starts
unticked without anything being deleted.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from duty_tui.models import ChecklistItem, ChecklistSection, ChecklistTick


class ChecklistDataError(ValueError):
    """The checklist data file is malformed."""


def parse_sections(text: str) -> tuple[ChecklistSection, ...]:
    """Parse checklist TOML (the shipped `data/checklists.toml`, read by the caller)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ChecklistDataError(f"checklist data is not valid TOML: {error}") from error
    sections = tuple(_section(entry) for entry in raw.get("section", []))
    ids = [item.id for section in sections for item in section.items]
    if len(ids) != len(set(ids)):
        raise ChecklistDataError("checklist item ids must be unique")
    return sections


def _section(entry: Mapping[str, Any]) -> ChecklistSection:
    try:
        items = tuple(ChecklistItem(id=str(i["id"]), text=str(i["text"])) for i in entry["items"])
        return ChecklistSection(id=str(entry["id"]), title=str(entry["title"]), items=items)
    except (KeyError, TypeError) as error:
        raise ChecklistDataError(f"checklist section is missing {error}") from error


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def progress(sections: Iterable[ChecklistSection], ticks: Mapping[str, ChecklistTick]) -> Progress:
    items = [item.id for section in sections for item in section.items]
    return Progress(done=sum(1 for item in items if item in ticks), total=len(items))
