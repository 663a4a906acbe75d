"""Dialogs the engineer opens over and over (assign, move, comment) are kept and opened again, not rebuilt.

Textual removes a closed dialog unless it is installed, and removing one lays the whole dashboard out and
repaints it a second time: on the dashboard that was more than half of what closing the dialog cost (about
25 of 45 ms), paid on every write made through a dialog, before the row showed it. A kept dialog installs
itself when first shown, so closing it only repaints the screen under it, and `KeptDialogs` hands the same
screen out again, reset for the next ticket, whenever it is not open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.screen import Screen

S = TypeVar("S", bound=Screen[Any])
KEPT = "_kept_dialog"  # the attribute that marks a screen as kept (see keep_installed)
SETTLED = 0.1  # s: a screen laid out ahead is laid out again then, once its widgets have answered


def keep_installed(screen: Screen[Any]) -> None:
    """Called from a dialog's `on_mount`: install it if it is kept, so Textual keeps it when it closes.
    Mounted off the screen stack (made ahead, `prepare`), its styles were just worked out: it says so
    (`Dialog.styled_now`), so its first showing need not work them out again."""
    if getattr(screen, KEPT, False) and not screen.app.is_screen_installed(screen):
        screen.app.install_screen(screen, f"kept {type(screen).__name__} {id(screen)}")
    styled_now = getattr(screen, "styled_now", None)
    if styled_now is not None and screen not in screen.app.screen_stack:
        styled_now()


class KeptDialogs:
    """One kept screen per kind of dialog."""

    def __init__(self) -> None:
        self._kept: dict[type[Screen[Any]], Screen[Any]] = {}

    def get(
        self,
        kind: type[S],
        make: Callable[[], S],
        reopen: Callable[[S], None],
        fits: Callable[[S], bool] | None = None,
    ) -> S:
        """The kept dialog of `kind`, reopened for this use, when it is closed; else a new one (kept, if
        none is yet). A dialog still open (one asked for while it shows) is never handed out twice.
        `fits` says whether the kept one can be reopened for this use at all; when not, it is let go
        (uninstalled and removed) and the new one is kept instead."""
        kept = self._kept.get(kind)
        if isinstance(kept, kind) and kept.is_mounted and kept not in kept.app.screen_stack:
            if fits is None or fits(kept):
                reopen(kept)
                return kept
            kept.app.uninstall_screen(kept)
            kept.remove()  # as Textual removes a closed dialog that is not installed
            del self._kept[kind]
            kept = None
        screen = make()
        if kept is None:
            setattr(screen, KEPT, True)
            self._kept[kind] = screen
        return screen


def prepare(app: App[Any], screen: Screen[Any]) -> bool:
    """Compose, mount and lay out a kept dialog now, off the screen stack, as `push_screen` does the
    first time a screen is shown: the first opening of a big form (the declare form: some 75 widgets,
    40–60 ms) is then as quick as the later ones. Through Textual's own `_load_screen_css` and
    `_get_screen` (textual 8.2), the two calls `push_screen` makes before it shows a new screen; False,
    and nothing done, if this Textual has no such methods or the screen is already running.

    Laid out too, once mounted, at the terminal's size (`Screen._refresh_layout`): a screen shown for
    the first time is laid out as it resumes and, its widgets all new, once more for the resize that
    layout posts to the screen itself (two layouts of 75 widgets, 20–30 ms, in the frame the engineer
    waits for). Shown at that size, it resumes without either; at another, Textual lays it out as ever."""
    load = getattr(app, "_load_screen_css", None)
    mount = getattr(app, "_get_screen", None)
    if load is None or mount is None or screen.is_running or not getattr(screen, KEPT, False):
        return False
    load(screen)
    _, mounted = mount(screen)  # registers it: it composes and mounts, then installs itself (keep_installed)
    lay_out = getattr(screen, "_refresh_layout", None)

    def laid_out_again() -> None:
        if lay_out is not None and screen.is_attached and screen not in app.screen_stack:
            lay_out(app.size)
            # Asked for as it mounted, or by the widgets the first layout resized and showed (Textual
            # lays out only the screen on top, so these wait for the first showing): done now.
            screen._layout_required = False

    async def laid_out() -> None:
        await mounted
        laid_out_again()
        # As on a first showing, the first layout's Resize and Show make some widgets ask for another.
        app.set_timer(SETTLED, laid_out_again)

    app.call_later(laid_out)
    return True
