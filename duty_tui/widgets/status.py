"""The status bar: the mode, whether the desk is open, each source's last sync, writes waiting.

It always fits one line: parts carry a priority, and when the terminal is narrow the least
important (the date, when the desk opens) go first, so a source's state and READ-ONLY never do.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widgets import Static

from duty_tui import text
from duty_tui.models import SourceStatus
from duty_tui.rules.calendar import SupportState
from duty_tui.text.timefmt import clock, day_clock

SOURCE_LABELS = {"jira": "Jira", "slack": "Slack"}
SEPARATOR = "  "


@dataclass(frozen=True, slots=True)
class _Part:
    text: str
    style: str
    priority: int  # lower survives longer


class StatusBar(Static):
    """One line at the top of the screen."""

    DEFAULT_CSS = """
    StatusBar { dock: top; height: 1; padding: 0 1; background: $panel; color: $foreground; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[_Part] = []
        self._shown: Content | None = None

    def show(
        self,
        now: datetime,
        zone: ZoneInfo,
        support: SupportState,
        statuses: Mapping[str, SourceStatus],
        *,
        refreshing: Collection[str] = (),
        pending_writes: int = 0,
        pending_note: str | None = None,
        read_only: bool = False,
        demo: bool = False,
        incidents: int = 0,
        overdue_update: str | None = None,
    ) -> None:
        parts = [_Part("duty-tui", "bold", 0)]
        if read_only:
            parts.append(_Part(" READ-ONLY ", "bold black on yellow", 0))
        if demo:
            parts.append(_Part(" DEMO ", "reverse", 1))
        parts.append(_Part(f"{now.astimezone(zone):%a %d %b %H:%M}", "", 4))
        if support.open and support.closes_at is not None:
            parts.append(_Part(f"● In hours until {clock(support.closes_at, zone)}", "green", 2))
        else:
            parts.append(_Part(f"○ {support.reason}", "yellow", 2))
            if support.opens_at is not None:
                parts.append(_Part(f"opens {day_clock(support.opens_at, now, zone)}", "dim", 3))
        if incidents:  # on every screen: an incident is the one thing nobody may lose sight of
            plural = "s" if incidents != 1 else ""
            parts.append(_Part(f"🚨 {incidents} incident{plural} open", "bold white on red", 0))
            if overdue_update:
                title = text.one_line(overdue_update, 40, breaks=False)
                parts.append(_Part(f"update overdue: {title}", "bold red", 1))
        for source, label in SOURCE_LABELS.items():
            parts.append(self._source(label, statuses.get(source), source in refreshing, now, zone))
        if pending_writes:
            plural = "s" if pending_writes != 1 else ""
            parts.append(_Part(f"⟳ {pending_writes} write{plural} pending", "bold cyan", 1))
            if pending_note:  # why they wait: dropped first when the line is short
                parts.append(_Part(text.one_line(pending_note, None, breaks=False)[:60], "cyan", 5))
        self._parts = parts
        self._render_parts()

    @staticmethod
    def _source(
        label: str, status: SourceStatus | None, refreshing: bool, now: datetime, zone: ZoneInfo
    ) -> _Part:
        if refreshing:
            return _Part(f"{label} ⟳", "bold cyan", 0)
        if status is None or (status.last_success is None and status.error is None):
            return _Part(f"{label} …", "dim", 0)
        if status.error is not None:
            since = (
                f" since {day_clock(status.last_success, now, zone)}"
                if status.last_success
                else " never synced"
            )
            return _Part(f"{label} ✗{since}", "bold red", 0)
        assert status.last_success is not None
        return _Part(f"{label} ✓ {day_clock(status.last_success, now, zone)}", "green", 0)

    def on_resize(self, event: events.Resize) -> None:
        self._render_parts()

    def _render_parts(self) -> None:
        room = max(self.size.width - 2, 20) if self.size.width else 200
        parts = list(self._parts)
        while parts and _width(parts) > room:
            drop = max(range(len(parts)), key=lambda i: (parts[i].priority, i))
            if parts[drop].priority == 0:
                break  # never drop a source's state, the mode or the name
            del parts[drop]
        pieces: list[str | tuple[str, str]] = []
        for part in parts:
            if pieces:
                pieces.append(SEPARATOR)
            pieces.append((part.text, part.style) if part.style else part.text)
        content = Content.assemble(*pieces)
        if content != self._shown:  # a poll that changes nothing here must not cost a repaint
            self._shown = content
            self.update(content, layout=False)  # one fixed line: no layout of the whole screen


def _width(parts: list[_Part]) -> int:
    return sum(cell_len(p.text) for p in parts) + cell_len(SEPARATOR) * (len(parts) - 1)
