"""Assign a ticket to someone: type to search, Enter picks (the `a` key of the tickets pane).

The list shows at once from the cache of assignable people; when a loader is given, a fresh list is read
on a background thread (`views.fetch`) and replaces it without losing what the engineer typed or who is
highlighted. A failing refresh says so in one line and the cached list stays usable.

Names and emails are untrusted (any Jira user chooses their own display name), so the highlighted
matches are styled spans over a sanitized plain string: nothing here is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from duty_tui import text
from duty_tui.models import Person
from duty_tui.views.dialog import Dialog
from duty_tui.views.fetch import fetch
from duty_tui.views.kept import keep_installed
from duty_tui.views.picker import OptionPicker
from duty_tui.widgets.bindings import bindings
from duty_tui.widgets.content import content
from duty_tui.widgets.editors import PlainInput
from duty_tui.widgets.key_bar import KeyBar

RECENT_LIMIT = 5  # only the last few count as "recent": a long-lived cache would otherwise bury the team
NAME_LIMIT = 60
EMAIL_LIMIT = 60
MATCH_STYLE = "bold underline $text-accent"
EMAIL_PENALTY = 0.9  # a name hit beats an equally good email hit
NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Hit:
    """How well one person matches the query, and which characters of the shown strings matched."""

    score: float
    name: tuple[int, ...] = ()
    email: tuple[int, ...] = ()


# Cached: every keystroke matches everyone, and sanitizing is the costly part of that.
@lru_cache(maxsize=4096)
def shown_name(person: Person) -> str:
    return text.one_line(person.name, NAME_LIMIT) or "(no name)"


@lru_cache(maxsize=4096)
def shown_email(person: Person) -> str:
    return text.one_line(person.email or "", EMAIL_LIMIT)


def fuzzy(query: str, candidate: str) -> tuple[float, tuple[int, ...]] | None:
    """Score `candidate` against `query` (case-insensitive subsequence); None when it does not match.

    Linear in the candidate (unlike textual.fuzzy, whose search is exponential in repeated letters, and
    whose highlight parses the candidate as markup). Contiguous runs and word starts score higher.
    """
    needle = "".join(query.lower().split())
    if not needle:
        return 0.0, ()
    # One character per character, so offsets in `hay` are offsets in `candidate`.
    hay = "".join(char.lower()[0] for char in candidate)
    tries: list[tuple[int, ...]] = []
    start = hay.find(needle)
    while start != -1 and len(tries) < 8:  # each occurrence: a later one may start a word
        tries.append(tuple(range(start, start + len(needle))))
        start = hay.find(needle, start + 1)
    if not tries:
        tries.append(_word_starts(hay, needle, candidate))
    return max(((_score(candidate, p), p) for p in tries if p), default=None)


def _is_word_start(candidate: str, index: int) -> bool:
    return (
        index == 0
        or not candidate[index - 1].isalnum()
        or (candidate[index].isupper() and candidate[index - 1].islower())
    )


def _word_starts(hay: str, needle: str, candidate: str) -> tuple[int, ...]:
    """A subsequence preferring the next word start for each character ("pp" → Priya Patel); () if none."""
    positions: list[int] = []
    index = 0
    for char in needle:
        found = probe = hay.find(char, index)
        while probe != -1 and not _is_word_start(candidate, probe):
            probe = hay.find(char, probe + 1)
        index = probe if probe != -1 else found
        if index == -1:
            return ()
        positions.append(index)
        index += 1
    return tuple(positions)


def _score(candidate: str, positions: tuple[int, ...]) -> float:
    score = 0.0
    for number, index in enumerate(positions):
        score += 1.0
        if _is_word_start(candidate, index):
            score += 3.0 if index == 0 else 2.0
        if number and positions[number - 1] == index - 1:
            score += 1.5
    return score - 0.05 * (positions[-1] - positions[0] + 1 - len(positions))


def match(person: Person, query: str) -> Hit | None:
    by_name = fuzzy(query, shown_name(person))
    by_email = fuzzy(query, shown_email(person))
    if by_name is None and by_email is None:
        return None
    name_score = by_name[0] if by_name else 0.0
    email_score = by_email[0] * EMAIL_PENALTY if by_email else 0.0
    return Hit(max(name_score, email_score), by_name[1] if by_name else (), by_email[1] if by_email else ())


def recent_ids(people: Iterable[Person]) -> list[str]:
    used = sorted((p for p in people if p.last_used is not None), key=lambda p: p.last_used or NEVER)
    return [p.account_id for p in reversed(used[-RECENT_LIMIT:])]


def ordered(people: Sequence[Person], query: str) -> list[tuple[Person, Hit]]:
    """Empty query: recent (newest first), team, everyone else (each A–Z). Else best match first."""
    if not "".join(query.split()):
        rank = {account_id: n for n, account_id in enumerate(recent_ids(people))}

        def place(p: Person) -> tuple[int, bool, str]:
            return rank.get(p.account_id, len(rank)), not p.is_team, shown_name(p).casefold()

        return [(p, Hit(0.0)) for p in sorted(people, key=place)]
    hits = [(p, hit) for p in people if (hit := match(p, query)) is not None]
    return sorted(
        hits, key=lambda pair: (-pair[1].score, not pair[0].is_team, shown_name(pair[0]).casefold())
    )


def merge(cached: Sequence[Person], fresh: Sequence[Person]) -> list[Person]:
    """Everyone known, Jira's fresh answer winning; keep the cache's memory of when each was last used.

    A search answers only for its query (and Jira caps every answer), so nobody is dropped."""
    used = {p.account_id: p.last_used for p in cached if p.last_used is not None}
    return [
        replace(p, last_used=used[p.account_id]) if p.last_used is None and p.account_id in used else p
        for p in _unique([*cached, *fresh])
    ]


def _unique(people: Iterable[Person]) -> list[Person]:
    return list({person.account_id: person for person in people}.values())


def _marked(value: str, positions: tuple[int, ...], style: str) -> Content:
    content = Content(value, strip_control_codes=False)  # already sanitized by shown_name/shown_email
    content = content.stylize(style) if style else content
    for index in positions:
        if not value[index].isspace():
            content = content.stylize(MATCH_STYLE, index, index + 1)
    return content


MIN_SEARCH = 2  # characters typed before Jira is asked
SEARCH_DELAY = 0.35  # seconds of quiet typing before Jira is asked


class AssignScreen(OptionPicker, Dialog[Person | None]):
    """Pick an assignee. Enter assigns the highlighted person, Esc cancels (dismisses None)."""

    DEFAULT_CSS = """
    AssignScreen { align: center middle; }
    AssignScreen > Vertical { width: 84; max-width: 95%; height: 80%; border: round $accent;
                              background: $surface; padding: 0 1; }
    AssignScreen #assign-people { height: 1fr; border: none; padding: 0; background: $surface; }
    AssignScreen #assign-state { height: auto; color: $text-muted; }
    """
    AUTO_FOCUS = "#assign-query"
    # Priority: the Input has focus (typing is the point) and binds enter and ctrl+k itself.
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "assign.pick", "assign.down", "assign.up", "assign.page_down", "assign.page_up", "assign.cancel"
    )

    def __init__(
        self,
        ticket_key: str,
        people: Sequence[Person],
        *,
        load: Callable[[str], Sequence[Person]] | None = None,
        current_assignee_id: str | None = None,
    ) -> None:
        super().__init__()
        self._for_ticket(ticket_key, people, load, current_assignee_id)
        self.shown: list[Person] = []
        self.recent: set[str] = set()
        self._search_timer: Timer | None = None
        self.query_input = PlainInput(placeholder="Type a name or email", id="assign-query")
        self.options = OptionList(id="assign-people")
        self.options.can_focus = False  # focus stays in the Input; the keys above move the highlight
        self.state = Static("", id="assign-state")
        self.box = Vertical()
        self.opening = 0  # how many times the dialog was opened: an answer for an earlier one is dropped

    def compose(self) -> ComposeResult:
        with self.box:
            self.box.border_title = self.title_for()
            self.box.border_subtitle = "Enter assigns · ↑↓ move · Esc cancels"
            yield self.query_input
            yield self.state
            yield self.options
        yield KeyBar()  # this screen's keys, not the dashboard's underneath

    def title_for(self) -> Content:
        return Content.assemble(("Assign ", "bold"), content(self.ticket_key, "bold"))

    def on_mount(self) -> None:
        keep_installed(self)
        self.show(keep=self.current_assignee_id)
        if self.load is not None:
            self.refresh_people(self.load, "")

    def reopen(
        self,
        ticket_key: str,
        people: Sequence[Person],
        *,
        load: Callable[[str], Sequence[Person]] | None = None,
        current_assignee_id: str | None = None,
    ) -> None:
        """The kept picker (`views.kept`) opened again for another ticket, as a new one would open."""
        self.opening += 1
        self._stop_search()
        self._for_ticket(ticket_key, people, load, current_assignee_id)
        self.box.border_title = self.title_for()
        with self.query_input.prevent(Input.Changed):  # the last search is not a search for this one
            self.query_input.value = ""
        self.show(keep=current_assignee_id)
        if load is not None:
            self.refresh_people(load, "")
        self.set_focus(None)  # as it shows, Textual focuses AUTO_FOCUS, as for a new dialog

    def _for_ticket(
        self,
        ticket_key: str,
        people: Sequence[Person],
        load: Callable[[str], Sequence[Person]] | None,
        current_assignee_id: str | None,
    ) -> None:
        """What one opening is about: built, and again each time the kept picker reopens."""
        self.ticket_key, self.people, self.load = ticket_key, _unique(people), load
        self.current_assignee_id = current_assignee_id
        self.failure: str | None = None
        self.refreshing = load is not None

    def on_screen_suspend(self) -> None:
        """Closed (kept, not removed): a search still waiting for the typing to pause is not sent."""
        self._stop_search()

    def _stop_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None

    # -- the list -------------------------------------------------------------------------------

    def show(self, keep: str | None = None) -> None:
        """Rebuild the options for the current query; keep `keep` highlighted if it is still listed."""
        query = self.query_input.value
        self.recent = set(recent_ids(self.people))
        pairs = ordered(self.people, query)
        self.shown = [person for person, _ in pairs]
        self.options.set_options(Option(self.prompt(p, hit)) for p, hit in pairs)
        ids = [p.account_id for p in self.shown]
        if self.shown:
            self.options.highlighted = ids.index(keep) if keep in ids else 0
        self.show_state(query)

    def prompt(self, person: Person, hit: Hit) -> Content:
        parts: list[Content | str | tuple[str, str]] = [_marked(shown_name(person), hit.name, "bold")]
        email = shown_email(person)
        if email:
            parts += ["  ", _marked(email, hit.email, "dim")]
        if person.is_team:
            parts += ["  ", ("team", "$text-accent")]
        if person.account_id in self.recent:
            parts += ["  ", ("recent", "$text-secondary")]
        if person.account_id == self.current_assignee_id:
            parts += ["  ", ("(current)", "bold $text-success")]
        return Content.assemble(*parts)

    def show_state(self, query: str) -> None:
        lines: list[Content] = []
        if self.failure is not None:
            lines.append(
                Content.assemble(("Could not refresh the list: ", "$text-error"), content(self.failure))
            )
        if not self.shown and query.strip():
            lines.append(Content.assemble("No one matches “", content(query, single_line=True), "”."))
        elif not self.shown:
            lines.append(Content("Loading people…" if self.refreshing else "No one can be assigned."))
        elif self.refreshing:
            lines.append(Content("Refreshing the list…"))
        self.state.update(Content("\n").join(lines))
        self.state.display = bool(lines)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show()
        # Jira answers any one search with a capped list: ask it about what is typed, once typing pauses.
        if self._search_timer is not None:
            self._search_timer.stop()
        query = event.value.strip()
        if self.load is not None and len(query) >= MIN_SEARCH:
            load = self.load
            self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.refresh_people(load, query))

    # -- refreshing from Jira -------------------------------------------------------------------

    def refresh_people(self, load: Callable[[str], Sequence[Person]], query: str) -> None:
        self.refreshing = True
        opening = self.opening

        def refreshed(people: list[Person]) -> None:
            if opening == self.opening:
                self.refreshed(people)

        def failed(error: BaseException) -> None:
            if opening == self.opening:
                self.refresh_failed(error)

        fetch(self, lambda: list(load(query)), refreshed, failed)

    def refreshed(self, people: list[Person]) -> None:
        highlighted = self.highlighted_person()
        self.refreshing = False
        self.people = merge(self.people, people)
        self.failure = None
        self.show(keep=highlighted.account_id if highlighted else self.current_assignee_id)

    def refresh_failed(self, error: BaseException) -> None:
        highlighted = self.highlighted_person()
        self.refreshing = False
        self.failure = text.error_sentence(error)
        self.show(keep=highlighted.account_id if highlighted else self.current_assignee_id)

    # -- keys -----------------------------------------------------------------------------------

    def highlighted_person(self) -> Person | None:
        person: Person | None = self.highlighted_item()
        return person
