"""Today's cover (the `D` key, from anywhere): the support sub-team and who is on #laa-ops in each period.

One small form: the engineer and the DBA assigned to support today and the 6DG duty consultant, then
one row per period of the day (`[cover] periods`; lunch in its two halves) naming who covers the channel,
each picked from the team (type a name's first letters in an open list to jump to it), and "post to
#laa-ops" so every dashboard adopts it. ctrl+s saves (dismisses a CoverDraft; the desk stores and posts
it), Esc cancels, asking first when anything changed.

Names are untrusted (Slack display names): shown as literal Content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Checkbox, Select, Static

from duty_tui.rules.cover import ROLES, Cover, CoverDraft, Slot
from duty_tui.text.timefmt import clock
from duty_tui.views.comment import DiscardScreen, cancel_editing
from duty_tui.views.dialog import Dialog
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.key_bar import KeyBar

NAME_LIMIT = 40
NOBODY = "nobody"


class DiscardCoverScreen(DiscardScreen):
    """ "Discard these changes? y/n", with the comment editor's keys and answers."""

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(("Discard these changes to the cover? ", "bold"), ("y/n", "$text-warning"))
        )
        yield KeyBar()


class CoverScreen(Dialog[CoverDraft | None]):
    """The cover form. Dismisses a CoverDraft on ctrl+s, None when cancelled."""

    DEFAULT_CSS = """
    CoverScreen { align: center middle; }
    CoverScreen > VerticalScroll { width: 72; max-width: 95%; height: auto; max-height: 95%;
                                   border: round $accent; background: $surface; padding: 0 1; }
    CoverScreen .heading { height: 1; margin-top: 1; text-style: bold; }
    CoverScreen .row { height: 1; margin-bottom: 1; }
    CoverScreen .row > .label { width: 24; color: $text-muted; }
    CoverScreen .row > Select { width: 1fr; }
    CoverScreen #cover-state { height: auto; color: $text-muted; }
    CoverScreen #cover-post { height: auto; border: none; padding: 0; }
    """
    AUTO_FOCUS = "#cover-engineer"
    BINDINGS: ClassVar[list[BindingType]] = bindings("cover.save", "cover.cancel")

    def __init__(
        self, cover: Cover, people: Sequence[tuple[str, str]], zone: ZoneInfo, *, can_post: bool = True
    ) -> None:
        super().__init__()
        self.cover = cover
        self.zone = zone
        self.can_post = can_post
        chosen = [cover.role(name) for name, _ in ROLES] + [slot.who for slot in cover.slots]
        self.people = list(dict(people).items())
        known = {user_id for user_id, _ in self.people}
        for user_id in chosen:  # someone named in an adopted cover the directory does not know (yet)
            if user_id and user_id not in known:
                self.people.append((user_id, user_id))
                known.add(user_id)
        self.roles = {
            name: self._select(f"cover-{name.replace('_', '-')}", cover.role(name)) for name, _ in ROLES
        }
        self.slots = [self._select(f"cover-period-{n}", slot.who) for n, slot in enumerate(cover.slots)]
        self.post = Checkbox(
            Content("Post to #laa-ops (every dashboard on the channel adopts it)"),
            can_post,
            disabled=not can_post,
            id="cover-post",
        )
        self.initial = self.draft()

    def _select(self, widget_id: str, value: str | None) -> Select[str]:
        return Select(
            [
                (content(name or user_id, single_line=True, limit=NAME_LIMIT), user_id)
                for user_id, name in self.people
            ],
            value=value if value is not None else Select.NULL,
            prompt=NOBODY,
            compact=True,
            id=widget_id,
        )

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = Content.assemble(("Today's cover", "bold"), f" · {self.cover.day:%a %d %b}")
            box.border_subtitle = "ctrl+s saves · Tab next · Enter opens a list · Esc cancels"
            state = self._state()
            if state:
                yield Static(content(state), id="cover-state")
            yield Static("Support sub-team", classes="heading", markup=False)
            for name, title in ROLES:
                with Horizontal(classes="row"):
                    yield Static(title, classes="label", markup=False)
                    yield self.roles[name]
            yield Static("Who is on #laa-ops", classes="heading", markup=False)
            for slot, select in zip(self.cover.slots, self.slots, strict=True):
                with Horizontal(classes="row"):
                    yield Static(slot.period.title, classes="label", markup=False)
                    yield select
            yield self.post
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def _state(self) -> str:
        cover = self.cover
        if not cover.is_set or cover.at is None:
            return "Nobody has set today's cover yet."
        by = f" by {cover.by}" if cover.by else ""
        where = (
            " (posting…)" if cover.pending else " (in #laa-ops)" if cover.ts else " (on this machine only)"
        )
        return f"Set{by} at {clock(cover.at, self.zone)}{where}."

    # -- state ----------------------------------------------------------------------------------

    @staticmethod
    def _value(select: Select[str]) -> str | None:
        value = select.value
        return value if isinstance(value, str) else None

    def draft(self) -> CoverDraft:
        people: dict[str, Any] = {name: self._value(select) for name, select in self.roles.items()}
        slots = tuple(
            Slot(slot.period, self._value(select))
            for slot, select in zip(self.cover.slots, self.slots, strict=True)
        )
        cover = replace(self.cover, slots=slots, **people)
        return CoverDraft(cover, bool(self.post.value) and self.can_post)

    # -- keys -----------------------------------------------------------------------------------

    def action_save(self) -> None:
        self.dismiss(self.draft())

    def action_cancel(self) -> None:
        cancel_editing(self, edited=self.draft() != self.initial, ask=DiscardCoverScreen())


def cover_form(
    cover: Cover, people: Sequence[tuple[str, str]], zone: ZoneInfo, *, can_post: bool
) -> Screen[Any]:
    """The form the cover desk opens (so the desk never imports a view)."""
    return CoverScreen(cover, people, zone, can_post=can_post)
