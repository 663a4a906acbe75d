"""The outbox against the simulated Jira, asserting on its request log: writes take effect once."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from duty_tui.models import Person, Ticket, WriteState
from duty_tui.rules import actions
from duty_tui.rules.actions import Actor
from duty_tui.store import Store
from duty_tui.sync.outbox import OutboxProgress
from tests.support import Harness

COMMENT = "Thanks: LAA Ops has this."


class Rig:
    """A populated demo world, its store after one poll, and an outbox writer on both."""

    def __init__(self, h: Harness, data_dir: Path | None = None) -> None:
        self.h = h
        self.runtime = h.runtime(data_dir)
        self.poller = self.runtime.jira_poller
        self.progress: list[OutboxProgress] = []
        self.writer = self.runtime.outbox_writer(self.progress.append)
        me = self.runtime.account.fetch()
        self.me = Actor(me.account_id, me.display_name)
        self.ids = (f"id-{n}" for n in itertools.count())

    @property
    def store(self) -> Store:
        return self.runtime.store

    def poll(self) -> None:
        from duty_tui.models import SourceStatus

        self.poller.poll(SourceStatus("jira"))

    def waiting(self) -> Ticket:
        """The first unassigned To Do ticket on the AWS board."""
        return next(
            t
            for t in sorted(self.store.tickets.on_list(), key=lambda t: t.key)
            if t.key.startswith("LAA-") and t.assignee_id is None and t.status == "To Do"
        )

    def new_id(self) -> str:
        return next(self.ids)

    def drain(self, limit: int = 20) -> None:
        """Run the writer until nothing is pending, moving the clock past any back-off."""
        for _ in range(limit):
            if self.store.outbox.count_pending() == 0:
                return
            delay = self.writer.step()
            if delay > 0:
                self.h.clock.advance(timedelta(seconds=delay))
        raise AssertionError("writes still pending")

    def requests(self) -> list[str]:
        return [f"{e.method} {e.path.split('/rest/api/2/')[-1]}" for e in self.h.world.jira.log]


def write_state(store: Store, uid: str) -> WriteState:
    """What became of one write, as the outbox table records it."""
    (row,) = store.db.rows("SELECT state FROM outbox WHERE uid = ?", [uid])
    return WriteState(row["state"])


@pytest.fixture
def rig(h: Harness) -> Iterator[Rig]:
    rig = Rig(h)
    rig.poll()
    h.world.jira.log.clear()
    yield rig


def test_take_is_one_state_check_plus_the_three_writes(rig: Rig) -> None:
    ticket = rig.waiting()
    writes = rig.store.outbox.enqueue(actions.take(ticket, rig.me, COMMENT, rig.h.clock.now(), rig.new_id))
    shown = rig.store.tickets.get(ticket.key)
    assert (
        shown is not None
        and shown.assignee_id == rig.me.account_id
        and shown.pending == ("assign", "transition", "comment")
    )
    rig.drain()
    key = ticket.key
    assert rig.requests() == [
        f"GET issue/{key}",
        f"PUT issue/{key}/assignee",
        f"POST issue/{key}/transitions",
        f"POST issue/{key}/comment",
    ]
    log = rig.h.world.jira.log.entries()
    assert log[1].json() == {"accountId": rig.me.account_id}
    assert log[2].json()["transition"]["id"] == "21"  # "Start work": chosen by its target, In Progress
    issue = rig.h.world.jira.world.issue(key)["fields"]
    assert issue["assignee"]["accountId"] == rig.me.account_id and issue["status"]["name"] == "In Progress"
    assert [c["body"] for c in rig.h.world.jira.world.comments(key)][-1] == COMMENT
    assert all(write_state(rig.store, w.uid) is WriteState.SENT for w in writes)
    after = rig.store.tickets.get(key)
    assert after is not None and after.pending == () and after.acknowledged_at is not None
    assert "assigned to" in (after.acknowledged_by or "")


def test_a_colleague_who_took_it_first_is_not_overwritten(rig: Rig) -> None:
    ticket = rig.waiting()
    rig.store.outbox.enqueue(actions.take(ticket, rig.me, COMMENT, rig.h.clock.now(), rig.new_id))
    tom = rig.h.world.cast.jira["tom"]
    rig.h.world.jira.world.assign(ticket.key, tom, by=tom)  # in the browser, before duty-tui sends
    rig.drain()
    assert rig.requests() == [f"GET issue/{ticket.key}"]  # checked, then wrote nothing
    failure = next(p for p in rig.progress if p.failure)
    assert "assigned to Tom Hargreaves" in failure.failure and "did not overwrite" in failure.failure  # type: ignore[operator]
    assert [w.kind.value for w in failure.cancelled] == ["transition", "comment"]
    assert rig.h.world.jira.world.issue(ticket.key)["fields"]["assignee"]["accountId"] == tom
    shown = rig.store.tickets.get(ticket.key)
    assert (
        shown is not None and shown.pending == () and shown.assignee_id is None
    )  # the optimistic change is undone


def test_server_errors_then_recovery_deliver_once(rig: Rig) -> None:
    ticket = rig.waiting()
    rig.store.outbox.enqueue(
        actions.assign(ticket, rig.me, Person(rig.me.account_id, rig.me.name), rig.h.clock.now(), rig.new_id)
    )
    rig.h.world.jira.faults.fail_next(2, status=500, match="PUT .*/assignee")
    rig.writer.step()
    assert rig.progress[-1].retrying and "server error (500)" in rig.progress[-1].retrying
    assert rig.writer.step() == 2.0  # the ticket's only write waits out its back-off
    rig.drain()
    assert rig.requests().count(f"PUT issue/{ticket.key}/assignee") == 3
    history = [
        h for h in rig.h.world.jira.world.changelog(ticket.key) if h["items"][0]["field"] == "assignee"
    ]
    assert len(history) == 1


def test_retry_after_is_honoured(rig: Rig) -> None:
    ticket = rig.waiting()
    rig.store.outbox.enqueue(actions.acknowledge(ticket, rig.me, COMMENT, rig.h.clock.now(), rig.new_id))
    rig.h.world.jira.faults.rate_limit_next(1, retry_after=7, match="POST .*/comment")
    rig.writer.step()
    assert rig.writer.step() == 7.0  # nothing else to send: wait as long as Jira asked
    (pending,) = rig.store.outbox.pending()
    assert pending.next_attempt_at == rig.h.clock.now() + timedelta(seconds=7)
    assert rig.writer.step() > 0  # not yet
    rig.h.clock.advance(timedelta(seconds=7))
    rig.drain()
    assert len(rig.h.world.jira.world.comments(ticket.key)) == 1


def test_accept_then_drop_never_duplicates_a_comment_or_an_assignment(rig: Rig) -> None:
    ticket = rig.waiting()
    rig.store.outbox.enqueue(actions.take(ticket, rig.me, COMMENT, rig.h.clock.now(), rig.new_id))
    rig.h.world.jira.faults.drop_next(1, match="POST .*/comment")  # Jira stores it, the answer is lost
    rig.h.world.jira.faults.drop_next(1, match="PUT .*/assignee")
    rig.drain()
    assert [c["body"] for c in rig.h.world.jira.world.comments(ticket.key)] == [COMMENT]
    assert rig.requests().count(f"PUT issue/{ticket.key}/assignee") == 1  # the resend found it done
    assert rig.requests().count(f"POST issue/{ticket.key}/comment") == 1
    assert f"GET issue/{ticket.key}/comment" in rig.requests()  # looked before resending


def test_a_crash_after_jira_acted_resumes_without_duplicates(h: Harness, tmp_path: Path) -> None:
    first = Rig(h)
    first.poll()
    ticket = first.waiting()
    writes = first.store.outbox.enqueue(actions.take(ticket, first.me, COMMENT, h.clock.now(), first.new_id))
    # The process records the attempts and Jira acts on all three, then the process dies before
    # recording any success.
    for write in writes:
        first.store.outbox.record_attempt(write)
    jira = first.runtime.jira_writer
    jira.assign(ticket.key, first.me.account_id)
    jira.transition(ticket.key, "21")
    jira.comment(ticket.key, COMMENT, writes[2].uid)
    first.runtime.store.close()

    second = Rig(h)  # a restart on the same data dir
    assert second.store.outbox.count_pending() == 3
    h.world.jira.log.clear()
    second.drain()
    # a new client (serverInfo), one state check, one look for the comment: nothing resent
    assert second.requests() == [
        "GET serverInfo",
        f"GET issue/{ticket.key}",
        f"GET issue/{ticket.key}/comment",
    ]
    assert len(h.world.jira.world.comments(ticket.key)) == 1
    assert (
        len([x for x in h.world.jira.world.changelog(ticket.key) if x["items"][0]["field"] == "assignee"])
        == 1
    )


def test_a_move_by_target_status_and_a_refused_one(rig: Rig) -> None:
    from duty_tui.models import Transition

    ticket = rig.waiting()
    done = Transition("31", "Resolve", "10001", "Done", "done")
    rig.store.outbox.enqueue(actions.move(ticket, rig.me, done, rig.h.clock.now(), rig.new_id))
    rig.drain()
    assert rig.h.world.jira.world.issue(ticket.key)["fields"]["status"]["name"] == "Done"
    shown = rig.store.tickets.get(ticket.key)
    assert shown is not None and shown.status == "Done"
    assert ticket.key not in {t.key for t in rig.store.tickets.on_list()}  # done tickets leave the pane
    limbo = Transition("99", "Nope", "424242", "Limbo", "new")
    again = rig.store.outbox.enqueue(actions.move(shown, rig.me, limbo, rig.h.clock.now(), rig.new_id))
    rig.drain()
    assert write_state(rig.store, again[0].uid) is WriteState.FAILED
    assert "no such transition" in (rig.progress[-1].failure or "")
