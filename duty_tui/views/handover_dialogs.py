"""The dialogs the handover desk opens, built here so the desk never imports a view."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.screen import Screen

from duty_tui.models import ChatMessage


class HandoverDialogs:
    def __init__(self, now: Callable[[], datetime], zone: ZoneInfo, channel_name: Callable[[], str]) -> None:
        self.now = now
        self.zone = zone
        self.channel_name = channel_name

    def compose(self, draft: str) -> Screen[Any]:
        from duty_tui.views.handover import HandoverScreen

        return HandoverScreen(draft, self.channel_name())

    def view(self, message: ChatMessage, names: Mapping[str, str]) -> Screen[Any]:
        from duty_tui.views.handover import HandoverViewScreen

        return HandoverViewScreen(message, names, now=self.now(), zone=self.zone)
