"""A rendered line that Textual's compositor cuts into itself alone is freed by reference counting, not
left as a cycle for the collector (duty_tui/strip_cycles.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from duty_tui import strip_cycles


def strips_alive() -> int:
    return sum(1 for thing in gc.get_objects() if type(thing) is Strip)


@pytest.fixture
def no_collector() -> Iterator[None]:
    """Only reference counting frees anything while a test counts."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def line() -> Strip:
    return Strip([Segment("LAA-1 ", Style(bold=True)), Segment("Portal down")])


def test_installed_once_and_answers_as_textual_does() -> None:
    assert strip_cycles.install() and strip_cycles.install()
    whole = line()
    assert whole.divide([whole.cell_length]) == [whole]
    parts = whole.divide([6, whole.cell_length])
    assert [part.text for part in parts] == ["LAA-1 ", "Portal down"]
    assert [part.text for part in whole.divide(iter([6, 17, 99]))] == ["LAA-1 ", "Portal down"]


@pytest.mark.parametrize(
    "cuts",
    [[], [17], [22], [17, 17], [6, 17], [3, 6, 17, 40], (17,), [0], [17.0]],
    ids=repr,
)
def test_every_cut_gives_what_textual_gives(cuts: list[int]) -> None:
    strip_cycles.install()
    textual = Strip.divide.__wrapped__  # type: ignore[attr-defined]
    for strip in (line(), Strip([], 0)):
        ours = [
            (part.text, part.cell_length)
            for part in strip.divide(list(cuts) if isinstance(cuts, list) else cuts)
        ]
        theirs = [(part.text, part.cell_length) for part in textual(strip, cuts)]
        assert ours == theirs


@pytest.mark.usefixtures("no_collector")
def test_a_line_divided_into_itself_is_freed_when_dropped() -> None:
    strip_cycles.install()
    before = strips_alive()
    whole = line()
    whole.divide([whole.cell_length])
    del whole
    assert strips_alive() == before  # a cycle would keep it until the collector ran


@pytest.mark.usefixtures("no_collector")
def test_without_the_fix_the_same_line_is_kept_by_its_own_cache() -> None:
    """The check above can fail: Textual's own divide keeps the line in a cycle."""
    strip_cycles.install()
    original = Strip.divide.__wrapped__  # type: ignore[attr-defined]
    before = strips_alive()
    whole = line()
    original(whole, [whole.cell_length])
    del whole
    assert strips_alive() == before + 1
