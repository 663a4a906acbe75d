"""What needs the engineer now: each kind of item, their order, the engineer's own doing, quiet hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from duty_tui.rules.attention import (
    Engineer,
    Kind,
    ListMemo,
    RequestFact,
    Situation,
    TicketFact,
    UpdateDue,
    needs_attention,
)
from duty_tui.rules.availability import FailingCheck, HealthCheck, ProbeResult, failing_twice
from duty_tui.rules.calendar import SupportCalendar, holiday_lookup

LONDON = ZoneInfo("Europe/London")
CAL = SupportCalendar(LONDON, holiday=holiday_lookup("GB-ENG"))
NOW = datetime(2026, 11, 26, 10, 30, tzinfo=LONDON)  # Thursday, in support hours
EVENING = datetime(2026, 11, 26, 19, 0, tzinfo=LONDON)
ME = Engineer(jira_id="acc-me", jira_name="Priya Shah", slack_id="UME")


def ticket(key: str, deadline: datetime | None, **changes: object) -> TicketFact:
    fields: dict[str, object] = {"reporter": "Lucy Jones"}
    fields.update(changes)
    return TicketFact(key, f"summary of {key}", deadline, **fields)  # type: ignore[arg-type]


def request(ts: str, minutes_ago: int, *, user: str = "ULUCY") -> RequestFact:
    return RequestFact(ts, user, "Lucy", "Is CCMS down?", NOW - timedelta(minutes=minutes_ago))


def keys(situation: Situation) -> list[str]:
    return [item.key for item in needs_attention(situation, CAL).items]


def test_nothing_needs_the_engineer_on_a_quiet_morning() -> None:
    attention = needs_attention(Situation(NOW, ME), CAL)
    assert attention.items == () and attention.summary() == (0, None) and not attention.quiet


def test_a_new_unassigned_ticket_is_listed_with_its_key_and_summary() -> None:
    attention = needs_attention(Situation(NOW, ME, tickets=[ticket("LAA-12", NOW + timedelta(hours=2))]), CAL)
    (item,) = attention.items
    assert (item.key, item.kind, item.own) == ("ticket-new:LAA-12", Kind.TICKET_NEW, False)
    assert attention.summary() == (1, "new ticket LAA-12: summary of LAA-12")


def test_taken_and_acknowledged_tickets_need_nobody() -> None:
    tickets = [
        ticket("LAA-1", NOW + timedelta(hours=1), assignee_id="acc-tom"),
        ticket("LAA-2", None),  # acknowledged: its clock has stopped
    ]
    assert keys(Situation(NOW, ME, tickets=tickets)) == []


def test_a_ticket_due_within_30_minutes_of_support_time_is_due_not_new() -> None:
    tickets = [
        ticket("LAA-3", NOW + timedelta(minutes=31)),
        ticket("LAA-4", NOW + timedelta(minutes=29)),
        ticket("LAA-5", NOW - timedelta(minutes=5)),
    ]
    items = needs_attention(Situation(NOW, ME, tickets=tickets), CAL).items
    assert [i.key for i in items] == ["ticket-due:LAA-5", "ticket-due:LAA-4", "ticket-new:LAA-3"]
    assert items[0].words == "LAA-5 breached: summary of LAA-5"
    assert items[1].words == "LAA-4 due in 29m: summary of LAA-4"


def test_due_counts_support_time_so_a_monday_deadline_is_due_on_friday_evening() -> None:
    friday = datetime(2026, 11, 27, 17, 50, tzinfo=LONDON)
    monday = datetime(2026, 11, 30, 8, 15, tzinfo=LONDON)  # 10 + 15 minutes of support time away
    items = needs_attention(Situation(friday, ME, tickets=[ticket("LAA-6", monday)]), CAL).items
    assert [(i.key, i.words) for i in items] == [("ticket-due:LAA-6", "LAA-6 due in 25m: summary of LAA-6")]


def test_a_request_waiting_in_the_channel() -> None:
    items = needs_attention(Situation(NOW, ME, requests=[request("1.1", 12)]), CAL).items
    assert [(i.key, i.words) for i in items] == [("request:1.1", "request waiting 12m: Lucy: Is CCMS down?")]
    fresh = needs_attention(Situation(NOW, ME, requests=[request("1.2", 0)]), CAL).items
    assert fresh[0].words == "new request: Lucy: Is CCMS down?"


def test_the_longest_waiting_request_first() -> None:
    # Support time waited grows with wall time waited: the longest waiting is also the most overdue.
    requests = [request("1.1", 3), request("1.2", 28), request("1.3", 12)]
    assert keys(Situation(NOW, ME, requests=requests)) == ["request:1.2", "request:1.3", "request:1.1"]


def test_an_incident_update_due_the_channel_uncovered_and_the_end_of_day_list() -> None:
    situation = Situation(
        NOW,
        ME,
        updates_due=[UpdateDue("inc-1", "CCMS down", NOW - timedelta(minutes=7))],
        incident_open=True,
        uncovered="Nobody covers #laa-ops until 13:00",
        end_of_day_due=True,
    )
    items = needs_attention(situation, CAL).items
    assert [(i.key, i.words) for i in items] == [
        ("incident-update:inc-1", "incident update overdue 7m: CCMS down"),
        ("cover:Nobody covers #laa-ops until 13:00", "Nobody covers #laa-ops until 13:00"),
        ("end-of-day:2026-11-26", "end-of-day checklist"),
    ]


def test_most_urgent_first_across_every_kind() -> None:
    situation = Situation(
        NOW,
        ME,
        tickets=[ticket("LAA-7", NOW + timedelta(hours=1)), ticket("LAA-8", NOW + timedelta(minutes=10))],
        requests=[request("1.1", 4)],
        updates_due=[
            UpdateDue("inc-2", "later", NOW - timedelta(minutes=1)),
            UpdateDue("inc-1", "earlier", NOW - timedelta(minutes=20)),
        ],
        incident_open=True,
        uncovered="lunch",
        end_of_day_due=True,
    )
    assert keys(situation) == [
        "incident-update:inc-1",
        "incident-update:inc-2",
        "ticket-due:LAA-8",
        "cover:lunch",
        "request:1.1",
        "ticket-new:LAA-7",
        "end-of-day:2026-11-26",
    ]
    assert needs_attention(situation, CAL).most_urgent == "incident update overdue 20m: earlier"


def test_the_engineers_own_tickets_are_listed_but_marked_own() -> None:
    tickets = [
        ticket("LAA-9", NOW + timedelta(hours=2), reporter="Priya Shah"),  # raised by the engineer
        ticket("LAA-10", NOW + timedelta(hours=2), reporter="PRIYA SHAH"),
        ticket("LAA-11", NOW + timedelta(hours=2), reporter="Someone", reporter_id="acc-me"),
        ticket("LAA-12", NOW + timedelta(hours=2), acting=True),  # the engineer's unassign on its way
        ticket("LAA-13", NOW + timedelta(hours=2)),
    ]
    own = {i.key: i.own for i in needs_attention(Situation(NOW, ME, tickets=tickets), CAL).items}
    assert own == {
        "ticket-new:LAA-9": True,
        "ticket-new:LAA-10": True,
        "ticket-new:LAA-11": True,
        "ticket-new:LAA-12": True,
        "ticket-new:LAA-13": False,
    }


def test_a_reporter_id_settles_it_over_a_shared_name() -> None:
    namesake = ticket("LAA-14", NOW + timedelta(hours=2), reporter="Priya Shah", reporter_id="acc-other")
    (item,) = needs_attention(Situation(NOW, ME, tickets=[namesake]), CAL).items
    assert not item.own


def test_nobody_is_the_engineer_before_the_account_is_known() -> None:
    unknown = Engineer()
    (item,) = needs_attention(
        Situation(NOW, unknown, tickets=[ticket("LAA-15", NOW + timedelta(hours=2))]), CAL
    ).items
    assert not item.own
    anonymous = ticket("LAA-16", NOW + timedelta(hours=2), reporter="")
    assert not needs_attention(Situation(NOW, Engineer(jira_name=""), tickets=[anonymous]), CAL).items[0].own


def test_a_request_the_engineer_posted_is_not_listed() -> None:
    requests = [request("1.1", 5, user="UME"), request("1.2", 5)]
    assert keys(Situation(NOW, ME, requests=requests)) == ["request:1.2"]


def test_out_of_hours_the_list_is_quiet_unless_an_incident_is_open() -> None:
    waiting = [ticket("LAA-17", EVENING + timedelta(hours=15))]
    quiet = needs_attention(Situation(EVENING, ME, tickets=waiting), CAL)
    assert quiet.quiet and quiet.count == 1  # still counted
    loud = needs_attention(Situation(EVENING, ME, tickets=waiting, incident_open=True), CAL)
    assert not loud.quiet
    weekend = datetime(2026, 11, 28, 11, 0, tzinfo=LONDON)
    assert needs_attention(Situation(weekend, ME), CAL).quiet
    assert not needs_attention(Situation(NOW, ME), CAL).quiet


def test_item_words_are_one_safe_line() -> None:
    hostile = TicketFact(
        "LAA-18", "\x1b]0;PWNED\x07 two\nlines [@click=app.quit]x[/]", NOW + timedelta(hours=2)
    )
    evil = RequestFact("1.9", "U1", "\x1b[31mMallory", "x" * 500, NOW)
    items = needs_attention(Situation(NOW, ME, tickets=[hostile], requests=[evil]), CAL).items
    for item in items:
        assert "\x1b" not in item.words and "\x07" not in item.words and "\n" not in item.words
        assert len(item.words) <= 80
    assert items[1].words == "new ticket LAA-18: ]0;PWNED two lines [@click=app.quit]x[/]"


def test_the_end_of_day_key_is_the_support_day() -> None:
    late = datetime(2026, 11, 26, 23, 30, tzinfo=LONDON)
    assert keys(Situation(late, ME, end_of_day_due=True)) == ["end-of-day:2026-11-26"]


def test_the_memo_keeps_items_while_their_facts_are_the_same() -> None:
    memo = ListMemo()
    waiting = ticket("LAA-19", NOW + timedelta(hours=2))
    due = ticket("LAA-20", NOW + timedelta(minutes=20))
    first = needs_attention(Situation(NOW, ME, tickets=[waiting, due]), CAL, memo).items
    again = needs_attention(Situation(NOW, ME, tickets=[waiting, due]), CAL, memo).items
    assert all(a is b for a, b in zip(first, again, strict=True))
    later = needs_attention(
        Situation(NOW + timedelta(minutes=1), ME, tickets=[waiting, due]), CAL, memo
    ).items
    assert later[1] is first[1]  # still new: the same item
    assert later[0] is not first[0] and later[0].words == "LAA-20 due in 19m: summary of LAA-20"
    edited = needs_attention(Situation(NOW, ME, tickets=[replace(waiting, summary="edited")]), CAL, memo)
    assert edited.items[0].words == "new ticket LAA-19: edited"


def test_the_memo_starts_again_when_the_engineer_becomes_known() -> None:
    memo = ListMemo()
    mine = ticket("LAA-21", NOW + timedelta(hours=2), reporter="Priya Shah")
    assert not needs_attention(Situation(NOW, Engineer(), tickets=[mine]), CAL, memo).items[0].own
    assert needs_attention(Situation(NOW, ME, tickets=[mine]), CAL, memo).items[0].own


def test_the_count_and_the_most_urgent_need_no_sorting_but_agree_with_it() -> None:
    tickets = [ticket(f"LAA-{n}", NOW + timedelta(minutes=5 * n)) for n in range(1, 40)]
    attention = needs_attention(Situation(NOW, ME, tickets=list(reversed(tickets))), CAL)
    assert attention.count == 39 and attention.most_urgent == attention.items[0].words
    assert attention.items[0].key == "ticket-due:LAA-1"


def failing_check(name: str, minutes_ago: int, reason: str = "HTTP 503 (expected 200)") -> FailingCheck:
    service = name.split(maxsplit=1)[0]
    check = HealthCheck(name, service, "PROD", f"https://{service.lower()}.example/health")
    row = [
        ProbeResult(name, NOW - timedelta(minutes=m), ok=False, status=503, reason=reason)
        for m in (minutes_ago, 0)
    ]
    [found] = failing_twice(row, [check], NOW)
    return found


def test_a_prod_check_failing_twice_comes_first_keyed_by_its_outage() -> None:
    ccms, cwa = failing_check("CCMS PROD", 4), failing_check("CWA PROD", 9)
    situation = Situation(
        NOW,
        ME,
        tickets=[ticket("LAA-30", NOW - timedelta(minutes=5))],
        updates_due=[UpdateDue("inc-1", "earlier", NOW - timedelta(minutes=20))],
        failing=[ccms, cwa],
    )
    attention = needs_attention(situation, CAL)
    assert keys(situation) == [
        f"check-failing:CWA PROD:{(NOW - timedelta(minutes=9)).isoformat()}",  # down longest first
        f"check-failing:CCMS PROD:{(NOW - timedelta(minutes=4)).isoformat()}",
        "incident-update:inc-1",
        "ticket-due:LAA-30",
    ]
    assert attention.items[0].kind is Kind.CHECK_FAILING and not attention.items[0].own
    assert attention.most_urgent == "CWA PROD failing for 9m: HTTP 503 (expected 200)"


def test_a_failing_checks_words_are_one_safe_line() -> None:
    evil = failing_check("CCMS PROD", 2, reason="\x1b]0;PWNED\x07 [@click=app.quit]x[/] " + "y" * 200)
    [item] = needs_attention(Situation(NOW, ME, failing=[evil]), CAL).items
    assert "\x1b" not in item.words and "\x07" not in item.words and len(item.words) <= 80
    assert item.words.startswith("CCMS PROD failing for 2m: ]0;PWNED [@click=app.quit]x[/]")
