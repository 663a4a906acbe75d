"""Acknowledgement read from Jira's own changelog and comments, through the poller and the simulator."""

from __future__ import annotations

from datetime import datetime, timedelta

from duty_tui.models import SourceStatus, Ticket
from duty_tui.sources.jira.history import events
from tests.support import Harness


def polled(h: Harness, key: str) -> Ticket:
    poller = h.runtime().jira_poller
    poller.poll(SourceStatus("jira"))
    ticket = poller.store.tickets.get(key)
    assert ticket is not None
    return ticket


def new_ticket(h: Harness, minutes_ago: int = 90) -> tuple[str, datetime]:
    created = h.clock.now() - timedelta(minutes=minutes_ago)
    key = h.world.jira.world.create_issue(
        "LAA", "Something broke", reporter=h.world.cast.jira["lucy"], created=created
    )
    return key, created


def test_an_assignment_counts_even_after_the_ticket_was_unassigned(h: Harness) -> None:
    key, created = new_ticket(h)
    tom = h.world.cast.jira["tom"]
    h.world.jira.world.assign(key, tom, by=tom, at=created + timedelta(minutes=10))
    h.world.jira.world.assign(key, None, by=tom, at=created + timedelta(minutes=20))
    ticket = polled(h, key)
    assert ticket.assignee_id is None  # back on the list...
    assert ticket.acknowledged_at == created + timedelta(minutes=10)  # ...but acknowledged in time
    assert ticket.acknowledged_by == "assigned to Tom Hargreaves by Tom Hargreaves"


def test_comments_count_only_from_the_team(h: Harness) -> None:
    key, created = new_ticket(h)
    world = h.world.jira.world
    world.add_comment(key, h.world.cast.jira["lucy"], "Any news?", at=created + timedelta(minutes=5))
    assert polled(h, key).acknowledged_at is None
    world.add_comment(key, h.world.cast.jira["ewan"], "Looking now.", at=created + timedelta(minutes=30))
    h.clock.advance(timedelta(minutes=11))  # the next full reconcile
    ticket = polled(h, key)
    assert ticket.acknowledged_at == created + timedelta(minutes=30)
    assert ticket.acknowledged_by == "comment by Ewan MacLeod"


def test_a_move_out_of_to_do_counts_and_the_earliest_event_wins(h: Harness) -> None:
    key, created = new_ticket(h)
    world, aisha = h.world.jira.world, h.world.cast.jira["aisha"]
    world.transition_to(key, "In Progress", by=aisha, at=created + timedelta(minutes=40))
    world.add_comment(key, aisha, "On it", at=created + timedelta(minutes=45))
    ticket = polled(h, key)
    assert ticket.acknowledged_at == created + timedelta(minutes=40)
    assert ticket.acknowledged_by == "moved to In Progress by Aisha Bello"


def test_a_changelog_cut_at_100_is_read_in_full(h: Harness) -> None:
    key, created = new_ticket(h, minutes_ago=600)
    world, tom = h.world.jira.world, h.world.cast.jira["tom"]
    world.assign(key, tom, by=tom, at=created + timedelta(minutes=1))
    world.assign(key, None, by=tom, at=created + timedelta(minutes=2))
    for n in range(110):  # the search embeds only the newest 100 histories
        world.set_labels(key, [f"touched-{n}"], by=tom)
    ticket = polled(h, key)
    assert h.world.jira.log.find("GET", f"/issue/{key}/changelog")
    assert ticket.acknowledged_at == created + timedelta(minutes=1)


def test_comments_left_out_of_the_search_are_read_when_they_could_be_earlier(h: Harness) -> None:
    key, created = new_ticket(h, minutes_ago=600)
    world = h.world.jira.world
    world.comment_embed_cap = 2
    lucy, ewan, tom = (h.world.cast.jira[p] for p in ("lucy", "ewan", "tom"))
    world.add_comment(key, lucy, "Hello?", at=created + timedelta(minutes=1))
    world.add_comment(key, lucy, "Still broken", at=created + timedelta(minutes=2))
    world.add_comment(key, ewan, "Sorry, looking", at=created + timedelta(minutes=3))  # not in the search
    world.assign(key, tom, by=tom, at=created + timedelta(minutes=50))
    world.assign(key, None, by=tom, at=created + timedelta(minutes=51))
    ticket = polled(h, key)
    assert h.world.jira.log.find("GET", f"/issue/{key}/comment")
    assert ticket.acknowledged_at == created + timedelta(minutes=3)


def test_a_move_within_the_to_do_category_does_not_count() -> None:
    at = "2026-11-26T10:00:00.000+0000"
    history = {
        "created": at,
        "author": {"accountId": "a", "displayName": "Ann"},
        "items": [
            {"field": "status", "from": "10000", "fromString": "To Do", "to": "10005", "toString": "Backlog"}
        ],
    }
    assert events([history], [], {"10000": "new", "10005": "new"}) == []
    assert len(events([history], [], {"10000": "new", "10005": "indeterminate"})) == 1
    # Statuses the site did not list: judged by Jira's default names
    assert len(events([history], [], {})) == 1
    broken = [{"created": "yesterday"}, {"items": "not a list", "created": at}, "nonsense"]
    assert events(broken, [{"created": None}], {}) == []  # malformed entries are skipped, never fatal
