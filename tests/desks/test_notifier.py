"""Desktop notifications: escapes carry only printable text from the data; notify-send gets an argv list."""

from __future__ import annotations

import subprocess
import threading
from typing import Any

import pytest

from duty_tui.config.notify import NotifyConfig
from duty_tui.desks.notifier import (
    DesktopNotifier,
    Method,
    choose_method,
    notify_send_argv,
    osc_sequence,
)
from tests.support import FORBIDDEN, HOSTILE, HOSTILE_IDS

FRAMES = {Method.OSC9: "\x1b]9;duty-tui: ", Method.OSC777: "\x1b]777;notify;duty-tui;"}
NOWHERE: dict[str, str] = {}


def no_program(_name: str) -> str | None:
    return None


def installed(name: str) -> str | None:
    return f"/usr/bin/{name}"


def assert_printable(value: str) -> None:
    bad = sorted({f"U+{ord(c):04X}" for c in value if c in FORBIDDEN or c == "\x1b"})
    assert not bad, bad


@pytest.mark.parametrize("method", [Method.OSC9, Method.OSC777])
@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_the_escape_frames_hostile_text_as_printable_text_only(method: Method, evil: str) -> None:
    sequence = osc_sequence(method, "duty-tui", f"LAA-1 due in 5m: {evil}")
    frame = FRAMES[method]
    assert sequence.startswith(frame) and sequence.endswith("\x07")
    inner = sequence[len(frame) : -1]
    assert_printable(inner)
    assert ";" not in inner  # no extra OSC fields
    assert inner.startswith("LAA-1 due in 5m:") and len(inner) <= 200


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_inside_tmux_the_escape_is_wrapped_for_passthrough(evil: str) -> None:
    sequence = osc_sequence(Method.OSC777, evil, evil, tmux=True)
    assert sequence.startswith("\x1bPtmux;\x1b\x1b]777;notify;") and sequence.endswith("\x07\x1b\\")
    inner = sequence[len("\x1bPtmux;\x1b\x1b]777;notify;") : -len("\x07\x1b\\")]
    assert_printable(inner)


def test_the_title_is_untrusted_too() -> None:
    sequence = osc_sequence(Method.OSC777, "a;b\x1b]0;x\x07", "body")
    assert sequence == "\x1b]777;notify;a,b]0,x;body\x07"


@pytest.mark.parametrize(
    ("env", "method"),
    [
        ({"TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"}, Method.OSC9),
        ({"TERM": "xterm-kitty"}, Method.OSC9),
        ({"TERM_PROGRAM": "WezTerm"}, Method.OSC777),
        ({"TERM_PROGRAM": "ghostty"}, Method.OSC777),
        ({"TERM": "xterm-ghostty"}, Method.OSC777),  # over SSH only $TERM comes along
        ({"TERM": "foot"}, Method.OSC777),
        ({"TERM": "rxvt-unicode-256color"}, Method.OSC777),
        ({"TERM": "xterm-256color", "DISPLAY": ":0"}, Method.NOTIFY_SEND),
        ({"TERM": "xterm-256color", "WAYLAND_DISPLAY": "wayland-0"}, Method.NOTIFY_SEND),
        ({"TERM": "xterm-256color"}, Method.NONE),  # no desktop here (an SSH session): the bell alone
    ],
)
def test_auto_chooses_by_the_terminal_then_notify_send(env: dict[str, str], method: Method) -> None:
    assert choose_method("auto", env, installed) is method


def test_auto_without_notify_send_installed_is_the_bell_alone() -> None:
    assert choose_method("auto", {"TERM": "xterm", "DISPLAY": ":0"}, no_program) is Method.NONE


def test_a_chosen_method_is_used_whatever_the_terminal() -> None:
    assert choose_method("osc777", {"TERM_PROGRAM": "iTerm.app"}, no_program) is Method.OSC777
    assert choose_method("osc9", NOWHERE, no_program) is Method.OSC9


