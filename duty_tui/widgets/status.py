"""The status bar: the support day, whether the desk is open, and each source's last sync."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.content import Content
from textual.widgets import Static

from duty_tui.duty.calendar import SupportState
from duty_tui.models import SourceStatus
from duty_tui.timefmt import clock, day_clock

SOURCE_LABELS = {"jira": "Jira", "slack": "Slack"}


class StatusBar(Static):
    """One line at the top of the screen."""

    DEFAULT_CSS = """
    StatusBar { dock: top; height: 1; padding: 0 1; background: $panel; color: $foreground; }
    """
    _shown: Content | None = None

    def show(
        self,
        now: datetime,
        zone: ZoneInfo,
        support: SupportState,
        statuses: Mapping[str, SourceStatus],
        *,
        refreshing: Collection[str] = (),
        read_only: bool = False,
        demo: bool = False,
    ) -> None:
        local = now.astimezone(zone)
        parts: list[str | tuple[str, str] | Content] = [("duty-tui", "bold"), f"  {local:%a %d %b %H:%M}  "]
        if demo:
            parts.append((" DEMO ", "reverse"))
            parts.append("  ")
        if support.open and support.closes_at is not None:
            parts.append(("● ", "green"))
            parts.append(f"In support hours until {clock(support.closes_at, zone)}")
        else:
            parts.append(("○ ", "yellow"))
            parts.append(support.reason)
            if support.opens_at is not None:
                parts.append((f" · opens {day_clock(support.opens_at, now, zone)}", "dim"))
        for source, label in SOURCE_LABELS.items():
            parts.append("   ")
            if source in refreshing:
                parts.append((f"{label} ⟳ polling…", "bold cyan"))
            else:
                parts.extend(self._source(label, statuses.get(source), now, zone))
        if read_only:
            parts.append(("   READ-ONLY", "bold yellow"))
        content = Content.assemble(*parts)
        if content != self._shown:  # a poll that changes nothing here must not cost a repaint
            self._shown = content
            self.update(content, layout=False)  # one fixed line: no layout of the whole screen

    @staticmethod
    def _source(
        label: str, status: SourceStatus | None, now: datetime, zone: ZoneInfo
    ) -> list[str | tuple[str, str]]:
        if status is None or (status.last_success is None and status.error is None):
            return [(f"{label} …", "dim")]
        if status.error is not None:
            since = f" since {clock(status.last_success, zone)}" if status.last_success else ""
            return [(f"{label} ✗", "bold red"), (f" stale{since}", "red")]
        assert status.last_success is not None
        return [(f"{label} ✓", "green"), (f" {day_clock(status.last_success, now, zone)}", "dim")]
