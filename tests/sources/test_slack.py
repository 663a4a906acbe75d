"""The Slack source and poller against the simulated Slack Web API, over HTTP, with the real WebClient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from duty_sim.slack.service import SlackSim
from duty_tui.clock import ManualClock
from duty_tui.config import SlackConfig
from duty_tui.models import SourceStatus
from duty_tui.sources.errors import SourceError
from duty_tui.sources.slack.client import SlackSource
from duty_tui.store import Store
from duty_tui.sync.outcomes import MessagesPolled, PollFailed, PollOutcome
from duty_tui.sync.poll import PollLoop
from duty_tui.sync.slack_poll import SlackPoller

CHANNEL = "CEL68S0LD"


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[SlackSim]:
    with SlackSim(clock=clock) as sim:
        yield sim


def poller(sim: SlackSim, store: Store, clock: ManualClock, **changes: float) -> SlackPoller:
    config = SlackConfig(channel=CHANNEL, api_url=sim.api_url, **changes)
    return SlackPoller(SlackSource(config, "xoxb-sim-token"), store, config, clock)


def poll(p: SlackPoller) -> MessagesPolled:
    return p.poll(SourceStatus("slack"))


def methods(sim: SlackSim) -> list[str]:
    return [entry.path.removeprefix("/api/") for entry in sim.log]


def test_reads_every_page_oldest_first_with_names(sim: SlackSim, store: Store, clock: ManualClock) -> None:
    ann = sim.world.add_user("ann", "Ann Smith", display_name="Ann")
    bob = sim.world.add_user("bob", "Bob Jones")
    start = clock.now() - timedelta(hours=5)
    for n in range(450):
        sim.world.post(
            CHANNEL, ann if n % 2 else bob, f"message {n} for <@{ann}>", at=start + timedelta(seconds=n)
        )
    result = poll(poller(sim, store, clock))
    assert [m.text for m in result.changed[:2]] == [f"message 0 for <@{ann}>", f"message 1 for <@{ann}>"]
    assert len(result.changed) == 450 and store.messages.count(CHANNEL) == 450
    history = sim.log.find(path="conversations.history")
    assert len(history) >= 3 + 3  # 450 at 200 a page, once for new messages and once for the rescan window
    assert history[1].param("cursor")
    names = {u.id: u.name for u in store.chat_users.all().values()}
    assert names[ann] == "Ann" and names[bob] == "Bob Jones"  # display name, else real name
    assert "users.info" not in methods(sim)  # the directory was warmed with users.list


def test_threads_replies_and_late_replies(sim: SlackSim, store: Store, clock: ManualClock) -> None:
    ann = sim.world.add_user("ann", "Ann Smith")
    parent = sim.world.post(CHANNEL, ann, "question", at=clock.now() - timedelta(minutes=30))
    sim.world.post(CHANNEL, ann, "answer", thread_ts=parent, at=clock.now() - timedelta(minutes=29))
    p = poller(sim, store, clock, rescan_minutes=5)
    (message,) = poll(p).changed
    assert message.ts == parent and message.reply_count == 1 and message.latest_reply
    # A reply to an older thread is not a new top-level message: the periodic rescan catches it.
    late = sim.world.post(CHANNEL, ann, "late answer", thread_ts=parent)
    clock.advance(timedelta(seconds=10))
    assert poll(p).changed == ()
    clock.advance(timedelta(minutes=5))
    (updated,) = poll(p).changed
    assert updated.reply_count == 2 and updated.latest_reply == late


def test_unknown_authors_are_looked_up_once(sim: SlackSim, store: Store, clock: ManualClock) -> None:
    sim.world.add_user("ann", "Ann Smith")
    p = poller(sim, store, clock)
    poll(p)
    newcomer = sim.world.add_user("zed", "Zed New")  # joined after the directory was warmed
    sim.world.post(CHANNEL, newcomer, "hello")
    sim.world.post(CHANNEL, newcomer, "me again")
    clock.advance(timedelta(seconds=10))
    result = poll(p)
    assert [u.name for u in result.users] == ["Zed New"]
    clock.advance(timedelta(seconds=10))
    sim.world.post(CHANNEL, newcomer, "third")
    poll(p)
    assert methods(sim).count("users.info") == 1
    assert methods(sim).count("users.list") == 1


def test_steady_state_costs_one_request(sim: SlackSim, store: Store, clock: ManualClock) -> None:
    sim.world.add_user("ann", "Ann Smith")
    p = poller(sim, store, clock, rescan_minutes=60)
    poll(p)
    sim.log.clear()
    for _ in range(5):
        clock.advance(timedelta(seconds=10))
        assert poll(p).changed == ()
    assert methods(sim) == ["conversations.history"] * 5


def test_deleted_messages_leave_at_the_rescan(sim: SlackSim, store: Store, clock: ManualClock) -> None:
    ann = sim.world.add_user("ann", "Ann Smith")
    keep = sim.world.post(CHANNEL, ann, "keep", at=clock.now() - timedelta(minutes=3))
    gone = sim.world.post(CHANNEL, ann, "oops", at=clock.now() - timedelta(minutes=2))
    p = poller(sim, store, clock, rescan_minutes=5)
    poll(p)
    sim.world.delete(CHANNEL, gone)
    clock.advance(timedelta(minutes=6))
    assert poll(p).removed == (gone,)
    assert [m.ts for m in store.messages.recent(CHANNEL, limit=10)] == [keep]


def test_rate_limit_and_revoked_token(sim: SlackSim, store: Store, clock: ManualClock) -> None:
    sim.world.add_user("ann", "Ann Smith")
    p = poller(sim, store, clock)
    poll(p)
    outcomes: list[PollOutcome] = []
    loop = PollLoop(p, store, clock, 10, outcomes.append)
    sim.faults.rate_limit_next(1, retry_after=4, match="conversations.history")
    assert loop.cycle() == 4
    assert isinstance(outcomes[-1], PollFailed) and "429" in outcomes[-1].error.message
    assert loop.cycle() == 10 and isinstance(outcomes[-1], MessagesPolled)
    sim.faults.revoke_token()
    with pytest.raises(SourceError) as rejected:
        poll(p)
    assert (
        rejected.value.auth
        and "token_revoked" in rejected.value.message
        and "xoxb" not in rejected.value.message
    )


def test_not_in_channel_says_how_to_fix_it(sim: SlackSim, store: Store, clock: ManualClock) -> None:
    sim.inject_error("not_in_channel", method="conversations.history")
    p = poller(sim, store, clock)
    with pytest.raises(SourceError, match="invite the app"):
        poll(p)
