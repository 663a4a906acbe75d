"""The help screen: how users get support and who they escalate to (`[contacts]`), every key binding in
force, grouped by where it works, and what each pane is for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from duty_tui.config.cover import EscalationContact
from duty_tui.keymap import KEYS, display_key
from duty_tui.views.dialog import Dialog
from duty_tui.views.kept import keep_installed
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.key_bar import KeyBar

PANES = (
    (
        "1 Tickets",
        "Unassigned, not-done tickets of the AWS Ops and 6DG Ops boards (6DG: component "
        "laa-6dg-support), most severe first. The team acknowledges every ticket within 2 hours.",
    ),
    (
        "2 #laa-ops",
        "The support channel, newest at the bottom; 💬 shows thread replies. Keep quick help "
        "(under 15 minutes) here; raise a Jira ticket for anything longer.",
    ),
    ("3 Incident", "The incident in progress: declare, lead, updates, resolve, postmortem."),
    (
        "4 Checklist",
        "Start-of-day, during-hours and end-of-day duties; Space ticks. A new day starts unticked.",
    ),
)


@dataclass(frozen=True, slots=True)
class SupportWays:
    """How users get support ((what, link) lines: the channel, each board) and who they escalate to."""

    ways: Sequence[tuple[str, str]] = ()
    escalation: Sequence[EscalationContact] = ()


class HelpScreen(Dialog[None]):
    """Keys and panes. Any of Esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 95%; height: 85%; border: round $accent;
                                  background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings("help.close")

    def __init__(self, keys: Mapping[str, str], *, support: SupportWays | None = None) -> None:
        super().__init__()
        self.keys = dict(keys)
        self.support = support or SupportWays()

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys and help"
            yield Static(self.body(), id="help-body")
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def on_mount(self) -> None:
        keep_installed(self)

    def reopen(self, keys: Mapping[str, str], support: SupportWays) -> None:
        """Shown again (kept: laying out and wrapping the whole text again took 60–200 ms over a busy
        dashboard): from the top, the text made again only if the keys or the contacts changed."""
        self.query_one(VerticalScroll).scroll_home(animate=False, immediate=True)  # before its first frame
        if dict(keys) != self.keys or support != self.support:
            self.keys, self.support = dict(keys), support
            self.query_one("#help-body", Static).update(self.body())

    def body(self) -> Content:
        parts: list[str | tuple[str, str] | Content] = self.getting_support()
        scope = None
        for spec in KEYS:
            if spec.scope != scope:
                scope = spec.scope
                parts.append((f"\n{scope}\n", "bold underline"))
            keys = display_key(self.keys.get(spec.id, spec.keys))
            parts.append((f"  {keys:<14}", "bold"))
            parts.append(f"{spec.description}")
            parts.append((f"  [{spec.id}]\n", "dim"))
        parts.append(
            ("\nCommand palette: ctrl+p. Remap any key by id in the [keys] table of the config.\n", "dim")
        )
        parts.append(("\nPanes\n", "bold underline"))
        for title, description in PANES:
            parts.append((f"  {title}: ", "bold"))
            parts.append(description + "\n")
        return Content.assemble(*parts)

    def getting_support(self) -> list[str | tuple[str, str] | Content]:
        """The ways to get support, each a link (click to open), then who to escalate to."""
        support = self.support
        if not support.ways and not support.escalation:
            return []
        parts: list[str | tuple[str, str] | Content] = [("Getting support\n", "bold underline")]
        for what, link in support.ways:
            parts += ["  ", Content(what).stylize(Style(underline=True, link=link)), "\n"]
        if support.escalation:
            parts.append(("  Escalation", "bold"))
            parts.append(": ask for an update in the channel first; otherwise contact\n")
            for contact in support.escalation:
                parts.append(f"    {contact.name}")
                details = [
                    d for d in (contact.role, contact.phone, contact.slack and f"Slack {contact.slack}") if d
                ]
                if details:
                    parts.append((f" ({', '.join(details)})", "dim"))
                parts.append("\n")
        else:
            parts.append(("  No escalation contacts yet: add them under [contacts] in the config.\n", "dim"))
        return parts

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
