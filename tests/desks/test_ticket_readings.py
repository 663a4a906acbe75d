"""Which reading of a ticket the pane may show (`desks.ticket_readings`): never an older one over a newer,
never one that misses the engineer's own writes."""

from __future__ import annotations

from datetime import UTC, datetime

from duty_tui.desks.ticket_readings import GONE_KEPT, Admitted, TicketReadings
from duty_tui.models import Ticket
from tests.factories import make_ticket

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def ticket(key: str, summary: str = "Restore the snapshot") -> Ticket:
    return make_ticket(AT, key=key, summary=summary)


def test_a_newer_reading_replaces_an_older_and_an_older_is_dropped() -> None:
    readings = TicketReadings()
    assert readings.admit([ticket("LAA-1")], [], 5).changed == (ticket("LAA-1"),)
    late = readings.admit([ticket("LAA-1", "older")], [], 4)  # read before, delivered after
    assert late.changed == () and late.again == ()  # the row's reading saw everything it saw
    assert readings.admit([ticket("LAA-1", "same state")], [], 5).changed != ()  # equal: the same state
    assert readings.admit([ticket("LAA-1", "newer")], [], 9).changed == (ticket("LAA-1", "newer"),)


def test_readings_of_other_tickets_do_not_date_each_other() -> None:
    readings = TicketReadings()
    readings.admit([ticket("LAA-1")], [], 9)
    assert readings.admit([ticket("LAA-2")], [], 3).changed == (ticket("LAA-2"),)


def test_a_ticket_never_read_with_a_version_takes_any_reading() -> None:
    assert TicketReadings().admit([ticket("LAA-1")], ["LAA-2"], 0).changed == (ticket("LAA-1"),)


def test_a_reading_made_before_a_keypress_was_stored_is_read_again_once_it_is() -> None:
    readings = TicketReadings()
    readings.admit([ticket("LAA-1")], [], 2)
    readings.keypress("LAA-1")  # the row shows the take; the store does not have it yet
    early = readings.admit([ticket("LAA-1", "a colleague's new summary")], [], 3)
    assert early == Admitted((), (), ())  # newer, but without the take: not shown, and not read yet
    assert readings.stored("LAA-1", 4)  # stored: now read it again
    assert readings.admit([ticket("LAA-1")], [], 3).again == ("LAA-1",)  # read before the commit
    assert readings.admit([ticket("LAA-1", "reread")], [], 4).changed == (ticket("LAA-1", "reread"),)
    assert readings.admit([ticket("LAA-1")], [], 3).again == ()  # now simply older


def test_a_keypress_stored_with_no_reading_dropped_asks_for_none() -> None:
    readings = TicketReadings()
    readings.keypress("LAA-1")
    assert not readings.stored("LAA-1", 1)


def test_two_keypresses_wait_for_both_to_be_stored() -> None:
    readings = TicketReadings()
    readings.keypress("LAA-1")
    readings.keypress("LAA-1")
    assert readings.admit([ticket("LAA-1")], [], 2).changed == ()
    assert not readings.stored("LAA-1", 3)  # the second is still on its way
    assert readings.admit([ticket("LAA-1")], [], 3).changed == ()
    assert readings.stored("LAA-1", 5)  # both stored: the dropped readings are made again
    assert readings.admit([ticket("LAA-1")], [], 4).again == ("LAA-1",)
    assert readings.admit([ticket("LAA-1")], [], 5).changed == (ticket("LAA-1"),)


def test_a_refused_keypress_reads_again_what_it_held_back() -> None:
    readings = TicketReadings()
    readings.keypress("LAA-1")
    readings.admit([ticket("LAA-1", "newer")], [], 2)
    assert readings.not_stored("LAA-1")
    assert readings.admit([ticket("LAA-1")], [], 2).changed == (ticket("LAA-1"),)


def test_removals_are_dated_like_changes() -> None:
    readings = TicketReadings()
    readings.admit([ticket("LAA-1")], [], 5)
    assert readings.admit([], ["LAA-1"], 4).removed == ()  # an older reading cannot take it off
    assert readings.admit([], ["LAA-1"], 6).removed == ("LAA-1",)
    # ...and an older reading cannot put it back: the removal is remembered.
    assert readings.admit([ticket("LAA-1")], [], 5).changed == ()
    assert readings.admit([ticket("LAA-1")], [], 7).changed == (ticket("LAA-1"),)
    readings.keypress("LAA-1")
    assert readings.admit([], ["LAA-1"], 8) == Admitted((), (), ())
    assert readings.stored("LAA-1", 9)


def test_removed_tickets_are_remembered_up_to_a_bound() -> None:
    readings = TicketReadings()
    keys = [f"LAA-{n}" for n in range(GONE_KEPT + 50)]
    for version, key in enumerate(keys):
        readings.admit([ticket(key)], [], version)
        readings.admit([], [key], version)
    assert len(readings) == GONE_KEPT
    assert readings.admit([ticket(keys[0])], [], 0).changed != ()  # the oldest were forgotten
    assert readings.admit([ticket(keys[-1])], [], 0).changed == ()  # the newest still date readings
