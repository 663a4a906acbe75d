"""Two dashboards ask the same requester at the same moment: both read the thread, find no ask, and both
post one. The earliest ask (lowest ts) wins: the later dashboard deletes its own with chat.delete and
reports the earlier one, so the simulated Slack holds one ask and both dashboards (two runtimes, two
stores) know the same ts. Driven through the real `SlackDelivery` and `slack_sdk` against the simulator.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import Service, Write, ts_key
from duty_tui.rules.actions import Actor
from duty_tui.rules.happiness import ASK_METADATA, happiness_figures
from duty_tui.rules.happiness_asks import AskTarget, ask_write
from duty_tui.runtime import Runtime
from duty_tui.sources.errors import SourceError
from duty_tui.sync.outbox import Delivered
from duty_tui.sync.slack_delivery import SlackDelivery
from tests.support import Harness

QUESTION = "How did we do? React 👍 or 👎"
WAIT = 10.0  # seconds a step may take before the test gives up (never slept through)


def dashboard(h: Harness, name: str) -> tuple[Runtime, SlackDelivery]:
    """One engineer's duty-tui: its own data dir (its own store), the same Slack."""
    runtime = h.runtime(data_dir=h.data_dir.parent / name)
    delivery = runtime.outbox_writer(lambda progress: None).deliveries[Service.SLACK]
    assert isinstance(delivery, SlackDelivery)
    return runtime, delivery


def request(h: Harness) -> tuple[str, str]:
    """Hannah's request (its ts) and Hannah."""
    hannah = h.world.cast.slack["hannah"]
    history = h.world.slack.world.history(CHANNEL)
    return [str(m["ts"]) for m in history if m.get("user") == hannah][-1], hannah


def ask(h: Harness, engineer: str, uid: str) -> Write:
    """The ask `d` queues on one dashboard (`rules.happiness_asks.ask_write`)."""
    request_ts, requester = request(h)
    target = AskTarget(request_ts, requester)
    return ask_write(target, QUESTION, Actor(f"acc-{engineer}", engineer), h.clock.now(), batch=uid, uid=uid)


def asks_in_slack(h: Harness) -> list[str]:
    """The asks the simulated Slack holds in the request's thread."""
    thread = h.world.slack.world.thread(CHANNEL, request(h)[0], include_metadata=True)[1:]
    return [str(m["ts"]) for m in thread if m.get("metadata", {}).get("event_type") == ASK_METADATA]


def calls(h: Harness, method: str) -> list[Any]:
    return h.world.slack.log.find("POST", f"/api/{method}")


def confirm(
    runtime: Runtime, delivery: SlackDelivery, write: Write, delivered: Delivered, h: Harness
) -> None:
    """What the outbox writer does once a write is delivered: record it in the store's transaction."""
    with runtime.store.transaction():
        delivery.confirmed(replace(write, result=delivered.result), delivered, h.clock.now())


def known(runtime: Runtime, h: Harness) -> list[str]:
    return [a.ts for a in runtime.store.happiness.asks(h.clock.now() - timedelta(days=1))]


def after_first_read(delivery: SlackDelivery, step: Callable[[], None]) -> None:
    """Run `step` right after the delivery's first read of the thread (between its read and its post):
    the instance's own `thread_texts`, wrapped; the real one still does the reading."""
    real = delivery.writer.thread_texts
    done = False

    def read(thread_ts: str) -> list[Mapping[str, Any]]:
        nonlocal done
        found = real(thread_ts)
        if not done:
            done = True
            step()
        return found

    delivery.writer.thread_texts = read  # type: ignore[method-assign]


def test_two_dashboards_posting_at_once_leave_one_ask_and_agree_on_it(h: Harness) -> None:
    """The real interleaving: both read "no ask" while the simulator holds both posts, then both post."""
    (a, first), (b, second) = dashboard(h, "priya"), dashboard(h, "tom")
    writes = {"priya": ask(h, "Priya Shah", "ask-priya"), "tom": ask(h, "Tom Reed", "ask-tom")}
    results: dict[str, Delivered] = {}
    errors: list[BaseException] = []

    def deliver(name: str, delivery: SlackDelivery) -> None:
        try:
            results[name] = delivery.deliver(writes[name], None)
        except BaseException as error:  # handed to the test thread
            errors.append(error)

    h.world.slack.faults.hold(match=r"chat[.]postMessage")
    threads = [
        threading.Thread(target=deliver, args=("priya", first)),
        threading.Thread(target=deliver, args=("tom", second)),
    ]
    try:
        for thread in threads:
            thread.start()
        request_ts = request(h)[0]
        deadline = time.monotonic() + WAIT
        while len([c for c in calls(h, "conversations.replies") if c.param("ts") == request_ts]) < 2:
            assert time.monotonic() < deadline, "both dashboards should have read the thread"
            h.world.slack.log.wait_for("POST", "conversations.replies", timeout=0.05)
        assert asks_in_slack(h) == []  # both read "no ask"; both posts are held
    finally:
        h.world.slack.faults.release()
        for thread in threads:
            thread.join(WAIT)
    assert not errors, errors
    assert len(calls(h, "chat.postMessage")) == 2  # both posted

    [remaining] = asks_in_slack(h)
    assert results["priya"].result == results["tom"].result == remaining
    [deleted] = [c.param("ts") for c in calls(h, "chat.delete")]  # the later one, by its own dashboard
    assert ts_key(deleted) > ts_key(remaining)
    confirm(a, first, writes["priya"], results["priya"], h)
    confirm(b, second, writes["tom"], results["tom"], h)
    assert known(a, h) == known(b, h) == [remaining]
    figures = happiness_figures(a.store.happiness.asks(h.clock.now() - timedelta(days=1)))
    assert figures.asked == 1


