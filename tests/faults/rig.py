"""The write side of the fault matrix: the real outbox writer on its own thread, the real deliveries and
clients, a store in the test's data dir, the simulators; and every kind of write, with where its request
goes and how to count its effect in the simulator (never in our store).

A `Row` makes one keypress's writes and names the write the fault is aimed at (`uid`), the request
that acts for it (`match`), and `effects`, which counts how many times the simulator holds that write's
effect: exactly once is the promise.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from duty_sim.server import HostedService
from duty_tui.config import Config
from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import (
    ChatMessage,
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
    NewTicket,
    Person,
    ReplyDraft,
    Service,
    SourceStatus,
    Ticket,
    Write,
    WriteKind,
    WriteState,
)
from duty_tui.rules import actions, channel_actions
from duty_tui.rules.actions import Actor
from duty_tui.rules.channel_actions import Board
from duty_tui.rules.happiness import ASK_METADATA
from duty_tui.rules.happiness_asks import AskTarget, ask_write
from duty_tui.rules.incidents import payload
from duty_tui.runtime import Runtime
from duty_tui.sources.errors import SourceError
from duty_tui.store import Store
from duty_tui.sync.outbox import OutboxProgress, OutboxWriter
from duty_tui.sync.slack_delivery import INCIDENT_EVENT
from tests.support import Harness

WAIT = 10.0  # seconds: at most, for a thread to get somewhere (a pass takes milliseconds)
SETUP_POLLS = 4  # tries of the poll that finds a ticket to act on, before any fault
COMMENT = "Thanks: LAA Ops has this."
REPLY = "Looking into it now."
ASK = "How did we do? React 👍 or 👎."
EMOJI = "tada"


class Outbox:
    """A runtime on the test's data dir and its outbox writer, running on its thread as in the app."""

    def __init__(self, h: Harness, config: Config) -> None:
        self.h = h
        h.world.slack.enable_rate_limits(False)  # Slack's standing 1 post/s would add 429s of its own
        self.runtime: Runtime = h.runtime(config=config)
        self.progress: list[OutboxProgress] = []
        self._said = threading.Condition()
        self.writer: OutboxWriter = self.runtime.outbox_writer(self._emit)
        account = self.runtime.account.fetch()
        self.me = Actor(account.account_id, account.display_name)
        self.slack_me = h.world.cast.slack["priya"]
        self._ids = (f"fault-{n}" for n in itertools.count())
        self.writer.start()

    @property
    def store(self) -> Store:
        return self.runtime.store

    def new_id(self) -> str:
        return next(self._ids)

    def _emit(self, progress: OutboxProgress) -> None:
        with self._said:
            self.progress.append(progress)
            self._said.notify_all()

    def stop(self) -> None:
        self.writer.stop()
        self.writer.wait_finished(WAIT)

    # -- driving it -------------------------------------------------------------------------------

    def send(self, writes: list[Write]) -> None:
        """Store a keypress's writes, as a desk does, and wake the writer."""
        self.store.outbox.enqueue(writes)
        self.writer.wake()

    def next_progress(self, uid: str, since: int, *, sent: bool = False) -> OutboxProgress:
        """The first report about write `uid` after the `since`-th (one that it was sent, with `sent`)."""
        with self._said:
            found = self._said.wait_for(lambda: self._about(uid, since, sent), WAIT)
            assert found is not None, f"no word from the outbox about {uid}: {self.progress[since:]}"
            return found

    def _about(self, uid: str, since: int, sent: bool) -> OutboxProgress | None:
        for progress in self.progress[since:]:
            if progress.write.uid == uid and (
                not sent or (progress.retrying is None and progress.failure is None)
            ):
                return progress
        return None

    def state(self, uid: str) -> WriteState:
        (row,) = self.store.db.rows("SELECT state FROM outbox WHERE uid = ?", [uid])
        return WriteState(row["state"])

    def states(self) -> dict[str, WriteState]:
        return {
            row["uid"]: WriteState(row["state"])
            for row in self.store.db.rows("SELECT uid, state FROM outbox")
        }

    # -- what to act on ---------------------------------------------------------------------------

    def waiting(self) -> Ticket:
        """An unassigned To Do ticket on the AWS board, from a poll (as a key acts on a listed row)."""
        # Before any fault: a busy box can take longer than the matrix's short read timeout to answer
        # a whole-board search (seen once in CI), which is the setting up, not what a test checks.
        for attempt in range(1, SETUP_POLLS + 1):
            try:
                self.runtime.jira_poller.poll(SourceStatus("jira"))
                break
            except SourceError:
                if attempt == SETUP_POLLS:
                    raise
        return next(
            t
            for t in sorted(self.store.tickets.on_list(), key=lambda t: t.key)
            if t.key.startswith("LAA-") and t.assignee_id is None and t.status == "To Do"
        )

    def request(self, text: str = "Could someone look at the CCMS batch job?") -> ChatMessage:
        """A fresh top-level request in #laa-ops from Dan."""
        dan = self.h.world.cast.slack["dan"]
        ts = self.h.world.slack.world.post(CHANNEL, dan, text)
        return ChatMessage(ts, CHANNEL, dan, text)


