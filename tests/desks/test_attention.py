"""The attention desk: each new item announced once; never the backlog, own doing, or after hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from duty_tui.desks.attention import COVER, DAY, AttentionDesk
from duty_tui.desks.notifier import DesktopNotifier
from duty_tui.rules.attention import Engineer, RequestFact, Situation, TicketFact, UpdateDue
from duty_tui.rules.calendar import SupportCalendar

LONDON = ZoneInfo("Europe/London")
CAL = SupportCalendar(LONDON)
NOW = datetime(2026, 11, 26, 10, 30, tzinfo=LONDON)
EVENING = datetime(2026, 11, 26, 19, 0, tzinfo=LONDON)
GAP = "Nobody covers #laa-ops until 13:00"
ME = Engineer(jira_id="acc-me", jira_name="Priya Shah", slack_id="UME")


class FakeUI:
    def __init__(self) -> None:
        self.bells = 0
        self.toasts: list[str] = []

    def bell(self) -> None:
        self.bells += 1

    def notify(self, message: str, **_options: Any) -> None:
        self.toasts.append(message)


class FakeNotifier(DesktopNotifier):
    def __init__(self, problem: str | None = None) -> None:
        self.sent: list[str] = []
        self._problem = problem

    @property
    def problem(self) -> str | None:
        return self._problem

    def notify(self, body: str, title: str = "duty-tui") -> None:
        self.sent.append(body)


def ticket(key: str, hours: float = 2, *, due: datetime | None = None, **changes: Any) -> TicketFact:
    return TicketFact(key, f"about {key}", due or NOW + timedelta(hours=hours), **changes)


def desk(*, bell: bool = True, problem: str | None = None) -> tuple[AttentionDesk, FakeUI, FakeNotifier]:
    ui, notifier = FakeUI(), FakeNotifier(problem)
    attention = AttentionDesk(ui, CAL, notifier, bell=bell)
    for source in ("jira", "slack", DAY, COVER):
        attention.settle(source)
    return attention, ui, notifier


def test_a_new_item_rings_once_and_not_again() -> None:
    attention, ui, notifier = desk()
    assert attention.update(Situation(NOW, ME)) == (0, None)
    assert attention.update(Situation(NOW, ME, tickets=[ticket("LAA-1")])) == (
        1,
        "new ticket LAA-1: about LAA-1",
    )
    assert ui.bells == 1 and notifier.sent == ["new ticket LAA-1: about LAA-1"]
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-1")]))
    attention.update(Situation(NOW + timedelta(minutes=1), ME, tickets=[ticket("LAA-1")]))
    assert ui.bells == 1 and len(notifier.sent) == 1 and attention.rang == ["ticket-new:LAA-1"]


def test_what_was_there_before_a_source_answered_is_backlog_not_news() -> None:
    ui = FakeUI()
    attention = AttentionDesk(ui, CAL, FakeNotifier())
    backlog = Situation(NOW, ME, tickets=[ticket("LAA-1"), ticket("LAA-2")], requests=[])
    attention.update(backlog)  # painted from the cache
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-1"), ticket("LAA-2"), ticket("LAA-3")]))
    attention.settle("jira")  # ...and the first poll brought LAA-3, also from before the start
    assert ui.bells == 0 and attention.rang == []
    attention.update(
        Situation(NOW, ME, tickets=[ticket("LAA-1"), ticket("LAA-2"), ticket("LAA-3"), ticket("LAA-4")])
    )
    assert ui.bells == 1 and attention.rang == ["ticket-new:LAA-4"]


def test_an_unsettled_source_does_not_silence_a_settled_one() -> None:
    ui = FakeUI()
    attention = AttentionDesk(ui, CAL)
    attention.settle("jira")  # Slack has not answered yet
    request = RequestFact("1.1", "ULUCY", "Lucy", "help", NOW)
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-1")], requests=[request]))
    assert attention.rang == ["ticket-new:LAA-1"] and ui.bells == 1


def test_never_for_the_engineers_own_doing() -> None:
    attention, ui, notifier = desk()
    mine = [ticket("LAA-5", reporter="Priya Shah"), ticket("LAA-6", acting=True)]
    own_request = RequestFact("1.1", "UME", "Priya", "FYI: deploying", NOW)
    assert attention.update(Situation(NOW, ME, tickets=mine, requests=[own_request]))[0] == 2
    assert ui.bells == 0 and notifier.sent == [] and attention.rang == []


def test_out_of_hours_quiet_but_counted_and_not_rung_later() -> None:
    attention, ui, notifier = desk()
    waiting = [ticket("LAA-7", due=datetime(2026, 11, 27, 10, 0, tzinfo=LONDON))]
    assert attention.update(Situation(EVENING, ME, tickets=waiting)) == (1, "new ticket LAA-7: about LAA-7")
    assert ui.bells == 0 and notifier.sent == []
    morning = datetime(2026, 11, 27, 8, 0, tzinfo=LONDON)
    attention.update(Situation(morning, ME, tickets=waiting))  # the overnight arrival is not rung at 08:00
    assert ui.bells == 0


def test_out_of_hours_an_open_incident_makes_it_ring() -> None:
    attention, ui, _ = desk()
    attention.update(Situation(EVENING, ME, incident_open=True))
    attention.update(
        Situation(
            EVENING,
            ME,
            tickets=[ticket("LAA-8", due=datetime(2026, 11, 27, 10, 0, tzinfo=LONDON))],
            incident_open=True,
        )
    )
    assert ui.bells == 1


def test_several_new_at_once_ring_once_naming_the_most_urgent() -> None:
    attention, ui, notifier = desk()
    attention.update(Situation(NOW, ME))
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-9"), ticket("LAA-10", hours=0.25)]))
    assert ui.bells == 1
    assert notifier.sent == ["LAA-10 due in 15m: about LAA-10 (+1 more)"]


def test_an_item_that_goes_and_comes_back_is_new_again() -> None:
    attention, ui, _ = desk()
    attention.update(Situation(NOW, ME))
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-11")]))
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-11", assignee_id="acc-tom")]))  # taken
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-11")]))  # and unassigned again
    assert ui.bells == 2


def test_a_ticket_turning_due_is_announced_again() -> None:
    attention, ui, notifier = desk()
    waiting = [ticket("LAA-12", hours=1)]
    attention.update(Situation(NOW, ME, tickets=waiting))
    attention.update(Situation(NOW + timedelta(minutes=31), ME, tickets=waiting))
    assert ui.bells == 2 and attention.rang == ["ticket-new:LAA-12", "ticket-due:LAA-12"]
    assert notifier.sent[-1] == "LAA-12 due in 29m: about LAA-12"


def test_an_incident_update_due_notifies_but_the_incident_desk_rings_the_bell() -> None:
    attention, ui, notifier = desk()
    attention.update(Situation(NOW, ME, incident_open=True))
    due = UpdateDue("inc-1", "CCMS down", NOW)
    attention.update(Situation(NOW, ME, updates_due=[due], incident_open=True))
    assert ui.bells == 0 and notifier.sent == ["incident update due: CCMS down"]


def test_cover_and_end_of_day_ring_when_they_start() -> None:
    attention, ui, _ = desk()
    attention.update(Situation(NOW, ME))
    attention.update(Situation(NOW, ME, uncovered=GAP))
    attention.update(Situation(NOW, ME, uncovered=GAP, end_of_day_due=True))
    assert ui.bells == 2 and attention.rang == [f"cover:{GAP}", "end-of-day:2026-11-26"]


def test_the_bell_can_be_turned_off() -> None:
    attention, ui, notifier = desk(bell=False)
    attention.update(Situation(NOW, ME))
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-13")]))
    assert ui.bells == 0 and notifier.sent == ["new ticket LAA-13: about LAA-13"]


def test_without_desktop_notifications_only_the_bell() -> None:
    ui = FakeUI()
    attention = AttentionDesk(ui, CAL)
    attention.settle("jira")
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-14")]))
    assert ui.bells == 1 and ui.toasts == []


def test_a_notifier_that_cannot_notify_says_why_once() -> None:
    attention, ui, notifier = desk(problem="notify-send is not installed.")
    attention.update(Situation(NOW, ME))
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-15")]))
    attention.update(Situation(NOW, ME, tickets=[ticket("LAA-15"), ticket("LAA-16")]))
    assert ui.bells == 2 and ui.toasts == ["notify-send is not installed."] and notifier.sent == []


def test_the_same_facts_in_the_same_minute_are_not_listed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import duty_tui.desks.attention as desk_module
    from duty_tui.rules import attention as rules

    attention, ui, _ = desk()
    made: list[int] = []
    real = rules.needs_attention

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(desk_module, "needs_attention", counting)
    tickets, requests = [ticket("LAA-17")], [RequestFact("1.1", "ULUCY", "Lucy", "help", NOW)]
    first = attention.update(Situation(NOW, ME, tickets=tickets, requests=requests))
    again = attention.update(Situation(NOW + timedelta(seconds=30), ME, tickets=tickets, requests=requests))
    assert first == again and len(made) == 1  # the gatherer hands back the same lists: nothing changed
    attention.update(Situation(NOW + timedelta(minutes=1), ME, tickets=tickets, requests=requests))
    attention.update(Situation(NOW + timedelta(minutes=1), ME, tickets=list(tickets), requests=requests))
    attention.update(
        Situation(NOW + timedelta(minutes=1), ME, tickets=tickets, requests=requests, uncovered=GAP)
    )
    assert len(made) == 4 and ui.bells == 2
