"""The status bar's count of writes on their way, as the desks report it: every desk reports the outbox's
count to the one bar, so the bar follows whichever spoke last (the app, not a desk, tells news from a
repeat)."""

from __future__ import annotations

from duty_tui.desks.ticket_messages import PendingWritesChanged
from tests.support import Harness, screen_text, settle


async def test_the_bar_follows_the_last_desk_to_report_even_when_one_repeats_itself(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=(250, 35)) as pilot:
        await settle(pilot, lambda: app.painted)
        tickets, channel = app.ticket_desk, app.channel_desk
        tickets.post_message(PendingWritesChanged(1, None))  # an assign waits for Jira
        await settle(pilot, lambda: "⟳ 1 write pending" in screen_text(app))
        channel.post_message(PendingWritesChanged(2, None))  # a reaction waits for Slack too
        await settle(pilot, lambda: "⟳ 2 writes pending" in screen_text(app))
        # The assign lands: the ticket desk's count is what it said last time, but not what the bar shows.
        tickets.post_message(PendingWritesChanged(1, None))
        await settle(pilot, lambda: "⟳ 1 write pending" in screen_text(app))
        tickets.post_message(PendingWritesChanged(1, "Jira timed out"))  # a retry, now with a reason
        await settle(pilot, lambda: "Jira timed out" in screen_text(app))
        channel.post_message(PendingWritesChanged(0, None))
        await settle(pilot, lambda: "pending" not in screen_text(app))
