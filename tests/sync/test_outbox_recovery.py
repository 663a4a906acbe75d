"""The outbox when things go wrong for a long time: credentials, stuck tickets, a lagging search
index, refused writes that later ones relied on, two processes, and Jira coming back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from duty_tui.models import Person, SourceStatus, WriteState
from duty_tui.rules import actions
from duty_tui.sync.outbox import STUCK_AFTER_ATTEMPTS
from tests.support import Harness
from tests.sync.test_outbox import COMMENT, Rig, write_state


def rig(h: Harness) -> Rig:
    built = Rig(h)
    built.poll()
    h.world.jira.log.clear()
    return built


def test_rejected_credentials_keep_every_write_until_jira_accepts_them_again(h: Harness) -> None:
    r = rig(h)
    ticket = r.waiting()
    r.store.outbox.enqueue(actions.take(ticket, r.me, COMMENT, h.clock.now(), r.new_id))
    h.world.jira.faults.revoke_token()
    r.writer.step()
    assert r.store.outbox.count_pending() == 3  # nothing failed, nothing cancelled
    assert "rejected the credentials" in (r.progress[-1].retrying or "")
    h.world.jira.faults.restore_token()
    r.drain()
    assert h.world.jira.world.issue(ticket.key)["fields"]["assignee"]["accountId"] == r.me.account_id


def test_one_ticket_jira_keeps_refusing_does_not_hold_up_the_others(h: Harness) -> None:
    r = rig(h)
    first, second = sorted(
        (t for t in r.store.tickets.on_list() if t.key.startswith("LAA-")), key=lambda t: t.key
    )[:2]
    r.store.outbox.enqueue(actions.take(first, r.me, COMMENT, h.clock.now(), r.new_id))
    r.store.outbox.enqueue(actions.acknowledge(second, r.me, COMMENT, h.clock.now(), r.new_id))
    h.world.jira.faults.fail_next(100, status=500, match=f"GET .*/issue/{first.key}$")
    for _ in range(STUCK_AFTER_ATTEMPTS + 2):
        r.writer.step()
        h.clock.advance(timedelta(minutes=6))
    assert [c["body"] for c in h.world.jira.world.comments(second.key)][-1] == COMMENT  # went ahead
    assert {w.key for w in r.store.outbox.pending()} == {first.key}
    stuck = [p for p in r.progress if p.stuck]
    assert len(stuck) == 1 and stuck[0].write.key == first.key  # said once, not at every retry


def test_a_lagging_search_index_does_not_bring_a_confirmed_take_back(h: Harness) -> None:
    r = rig(h)
    ticket = r.waiting()
    h.world.jira.set_search_lag(120)  # Jira's search sees each issue as it was two minutes ago
    h.clock.advance(timedelta(minutes=5))
    r.store.outbox.enqueue(actions.take(ticket, r.me, COMMENT, h.clock.now(), r.new_id))
    r.drain()
    h.clock.advance(timedelta(seconds=30))
    r.poll()  # the index still has the ticket unassigned, in To Do
    shown = r.store.tickets.get(ticket.key)
    assert shown is not None and shown.assignee_id == r.me.account_id and shown.status == "In Progress"
    h.clock.advance(timedelta(minutes=3))
    r.poll()  # the index caught up: Jira's own data says the same
    shown = r.store.tickets.get(ticket.key)
    assert shown is not None and shown.assignee_id == r.me.account_id


def test_a_refused_write_cancels_later_ones_that_assumed_it(h: Harness) -> None:
    r = rig(h)
    ticket = r.waiting()
    nobody = Person("5b10a2844c2016570000dead", "Old Contractor")
    r.store.outbox.enqueue(actions.assign(ticket, r.me, nobody, h.clock.now(), r.new_id))
    assumed = actions.assign(
        ticket, r.me, Person(h.world.cast.jira["tom"], "Tom Hargreaves"), h.clock.now(), r.new_id
    )
    r.store.outbox.enqueue([replace_expected(assumed[0], nobody.account_id)])
    note = r.store.outbox.enqueue(actions.comment(ticket, r.me, "FYI", h.clock.now(), r.new_id))
    r.drain()
    refused = next(p for p in r.progress if p.failure)
    assert "400" in (refused.failure or "")
    assert [w.assignee for w in refused.cancelled] == ["Tom Hargreaves"]  # it was built on the refused one
    assert write_state(r.store, note[0].uid) is WriteState.SENT
    assert h.world.jira.world.issue(ticket.key)["fields"]["assignee"] is None


def replace_expected(write, assignee_id):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(write, expected_assignee_id=assignee_id)


def test_only_one_process_sends_for_a_data_dir(h: Harness, tmp_path: Path) -> None:
    r = rig(h)
    lock = tmp_path / "outbox.lock"
    other = r.runtime.outbox_writer(lambda _: None)
    assert r.writer.start_locked(lock)
    assert not other.start_locked(lock)  # a second writer would resend an unanswered comment
    r.writer.stop()
    assert other.start_locked(lock)
    other.stop()


def test_writes_waiting_out_a_back_off_go_as_soon_as_jira_answers(h: Harness) -> None:
    r = rig(h)
    ticket = r.waiting()
    r.store.outbox.enqueue(actions.acknowledge(ticket, r.me, COMMENT, h.clock.now(), r.new_id))
    h.world.jira.faults.fail_next(4, status=500, match="POST .*/comment")
    for attempt in range(4):
        if attempt:
            (pending,) = r.store.outbox.pending()
            h.clock.set(pending.next_attempt_at)  # type: ignore[arg-type]
        r.writer.step()
    (pending,) = r.store.outbox.pending()
    assert pending.next_attempt_at is not None and pending.next_attempt_at - h.clock.now() >= timedelta(
        seconds=16
    )
    r.poller.poll(SourceStatus("jira"))
    r.writer.send_now()  # what the app does when a poll reaches Jira
    assert r.writer.step() == 0.0
    assert [c["body"] for c in h.world.jira.world.comments(ticket.key)][-1] == COMMENT
