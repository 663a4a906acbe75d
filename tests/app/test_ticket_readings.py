"""A ticket's row never goes back to an older reading: a Jira poll that read the store before the outbox
delivered (or before a keypress was stored) and reached the UI after must not undo what the row shows."""

from __future__ import annotations

import threading
from dataclasses import replace

from duty_tui.messages import SourcePolled
from duty_tui.models import SourceStatus
from duty_tui.sync.outcomes import TicketsPolled
from tests.app.test_tickets import KEY, SIZE, delivered, ready
from tests.support import Harness, settle


async def test_a_poll_read_while_writes_waited_does_not_mark_them_pending_after_delivery(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        h.world.jira.faults.fail_next(1000, status=503, match=KEY)  # Jira is down for writes
        await pilot.press("t")
        store = app.runtime.store
        await settle(pilot, lambda: store.outbox.count_pending() == 3)
        # What a poll reads at this moment (its transaction holds the store: the outbox waits)...
        tickets, version = store.tickets.dated([KEY])
        polled = tickets[KEY]
        assert polled is not None and polled.pending
        h.world.jira.faults.clear()
        await pilot.press("r")
        await settle(pilot, lambda: delivered(app))
        # ...and reaches the desk after the outbox said the writes were delivered.
        status = SourceStatus("jira", last_success=h.clock.now())
        app.ticket_desk.post_message(
            SourcePolled(TicketsPolled((polled,), (), False, status, version=version))
        )
        await pilot.pause(0.1)
        row = app.tickets.ticket(KEY)
        assert row is not None and not row.pending and row.assignee == "Priya Shah"
        assert delivered(app)


async def test_a_poll_read_before_a_keypress_was_stored_is_read_again_after(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        h.world.jira.faults.hold(match="PUT")  # the take stays on its way while we look
        gate = threading.Event()

        def busy() -> None:
            gate.wait(10)

        app.ticket_desk.store_writer.submit(busy)  # the store writer is busy: the keypress waits
        await pilot.press("t")
        h.world.jira.world.set_summary(KEY, "Restore yesterday's snapshot to UAT2 instead")
        await pilot.press("r")  # a poll reads the new summary, without the take
        await settle(pilot, lambda: "jira" not in app.refreshing)
        await pilot.pause(0.1)
        row = app.tickets.ticket(KEY)
        assert row is not None and row.pending and row.assignee == "Priya Shah"  # the take still shows
        gate.set()  # the take is stored; the ticket is read again behind it, with both
        await settle(pilot, lambda: "UAT2" in getattr(app.tickets.ticket(KEY), "summary", ""))
        row = app.tickets.ticket(KEY)
        assert row is not None and row.pending and row.assignee == "Priya Shah"
        h.world.jira.faults.release()
        await settle(pilot, lambda: delivered(app))


async def test_a_polls_changed_tickets_are_classified_on_the_pollers_thread(h: Harness) -> None:
    """The poller's thread works out each changed ticket's classification and deadline before it posts
    (`DutyApp.ready_poll`): the UI thread finds them made for that very version and shows the row."""
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        row = app.tickets.ticket(KEY)
        assert row is not None and app.tickets.classification(row).severity == 3  # Medium
        edited = replace(
            row, summary="Every provider is locked out", priority="Highest", updated=h.clock.now()
        )
        status = SourceStatus("jira", last_success=h.clock.now())
        outcome = TicketsPolled((edited,), (), False, status, version=app.runtime.store.db.version)
        poller = threading.Thread(target=app._post_poll, args=(app.ticket_desk, outcome))
        poller.start()
        poller.join()
        made = app.facts._known.get(KEY)  # the UI thread has not handled the poll yet: nothing awaited
        assert made is not None and made.ticket is edited and made.classification.severity == 1
        await settle(pilot, lambda: getattr(app.tickets.ticket(KEY), "summary", "") == edited.summary)
        shown = app.tickets.ticket(KEY)
        assert shown is edited and app.tickets.facts(shown) is made  # found made, not made again