def test_the_dashboard_that_posted_second_deletes_its_ask_and_reports_the_first(h: Harness) -> None:
    """Deterministic: Tom's dashboard asks (read, post, check) between Priya's read and her post."""
    (a, first), (b, second) = dashboard(h, "priya"), dashboard(h, "tom")
    priya, tom = ask(h, "Priya Shah", "ask-priya"), ask(h, "Tom Reed", "ask-tom")
    toms: list[Delivered] = []
    after_first_read(first, lambda: toms.append(second.deliver(tom, None)))

    priyas = first.deliver(priya, None)
    [remaining] = asks_in_slack(h)
    [tom_delivered] = toms
    assert priyas.result == tom_delivered.result == remaining  # Tom's, the earlier
    [posted_by_tom, posted_by_priya] = [str(c.json()["thread_ts"]) for c in calls(h, "chat.postMessage")]
    assert posted_by_tom == posted_by_priya == request(h)[0]
    [deleted] = [c.param("ts") for c in calls(h, "chat.delete")]
    assert ts_key(deleted) > ts_key(remaining)
    message = h.world.slack.world.message(CHANNEL, remaining, include_metadata=True)
    assert message["metadata"]["event_payload"]["outbox"] == "ask-tom" and message.get("bot_id")
    confirm(a, first, priya, priyas, h)
    confirm(b, second, tom, tom_delivered, h)
    assert known(a, h) == known(b, h) == [remaining]


def test_a_delete_that_fails_is_logged_and_the_earlier_ask_still_reported(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    (a, first), (_b, second) = dashboard(h, "priya"), dashboard(h, "tom")
    priya, tom = ask(h, "Priya Shah", "ask-priya"), ask(h, "Tom Reed", "ask-tom")
    toms: list[Delivered] = []
    after_first_read(first, lambda: toms.append(second.deliver(tom, None)))
    h.world.slack.inject_error("cant_delete_message", method="chat.delete")

    with caplog.at_level(logging.WARNING, logger="duty_tui.sync.slack_delivery"):
        priyas = first.deliver(priya, None)
    earlier, later = asks_in_slack(h)  # both stay in Slack
    assert priyas.result == toms[0].result == earlier
    assert any(later in r.getMessage() and "could not be deleted" in r.getMessage() for r in caplog.records)
    confirm(a, first, priya, priyas, h)
    assert known(a, h) == [earlier]
    # A poll that reads the thread now stores both asks: the figures still count one.
    a.store.happiness.save(
        CHANNEL, [m for m in a.slack.replies(request(h)[0]) if m.metadata_type == ASK_METADATA]
    )
    stored = a.store.happiness.asks(h.clock.now() - timedelta(days=1))
    assert [s.ts for s in stored] == [earlier, later]
    assert happiness_figures(stored).asked == 1


def test_a_resend_that_finds_its_lost_ask_behind_an_earlier_one_deletes_it(h: Harness) -> None:
    """Priya's post lands but Slack's answer is lost; Tom asked in between. Her resend reads the thread,
    finds Tom's ask first and hers (by its outbox id) after it, and takes hers back."""
    (_a, first), (_b, second) = dashboard(h, "priya"), dashboard(h, "tom")
    priya, tom = ask(h, "Priya Shah", "ask-priya"), ask(h, "Tom Reed", "ask-tom")
    toms: list[Delivered] = []

    def tom_asks() -> None:
        toms.append(second.deliver(tom, None))
        h.world.slack.faults.drop_next(1, match=r"chat[.]postMessage")  # Priya's answer will be lost

    after_first_read(first, tom_asks)
    with pytest.raises(SourceError):
        first.deliver(priya, None)
    assert len(asks_in_slack(h)) == 2
    again = first.deliver(replace(priya, attempts=2), None)
    [remaining] = asks_in_slack(h)
    assert again.result == toms[0].result == remaining
    assert len(calls(h, "chat.postMessage")) == 2  # the resend posted nothing


def test_a_thread_that_cannot_be_read_again_reports_the_ask_just_posted(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The post landed; without a second look the dashboard cannot know of an earlier one, and says so."""
    _a, first = dashboard(h, "priya")
    priya = ask(h, "Priya Shah", "ask-priya")
    after_first_read(first, lambda: h.world.slack.inject_error("fatal_error", method="conversations.replies"))
    with caplog.at_level(logging.WARNING, logger="duty_tui.sync.slack_delivery"):
        delivered = first.deliver(priya, None)
    assert [delivered.result] == asks_in_slack(h)
    assert any("could not be read again" in r.getMessage() for r in caplog.records)
