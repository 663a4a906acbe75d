"""Reading from Jira or Slack for a screen, without ever holding up quitting.

A Textual thread worker runs on the event loop's executor, which Python 3.11 joins at exit: a
screen waiting on a slow service would keep the app from quitting for up to the request timeout.
`fetch` runs the read on a daemon thread instead and hands the result (or the error) back on the
UI thread, unless the screen has gone meanwhile.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode

T = TypeVar("T")


def fetch(
    node: DOMNode, load: Callable[[], T], done: Callable[[T], None], failed: Callable[[BaseException], None]
) -> None:
    app = node.app

    def deliver(callback: Callable[..., None], value: object) -> None:
        if app.is_running and node.is_attached:
            with contextlib.suppress(RuntimeError):  # the app closed between the check and the call
                app.call_from_thread(callback, value)

    def run() -> None:
        try:
            result = load()
        except Exception as error:  # reported on the screen, never raised in a thread
            deliver(failed, error)
        else:
            deliver(done, result)

    threading.Thread(target=run, name=f"fetch for {type(node).__name__}", daemon=True).start()
