"""The [notify] section: how duty-tui tells the engineer that something new needs them.

[notify]
bell = true        # ring the terminal bell once for each new item (in hours, or with an incident open)
desktop = false    # also raise a desktop notification
method = "auto"    # "auto", "osc9", "osc777" or "notify-send"

"auto" picks the terminal's own notification escape when the terminal is known to show it (OSC 9 for
iTerm2 and kitty, OSC 777 for WezTerm, Ghostty, foot and rxvt-unicode: these travel over SSH), else
`notify-send` when it is installed and a desktop session is there, else none (the bell alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from duty_tui.config.reader import ConfigError, Reader

METHODS = ("auto", "osc9", "osc777", "notify-send")


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    bell: bool = True
    desktop: bool = False
    method: str = "auto"  # one of METHODS


def parse_notify(r: Reader, t: Mapping[str, Any]) -> NotifyConfig:
    r.known(t, "notify", {"bell", "desktop", "method"})
    flags = {}
    for key, default in (("bell", True), ("desktop", False)):
        value = t.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{r.where}: [notify] {key} must be true or false (no quotes), not {value!r}.")
        flags[key] = value
    method = r.string(t, "notify", "method", default="auto")
    if method not in METHODS:
        names = ", ".join(f'"{m}"' for m in METHODS)
        r.fail("notify", "method", f'is "{method}"; use one of {names}')
    return NotifyConfig(bell=flags["bell"], desktop=flags["desktop"], method=method)
