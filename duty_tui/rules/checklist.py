"""The duty checklist: groups of items by who does them, the day's ticks, and what the day asks when.

The shipped groups are in `data/checklists.toml`; an engineer's own file replaces them (read by
`config.checklist`). Ticks belong to a support day (the local date in the support time zone) and are
keyed by item id, so a new day starts unticked, and an edited list keeps today's ticks for the items
that are still there. Each item may name the place it opens (`Target`); where the app can see that an
item's work is done (`Evidence`), it offers the tick and never makes it. Pure: every function that
depends on the time takes `now`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from duty_tui.models import ChecklistItem, ChecklistSection, ChecklistTick
from duty_tui.rules.calendar import SupportCalendar

START, END = "start", "end"  # a group's `when`: the start-of-day and the end-of-day lists
WHEN = (START, END)
SECTION_KEYS = frozenset({"id", "title", "when", "items"})
ITEM_KEYS = frozenset({"id", "text", "opens"})


class ChecklistDataError(ValueError):
    """A checklist file is malformed; the message is one sentence naming the problem."""


class Place(StrEnum):
    """Where `enter` on an item takes the engineer."""

    CHANNEL = "channel"  # the channel pane, at the first unread message
    BOARD = "board"  # "board:<id>": the tickets pane, that board's unassigned tickets
    TICKETS = "tickets"  # the tickets pane, every board's unassigned tickets
    UNACKNOWLEDGED = "unacknowledged"  # the tickets nobody has acknowledged yet, soonest deadline first
    INCIDENTS = "incidents"  # the incident pane
    HANDOVER = "handover"  # the latest handover
    HANDOVER_COMPOSE = "handover-compose"  # the handover composer


@dataclass(frozen=True, slots=True)
class Target:
    place: Place
    board: int | None = None  # the Jira board id, for Place.BOARD


PLACES = ", ".join(f'"{p.value}:<board id>"' if p is Place.BOARD else f'"{p.value}"' for p in Place)


def parse_target(value: str) -> Target:
    """ "channel", "board:262", … → Target; ChecklistDataError naming the choices otherwise."""
    name, colon, rest = value.strip().partition(":")
    try:
        place = Place(name)
    except ValueError:
        place = None
    if place is Place.BOARD and rest.strip().isdigit():
        return Target(place, int(rest))
    if place is not None and place is not Place.BOARD and not colon:
        return Target(place)
    raise ChecklistDataError(f'opens = "{value}" is not a place duty-tui knows; use one of {PLACES}')


def target_of(item: ChecklistItem) -> Target | None:
    return parse_target(item.opens) if item.opens else None


# -- reading a checklist file -------------------------------------------------------------------------


def parse_sections(text: str) -> tuple[ChecklistSection, ...]:
    """Parse checklist TOML (`[[section]]` tables with `items`), or raise ChecklistDataError whose message
    is one sentence saying what is wrong and where."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ChecklistDataError(f"it is not valid TOML ({error})") from error
    unknown = sorted(set(raw) - {"section"})
    if unknown:
        raise ChecklistDataError(f'it has "{unknown[0]}" where only [[section]] tables belong')
    entries = raw.get("section")
    if not isinstance(entries, list) or not entries:
        raise ChecklistDataError("it has no [[section]] tables")
    sections = tuple(_section(entry, number) for number, entry in enumerate(entries, 1))
    seen: set[str] = set()
    for item in (item for section in sections for item in section.items):
        if item.id in seen:
            raise ChecklistDataError(f'item id "{item.id}" is used twice; each item id must be unique')
        seen.add(item.id)
    ids = [section.id for section in sections]
    if len(ids) != len(set(ids)):
        raise ChecklistDataError("two sections share an id; each section id must be unique")
    return sections


def _section(entry: Any, number: int) -> ChecklistSection:
    where = f"section {number}"
    if not isinstance(entry, dict):
        raise ChecklistDataError(f"{where} is not a [[section]] table")
    _known(entry, SECTION_KEYS, where)
    section_id = _text(entry, "id", where)
    where = f'section "{section_id}"'
    title = _text(entry, "title", where)
    when = entry.get("when")
    if when is not None and when not in WHEN:
        raise ChecklistDataError(f'{where} has when = "{when}"; use "start", "end" or leave it out')
    items = entry.get("items")
    if not isinstance(items, list):
        raise ChecklistDataError(
            f'{where} is missing its items list, e.g. items = [{{ id = "x", text = "…" }}]'
        )
    return ChecklistSection(
        id=section_id, title=title, items=tuple(_item(item, where) for item in items), when=when
    )


def _item(entry: Any, section: str) -> ChecklistItem:
    if not isinstance(entry, dict):
        raise ChecklistDataError(f'{section} has an item that is not a table like {{ id = "x", text = "…" }}')
    _known(entry, ITEM_KEYS, f"an item in {section}")
    item_id = _text(entry, "id", f"an item in {section}")
    where = f'item "{item_id}"'
    text = _text(entry, "text", where)
    opens = entry.get("opens")
    if opens is not None:
        if not isinstance(opens, str):
            raise ChecklistDataError(f"{where} has opens = {opens!r}; use one of {PLACES}")
        try:
            parse_target(opens)
        except ChecklistDataError as error:
            raise ChecklistDataError(f"{where}: {error}") from None
    return ChecklistItem(id=item_id, text=text, opens=opens.strip() if opens else None)


