"""Every dialog is a `Dialog`: the dashboard under it dimmed as Textual dims it, each style's tint worked
out once (duty_tui/views/dialog.py)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import timedelta
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from textual._compositor import Compositor
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen

import duty_tui.views
from duty_tui.app import DutyApp
from duty_tui.views import dialog
from duty_tui.views.declare_incident import DeclareScreen
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


def test_the_table_of_tints_starts_again_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
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


async def test_a_dialog_opens_in_one_full_frame_and_the_dashboard_still_changes_under_it(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames: list[str] = []
    full_update = Compositor.render_full_update

    def counted(compositor: Compositor, *args: Any, **kwargs: Any) -> Any:
        frames.append(type(app.screen).__name__)
        return full_update(compositor, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_full_update", counted)
    app = DutyApp(h.runtime())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: app.painted)
        opened = []
        for _ in range(2):  # the first opening composes the dialog; the second shows it again (kept)
            await pilot.pause(0.1)
            frames.clear()
            await pilot.press("I")
            await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
            await pilot.pause(0.2)
            opened.append(list(frames))
            if len(opened) == 1:
                await pilot.press("escape")
                await settle(pilot, lambda: not isinstance(app.screen, Dialog))
        # Composing the dialog takes a second frame the first time; shown again, it takes one. With
        # Textual's push_screen alone, the second opening takes two as well: the dashboard repainted whole.
        assert opened == [["DeclareScreen", "DeclareScreen"], ["DeclareScreen"]]
        _, before = screen_dump(app)
        h.clock.advance(timedelta(minutes=7))
        app.on_clock_tick()  # the tickets' ages change on the dashboard, under the dialog
        await pilot.pause(0.1)
        _, after = screen_dump(app)
        changed = [
            line for old, line in zip(before.splitlines(), after.splitlines(), strict=True) if old != line
        ]
        assert changed and all("LAA-" in line or "LM-" in line for line in changed)  # the ticket ages
        assert isinstance(app.screen, Dialog)
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, Dialog))
        assert app.screen.id == "_default"
