"""Reading the happiness asks back through the Slack poller, against the simulator: a colleague's ask is
found, a known ask is read again on a cadence, a few threads a poll, and a quiet cycle reads no thread."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import SourceStatus
from duty_tui.rules.happiness import ASK_METADATA, Answer, answer
from duty_tui.sync.happiness_sync import PER_CYCLE, REFRESH
from tests.support import Harness

STATUS = SourceStatus("slack")


def requests(h: Harness) -> list[str]:
    """The demo's requests from people outside the team, oldest first."""
    people = {h.world.cast.slack[handle] for handle in ("megan", "fiona", "raj", "lucy", "hannah", "dan")}
    history = h.world.slack.world.history(CHANNEL)
    return [str(m["ts"]) for m in history if m.get("user") in people and not m.get("subtype")]


def ask_in(h: Harness, request_ts: str, requester: str) -> str:
    """Another dashboard marks the request done and asks, as duty-tui does (the bot, with metadata)."""
    h.world.slack.world.react(CHANNEL, request_ts, "white_check_mark", h.world.cast.slack["tom"])
    payload = {"request_ts": request_ts, "requester": requester, "ticket": "", "outbox": "elsewhere"}
    return h.world.slack.world.post(
        CHANNEL,
        h.world.slack.bot_user_id,
        "How did we do?",
        thread_ts=request_ts,
        metadata={"event_type": ASK_METADATA, "event_payload": payload},
    )


def reads(h: Harness, threads: set[str]) -> list[str]:
    """conversations.replies calls for these threads so far (incident threads are read on their own)."""
    found: list[Any] = h.world.slack.log.find("POST", "conversations.replies")
    return [ts for call in found if (ts := call.param("ts")) in threads]


def known(h: Harness, threads: list[str]) -> None:
    """The asks in these threads, as an earlier session stored them (read here, then the log cleared)."""
    runtime = h.runtimes[-1]
    found = [m for ts in threads for m in runtime.slack.replies(ts) if m.metadata_type == ASK_METADATA]
    runtime.store.happiness.save(CHANNEL, found)
    h.world.slack.log.clear()


def test_a_colleagues_ask_is_found_then_read_again_only_on_the_cadence(h: Harness) -> None:
    runtime = h.runtime()
    poller, store = runtime.slack_poller, runtime.store
    hannah = [
        ts
        for ts in requests(h)
        if h.world.slack.world.message(CHANNEL, ts)["user"] == h.world.cast.slack["hannah"]
    ][-1]
    requester = h.world.cast.slack["hannah"]
    poller.poll(STATUS)
    assert reads(h, set(requests(h))) == []  # nothing done or ticketed has replies: no thread read
    ask = ask_in(h, hannah, requester)
    h.world.slack.world.react(CHANNEL, ask, "+1", requester)
    h.clock.advance(timedelta(minutes=6))  # the next rescan of the recent past sees the ✅ and the reply
    poller.poll(STATUS)
    [known] = store.happiness.asks(h.clock.now() - timedelta(days=1))
    assert (known.ts, answer(known)) == (ask, Answer.UP)
    assert reads(h, {hannah}) == [hannah]
    h.world.slack.world.unreact(CHANNEL, ask, "+1", requester)
    h.world.slack.world.react(CHANNEL, ask, "-1", requester)  # changed their mind
    for minutes in (1, 6):  # a quiet poll, then a rescan that sees nothing new in the thread
        h.clock.advance(timedelta(minutes=minutes))
        poller.poll(STATUS)
        assert reads(h, {hannah}) == [hannah]
    h.clock.advance(REFRESH)
    poller.poll(STATUS)
    assert reads(h, {hannah}) == [hannah, hannah]
    [known] = store.happiness.asks(h.clock.now() - timedelta(days=1))
    assert answer(known) is Answer.DOWN


def test_known_asks_are_read_a_few_threads_a_poll_and_at_once_after_a_refresh(h: Harness) -> None:
    runtime = h.runtime()
    threads = requests(h)[:5]
    for ts in threads:
        ask_in(h, ts, str(h.world.slack.world.message(CHANNEL, ts)["user"]))
    known(h, threads)
    poller = runtime.slack_poller
    poller.poll(STATUS)
    assert len(reads(h, set(threads))) == PER_CYCLE
    h.clock.advance(timedelta(seconds=10))
    poller.poll(STATUS)
    assert sorted(set(reads(h, set(threads)))) == sorted(threads)  # the rest, next poll
    h.clock.advance(timedelta(seconds=10))
    poller.poll(STATUS)
    assert len(reads(h, set(threads))) == 5  # then none until the cadence comes round
    poller.rescan_soon()  # `r`
    poller.poll(STATUS)
    assert len(reads(h, set(threads))) == 5 + PER_CYCLE


def test_a_request_deleted_since_does_not_stop_the_poll(h: Harness) -> None:
    runtime = h.runtime()
    [ts] = requests(h)[-1:]
    ask = ask_in(h, ts, str(h.world.slack.world.message(CHANNEL, ts)["user"]))
    known(h, [ts])
    h.world.slack.world.delete(CHANNEL, ask)
    h.world.slack.world.delete(CHANNEL, ts)  # the thread is gone altogether
    polled = runtime.slack_poller.poll(STATUS)
    assert polled.status.last_success == h.clock.now() and reads(h, {ts}) == [ts]