def count(sim: HostedService, match: str) -> int:
    """How many requests matching `match` the service has answered (or dropped)."""
    pattern = re.compile(match)
    return sum(1 for e in sim.log if pattern.search(f"{e.method} {e.path}"))


def wait_until(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.005)


# -- the rows --------------------------------------------------------------------------------------


@dataclass
class Row:
    """One write of the matrix, made and ready to send."""

    service: str  # "jira" or "slack": the simulator that gets the fault
    writes: list[Write]  # the keypress
    uid: str  # the write the fault is aimed at
    match: str  # the request that acts for it
    effects: Callable[[], int]  # how many times the simulator holds its effect
    # A first attempt whose answer is lost (accept-then-drop) before the fault: the fault then hits
    # the look-up the resend makes to find it (the "metadata look-up" row).
    first_dropped: str | None = None


def assign(o: Outbox) -> Row:
    ticket = o.waiting()
    writes = actions.assign(ticket, o.me, Person(o.me.account_id, o.me.name), o.h.clock.now(), o.new_id)
    jira = o.h.world.jira.world

    def effects() -> int:
        if (jira.issue(ticket.key)["fields"]["assignee"] or {}).get("accountId") != o.me.account_id:
            return 0
        return sum(1 for x in jira.changelog(ticket.key) if x["items"][0]["field"] == "assignee")

    return Row("jira", writes, writes[0].uid, r"PUT .*/assignee$", effects)


def transition(o: Outbox) -> Row:
    ticket = o.waiting()
    onward = next(t for t in o.runtime.jira_writer.transitions(ticket.key) if t.to_name == "In Progress")
    writes = actions.move(ticket, o.me, onward, o.h.clock.now(), o.new_id)
    jira = o.h.world.jira.world

    def effects() -> int:
        moves = [x for x in jira.changelog(ticket.key) if x["items"][0]["field"] == "status"]
        return len(moves) if jira.issue(ticket.key)["fields"]["status"]["name"] == "In Progress" else 0

    return Row("jira", writes, writes[0].uid, r"POST .*/transitions$", effects)


def comment(o: Outbox) -> Row:
    ticket = o.waiting()
    writes = actions.comment(ticket, o.me, COMMENT, o.h.clock.now(), o.new_id)
    jira = o.h.world.jira.world
    return Row(
        "jira",
        writes,
        writes[0].uid,
        r"POST .*/comment$",
        lambda: sum(1 for c in jira.comments(ticket.key) if c["body"] == COMMENT),
    )


def _raised(o: Outbox) -> tuple[list[Write], Callable[[], list[str]]]:
    """A ticket raised from a request: create, announce in the thread, link back. And the new tickets."""
    before = set(o.h.world.jira.world.issue_keys())
    ticket = NewTicket(262, "CloudWatch access for Apply", "Medium", "Raised from #laa-ops.")
    writes = channel_actions.raise_ticket(
        o.request(),
        o.me,
        ticket,
        Board(262, "AWS Ops", "LAA"),
        permalink=f"https://laa.slack.com/archives/{CHANNEL}/p1",
        now=o.h.clock.now(),
        new_id=o.new_id,
    )
    return writes, lambda: sorted(set(o.h.world.jira.world.issue_keys()) - before)


def create(o: Outbox) -> Row:
    writes, created = _raised(o)
    return Row("jira", writes, writes[0].uid, r"POST .*/issue$", lambda: len(created()))


def link(o: Outbox) -> Row:
    writes, created = _raised(o)
    jira = o.h.world.jira.world

    def effects() -> int:
        keys = created()
        assert len(keys) <= 1, f"the ticket was created {len(keys)} times"
        return sum(len(jira.remote_link_views(key)) for key in keys)

    return Row("jira", writes, writes[2].uid, r"POST .*/remotelink$", effects)


def reply(o: Outbox) -> Row:
    message = o.request()
    writes = channel_actions.reply(message, o.me, ReplyDraft(REPLY), o.h.clock.now(), o.new_id)
    slack = o.h.world.slack.world
    return Row(
        "slack",
        writes,
        writes[0].uid,
        r"chat\.postMessage",
        lambda: sum(1 for m in slack.thread(CHANNEL, message.ts)[1:] if m["text"] == REPLY),
    )


