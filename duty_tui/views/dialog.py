"""`Dialog`: the modal screen every duty-tui dialog is, over the dashboard dimmed at the cost of a lookup.

A Textual `ModalScreen` has a translucent background, so it paints the screen beneath through
`BackgroundScreen`: a Rich renderable that has the compositor render the whole terminal, works the
tint out afresh for every segment (up to two colour blends and three new styles each), and goes back
through Rich's console to be styled and split into lines again. Over a 200×50 dashboard that is
thousands of segments on the first frame of every dialog; the soak benchmark saw that first frame as
most of its UI-thread stalls over 50 ms (an incident update opened over a busy dashboard).

`DimmedScreen` is the same picture made directly: the compositor's lines, each segment given the
final style Textual's pipeline would give it (tint, then the dialog screen's own style), looked up
in a table of the few dozen styles a dashboard uses. Same segments as Textual's (the tests compare
them line by line); the dashboard still shows its changes under an open dialog, because each frame
of the dialog's background reads the compositor afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rich.segment import ControlCode, Segment
from rich.style import Style as RichStyle
from textual import events
from textual.color import Color
from textual.css.styles import RulesMap
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual, VisualType

ResultType = TypeVar("ResultType")

TINTS_KEPT = 4_096  # distinct (style, tint, base) triples; a theme change or a long day starts again
_styles: dict[tuple[RichStyle | None, Color, RichStyle], RichStyle] = {}


def dimmed_style(style: RichStyle | None, color: Color, base: RichStyle) -> RichStyle:
    """A segment's final style under a dialog: Textual's tint of `style` (links and meta cleared),
    under the dialog screen's own style `base` (as `Widget.post_render` puts it)."""
    key = (style, color, base)
    found = _styles.get(key)
    if found is None:
        if len(_styles) >= TINTS_KEPT:
            _styles.clear()
        (sample,) = BackgroundScreen.process_segments([Segment(" ", style)], color)
        found = _styles[key] = base + sample.style if base else sample.style or RichStyle()
    return found


class DimmedScreen(Visual):
    """The screen beneath a dialog, tinted: what Textual's `BackgroundScreen` paints, made directly."""

    def __init__(self, screen: Screen[object], color: Color) -> None:
        self.screen = screen
        self.color = color

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        base, color = style.rich_style, self.color
        lines = self.screen._compositor.render_strips()  # what BackgroundScreen renders
        strips: list[Strip] = []
        for line in lines[:height]:
            segments = [
                Segment(text, dimmed_style(seg_style, color, base))
                if not control
                else _control(text, seg_style, control, base)
                for text, seg_style, control in line
            ]
            strip = Strip(segments)
            strips.append(strip.crop(0, width) if strip.cell_length > width else strip)
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.screen.size.height


def _same(one: tuple[object, ...], other: tuple[object, ...]) -> bool:
    """The rules by identity (comparing rule sets costs more than restyling), the rest by value."""
    return one[0] is other[0] and one[1:] == other[1:]


def _control(text: str, style: RichStyle | None, control: Sequence[ControlCode], base: RichStyle) -> Segment:
    """A control segment is not tinted; under a styled screen it takes the style and loses its codes
    (as in Textual's pipeline, which no dashboard line is expected to exercise)."""
    return Segment(text, base + style, None) if base else Segment(text, style, control)


class Dialog(ModalScreen[ResultType]):
    """A modal screen over the dimmed dashboard (see the module's docstring).

    A dialog kept and opened again is not styled again when nothing its styles depend on changed
    while it was closed: Textual restyles every node of a screen it pushes (a third of opening the
    declare form), though a node whose classes change is restyled at once, open or not. What is
    checked is what Textual would restyle for while the dialog was off the stack: the stylesheet's
    rules (a new theme or CSS parses new ones), the theme, the app's classes and pseudo-classes
    (`:blur`, `:dark`) and the terminal's size.
    """

    _styled_with: tuple[object, ...] | None = None  # what its styles were worked out from, last time

    def _styles_depend_on(self) -> tuple[object, ...]:
        app = self.app
        # The rules list itself (held, so its id is never reused): Textual parses a new one on a change.
        return (
            app.stylesheet.rules,
            app.theme,
            frozenset(app.get_pseudo_classes()),
            frozenset(app.classes),
            app.size,
        )

    def styled_now(self) -> None:
        """Its styles were just worked out (mounted ahead, off the stack: `kept.prepare`)."""
        self._styled_with = self._styles_depend_on()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Runs before Textual's own handler (Textual calls each class's, the subclass's first)."""
        if not event.refresh_styles:  # a dialog over it closed: Textual restyles nothing, nor is it noted
            return
        depends_on = self._styles_depend_on()
        last = self._styled_with
        if last is not None and _same(last, depends_on):
            event.refresh_styles = False
        self._styled_with = depends_on

    def render(self) -> VisualType:  # type: ignore[override]  # Textual's Widget.render takes a Visual
        rendered = super().render()
        if type(rendered) is BackgroundScreen:
            return DimmedScreen(rendered.screen, rendered.color)
        return rendered
