"""How a Slack write reaches Slack exactly once: replies and shared-state posts (incident posts, and the
top-level POSTs of today's cover and handovers) found again by their outbox id, reactions that are
already there counted as done, and the reply that announces a new ticket written once Jira has said its
key.

Replies are typed by the engineer as plain text: `&`, `<` and `>` are escaped as Slack requires, so
nothing they write becomes a mention or a link by accident. Posted with the bot token, a reply ends
with the engineer's name in plain text (not a mention), so the channel knows who wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

from duty_tui import text
from duty_tui.models import Ticket, Write, WriteKind
from duty_tui.sources.errors import SourceError
from duty_tui.sources.slack.writes import SlackWriter
from duty_tui.store import Store
from duty_tui.sync.outbox import Delivered

INCIDENT_EVENT = "duty_tui_incident"  # the metadata event type of incident posts (rules.incidents)
POST_EVENT = re.compile(r"duty_tui_[a-z][a-z_]{0,40}")  # the event types a POST may carry


class SlackDelivery:
    """The outbox writer's `Delivery` for Slack."""

    def __init__(
        self,
        writer: SlackWriter,
        store: Store,
        *,
        browse_url: Callable[[str], str],
        product_manager: str | None = None,
    ) -> None:
        self.writer = writer
        self.store = store
        self.browse_url = browse_url
        self.product_manager = product_manager

    def deliver(self, write: Write, carry: object | None) -> Delivered:
        self.writer.me()  # asked now (once): `confirmed` runs in the store's transaction, no network there
        if write.kind is WriteKind.REACT:
            if not write.body:
                raise SourceError("A reaction without an emoji cannot be sent.", permanent=True)
            self.writer.react(write.key, write.body)
            return Delivered()
        if write.kind is WriteKind.ANNOUNCE:
            return self.announce(write)
        if write.kind is WriteKind.POST:
            return self.post(write)
        if write.kind is not WriteKind.REPLY:
            raise SourceError(f"duty-tui cannot {write.describe()} in Slack.", permanent=True)
        body = self.body(write)
        if not body.strip():
            raise SourceError("The reply has no text left to post.", permanent=True)
        if write.attempts > 1:
            found = self.writer.find_reply(write.key, write.uid, body, write.created_at)
            if found:
                return Delivered(result=found)  # an earlier attempt landed; Slack's answer was lost
        return Delivered(result=self.writer.reply(write.key, body, broadcast=write.broadcast, uid=write.uid))

    def announce(self, write: Write) -> Delivered:
        """Shared state (an incident post): the first of an incident's is its thread, the rest go there."""
        try:
            payload = json.loads(write.metadata or "")
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not write.body:
            raise SourceError("The incident post was stored incomplete; it was not sent.", permanent=True)
        thread = None
        if payload.get("event") != "declared":
            thread = self.store.incidents.thread_of(write.key)
            if thread is None:
                raise SourceError("The incident's announcement is not in Slack yet; this post waits for it.")
        if write.attempts > 1:
            found = self.writer.find_announcement(thread, write.uid, write.created_at)
            if found:
                return Delivered(result=found)
        payload["outbox"] = write.uid
        ts = self.writer.announce(
            write.body,
            event_type=INCIDENT_EVENT,
            payload=payload,
            thread_ts=thread,
            broadcast=write.broadcast,
        )
        return Delivered(result=ts)

    def post(self, write: Write) -> Delivered:
        """Shared state as a top-level post (today's cover, a handover): once, found again by its outbox
        id in the channel when an earlier attempt's answer was lost."""
        try:
            payload = json.loads(write.metadata or "")
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not write.body or not POST_EVENT.fullmatch(write.key):
            raise SourceError("The post was stored incomplete; it was not sent.", permanent=True)
        if write.attempts > 1:
            found = self.writer.find_announcement(None, write.uid, write.created_at)
            if found:
                return Delivered(result=found)
        payload["outbox"] = write.uid
        ts = self.writer.announce(
            text.sanitize(write.body), event_type=write.key, payload=payload, thread_ts=None, broadcast=False
        )
        return Delivered(result=ts)

    def body(self, write: Write) -> str:
        """The reply's text as Slack should receive it."""
        if write.announces:
            key = self.store.outbox.created_in(write.batch)
            if key is None:
                raise SourceError(
                    "The ticket was not created, so there is nothing to announce.", permanent=True
                )
            body = f"Raised <{self.browse_url(key)}|{key}> in Jira for this."
            if self.product_manager:
                body += f" <@{self.product_manager}>: work on it has begun."
        else:
            body = text.slack_escape(text.sanitize(write.body or ""))  # no control characters to Slack
        if not self.writer.as_user and write.actor:
            body += "\n— " + text.slack_escape(text.one_line(write.actor, 80))
        return body

    def confirmed(self, write: Write, delivered: Delivered, at: datetime) -> None:
        """Count the reply or reaction in the cached message now (a poll sees a new reply to an older
        message only at its next rescan; until then the row would look as if nothing happened)."""
        if write.kind is WriteKind.ANNOUNCE:
            if delivered.result:
                self.store.incidents.confirm(write.uid, delivered.result)
            return
        if write.kind is WriteKind.POST:
            return  # the poster's desk records the post's ts (`OutboxProgress.write.result`)
        cached = self.store.messages.get(self.writer.channel, write.key)
        if cached is None:
            return
        me = self.writer.me()[0]
        if write.kind is WriteKind.REACT and write.body:
            self.store.messages.save([cached.with_reaction(write.body, me)])
        elif write.kind is WriteKind.REPLY and delivered.result:
            self.store.messages.save([cached.with_reply(delivered.result, me)])

    def shown(self, write: Write) -> Ticket | None:
        return None
