"""The channel desk's collaborator for user happiness: what `d` writes, and the asks that follow a ticket
raised from a request being resolved in Jira.

`[happiness] ask` decides whether duty-tui asks at all. `d` is a keypress like the others: its ✅ and
ask are queued by the channel desk, shown on their way at once. A resolution comes with a Jira poll: the
store is read to find the requests the tickets were raised from and whether they were asked already, so
that and the queuing run on the store writer's thread, in the order of the other writes (a second poll
that sees the same ticket done then finds the first one's ask in the outbox); the channel desk is told
the writes are stored, so the outbox writer wakes.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from functools import partial

from duty_tui.desks.queueing import pending_count, store_writes
from duty_tui.models import ChatMessage, Write, ts_key
from duty_tui.rules.actions import Actor
from duty_tui.rules.happiness_asks import ask_write, asks_for_resolved, is_ask, mark_done
from duty_tui.runtime import Runtime
from duty_tui.sync.store_writer import StoreWriter

log = logging.getLogger(__name__)

Queued = Callable[[list[Write], int | None], None]  # on the store writer's thread: (stored writes, pending)


def new_id() -> str:
    return uuid.uuid4().hex


class HappinessDesk:
    def __init__(self, runtime: Runtime, *, store_writer: StoreWriter, queued: Queued) -> None:
        self.runtime = runtime
        self.config = runtime.config.happiness
        self.channel = runtime.config.slack.channel
        self.store_writer = store_writer
        self.queued = queued
        self._pause = threading.Event()  # never set: a wait the store writer can take between tries

    def done_writes(self, message: ChatMessage, me: Actor, tickets: Sequence[str] = ()) -> list[Write]:
        """`d` on a request: its ✅, and the ask when asking is on (sent only if the thread has none)."""
        ask = self.config.text if self.config.ask else None
        return mark_done(message, me, self.runtime.now(), new_id, ask=ask, tickets=tickets)

    def tickets_resolved(self, keys: Sequence[str]) -> None:
        """A Jira poll saw these tickets in a Done status: ask about the requests they were raised from."""
        if keys and self.config.ask and not self.runtime.read_only:
            self.store_writer.submit(partial(self._ask_resolved, tuple(keys)))

    def _ask_resolved(self, keys: tuple[str, ...]) -> None:
        """On the store writer's thread: decide (`rules.happiness_asks`), then store the asks."""
        store, channel, now = self.runtime.store, self.channel, self.runtime.now()
        requests: dict[str, list[ChatMessage]] = {}
        for key in keys:
            for where, ts in store.raised.messages_of(key):
                if where == channel and (message := store.messages.get(channel, ts)) is not None:
                    requests.setdefault(key, []).append(message)
        tss = {m.ts for found in requests.values() for m in found}
        if not tss:
            return  # none of them was raised from a request in the channel (the usual case)
        raised = store.raised.of(channel, min(tss, key=ts_key))
        open_tickets = {
            ts: [k for k in raised.get(ts, ()) if (t := store.tickets.get(k)) is not None and not t.is_done]
            for ts in tss
        }
        asked = store.happiness.asked(channel, tss) | {w.key for w in store.outbox.pending() if is_ask(w)}
        targets = asks_for_resolved(keys, requests, open_tickets=open_tickets, asked=asked, now=now)
        if not targets:
            return
        account = self.runtime.account.cached()
        me = Actor(account.account_id if account else "", self.runtime.engineer_name())
        writes = [ask_write(t, self.config.text, me, now, batch=new_id(), uid=new_id()) for t in targets]
        try:
            stored = store_writes(store, writes, self._pause)
        except sqlite3.Error:
            # Not asked: a later poll that still sees the ticket done (usually the next) tries again.
            log.exception("happiness: could not store the asks for %s", ", ".join(keys))
            return
        self.queued(stored, pending_count(store))
