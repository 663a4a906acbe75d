"""The status bar: the mode, whether the desk is open (a bank holiday by name) and until when, who covers
#laa-ops now, what needs the engineer, open incidents, each source's last sync, writes waiting.

It always fits one line: parts carry a priority, and when the terminal is narrow the least important
(why writes wait, the date, when the desk next opens or closes, who covers the channel, whether it is
open, DEMO) go first, then any that fit in the room a longer one left come back. A source's state, an
open incident and READ-ONLY never go; an overdue update, what needs you and writes waiting go last.
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
from duty_tui.rules.calendar import SupportState, next_change_words
from duty_tui.text.timefmt import day_clock

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
        self._fitted_for: tuple[tuple[_Part, ...], int] | None = None  # the parts and room last fitted

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
        covering: str | None = None,
        uncovered: bool = False,
        attention: tuple[int, str | None] = (0, None),
    ) -> None:
        """`covering`: who is on #laa-ops now, in words ("Aisha until 12:00"), shown as a warning when
        `uncovered` (nobody is nominated in support hours). `attention`: how many things need the
        engineer now, and the most urgent one in words."""
        parts = [_Part("duty-tui", "bold", 0)]
        if read_only:
            parts.append(_Part(" READ-ONLY ", "bold black on yellow", 0))
        if demo:
            parts.append(_Part(" DEMO ", "reverse", 2))
        parts.append(_Part(f"{now.astimezone(zone):%a %d %b %H:%M}", "", 6))
        parts += self._desk(now, zone, support, covering, uncovered=uncovered)
        count, urgent = attention
        if count > 0:
            parts.append(_Part(f"⚑ {count} need{'s' if count == 1 else ''} you", "bold black on orange", 1))
            if urgent:
                parts.append(_Part(text.one_line(urgent, 50, breaks=False), "bold orange", 2))
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
                parts.append(_Part(text.one_line(pending_note, None, breaks=False)[:60], "cyan", 7))
        self._parts = parts
        self._render_parts()

    @staticmethod
    def _desk(
        now: datetime, zone: ZoneInfo, support: SupportState, covering: str | None, *, uncovered: bool
    ) -> list[_Part]:
        """Whether the desk is open and until when, and who is on the channel."""
        parts = [
            _Part("● In hours", "green", 3) if support.open else _Part(f"○ {support.reason}", "yellow", 3)
        ]
        change = next_change_words(support, now, zone)
        if change:
            parts.append(_Part(f"· {change}", "dim", 5))
        if covering:
            words = f"Channel: {text.one_line(covering, 60, breaks=False)}"
            parts.append(_Part(words, "bold yellow", 2) if uncovered else _Part(words, "", 4))
        return parts

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
        # Every poll, tick and pending write asks: the same parts in the same room need no fitting again.
        fitted_for = (tuple(self._parts), room)
        if fitted_for == self._fitted_for:
            return
        self._fitted_for = fitted_for
        parts = _fitted(self._parts, room)
        pieces: list[str | tuple[str, str]] = []
        for part in parts:
            if pieces:
                pieces.append(SEPARATOR)
            pieces.append((part.text, part.style) if part.style else part.text)
        content = Content.assemble(*pieces)
        if content != self._shown:  # a poll that changes nothing here must not cost a repaint
            self._shown = content
            self.update(content, layout=False)  # one fixed line: no layout of the whole screen


def _fitted(given: list[_Part], room: int) -> list[_Part]:
    """The parts that fit in `room` cells: the least important go first (the rightmost of equals), then
    any that went but fit in the space a wider one left are put back, most important first."""
    widths = [cell_len(part.text) for part in given]
    if sum(widths) + cell_len(SEPARATOR) * (len(given) - 1) <= room:
        return list(given)  # everything fits: the common case, in one measure
    kept = list(range(len(given)))
    dropped: list[int] = []
    while kept and _width([given[i] for i in kept]) > room:
        drop = max(kept, key=lambda i: (given[i].priority, i))
        if given[drop].priority == 0:
            break  # never drop a source's state, an open incident, the mode or the name
        kept.remove(drop)
        dropped.append(drop)
    for index in sorted(dropped, key=lambda i: (given[i].priority, i)):
        trial = sorted([*kept, index])
        if _width([given[i] for i in trial]) <= room:
            kept = trial
    return [given[i] for i in kept]


def _width(parts: list[_Part]) -> int:
    return sum(cell_len(p.text) for p in parts) + cell_len(SEPARATOR) * (len(parts) - 1)
