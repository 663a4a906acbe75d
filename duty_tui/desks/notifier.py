"""Desktop notifications: the terminal's own notification escape (OSC 9 or OSC 777), or `notify-send`.

The text may hold untrusted words (a ticket summary, a Slack message), so it is sanitized here, once:
`duty_tui.text.one_line` removes every C0/C1 control (ESC, BEL, ST among them), so nothing in it can end
the escape early or start another; `;` (the OSC field separator) becomes `,`. The escape is written
through the app's terminal writer, on the UI thread, between frames, as Textual writes its own bell.
`notify-send` runs on a daemon thread with an argv list (never a shell), one at a time, so a slow
notification daemon never blocks the UI; its body is escaped for the servers that read markup there.

Inside tmux an escape reaches the outer terminal only through tmux's passthrough (`allow-passthrough on`),
so it is wrapped when $TMUX is set.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from duty_tui import text
from duty_tui.config.notify import NotifyConfig

log = logging.getLogger(__name__)

TITLE = "duty-tui"
BODY_LIMIT = 200
NOTIFY_SEND = "notify-send"
NOTIFY_SEND_TIMEOUT = 10.0  # seconds: a wedged notification daemon must not keep a thread forever


class Method(StrEnum):
    NONE = "none"
    OSC9 = "osc9"
    OSC777 = "osc777"
    NOTIFY_SEND = "notify-send"


# Terminals known to show a notification for an escape, by $TERM_PROGRAM and by $TERM (which SSH passes on).
_OSC9_PROGRAMS = frozenset({"iTerm.app"})
_OSC777_PROGRAMS = frozenset({"WezTerm", "ghostty"})
_OSC9_TERMS = ("xterm-kitty",)
_OSC777_TERMS = ("xterm-ghostty", "wezterm", "foot", "rxvt-unicode")


def choose_method(
    setting: str, env: Mapping[str, str], which: Callable[[str], str | None] = shutil.which
) -> Method:
    """The method for a `[notify] method` setting ("auto" looks at the terminal, then for notify-send)."""
    if setting != "auto":
        return Method(setting)
    program, term = env.get("TERM_PROGRAM", ""), env.get("TERM", "")
    if program in _OSC9_PROGRAMS or term.startswith(_OSC9_TERMS):
        return Method.OSC9
    if program in _OSC777_PROGRAMS or term.startswith(_OSC777_TERMS):
        return Method.OSC777
    desktop = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
    if desktop and which(NOTIFY_SEND) is not None:
        return Method.NOTIFY_SEND
    return Method.NONE


def clean(value: str, limit: int = BODY_LIMIT) -> str:
    """Untrusted text as it may go into a notification: one line, no controls, no field separators."""
    return text.one_line(value, limit, breaks=False).replace(";", ",")


def osc_sequence(method: Method, title: str, body: str, *, tmux: bool = False) -> str:
    """The escape that raises a notification (BEL-terminated), wrapped for tmux's passthrough if asked."""
    title, body = clean(title, 60), clean(body)
    if method is Method.OSC9:
        # One field: the title goes in front. The fixed prefix also keeps the text from reading as
        # ConEmu's "9;<number>;…" sub-commands.
        sequence = f"\x1b]9;{title}: {body}\x07"
    elif method is Method.OSC777:
        sequence = f"\x1b]777;notify;{title};{body}\x07"
    else:
        raise ValueError(f"{method} is not a terminal escape")
    if tmux:
        sequence = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def notify_send_argv(program: str, title: str, body: str) -> list[str]:
    """notify-send's arguments: `--` ends the options, so text starting with "-" is never one; the body is
    escaped because many notification servers read a subset of HTML there."""
    escaped = clean(body).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return [program, f"--app-name={TITLE}", "--", clean(title, 60), escaped]


Runner = Callable[..., Any]


class DesktopNotifier:
    """Raises desktop notifications one way, chosen once from the config and the environment."""

    def __init__(
        self,
        config: NotifyConfig,
        env: Mapping[str, str],
        write: Callable[[str], None],
        *,
        which: Callable[[str], str | None] = shutil.which,
        run: Runner = subprocess.run,
    ) -> None:
        self.method = choose_method(config.method, env, which) if config.desktop else Method.NONE
        self.tmux = bool(env.get("TMUX"))
        self.write = write
        self.run = run
        self.program = which(NOTIFY_SEND) if self.method is Method.NOTIFY_SEND else None
        self._busy = threading.Lock()  # one notify-send at a time; others are dropped, not queued
        self.thread: threading.Thread | None = None

    @property
    def problem(self) -> str | None:
        """Why notifications that were asked for cannot be raised (one sentence), if they cannot."""
        if self.method is Method.NOTIFY_SEND and self.program is None:
            return "[notify] method is notify-send, but notify-send is not installed: install libnotify-bin."
        return None

    def notify(self, body: str, title: str = TITLE) -> None:
        if self.method in (Method.OSC9, Method.OSC777):
            self.write(osc_sequence(self.method, title, body, tmux=self.tmux))
        elif self.method is Method.NOTIFY_SEND and self.program is not None:
            if not self._busy.acquire(blocking=False):
                return  # the last one is still on its way: the bell and the status bar carry this one
            argv = notify_send_argv(self.program, title, body)
            self.thread = threading.Thread(target=self._send, args=(argv,), name="notify-send", daemon=True)
            self.thread.start()

    def _send(self, argv: Sequence[str]) -> None:
        try:
            self.run(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=NOTIFY_SEND_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("notify-send failed: %s", text.error_sentence(error))
        finally:
            self._busy.release()

    def wait(self, timeout: float = 5.0) -> None:
        """For tests and shutdown: wait for the notify-send on its way, if any."""
        if self.thread is not None:
            self.thread.join(timeout)
