"""The checklist rules: the shipped lists follow the team's process; the day follows the support
calendar (an injected `now`, never a clock); an edited list keeps today's ticks; bad files are refused
with one sentence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from duty_tui.config.checklist import shipped_sections
from duty_tui.models import ChecklistTick
from duty_tui.rules.calendar import SupportCalendar, holiday_lookup
from duty_tui.rules.checklist import (
    END,
    START,
    ChecklistDataError,
    Evidence,
    Place,
    Target,
    day_offer,
    end_of_day_due,
    kept_ticks,
    late_items,
    looks_done,
    parse_sections,
    parse_target,
    progress,
    start_is_late,
    step_day,
    target_of,
)

LONDON = ZoneInfo("Europe/London")
THURSDAY = date(2026, 11, 26)
EIGHT_OCLOCK, TEN_OCLOCK, HALF_FIVE = time(8), time(10), time(17, 30)
# Ids are the store's keys for ticks: the shipped list must keep every id it ever shipped.
SHIPPED_IDS = {
    "aws-channel",
    "aws-board",
    "aws-handover",
    "aws-webops",
    "aws-friday",
    "6dg-channel",
    "6dg-board",
    "6dg-acknowledge",
    "6dg-handover",
    "6dg-friday",
    "6dg-monitoring",
    "during-channel",
    "during-board",
    "team-incidents",
    "team-requests",
    "team-backlog",
    "end-handover",
}


@pytest.fixture
def calendar() -> SupportCalendar:
    return SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def tick(item_id: str, day: date = THURSDAY) -> ChecklistTick:
    return ChecklistTick(item_id, day, "Priya Shah", datetime(2026, 11, 26, 8, 5, tzinfo=UTC))


# -- the shipped lists ------------------------------------------------------------------------------


def test_shipped_lists_are_the_seed_sections_by_role() -> None:
    sections = shipped_sections()
    assert [s.id for s in sections] == ["start-aws", "start-6dg", "during", "team", "end"]
    assert [len(s.items) for s in sections] == [5, 6, 2, 3, 3]
    assert [s.when for s in sections] == [START, START, None, None, END]
    titles = [s.title for s in sections]
    assert titles[0] == "Start of day · AWS Ops engineer"
    assert "6DG Ops engineer / duty consultant" in titles[1] and "at least one engineer" in titles[2]
    assert "whole support team" in titles[3] and titles[4].startswith("Before ending the day")
    ids = {item.id for s in sections for item in s.items}
    assert ids >= SHIPPED_IDS
    texts = " ".join(item.text for s in sections for item in s.items)
    assert "within 2 hours" in texts and "#laa-ops" in texts and "post-5pm engineer" in texts
    assert "I think we should remove" not in texts  # the document's editorial notes are not duties


def test_shipped_items_open_the_place_where_the_duty_is_done() -> None:
    items = {item.id: item for s in shipped_sections() for item in s.items}
    assert target_of(items["aws-channel"]) == Target(Place.CHANNEL)
    assert target_of(items["aws-board"]) == Target(Place.BOARD, 262)
    assert target_of(items["6dg-board"]) == Target(Place.BOARD, 265)
    assert target_of(items["6dg-acknowledge"]) == Target(Place.UNACKNOWLEDGED)
    assert target_of(items["aws-handover"]) == Target(Place.HANDOVER)
    assert target_of(items["team-incidents"]) == Target(Place.INCIDENTS)
    assert target_of(items["end-handover"]) == Target(Place.HANDOVER_COMPOSE)
    assert target_of(items["aws-webops"]) is None


def test_progress_counts_ticked_items() -> None:
    sections = shipped_sections()
    assert (progress(sections, {}).done, progress(sections, {}).total) == (0, 19)
    first, second = sections[0].items[:2]
    ticks = {item.id: tick(item.id) for item in (first, second)}
    ticks["no-such-item"] = tick("no-such-item")  # a stale tick counts nothing
    state = progress(sections, ticks)
    assert (state.done, state.total, state.complete) == (2, 19, False)
    every = {item.id: tick(item.id) for s in sections for item in s.items}
    assert progress(sections, every).complete


# -- an engineer's own file ---------------------------------------------------------------------------


def test_an_edited_list_keeps_todays_ticks_for_the_items_it_still_has() -> None:
    ticks = {i: tick(i) for i in ("aws-channel", "aws-board", "6dg-monitoring", "end-handover")}
    edited = parse_sections(
        """
        [[section]]
        id = "mine"
        title = "My morning"
        when = "start"
        items = [
          { id = "6dg-monitoring", text = "Look at the Grafana boards" },   # renamed, moved up a group
          { id = "aws-channel", text = "Read #laa-ops", opens = "channel" },  # reordered
          { id = "coffee", text = "Coffee" },                                 # new
        ]
        [[section]]
        id = "end"
        title = "Home time"
        when = "end"
        items = [{ id = "end-handover", text = "Hand over", opens = "handover-compose" }]
        """
    )
    kept = kept_ticks(edited, ticks)
    assert set(kept) == {"6dg-monitoring", "aws-channel", "end-handover"}  # aws-board was removed
    assert kept["aws-channel"] == ticks["aws-channel"]
    assert (progress(edited, kept).done, progress(edited, kept).total) == (3, 4)
    # putting a removed item back brings its tick back: the store never lost it
    assert "aws-board" in kept_ticks(shipped_sections(), ticks)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[section]\n", "not valid TOML"),
        ("", "no [[section]] tables"),
        ('title = "x"\n', 'has "title" where only [[section]] tables belong'),
        ('[[section]]\nid="a"\nitems=[]', 'section "a" is missing its title'),
        ('[[section]]\ntitle="A"\nitems=[]', "section 1 is missing its id"),
        ('[[section]]\nid="a"\ntitle="A"', 'section "a" is missing its items list'),
        ('[[section]]\nid="a"\ntitle="A"\nwhen="noon"\nitems=[]', 'when = "noon"'),
        ('[[section]]\nid="a"\ntitle="A"\ncolour="red"\nitems=[]', 'unknown key "colour"'),
        ('[[section]]\nid="a"\ntitle="A"\nitems=[{id="x"}]', 'item "x" is missing its text'),
        ('[[section]]\nid="a"\ntitle="A"\nitems=["x"]', "an item that is not a table"),
        (
            '[[section]]\nid="a"\ntitle="A"\nitems=[{id="x",text="1"},{id="x",text="2"}]',
            'item id "x" is used twice',
        ),
        (
            '[[section]]\nid="a"\ntitle="A"\nitems=[{id="x",text="1",opens="jira"}]',
            'item "x": opens = "jira" is not a place duty-tui knows',
        ),
        (
            '[[section]]\nid="a"\ntitle="A"\nitems=[{id="x",text="1",opens="board:AWS"}]',
            '"board:<board id>"',
        ),
        ('[[section]]\nid="a"\ntitle="A"\nitems=[]\n[[section]]\nid="a"\ntitle="B"\nitems=[]', "share an id"),
    ],
)
def test_a_malformed_file_is_refused_with_one_sentence(text: str, says: str) -> None:
    with pytest.raises(ChecklistDataError) as caught:
        parse_sections(text)
    message = str(caught.value)
    assert says in message
    assert "\n" not in message.strip() or "TOML" in message  # one sentence (TOML's own error aside)


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("channel", Target(Place.CHANNEL)),
        ("board:262", Target(Place.BOARD, 262)),
        (" board:265 ", Target(Place.BOARD, 265)),
        ("tickets", Target(Place.TICKETS)),
        ("unacknowledged", Target(Place.UNACKNOWLEDGED)),
        ("incidents", Target(Place.INCIDENTS)),
        ("handover", Target(Place.HANDOVER)),
        ("handover-compose", Target(Place.HANDOVER_COMPOSE)),
    ],
)
def test_places_an_item_can_open(value: str, target: Target) -> None:
    assert parse_target(value) == target


@pytest.mark.parametrize("value", ["board", "board:", "channel:1", "Channel", "handover compose", ""])
def test_places_that_do_not_exist(value: str) -> None:
    with pytest.raises(ChecklistDataError, match="not a place duty-tui knows"):
        parse_target(value)


# -- what the dashboard can see is done -------------------------------------------------------------


def test_the_tick_is_offered_only_where_the_evidence_says_done_and_only_while_unticked() -> None:
    sections = shipped_sections()
    assert looks_done(sections, {}, Evidence()) == frozenset()
    evidence = Evidence(channel_read=True, acknowledged_boards=frozenset({262}), handover_read=True)
    assert looks_done(sections, {}, evidence) == {
        "aws-channel",
        "6dg-channel",
        "during-channel",
        "end-channel",
        "aws-board",
        "aws-handover",
        "6dg-handover",
    }
    assert "aws-channel" not in looks_done(sections, {"aws-channel": tick("aws-channel")}, evidence)
    everything = Evidence(
        channel_read=True,
        acknowledged_boards=frozenset({262, 265}),
        all_acknowledged=True,
        handover_read=True,
        handover_posted=True,
    )
    offered = looks_done(sections, {}, everything)
    assert {"6dg-board", "6dg-acknowledge", "during-board", "end-handover"} <= offered
    assert not {"team-incidents", "end-incidents", "aws-webops"} & offered  # judgement, not evidence


# -- the support day ----------------------------------------------------------------------------------


def test_start_of_day_items_still_open_at_ten_are_flagged(calendar: SupportCalendar) -> None:
    sections = shipped_sections()
    ticks = {"aws-channel": tick("aws-channel")}
    assert late_items(sections, ticks, london(2026, 11, 26, 9, 59), calendar, TEN_OCLOCK) == frozenset()
    late = late_items(sections, ticks, london(2026, 11, 26, 10, 0), calendar, TEN_OCLOCK)
    assert len(late) == 10 and "aws-channel" not in late and "aws-board" in late and "6dg-monitoring" in late
    assert not late & {"during-channel", "end-handover"}  # only the start-of-day lists
    assert late_items(sections, {}, london(2026, 11, 28, 11, 0), calendar, TEN_OCLOCK) == frozenset()  # Sat
    assert late_items(sections, {}, london(2026, 12, 25, 11, 0), calendar, TEN_OCLOCK) == frozenset()  # Xmas
    # local time, in summer too: 09:30 UTC is 10:30 BST
    assert start_is_late(datetime(2026, 7, 15, 9, 30, tzinfo=UTC), calendar, TEN_OCLOCK)
    assert not start_is_late(datetime(2026, 7, 15, 8, 30, tzinfo=UTC), calendar, TEN_OCLOCK)


def test_the_end_of_day_list_is_due_from_half_past_five_on_support_days(calendar: SupportCalendar) -> None:
    assert not end_of_day_due(london(2026, 11, 26, 17, 29), calendar, HALF_FIVE)
    assert end_of_day_due(london(2026, 11, 26, 17, 30), calendar, HALF_FIVE)
    assert end_of_day_due(london(2026, 11, 26, 23, 0), calendar, HALF_FIVE)
    assert not end_of_day_due(london(2026, 11, 28, 17, 45), calendar, HALF_FIVE)  # Saturday
    assert not end_of_day_due(datetime(2026, 7, 15, 16, 29, tzinfo=UTC), calendar, HALF_FIVE)  # 17:29 BST
    assert end_of_day_due(datetime(2026, 7, 15, 16, 30, tzinfo=UTC), calendar, HALF_FIVE)
    assert end_of_day_due(london(2026, 11, 26, 16, 0), calendar, time(16))  # [checklist] end_of_day


def offer(
    calendar: SupportCalendar,
    now: datetime,
    *,
    start: date | None = None,
    end: date | None = None,
    at_launch: bool = True,
) -> str | None:
    return day_offer(
        now, calendar, end_of_day=HALF_FIVE, start_offered=start, end_offered=end, at_launch=at_launch
    )


def test_each_list_is_offered_once_a_support_day(calendar: SupportCalendar) -> None:
    morning = london(2026, 11, 26, 7, 45)
    assert offer(calendar, morning) == START  # the day's first launch, even before hours
    assert offer(calendar, london(2026, 11, 26, 9, 0), start=THURSDAY) is None  # a second launch
    assert offer(calendar, london(2026, 11, 26, 17, 29), start=THURSDAY, at_launch=False) is None
    assert offer(calendar, london(2026, 11, 26, 17, 30), start=THURSDAY, at_launch=False) == END
    assert offer(calendar, london(2026, 11, 26, 17, 31), start=THURSDAY, end=THURSDAY) is None
    # a first launch after 17:30 offers the end-of-day list only
    assert offer(calendar, london(2026, 11, 26, 18, 10)) == END
    # weekends and bank holidays offer nothing
    assert offer(calendar, london(2026, 11, 28, 9, 0)) is None
    assert offer(calendar, london(2026, 12, 25, 18, 0)) is None


def test_a_dashboard_left_running_overnight_offers_the_new_day_when_hours_open(
    calendar: SupportCalendar,
) -> None:
    def still_running(now: datetime) -> str | None:  # both of Thursday's lists were offered
        return offer(calendar, now, start=THURSDAY, end=THURSDAY, at_launch=False)

    assert still_running(london(2026, 11, 26, 23, 59)) is None
    assert still_running(london(2026, 11, 27, 0, 1)) is None  # a new day, but nobody is there yet
    assert still_running(london(2026, 11, 27, 7, 59)) is None
    assert still_running(london(2026, 11, 27, 8, 0)) == START
    # the day rolls over at local midnight: 23:30 UTC on 30 June is already 1 July in BST
    assert calendar.local_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)


def test_past_days_step_over_weekends_and_bank_holidays_up_to_today(calendar: SupportCalendar) -> None:
    monday, friday = date(2026, 11, 30), date(2026, 11, 27)
    assert step_day(monday, -1, monday, calendar) == friday
    assert step_day(friday, -1, monday, calendar) == THURSDAY
    assert step_day(THURSDAY, 1, monday, calendar) == friday
    assert step_day(friday, 1, monday, calendar) == monday
    assert step_day(monday, 1, monday, calendar) == monday  # never after today
    assert step_day(date(2026, 12, 29), -1, date(2026, 12, 29), calendar) == date(2026, 12, 24)  # Christmas
    saturday = date(2026, 11, 28)  # a Saturday dashboard: back to Friday, and forward to today again
    assert step_day(saturday, -1, saturday, calendar) == friday
    assert step_day(friday, 1, saturday, calendar) == saturday