def reaction(o: Outbox) -> Row:
    message = o.request()
    writes = channel_actions.react(message, o.me, EMOJI, o.h.clock.now(), o.new_id)
    slack = o.h.world.slack.world

    def effects() -> int:
        found = [r for r in slack.message(CHANNEL, message.ts).get("reactions", []) if r["name"] == EMOJI]
        return sum(r["users"].count(o.slack_me) for r in found)

    return Row("slack", writes, writes[0].uid, r"reactions\.add", effects)


def _post(o: Outbox) -> Write:
    uid = o.new_id()
    return Write(
        uid=uid,
        batch=uid,
        kind=WriteKind.POST,
        key="duty_tui_cover",
        created_at=o.h.clock.now(),
        actor_id=o.me.account_id,
        actor=o.me.name,
        service=Service.SLACK,
        body="*Support cover for Thu 26 Nov*",
        metadata=json.dumps({"day": "2026-11-26", "engineer": None}),
    )


def _with_outbox_id(o: Outbox, uid: str, messages: list[dict[str, Any]]) -> int:
    return sum(1 for m in messages if m.get("metadata", {}).get("event_payload", {}).get("outbox") == uid)


def post(o: Outbox) -> Row:
    write = _post(o)
    slack = o.h.world.slack.world
    return Row(
        "slack",
        [write],
        write.uid,
        r"chat\.postMessage",
        lambda: _with_outbox_id(o, write.uid, slack.messages(CHANNEL)),
    )


def lookup(o: Outbox) -> Row:
    """Today's cover posted, its answer lost; the resend looks for it by its outbox id in the channel's
    metadata (conversations.history): the fault hits that look-up."""
    row = post(o)
    return replace(row, match=r"conversations\.history", first_dropped=r"chat\.postMessage")


def _incident_post(o: Outbox, event: IncidentEvent) -> Write:
    uid = o.new_id()
    write = Write(
        uid=uid,
        batch=uid,
        kind=WriteKind.ANNOUNCE,
        key=event.incident_id,
        created_at=o.h.clock.now(),
        actor_id=o.me.account_id,
        actor=o.me.name,
        service=Service.SLACK,
        body=f"*{event.kind.value}*: {event.title}",
        metadata=json.dumps(payload(event, outbox_id=uid)),
    )
    o.store.incidents.save([(uid, replace(event, pending=True, ref=uid))])  # as the incident desk does
    return write


def announce(o: Outbox) -> Row:
    """An update to an incident, in its thread (found again by its outbox id among the thread's replies).
    The incident's announcement goes first, before the fault."""
    now = o.h.clock.now()
    declared = IncidentEvent(
        incident_id="inc-fault",
        kind=IncidentEventKind.DECLARED,
        at=now,
        by=o.slack_me,
        title="CCMS down",
        priority=IncidentPriority.NORMAL,
        status=IncidentStatus.INVESTIGATING,
        lead=o.slack_me,
        services=("CCMS",),
        text="Caseworkers cannot log in.",
    )
    first = _incident_post(o, declared)
    since = len(o.progress)
    o.send([first])
    o.next_progress(first.uid, since, sent=True)
    thread = o.store.incidents.thread_of("inc-fault")
    assert thread is not None
    update = replace(
        declared, kind=IncidentEventKind.UPDATED, status=IncidentStatus.IDENTIFIED, text="Found it"
    )
    write = _incident_post(o, update)
    slack = o.h.world.slack.world

    def effects() -> int:
        replies = slack.thread(CHANNEL, thread, include_metadata=True)[1:]
        found = [m for m in replies if m.get("metadata", {}).get("event_type") == INCIDENT_EVENT]
        return _with_outbox_id(o, write.uid, found)

    return Row("slack", [write], write.uid, r"chat\.postMessage", effects)


def ask(o: Outbox) -> Row:
    """The happiness ask: a reply carrying shared metadata, once per thread (the thread is read before
    every attempt)."""
    message = o.request()
    write = ask_write(
        AskTarget(message.ts, message.user_id or ""),
        ASK,
        o.me,
        o.h.clock.now(),
        batch=o.new_id(),
        uid=o.new_id(),
    )
    slack = o.h.world.slack.world

    def effects() -> int:
        replies = slack.thread(CHANNEL, message.ts, include_metadata=True)[1:]
        return sum(1 for m in replies if m.get("metadata", {}).get("event_type") == ASK_METADATA)

    return Row("slack", [write], write.uid, r"chat\.postMessage", effects)


ROWS: dict[str, Callable[[Outbox], Row]] = {
    "assign": assign,
    "transition": transition,
    "comment": comment,
    "create": create,
    "link": link,
    "reply": reply,
    "reaction": reaction,
    "post": post,
    "announce": announce,
    "ask": ask,
    "lookup": lookup,
}
