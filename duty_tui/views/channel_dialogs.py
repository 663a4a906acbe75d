"""The dialogs the channel desk opens, built here so the desk never imports a view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.screen import Screen

from duty_tui.models import ChatMessage
from duty_tui.text import NameLookup


class ChannelDialogs:
    def __init__(self, now: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.now = now
        self.zone = zone

    def thread(
        self, message: ChatMessage, names: NameLookup, load: Callable[[], list[ChatMessage]] | None
    ) -> Screen[None]:
        from duty_tui.views.thread import ThreadScreen

        return ThreadScreen(message, names, load, self.now, self.zone)