def test_off_unless_desktop_is_true() -> None:
    written: list[str] = []
    notifier = DesktopNotifier(NotifyConfig(method="osc9"), NOWHERE, written.append)
    notifier.notify("LAA-1")
    assert notifier.method is Method.NONE and written == []


def test_an_escape_is_written_through_the_terminal_writer() -> None:
    written: list[str] = []
    config = NotifyConfig(desktop=True, method="osc9")
    DesktopNotifier(config, {"TMUX": "/tmp/tmux-1/default,1,0"}, written.append).notify("new ticket LAA-1")
    assert written == ["\x1bPtmux;\x1b\x1b]9;duty-tui: new ticket LAA-1\x07\x1b\\"]


class Recorder:
    def __init__(self, block: threading.Event | None = None, error: Exception | None = None) -> None:
        self.calls: list[tuple[Any, dict[str, Any]]] = []
        self.block = block
        self.error = error
        self.started = threading.Event()

    def __call__(self, args: Any, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append((args, kwargs))
        self.started.set()
        if self.block is not None:
            self.block.wait(5)
        if self.error is not None:
            raise self.error
        return subprocess.CompletedProcess(args, 0)


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_notify_send_gets_an_argv_list_never_a_shell(evil: str) -> None:
    run = Recorder()
    config = NotifyConfig(desktop=True, method="notify-send")
    notifier = DesktopNotifier(config, NOWHERE, lambda _s: None, which=installed, run=run)
    notifier.notify(f"-x {evil}")
    notifier.wait()
    ((argv, kwargs),) = run.calls
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv)
    assert argv[:4] == ["/usr/bin/notify-send", "--app-name=duty-tui", "--", "duty-tui"]
    assert argv[4].startswith("-x")  # after "--": text, never an option
    assert not kwargs.get("shell") and kwargs["timeout"] > 0 and kwargs["stdin"] == subprocess.DEVNULL
    assert_printable(argv[4])
    assert "<" not in argv[4] and ">" not in argv[4]  # servers read markup in the body


def test_notify_send_body_escapes_markup() -> None:
    argv = notify_send_argv("notify-send", "t", '<a href="https://evil">x</a> & co')
    assert argv[-1] == '&lt;a href="https://evil"&gt;x&lt;/a&gt; &amp; co'


def test_notify_send_runs_off_the_ui_thread_one_at_a_time() -> None:
    release = threading.Event()
    run = Recorder(block=release)
    config = NotifyConfig(desktop=True, method="notify-send")
    notifier = DesktopNotifier(config, NOWHERE, lambda _s: None, which=installed, run=run)
    notifier.notify("first")  # returns at once, though notify-send hangs
    assert run.started.wait(5)
    notifier.notify("second")  # dropped: the first is still on its way
    release.set()
    notifier.wait()
    assert [argv[-1] for argv, _ in run.calls] == ["first"]
    notifier.notify("third")
    notifier.wait()
    assert [argv[-1] for argv, _ in run.calls] == ["first", "third"]


def test_a_failing_notify_send_is_logged_and_the_next_one_goes(caplog: pytest.LogCaptureFixture) -> None:
    run = Recorder(error=FileNotFoundError(2, "No such file"))
    config = NotifyConfig(desktop=True, method="notify-send")
    notifier = DesktopNotifier(config, NOWHERE, lambda _s: None, which=installed, run=run)
    notifier.notify("one")
    notifier.wait()
    notifier.notify("two")
    notifier.wait()
    assert len(run.calls) == 2 and "notify-send failed" in caplog.text


def test_notify_send_chosen_but_not_installed_is_a_problem_to_tell() -> None:
    config = NotifyConfig(desktop=True, method="notify-send")
    notifier = DesktopNotifier(config, NOWHERE, lambda _s: None, which=no_program)
    assert notifier.problem is not None and "not installed" in notifier.problem
    notifier.notify("x")  # and nothing breaks
    assert notifier.thread is None
