"""duty_tui.widgets.content, and the text package's output through real Textual widgets."""

from __future__ import annotations

import re

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.content import Span as ContentSpan
from textual.widgets import DataTable, Label, OptionList, Static, Tree

from duty_tui.text import LINE_BREAK, plain, slack_text
from duty_tui.widgets.content import content
from tests.support import HOSTILE, HOSTILE_IDS, MARKUP_LIKE, probe, screen_dump
from tests.text.helpers import NAMES, assert_clean


def test_content_is_never_parsed() -> None:
    for value in ("[$accent]v", "$accent", "[@click=app.quit]x[/]", "[/foo]", "a [b + c"):
        shown = content(value)
        assert isinstance(shown, Content)
        assert shown.plain == value
        assert shown.spans == []
    styled_content = content("[b]x", "$accent bold")
    assert styled_content.plain == "[b]x"
    assert len(styled_content.spans) == 1
    assert content("a\nb", single_line=True).plain == f"a{LINE_BREAK}b"
    assert content("a\nb", single_line=True, limit=3).plain == "a…"


def test_content_shows_exactly_what_plain_shows() -> None:
    # Both are made from duty_tui.text.shown: the same characters whichever a pane uses.
    for value in ("", "[b]x", "a\nb\tc", "x" * 1000, "\u202eevil\x07", "a\x1b]0;t\x07  b"):
        for single_line in (False, True):
            for limit in (None, 5, 200):
                shown = content(value, "bold", single_line=single_line, limit=limit)
                assert shown.plain == plain(value, "bold", single_line=single_line, limit=limit).plain
                assert shown.spans == ([ContentSpan(0, len(shown.plain), "bold")] if shown.plain else [])


# ---------------------------------------------------------------------------------------------------
# Through real widgets

# The only escape sequences a frame may contain: SGR colours and cursor moves (from Textual itself).
_OWN_ESCAPES = re.compile(r"\x1b\[[0-9;]*[mH]")


def assert_frame_clean(raw: str) -> None:
    rest = _OWN_ESCAPES.sub("", raw)
    assert "\x1b" not in rest, repr(rest[max(0, rest.index("\x1b") - 20) : rest.index("\x1b") + 20])
    assert_clean(rest.replace("\r", ""))


class Showcase(App[None]):
    """Every kind of sink a pane uses, fed through duty_tui.text."""

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label(id="label")
        yield Static(id="static")
        yield Static(id="slack")
        yield DataTable(id="table")
        yield OptionList(id="options")
        yield Tree("root", id="tree")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Summary", key="summary")
        table.add_column("Slack", key="slack")

    def show(self, value: str) -> None:
        self.query_one("#label", Label).update(content(value, single_line=True, limit=110))
        self.query_one("#static", Static).update(content(value, limit=300))
        self.query_one("#static", Static).border_title = content(value, single_line=True, limit=40)
        self.query_one("#slack", Static).update(slack_text(value, NAMES, limit=300))
        table = self.query_one(DataTable)
        table.clear()
        table.add_row(
            plain(value, single_line=True, limit=60), slack_text(value, NAMES, single_line=True, limit=60)
        )
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_option(content(value, single_line=True, limit=60))
        tree = self.query_one(Tree)
        tree.clear()
        tree.root.add_leaf(plain(value, single_line=True, limit=60))
        tree.root.expand()

    async def action_quit(self) -> None:  # a click on injected markup would land here
        self.actions.append("quit")

    async def action_bell(self) -> None:
        self.actions.append("bell")


async def test_hostile_strings_through_widgets() -> None:
    app = Showcase()
    async with app.run_test(size=(120, 60)) as pilot:
        for name, evil in zip(HOSTILE_IDS, HOSTILE, strict=True):
            app.show(evil)
            await pilot.pause()
            raw, screen = screen_dump(app)
            try:
                assert_frame_clean(raw)
                expected = probe(evil, 10)
                assert expected in screen.replace("\xa0", " ")
            except AssertionError as error:
                raise AssertionError(f"{name}: {error}") from error
    assert app.actions == []


async def test_markup_is_shown_literally_on_screen() -> None:
    app = Showcase()
    async with app.run_test(size=(120, 60)) as pilot:
        for evil in MARKUP_LIKE:
            app.show(evil)
            await pilot.pause()
            _, screen = screen_dump(app)
            # Label, Static, slack Static, both table cells, option and tree leaf: seven copies.
            assert screen.count(evil) >= 7, (evil, screen)


def test_screen_check_would_catch_a_raw_escape() -> None:
    # The check above is only meaningful if unsanitized text really leaks: prove it does.
    raw = Content("\x1b]0;PWNED\x07").plain
    assert "\x1b" in raw
    with pytest.raises(AssertionError):
        assert_frame_clean("\x1b[0m" + raw)


class ClickMe(App[None]):
    def __init__(self, widget: Static) -> None:
        super().__init__()
        self.widget = widget
        self.actions: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    async def action_quit(self) -> None:
        self.actions.append("quit")

    async def action_bell(self) -> None:
        self.actions.append("bell")


@pytest.mark.parametrize("evil", ["[@click=app.quit]x[/]", "[@click=app.bell]ring[/]"])
@pytest.mark.parametrize("sink", ["content", "slack", "plain"])
async def test_click_on_injected_action_does_nothing(evil: str, sink: str) -> None:
    sinks: dict[str, Content | Text] = {
        "content": content(evil),
        "slack": slack_text(evil, NAMES),
        "plain": plain(evil),
    }
    shown = sinks[sink]
    app = ClickMe(Static(shown, id="target"))
    async with app.run_test(size=(40, 5)) as pilot:
        payload = evil.index("]") + 1  # where the link text would be if the markup were parsed
        for offset in sorted({0, 1, payload, payload + 1, len(evil) // 2, len(evil) - 1}):
            await pilot.click("#target", offset=(offset, 0))
        await pilot.pause()
        assert app.is_running
    assert app.actions == []


async def test_click_control_raw_markup_does_run_the_action() -> None:
    # Control: the same click on a markup string runs the action, so the test above can fail.
    app = ClickMe(Static("[@click=app.bell]ring[/]", id="target"))
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.click("#target", offset=(1, 0))
        await pilot.pause()
    assert app.actions == ["bell"]
