"""Every dialog is a `Dialog`: the dashboard under it dimmed as Textual dims it, made directly from the
compositor's lines, and a kept dialog not restyled when nothing its styles depend on changed
(duty_tui/views/dialog.py)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import timedelta
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.visual import RichVisual, Visual
from textual.widgets import Static

import duty_tui.views
from duty_tui.app import DutyApp
from duty_tui.views import dialog
from duty_tui.views.declare_incident import DeclareScreen
from duty_tui.views.dialog import Dialog, DimmedScreen
from tests.support import Harness, both_polled, screen_dump, settle

TINT = Color(10, 20, 30, 0.6)


def textuals_and_ours(screen: Dialog[Any]) -> tuple[list[Strip], list[Strip]]:
    """The open dialog's background both ways: Textual's `BackgroundScreen` through its Rich pipeline,
    and `DimmedScreen`, each as `Widget._render_content` renders the screen's content."""
    base = screen.app.screen_stack[-2]
    color = screen.styles.background
    width, height = screen.size
    style = screen.visual_style
    textual = Visual.to_strips(
        screen, RichVisual(screen, BackgroundScreen(base, color)), width, height, style
    )
    ours = Visual.to_strips(screen, DimmedScreen(base, color), width, height, style)
    return textual, ours


def same_lines(textual: list[Strip], ours: list[Strip]) -> None:
    assert len(ours) == len(textual) > 0
    for number, (theirs, mine) in enumerate(zip(textual, ours, strict=True)):
        assert list(mine) == list(theirs), f"line {number}"
        assert mine.cell_length == theirs.cell_length


async def test_the_dashboard_under_a_dialog_is_the_same_as_textuals_own(h: Harness) -> None:
    app = DutyApp(h.runtime())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: app.painted and app.tickets.table.row_count > 0)
        for key in ("I", "escape", "question_mark"):  # the declare form, then the help
            await pilot.press(key)
            await pilot.pause()
            if isinstance(app.screen, Dialog):
                textual, ours = textuals_and_ours(app.screen)
                same_lines(textual, ours)
                assert any("LAA-" in strip.text for strip in ours)


class Styled(App[None]):
    """Every kind of segment a background can hold: plain, colours, links, click meta, a control code."""

    def compose(self) -> ComposeResult:
        yield Static(id="styled")

    def on_mount(self) -> None:
        self.query_one(Static).update("placeholder")


class Over(Dialog[None]):
    DEFAULT_CSS = "Over { background: $background 60%; }"


async def test_every_kind_of_segment_is_dimmed_as_textual_dims_it(monkeypatch: pytest.MonkeyPatch) -> None:
    segments = [
        Segment("plain"),
        Segment("none", None),
        Segment("bold red", RichStyle(bold=True, color="red")),
        Segment("on blue", RichStyle(bgcolor="blue")),
        Segment("both", RichStyle(color="#ff8800", bgcolor="#003366", italic=True)),
        Segment("link", RichStyle(link="https://example.org", color="green")),
        Segment("meta", RichStyle.from_meta({"@click": "app.quit()"})),
        Segment("\x1b[2J", None, [(1,)]),  # a control segment
        Segment("bold red again" + "x" * 200, RichStyle(bold=True, color="red")),  # wider than the screen
    ]
    lines = [Strip(segments), Strip(segments[:3])]
    monkeypatch.setattr(Compositor, "render_strips", lambda self, *a, **k: list(lines))
    app = Styled()
    async with app.run_test(size=(80, 10)) as pilot:
        app.push_screen(Over())
        await pilot.pause()
        assert isinstance(app.screen, Over)
        textual, ours = textuals_and_ours(app.screen)
        same_lines(textual, ours)
        assert all(not s.style or not s.style.link for strip in ours for s in strip)


def test_the_table_of_styles_starts_again_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    dialog._styles.clear()
    monkeypatch.setattr(dialog, "TINTS_KEPT", 3)
    base = RichStyle(bgcolor="black")
    found = [dialog.dimmed_style(RichStyle(color=f"#0000{n:02x}"), TINT, base) for n in range(5)]
    for n, style in enumerate(found):
        (tinted,) = BackgroundScreen.process_segments([Segment(" ", RichStyle(color=f"#0000{n:02x}"))], TINT)
        assert style == base + tinted.style
    assert len(dialog._styles) <= 3


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
        await settle(pilot, both_polled(app))
        dialog._styles.clear()
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, Dialog) and bool(dialog._styles))
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
        await settle(pilot, both_polled(app))  # the people the declare form offers are known: it fits again
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
        # One full frame each time: made and laid out ahead (views/kept.prepare), the first opening does
        # not lay the form out twice; with Textual's push_screen alone each opening takes two (the
        # dashboard repainted whole, then the dialog).
        assert opened == [["DeclareScreen"], ["DeclareScreen"]]
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


@pytest.fixture
def restyled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many nodes each restyle Textual makes covers."""
    counts: list[int] = []
    update_nodes = Stylesheet.update_nodes

    def counted(stylesheet: Stylesheet, nodes: Any, *args: Any, **kwargs: Any) -> Any:
        nodes = list(nodes)
        counts.append(len(nodes))
        return update_nodes(stylesheet, nodes, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "update_nodes", counted)
    return counts


async def test_a_kept_dialog_is_restyled_only_when_what_its_styles_depend_on_changed(
    h: Harness, restyled: list[int]
) -> None:
    app = DutyApp(h.runtime())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, both_polled(app))  # the people the declare form offers are known: it fits again

        async def opened() -> tuple[DeclareScreen, list[int]]:
            restyled.clear()
            await pilot.press("I")
            await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
            await pilot.pause()
            assert isinstance(app.screen, DeclareScreen)
            return app.screen, list(restyled)

        first, styled = await opened()
        nodes = len(list(first.walk_children(with_self=True)))
        # Made ahead (`kept.prepare`) and styled as it mounted, off the stack: not styled again when it
        # first shows, and styled exactly as styling it afresh on the screen would.
        assert all(count < nodes // 2 for count in styled)
        shown = {node: node.styles.background for node in first.walk_children(with_self=True)}
        app.update_styles(first)
        assert shown == {node: node.styles.background for node in first.walk_children(with_self=True)}
        await pilot.press("escape")
        again, styled = await opened()
        assert again is first and all(count < nodes // 2 for count in styled)  # kept: not styled again
        box = first.query_one("VerticalScroll")
        dark = box.styles.background
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, Dialog))
        app.theme = "textual-light"  # while the dialog is closed (Textual restyles the screens shown)
        await pilot.pause()
        again, styled = await opened()
        assert max(styled) >= nodes  # restyled for the new theme...
        light = box.styles.background
        app.update_styles(first)  # ...exactly as styling it afresh would
        assert light == box.styles.background != dark


@pytest.mark.parametrize("change", ["size", "app class", "nothing"])
async def test_a_kept_dialog_is_restyled_after_a_resize_or_an_app_class_while_it_was_closed(
    h: Harness, restyled: list[int], change: str
) -> None:
    app = DutyApp(h.runtime())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, both_polled(app))  # the people the declare form offers are known: it fits again
        await pilot.press("I")
        await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
        form = app.screen
        nodes = len(list(form.walk_children(with_self=True)))
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, Dialog))
        if change == "size":
            await pilot.resize_terminal(110, 33)
        elif change == "app class":
            app.add_class("-duty-test")
        await pilot.pause()
        restyled.clear()
        await pilot.press("I")
        await settle(pilot, lambda: app.screen is form)
        await pilot.pause()
        whole = bool(restyled) and max(restyled) >= nodes
        assert whole == (change != "nothing")
