"""Add or edit one postmortem improvement: the action, its owner, its priority and its status.

Opened from the postmortem screen (`a` adds, Enter edits). The action is focused first and is the only
required field; the owner is picked from the people (the team first) or left to nobody; the priority
defaults to medium. ctrl+s dismisses the Improvement (an edited one keeps its id, ticket and raising
state; a new one gets a fresh id), Esc cancels, asking first when anything was typed or changed.

The owner keeps both the person's name (the draft shows it) and their Jira account id (a ticket raised
for the improvement is assigned to it). Names, the action and the incident's title are untrusted: shown
as literal Content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar
from uuid import uuid4

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Select, Static

from duty_tui import text
from duty_tui.rules.postmortem import (
    IMPROVEMENT_PRIORITIES,
    IMPROVEMENT_STATUSES,
    Improvement,
    ImprovementStatus,
)
from duty_tui.views.comment import DiscardScreen, cancel_editing
from duty_tui.views.dialog import Dialog
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainInput
from duty_tui.widgets.key_bar import KeyBar

TITLE_LIMIT = 120
NAME_LIMIT = 60
DEFAULT_PRIORITY = "medium"
# The owner option of an edited improvement whose owner has no Jira account (a name or a Slack id from
# before accounts were kept): choosing it keeps that owner as it was.
KEEP_OWNER = ""


class DiscardImprovementScreen(DiscardScreen):
    """ "Discard this improvement? y/n", with the comment editor's keys and answers."""

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Discard this improvement? ", "bold"), ("y/n", "$text-warning")))
        yield KeyBar()


def _choices(values: Sequence[str], current: str | None) -> list[str]:
    """The known values, plus `current` first when it is not one of them (an edit never loses it)."""
    return list(values) if current is None or current in values else [current, *values]


class ImprovementScreen(Dialog[Improvement | None]):
    """The improvement form. Dismisses the Improvement on ctrl+s, None when cancelled."""

    DEFAULT_CSS = """
    ImprovementScreen { align: center middle; }
    ImprovementScreen > VerticalScroll { width: 90; max-width: 95%; height: auto; max-height: 95%;
                                         border: round $accent; background: $surface; padding: 0 1; }
    ImprovementScreen .label { height: 1; color: $text-muted; }
    """
    AUTO_FOCUS = "#improvement-action"
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "postmortem.improvement_save", "postmortem.improvement_cancel"
    )

    def __init__(
        self,
        improvement: Improvement | None,
        people: Sequence[tuple[str, str]],
        *,
        incident_title: str = "",
    ) -> None:
        super().__init__()
        self.improvement = improvement
        self.incident_title = incident_title
        # account id → name, in the order given (the team first), each account once.
        self.people: dict[str, str] = {}
        for account, name in people:
            if account and account not in self.people:
                self.people[account] = name or account
        initial_owner: str | None = None
        if improvement is not None and improvement.owner_account:
            initial_owner = improvement.owner_account
            if initial_owner not in self.people:  # no longer listed: still offered, so it is kept
                self.people = {initial_owner: improvement.owner or initial_owner, **self.people}
        elif improvement is not None and improvement.owner:
            initial_owner = KEEP_OWNER
        options: list[tuple[Content, str]] = []
        if initial_owner == KEEP_OWNER and improvement is not None:
            shown = content(improvement.owner, single_line=True, limit=NAME_LIMIT)
            options.append((Content.assemble(shown, ("  (no Jira account)", "$text-muted")), KEEP_OWNER))
        options += [
            (content(name, single_line=True, limit=NAME_LIMIT), account)
            for account, name in self.people.items()
        ]
        self.initial_owner = initial_owner
        self.initial_action = text.one_line(improvement.action, None, breaks=False) if improvement else ""
        self.initial_priority = improvement.priority if improvement else DEFAULT_PRIORITY
        self.initial_status: str = improvement.status if improvement else IMPROVEMENT_STATUSES[0]

        self.action_input = PlainInput(
            self.initial_action, placeholder="What will be done (one line)", id="improvement-action"
        )
        self.owner = Select(
            options,
            value=initial_owner if initial_owner is not None else Select.NULL,
            allow_blank=True,
            prompt="No owner yet",
            id="improvement-owner",
        )
        self.priority = Select(
            [
                (content(p, single_line=True, limit=NAME_LIMIT), p)
                for p in _choices(IMPROVEMENT_PRIORITIES, self.initial_priority)
            ],
            value=self.initial_priority,
            allow_blank=False,
            id="improvement-priority",
        )
        self.status = Select(
            [
                (content(s, single_line=True, limit=NAME_LIMIT), s)
                for s in _choices(IMPROVEMENT_STATUSES, self.initial_status)
            ],
            value=self.initial_status,
            allow_blank=False,
            id="improvement-status",
        )

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            verb = "Edit the improvement" if self.improvement is not None else "Add an improvement"
            box.border_title = Content.assemble(
                (verb, "bold"),
                " · ",
                content(self.incident_title or "(untitled)", single_line=True, limit=TITLE_LIMIT),
            )
            box.border_subtitle = "ctrl+s saves · Tab next field · Esc cancels"
            yield Static("Action", classes="label", markup=False)
            yield self.action_input
            yield Static("Owner (a raised ticket is assigned to them)", classes="label", markup=False)
            yield self.owner
            yield Static("Priority", classes="label", markup=False)
            yield self.priority
            yield Static("Status", classes="label", markup=False)
            yield self.status
        yield KeyBar()  # this screen's keys, not the postmortem's underneath

    # -- state ----------------------------------------------------------------------------------

    def typed_action(self) -> str:
        return text.one_line(self.action_input.value, None, breaks=False).strip()

    def chosen_owner(self) -> str | None:
        value = self.owner.value
        return value if isinstance(value, str) else None

    def chosen(self, select: Select[str], fallback: str) -> str:
        value = select.value
        return value if isinstance(value, str) else fallback

    def edited(self) -> bool:
        return (
            self.typed_action() != self.initial_action.strip()
            or self.chosen_owner() != self.initial_owner
            or self.chosen(self.priority, self.initial_priority) != self.initial_priority
            or self.chosen(self.status, self.initial_status) != self.initial_status
        )

    def result(self, action: str) -> Improvement:
        """The improvement as the form says, keeping the edited one's id, ticket and raising state."""
        before = self.improvement
        account = self.chosen_owner()
        if account == KEEP_OWNER and before is not None:
            owner, owner_account = before.owner, None
        elif account:
            owner, owner_account = self.people.get(account, account), account
        else:
            owner, owner_account = "", None
        status_value = self.chosen(self.status, self.initial_status)
        status: ImprovementStatus = next(
            (s for s in IMPROVEMENT_STATUSES if s == status_value),
            before.status if before is not None else IMPROVEMENT_STATUSES[0],
        )
        return Improvement(
            action=action,
            owner=owner,
            priority=self.chosen(self.priority, self.initial_priority),
            status=status,
            ticket=before.ticket if before is not None else None,
            owner_account=owner_account,
            id=before.id if before is not None else uuid4().hex,
            raising=before.raising if before is not None else False,
        )

    # -- keys -----------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter in the action: on to the owner (ctrl+s saves)
        self.focus_next()

    def action_save(self) -> None:
        action = self.typed_action()
        if not action:
            self.notify("An improvement needs an action", severity="warning", markup=False)
            self.action_input.focus()
            return
        self.dismiss(self.result(action))

    def action_cancel(self) -> None:
        cancel_editing(self, edited=self.edited(), ask=DiscardImprovementScreen(), back_to=self.action_input)
