"""The outbox with the channel's writes: order per target across keypresses and services, back-off that
holds for every write of a keypress, and what a refusal cancels. Real clients against the simulators."""

from __future__ import annotations

from datetime import timedelta

from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import ChatMessage, NewTicket, ReplyDraft, SourceStatus
from duty_tui.rules import channel_actions
from duty_tui.rules.channel_actions import Board
from duty_tui.sync.outbox import OutboxProgress
from tests.support import Harness
from tests.sync.test_outbox import Rig


def request(h: Harness, handle: str = "dan") -> ChatMessage:
    user = h.world.cast.slack[handle]
    ts = [str(m["ts"]) for m in h.world.slack.world.history(CHANNEL) if m.get("user") == user][-1]
    return ChatMessage(ts, CHANNEL, user, "Can I get read-only CloudWatch access?")


def raise_writes(rig: Rig, message: ChatMessage) -> list:  # type: ignore[type-arg]
    rig.poll()
    board = Board(262, "AWS Ops", "LAA")
    ticket = NewTicket(262, "CloudWatch access for Apply", "Medium", "desc")
    return channel_actions.raise_ticket(
        message,
        rig.me,
        ticket,
        board,
        permalink="https://x.slack.com/p1",
        now=rig.h.clock.now(),
        new_id=rig.new_id,
    )


def test_a_reply_waiting_out_a_back_off_is_not_overtaken_by_a_later_announcement(h: Harness) -> None:
    rig = Rig(h)
    message = request(h)
    h.world.slack.faults.fail_next(1, status=503, match="chat.postMessage")
    rig.store.outbox.enqueue(
        channel_actions.reply(message, rig.me, ReplyDraft("First"), h.clock.now(), rig.new_id)
    )
    rig.writer.step()  # 503: the reply waits
    rig.store.outbox.enqueue(raise_writes(rig, message))
    rig.drain()
    texts = [m["text"] for m in h.world.slack.world.thread(CHANNEL, message.ts)[1:]]
    assert texts[0] == "First" and "Raised" in texts[1]


def test_a_keypress_whose_second_write_backs_off_does_not_spin(h: Harness) -> None:
    rig = Rig(h)
    message = request(h)
    rig.store.outbox.enqueue(raise_writes(rig, message))
    h.world.slack.faults.fail_next(100, status=503, match="chat.postMessage")
    for _ in range(30):  # the clock does not move: nothing is due again
        rig.writer.step()
    posts = h.world.slack.log.find("POST", "chat.postMessage")
    creates = [e for e in h.world.jira.log if e.method == "POST" and e.path.endswith("/issue")]
    assert len(posts) == 1 and len(creates) == 1
    h.world.slack.faults.clear()
    rig.drain()
    assert [e.path for e in h.world.jira.log if "remotelink" in e.path]  # linked once the reply went


def test_an_announcement_slack_refuses_does_not_cancel_the_link_of_the_ticket_jira_made(h: Harness) -> None:
    rig = Rig(h)
    message = request(h)
    rig.store.outbox.enqueue(raise_writes(rig, message))
    h.world.slack.world.archive(CHANNEL)
    rig.drain()
    created = rig.store.raised.of(CHANNEL, "0")[message.ts][0]
    assert len(h.world.jira.world.remote_link_views(created)) == 1
    refused = [p for p in rig.progress if p.failure]
    assert len(refused) == 1 and refused[0].write.announces and not refused[0].cancelled


def test_a_resend_long_after_a_lost_creation_answer_still_finds_the_ticket(h: Harness) -> None:
    rig = Rig(h)
    message = request(h)
    before = set(h.world.jira.world.issue_keys())
    rig.store.outbox.enqueue(raise_writes(rig, message))
    h.world.jira.faults.drop_next(1, match=r"POST .*/issue$")
    rig.writer.step()
    h.clock.advance(timedelta(hours=2))  # an outage, or a laptop closed over lunch
    rig.drain()
    assert len(set(h.world.jira.world.issue_keys()) - before) == 1


def progress_kinds(progress: list[OutboxProgress]) -> list[str]:
    return [p.write.kind.value for p in progress]


def test_a_quiet_channel_poll_is_one_history_call(h: Harness) -> None:
    runtime = h.runtime()
    runtime.slack_poller.poll(SourceStatus("slack"))
    h.clock.advance(timedelta(seconds=10))
    h.world.slack.log.clear()
    runtime.slack_poller.poll(SourceStatus("slack"))
    assert [e.path for e in h.world.slack.log] == ["/api/conversations.history"]


def test_a_revoked_user_token_or_an_unreadable_user_group_does_not_stop_the_channel(h: Harness) -> None:
    from dataclasses import replace

    config = h.config()
    config = replace(
        config,
        workflow=replace(config.workflow, team=replace(config.workflow.team, slack_usergroup="S0NOSUCH")),
    )
    h.world.slack.revoke_user_token(h.world.slack_user_token)
    runtime = h.runtime(config=config)
    polled = runtime.slack_poller.poll(SourceStatus("slack"))
    assert polled.changed and h.world.cast.slack["tom"] in polled.team  # the configured members still count


def test_slacks_own_failures_are_retried_not_refused(h: Harness) -> None:
    from duty_tui.models import Service
    from duty_tui.sources.errors import SourceError

    rig = Rig(h)
    message = request(h)
    [write] = channel_actions.reply(message, rig.me, ReplyDraft("hello"), h.clock.now(), rig.new_id)
    h.world.slack.inject_error("internal_error", method="chat.postMessage")
    try:
        rig.writer.deliveries[Service.SLACK].deliver(write, None)
    except SourceError as error:
        assert not error.permanent and "tries again" in error.message
    else:
        raise AssertionError("the injected error did not reach duty-tui")
