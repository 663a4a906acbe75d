"""The shipped checklist follows the team's process document."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from duty_tui.models import ChecklistTick
from duty_tui.rules.checklist import ChecklistDataError, parse_sections, progress
from duty_tui.runtime import shipped_checklist


def test_shipped_lists_are_the_seed_sections() -> None:
    sections = shipped_checklist()
    assert [s.id for s in sections] == ["start-aws", "start-6dg", "during", "team", "end"]
    assert [len(s.items) for s in sections] == [5, 6, 2, 3, 1]
    texts = " ".join(item.text for s in sections for item in s.items)
    assert "within 2 hours" in texts and "#laa-ops" in texts and "Hand over" in texts
    assert "I think we should remove" not in texts  # the document's editorial notes are not duties


def test_progress_counts_ticked_items() -> None:
    sections = shipped_checklist()
    assert (progress(sections, {}).done, progress(sections, {}).total) == (0, 17)
    day, at = date(2026, 11, 26), datetime(2026, 11, 26, 8, 5, tzinfo=UTC)
    first, second = sections[0].items[:2]
    ticks = {item.id: ChecklistTick(item.id, day, "Priya Shah", at) for item in (first, second)}
    ticks["no-such-item"] = ChecklistTick(
        "no-such-item", day, "Priya Shah", at
    )  # a stale tick counts nothing
    state = progress(sections, ticks)
    assert (state.done, state.total, state.complete) == (2, 17, False)
    every = {item.id: ChecklistTick(item.id, day, "Priya Shah", at) for s in sections for item in s.items}
    assert progress(sections, every).complete


def test_bad_data_is_refused() -> None:
    with pytest.raises(ChecklistDataError, match="unique"):
        parse_sections('[[section]]\nid="a"\ntitle="A"\nitems=[{id="x",text="1"},{id="x",text="2"}]')
    with pytest.raises(ChecklistDataError, match="missing"):
        parse_sections('[[section]]\nid="a"\nitems=[]')
