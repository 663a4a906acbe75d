"""Every dialog is a `Dialog`: the dashboard under it dimmed as Textual dims it, each style's tint worked
out once (duty_tui/views/dialog.py)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen

import duty_tui.views
from duty_tui.app import DutyApp
from duty_tui.views import dialog
from duty_tui.views.dialog import Dialog, DimmedBackground
from tests.support import Harness, screen_dump, settle

TINT = Color(10, 20, 30, 0.6)

SEGMENTS = [
    Segment("plain"),
    Segment("none", None),
    Segment("bold red", Style(bold=True, color="red")),
    Segment("on blue", Style(bgcolor="blue")),
    Segment("both", Style(color="#ff8800", bgcolor="#003366", italic=True)),
    Segment("link", Style(link="https://example.org", color="green")),
    Segment("meta", Style.from_meta({"@click": "app.quit()"})),
    Segment("\x1b[2J", None, [(1,)]),  # a control segment
    Segment("bold red again", Style(bold=True, color="red")),
]


def test_the_same_segments_as_textuals_own_tint() -> None:
    dialog._tints.clear()
    textual = list(BackgroundScreen.process_segments(SEGMENTS, TINT))
    ours = list(DimmedBackground.process_segments(SEGMENTS, TINT))
    assert ours == textual
    assert all(not segment.style or not segment.style.link for segment in ours)
    assert len(dialog._tints) == 6  # one per distinct style (None twice): the repeats were lookups
    again = list(DimmedBackground.process_segments(SEGMENTS, Color(0, 0, 0, 0.3)))  # another tint
    assert again == list(BackgroundScreen.process_segments(SEGMENTS, Color(0, 0, 0, 0.3)))


def test_the_table_of_tints_starts_again_when_full(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog._tints.clear()
    monkeypatch.setattr(dialog, "TINTS_KEPT", 3)
    styles = [Segment(str(n), Style(color=f"#0000{n:02x}")) for n in range(5)]
    assert list(DimmedBackground.process_segments(styles, TINT)) == list(
        BackgroundScreen.process_segments(styles, TINT)
    )
    assert len(dialog._tints) <= 3


def test_every_dialog_duty_tui_shows_is_a_dialog() -> None:
    modal = []
    for info in pkgutil.iter_modules(duty_tui.views.__path__, "duty_tui.views."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ModalScreen) and cls.__module__ == module.__name__:
                modal.append(cls)
    assert len(modal) > 20
    assert [cls.__name__ for cls in modal if not issubclass(cls, Dialog)] == []


async def test_an_open_dialog_paints_the_dimmed_dashboard(h: Harness) -> None:
    app = DutyApp(h.runtime())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: app.painted)
        dialog._tints.clear()
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, Dialog) and bool(dialog._tints))
        await pilot.pause()
        _, text = screen_dump(app)
        assert "LAA-" in text and "#laa-ops" in text  # the dashboard, under the help
