"""The poll loop and the pollers' guarantees: a cycle is all or nothing, nothing kills polling,
a refresh never cuts a service's Retry-After short."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta

import pytest

from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import SourceStatus
from duty_tui.sources.errors import SourceError
from duty_tui.sync.jira_poll import JiraPoller
from duty_tui.sync.outcomes import MessagesPolled, PollFailed, PollOutcome, TicketsPolled
from duty_tui.sync.poll import PollLoop
from duty_tui.sync.slack_poll import SlackPoller
from duty_tui.text import one_line
from tests.support import Harness


def pollers(h: Harness) -> tuple[JiraPoller, SlackPoller]:
    runtime = h.runtime()
    jira, slack = runtime.jira_poller, runtime.slack_poller
    assert jira is not None and slack is not None
    return jira, slack


def test_a_jira_cycle_that_fails_half_way_writes_nothing_and_the_next_one_shows_it_all(h: Harness) -> None:
    jira, _ = pollers(h)
    jira.poll(SourceStatus("jira"))
    h.clock.advance(timedelta(minutes=jira.config.reconcile_minutes))  # a reconcile lists board by board
    new = h.world.jira.world.create_issue("LAA", "Fresh AWS ticket", priority="High")
    # Board 262's search succeeds (it finds the new ticket); board 265's then fails.
    h.world.jira.faults.fail_next(1, status=500, match="search/jql", after=1)
    with pytest.raises(SourceError):
        jira.poll(SourceStatus("jira"))
    assert len(h.world.jira.log.find("GET", "/search/jql")) >= 2
    assert new not in {t.key for t in jira.store.tickets.on_list()}  # board 262's half was not stored
    h.clock.advance(timedelta(seconds=30))
    assert new in {t.key for t in jira.poll(SourceStatus("jira")).changed}


def test_a_slack_cycle_that_fails_on_a_name_writes_nothing_and_the_next_one_shows_it_all(h: Harness) -> None:
    _, slack = pollers(h)
    slack.poll(SourceStatus("slack"))
    newcomer = h.world.slack.world.add_user("nina", "Nina Newcomer")
    h.world.slack.world.post(CHANNEL, newcomer, "Hello, can someone help with CCMS?")
    h.world.slack.faults.rate_limit_next(1, retry_after=1, match="users.info")
    h.clock.advance(timedelta(seconds=10))
    with pytest.raises(SourceError, match="429"):
        slack.poll(SourceStatus("slack"))
    h.clock.advance(timedelta(seconds=10))
    result = slack.poll(SourceStatus("slack"))
    assert [m.text for m in result.changed] == ["Hello, can someone help with CCMS?"]
    assert [u.name for u in result.users] == ["Nina Newcomer"]


def test_the_directory_is_loaded_again_when_the_first_load_failed(h: Harness) -> None:
    _, slack = pollers(h)
    h.world.slack.faults.fail_next(1, status=500, match="users.list")
    with pytest.raises(SourceError):
        slack.poll(SourceStatus("slack"))
    result = slack.poll(SourceStatus("slack"))
    assert len(h.world.slack.log.find(path="users.list")) == 2
    assert len(result.users) > 10 and not h.world.slack.log.find(path="users.info")


def test_a_failing_store_does_not_stop_the_loop(h: Harness) -> None:
    jira, _ = pollers(h)
    outcomes: list[PollOutcome] = []
    loop = PollLoop(jira, jira.store, h.clock, 30, outcomes.append)
    original = jira.store.statuses.save

    def locked(status: SourceStatus) -> None:
        raise sqlite3.OperationalError("database is locked")

    jira.store.statuses.save = locked  # type: ignore[method-assign]
    assert loop.cycle() == 30  # the store refused even the status: the poll still counts, and goes on
    jira.store.statuses.save = original  # type: ignore[method-assign]
    h.world.jira.world.create_issue("LAA", "after the lock")
    h.clock.advance(timedelta(seconds=30))
    loop.cycle()
    assert isinstance(outcomes[-1], TicketsPolled)


def test_a_refresh_does_not_cut_a_retry_after_short(h: Harness) -> None:
    jira, _ = pollers(h)
    jira.poll(SourceStatus("jira"))
    searches = lambda: len(h.world.jira.log.find("GET", "/search/jql"))  # noqa: E731
    outcomes: list[tuple[float, int, PollOutcome]] = []  # when each came, and the searches sent by then
    failed, polled = threading.Event(), threading.Event()

    def emit(outcome: PollOutcome) -> None:
        outcomes.append((time.monotonic(), searches(), outcome))
        (polled if isinstance(outcome, TicketsPolled) else failed).set()

    loop = PollLoop(jira, jira.store, h.clock, 0.05, emit)
    h.world.jira.faults.rate_limit_next(1, retry_after=2, match="search/jql")
    h.world.jira.log.clear()
    loop.start()
    try:
        assert failed.wait(timeout=5), "the rate-limited poll never reported"
        loop.wake()  # the engineer presses r at once
        assert polled.wait(timeout=10), "no poll after the Retry-After"
    finally:
        loop.stop()
    (failed_at, sent_then, first), (polled_at, _, second) = outcomes[:2]
    assert isinstance(first, PollFailed) and sent_then == 1
    assert isinstance(second, TicketsPolled)
    # Nothing was sent early: the next poll waited out the 2 s Retry-After despite the wake (a wake that
    # cut it short would have polled at once, a few milliseconds after the failure was reported).
    assert polled_at - failed_at >= 1.5


def test_stopping_interrupts_between_requests(h: Harness) -> None:
    _, slack = pollers(h)
    h.world.slack.faults.set_latency(0.3, match="conversations.history")
    outcomes: list[PollOutcome] = []
    loop = PollLoop(slack, slack.store, h.clock, 30, outcomes.append)
    loop.start()
    # The channel's name is asked just before the (slow) history: stop while that is in flight.
    assert h.world.slack.log.wait_for(path="conversations.info", timeout=5)
    started = time.monotonic()
    loop.stop()
    assert loop.wait_finished(timeout=5)
    assert time.monotonic() - started < 2  # at most the request in flight
    assert not [o for o in outcomes if isinstance(o, MessagesPolled)]  # a cut-off cycle reports nothing


def test_service_text_in_errors_cannot_reach_the_terminal() -> None:
    error = SourceError("Slack answered x\x1b]0;PWNED\x07\x1b[2J\u202eevil\nsecond line while reading")
    assert "\x1b" not in error.message and "\u202e" not in error.message and "\n" not in error.message
    assert error.message == "Slack answered x]0;PWNED[2Jevil second line while reading"
    assert one_line("a\tb\x00c", None, breaks=False) == "a bc"
    assert str(SourceError("rejected xoxb-1-abc\x1b[0m, Bearer A1b2C3d4E5")) == (
        "rejected [redacted][0m, Bearer [redacted]"
    )
