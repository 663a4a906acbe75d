"""The incident pane. Until the incident workflow lands it says that no incident is open, what counts
as a high-priority incident under the team's process, and which key will declare one."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from duty_tui.keymap import display_key

HIGH_PRIORITY = (
    "an outage, slowdown or degradation of a user-facing service",
    "a failure that stops a team from working",
    "a major vulnerability in the cloud platform",
)


class IncidentPane(VerticalScroll):
    """Pane 3."""

    DEFAULT_CSS = """
    IncidentPane { height: 1fr; padding: 0 1; }
    IncidentPane > Static { width: 1fr; }
    """
    can_focus = True

    def __init__(self, declare_key: str = "D") -> None:
        super().__init__(id="incident", classes="pane")
        self.declare_key = declare_key
        self.body = Static(id="incident-body")

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.body

    def on_mount(self) -> None:
        self.border_title = Content.assemble(("3 ", "bold"), ("Incident", "bold"), " · none open")
        lines: list[str | tuple[str, str]] = [
            ("No incident in progress.\n", "bold green"),
            "High priority means:\n",
        ]
        lines += [f" • {item}\n" for item in HIGH_PRIORITY]
        lines.append(
            (
                f"{display_key(self.declare_key)} will declare one here once the incident workflow ships.",
                "dim",
            )
        )
        self.body.update(Content.assemble(*lines))
