"""How a Slack write reaches Slack exactly once: replies and shared-state posts (incident posts, and the
top-level POSTs of today's cover and handovers) found again by their outbox id, reactions that are
already there counted as done, the reply that announces a new ticket written once Jira has said its
key, and replies that carry shared state (the happiness ask) posted once per thread, whoever asks:
when two dashboards ask at the same moment, the earliest post stays and the later one is deleted.

Replies are typed by the engineer as plain text: `&`, `<` and `>` are escaped as Slack requires, so
nothing they write becomes a mention or a link by accident. Posted with the bot token, a reply ends
with the engineer's name in plain text (not a mention), so the channel knows who wrote it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from duty_tui import text
from duty_tui.models import Ticket, Write, WriteKind, ts_key
from duty_tui.rules.happiness import ASK_METADATA
from duty_tui.sources.errors import SourceError
from duty_tui.sources.slack.writes import SlackWriter
from duty_tui.sources.values import mapping, optional_text
from duty_tui.store import Store
from duty_tui.sync.outbox import Delivered

log = logging.getLogger(__name__)

INCIDENT_EVENT = "duty_tui_incident"  # the metadata event type of incident posts (rules.incidents)
TS = re.compile(r"\d+\.\d+")  # a Slack ts as the thread read gives it
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
        # Outbox id of a shared reply just delivered -> the message that counts, as the thread showed it
        # (`confirmed` stores it without asking Slack again).
        self._shared_found: dict[str, Mapping[str, Any]] = {}

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
        if write.metadata:
            return self.shared_reply(write)
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

    def shared_reply(self, write: Write) -> Delivered:
        """A reply carrying shared state (`metadata`: {event_type, event_payload}), posted with the bot's
        token so the metadata is kept. One per thread and event type, whoever posts it: the thread is
        read before every attempt, not only a resend, since another dashboard may have posted it.

        Two dashboards can both read "not there yet" and both post, so the earliest wins: after posting,
        the thread is read again, and when it holds one of the same event type with a lower ts, ours is
        deleted and the earlier one is what was delivered (from every dashboard, so all agree). A
        deletion that fails is logged and the earlier one is still reported: the figures count one
        ask per request anyway (`rules.happiness`). A resend that finds ours behind an earlier one
        deletes ours the same way."""
        event_type, payload = _shared(write)
        if event_type is None or payload is None or not (write.body or "").strip():
            raise SourceError("The reply was stored incomplete; it was not sent.", permanent=True)
        found = self._shared_in(write.key, event_type)
        if found:  # asked already (from here or elsewhere): not twice
            return Delivered(result=self._earliest(write, found, posted=None))
        posted = self.writer.announce(
            text.slack_escape(text.sanitize(write.body or "")),  # the team's text, never a mention
            event_type=event_type,
            payload={**payload, "outbox": write.uid},
            thread_ts=write.key,
            broadcast=False,
        )
        try:
            found = self._shared_in(write.key, event_type)
        except SourceError as error:  # it is posted: a duplicate, if any, is counted once anyway
            log.warning(
                "%s %s posted, but the thread could not be read again: %s", _event(write), posted, error
            )
            found = []
        return Delivered(result=self._earliest(write, found, posted=posted))

    def _shared_in(self, thread_ts: str, event_type: str) -> list[Mapping[str, Any]]:
        """The thread's replies carrying `event_type`, posted by an app (a person's message never carries
        shared state, whatever its metadata says), oldest first."""
        found = [
            raw
            for raw in self.writer.thread_texts(thread_ts)[1:]
            if (ts := optional_text(raw.get("ts")))
            and TS.fullmatch(ts)
            and optional_text(raw.get("bot_id"))
            and mapping(raw.get("metadata")).get("event_type") == event_type
        ]
        return sorted(found, key=lambda raw: ts_key(str(raw["ts"])))

    def _earliest(self, write: Write, found: list[Mapping[str, Any]], *, posted: str | None) -> str:
        """The ts that counts (the lowest of `found` and what was just `posted`); ours behind it are
        deleted. The winner's message is kept for `confirmed`."""
        if posted is not None and all(raw.get("ts") != posted for raw in found):
            found = sorted([*found, {"ts": posted}], key=lambda raw: ts_key(str(raw["ts"])))
        winner, *later = found
        for raw in later:
            ts = str(raw["ts"])
            if ts != posted and _outbox(raw) != write.uid:
                continue  # another dashboard's: it deletes its own when it looks
            try:
                self.writer.delete(ts)
            except SourceError as error:
                log.warning("duplicate %s %s could not be deleted: %s", _event(write), ts, error)
        if winner.get("metadata") is not None:
            self._shared_found[write.uid] = winner
        return str(winner["ts"])

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
        if write.kind is WriteKind.REPLY and write.metadata:
            self._keep_ask(write, delivered)
            return
        cached = self.store.messages.get(self.writer.channel, write.key)
        if cached is None:
            return
        me = self.writer.me()[0]
        if write.kind is WriteKind.REACT and write.body:
            self.store.messages.save([cached.with_reaction(write.body, me)])
        elif write.kind is WriteKind.REPLY and delivered.result:
            self.store.messages.save([cached.with_reply(delivered.result, me)])

    def _keep_ask(self, write: Write, delivered: Delivered) -> None:
        """A happiness ask Slack now has is known at once (the poll reads its reactions from then on), as
        the thread showed it (posted by the bot: `rules.happiness_asks.ask_from_message` wants its
        bot_id); one the poll already stored keeps the reactions it was read with."""
        found = self._shared_found.pop(write.uid, None)
        event_type, _payload = _shared(write)
        channel = self.writer.channel
        if event_type != ASK_METADATA or found is None or found.get("ts") != delivered.result:
            return
        if self.store.happiness.asked(channel, [write.key]):
            return
        ask = self.writer.reader.parse_message(found)
        if ask is not None:
            self.store.happiness.save(channel, [ask])

    def shown(self, write: Write) -> Ticket | None:
        return None


def _shared(write: Write) -> tuple[str | None, dict[str, object] | None]:
    """The event type and payload of a reply that carries shared state, or Nones if it does not validate."""
    try:
        metadata = json.loads(write.metadata or "")
    except ValueError:
        return None, None
    if not isinstance(metadata, dict):
        return None, None
    event_type, payload = metadata.get("event_type"), metadata.get("event_payload")
    valid_type = isinstance(event_type, str) and POST_EVENT.fullmatch(event_type)
    return (event_type if valid_type else None), (payload if isinstance(payload, dict) else None)


def _outbox(raw: Mapping[str, Any]) -> object:
    """The outbox id a duty-tui post carries in its metadata payload (None without one)."""
    return mapping(mapping(raw.get("metadata")).get("event_payload")).get("outbox")


def _event(write: Write) -> str:
    return _shared(write)[0] or "shared reply"
