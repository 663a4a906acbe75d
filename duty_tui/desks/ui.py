"""What a desk may ask of the screen: the small UI protocol the app fulfils.

A desk never reaches into the app; it is handed something that can show a toast, open a dialog,
open a link, use the clipboard and ring the terminal bell. The app is that something (Textual's `App`
has all five), and a test can hand in anything else that has them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.screen import Screen

ScreenResult = TypeVar("ScreenResult")


class DeskUI(Protocol):
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def push_screen(
        self, screen: Screen[ScreenResult], callback: Callable[[ScreenResult | None], Any] | None = None
    ) -> Any: ...

    def open_url(self, url: str, *, new_tab: bool = True) -> None: ...

    def copy_to_clipboard(self, text: str) -> None: ...

    def bell(self) -> None: ...

    @property
    def screen(self) -> Screen[object]: ...


def post_from_thread(target: MessagePump, message: Message) -> None:
    """Post `message` to `target` from a background thread. While the app closes, the target may have
    left the DOM or the event loop may be gone: the message then has nobody to tell, and is dropped
    (what it reports is in the store already). Textual says so with a RuntimeError (NoActiveAppError
    is one)."""
    with contextlib.suppress(RuntimeError):
        target.post_message(message)
