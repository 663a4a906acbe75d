"""The [happiness] section: whether duty-tui asks requesters how the help went, and in what words.

[happiness]
ask = false    # when a request is done (`d`) or its ticket is resolved, ask in its thread for 👍 or 👎
text = "How did we do? Please react 👍 or 👎 to this message: it helps LAA Ops improve support."

Off by default: asking in the channel is a team decision, taken once for everyone (each dashboard asks
only when it is on, and a thread is only ever asked once, whoever asks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from duty_tui.config.reader import ConfigError, Reader

DEFAULT_TEXT: Final = (
    "How did we do? Please react 👍 or 👎 to this message: it helps LAA Ops improve support."
)
TEXT_LIMIT: Final = 1000  # a short question, not an essay; Slack's own limit is far higher


@dataclass(frozen=True, slots=True)
class HappinessConfig:
    ask: bool = False
    text: str = DEFAULT_TEXT  # posted as typed (escaped for Slack), so it cannot mention or link by accident


def parse_happiness(r: Reader, t: Mapping[str, Any]) -> HappinessConfig:
    r.known(t, "happiness", {"ask", "text"})
    ask = t.get("ask", False)
    if not isinstance(ask, bool):
        raise ConfigError(f"{r.where}: [happiness] ask must be true or false (no quotes), not {ask!r}.")
    text = r.string(t, "happiness", "text", default=DEFAULT_TEXT)
    if not text:
        r.fail("happiness", "text", "is empty; write the question, or leave the key out for the default")
    if len(text) > TEXT_LIMIT:
        r.fail("happiness", "text", f"is {len(text)} characters long; keep it under {TEXT_LIMIT}")
    return HappinessConfig(ask=ask, text=text)