def _known(entry: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ChecklistDataError(
            f'{where} has an unknown key "{unknown[0]}"; known keys: {", ".join(sorted(allowed))}'
        )


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ChecklistDataError(f"{where} is missing its {key} (a string in quotes)")
    return value.strip()


# -- the day's ticks ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def progress(sections: Iterable[ChecklistSection], ticks: Mapping[str, ChecklistTick]) -> Progress:
    items = [item.id for section in sections for item in section.items]
    return Progress(done=sum(1 for item in items if item in ticks), total=len(items))


def kept_ticks(
    sections: Iterable[ChecklistSection], ticks: Mapping[str, ChecklistTick]
) -> dict[str, ChecklistTick]:
    """The ticks of the items in this list: an edited list keeps today's ticks for every item whose id it
    still has (renamed, moved to another group or reordered), and shows none for items it dropped (the
    store keeps them, so putting an item back brings its tick back)."""
    ids = {item.id for section in sections for item in section.items}
    return {item_id: tick for item_id, tick in ticks.items() if item_id in ids}


# -- what the app can see is done ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the dashboard can see that says an item's work is done."""

    channel_read: bool = False  # nothing unread in the channel
    acknowledged_boards: frozenset[int] = frozenset()  # boards whose waiting tickets are all acknowledged
    all_acknowledged: bool = False  # no waiting ticket on any board is unacknowledged
    handover_read: bool = False  # the latest handover was read today
    handover_posted: bool = False  # this engineer posted a handover today


def done_by(target: Target, evidence: Evidence) -> bool:
    match target.place:
        case Place.CHANNEL:
            return evidence.channel_read
        case Place.BOARD:
            return target.board in evidence.acknowledged_boards
        case Place.TICKETS | Place.UNACKNOWLEDGED:
            return evidence.all_acknowledged
        case Place.HANDOVER:
            return evidence.handover_read
        case Place.HANDOVER_COMPOSE:
            return evidence.handover_posted
    return False  # incidents: whether they are managed is the engineer's judgement


def looks_done(
    sections: Iterable[ChecklistSection], ticks: Mapping[str, ChecklistTick], evidence: Evidence
) -> frozenset[str]:
    """The unticked items whose work the evidence says is done: the pane offers their tick."""
    found = set()
    for item in (item for section in sections for item in section.items):
        target = target_of(item)
        if item.id not in ticks and target is not None and done_by(target, evidence):
            found.add(item.id)
    return frozenset(found)


# -- the support day ----------------------------------------------------------------------------------


def _local_time(now: datetime, calendar: SupportCalendar) -> time:
    return now.astimezone(calendar.zone).time()


def start_is_late(now: datetime, calendar: SupportCalendar, start_by: time) -> bool:
    """A support day, at or past the time the start-of-day lists should be done by."""
    return calendar.is_working_day(calendar.local_date(now)) and _local_time(now, calendar) >= start_by


def end_of_day_due(now: datetime, calendar: SupportCalendar, end_of_day: time) -> bool:
    """A support day, at or past the time the end-of-day list is offered."""
    return calendar.is_working_day(calendar.local_date(now)) and _local_time(now, calendar) >= end_of_day


def late_items(
    sections: Iterable[ChecklistSection],
    ticks: Mapping[str, ChecklistTick],
    now: datetime,
    calendar: SupportCalendar,
    start_by: time,
) -> frozenset[str]:
    """Start-of-day items still open at `start_by` on a support day: the pane flags them."""
    if not start_is_late(now, calendar, start_by):
        return frozenset()
    return frozenset(
        item.id
        for section in sections
        if section.when == START
        for item in section.items
        if item.id not in ticks
    )


def day_offer(
    now: datetime,
    calendar: SupportCalendar,
    *,
    end_of_day: time,
    start_offered: date | None,
    end_offered: date | None,
    at_launch: bool,
) -> str | None:
    """Which list to offer now, START, END or None: each once a support day. The start-of-day lists on
    the day's first launch (or, for a dashboard left running overnight, when support hours open); the
    end-of-day list from `end_of_day` (a first launch after it offers only that one)."""
    today = calendar.local_date(now)
    if not calendar.is_working_day(today):
        return None
    if end_of_day_due(now, calendar, end_of_day):
        return END if end_offered != today else None
    if start_offered == today:
        return None
    return START if at_launch or _local_time(now, calendar) >= calendar.opens else None


def step_day(day: date, step: int, today: date, calendar: SupportCalendar) -> date:
    """The support day before (`step` -1) or after (+1) `day`, for looking back at past lists; never
    after today, and today itself is always reachable (even when it is not a support day)."""
    if step > 0:
        following = calendar.next_working_day(day)
        return min(following, today)
    for back in range(1, 367):
        earlier = date.fromordinal(day.toordinal() - back)
        if calendar.is_working_day(earlier):
            return earlier
    return day
