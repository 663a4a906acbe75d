"""The plain data duty-tui works with: frozen dataclasses shared by sources, store, rules and UI.

Times are aware UTC datetimes. Text fields hold untrusted text exactly as the service sent it;
only the `duty_tui.text` package turns it into something displayable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Final


class StatusCategory(StrEnum):
    """Jira's fixed status categories (keys as the API sends them)."""

    UNDEFINED = "undefined"
    TODO = "new"
    IN_PROGRESS = "indeterminate"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Ticket:
    """One Jira issue as the tickets pane needs it."""

    key: str
    id: str
    summary: str
    status: str
    status_category: str
    priority: str
    issue_type: str
    created: datetime
    updated: datetime
    reporter: str
    assignee_id: str | None
    assignee: str | None
    components: tuple[str, ...]
    labels: tuple[str, ...]
    url: str
    # Names of the configured boards that list this ticket; filled by the store on read.
    boards: tuple[str, ...] = ()
    # When and how the ticket was first acknowledged (from Jira's history), if it has been.
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    # Kinds of this engineer's writes still waiting for Jira (the row shows them as pending).
    pending: tuple[str, ...] = ()
    status_id: str = ""

    @property
    def is_done(self) -> bool:
        return self.status_category == StatusCategory.DONE

    @property
    def is_unassigned(self) -> bool:
        return self.assignee_id is None


@dataclass(frozen=True, slots=True)
class Reaction:
    name: str
    count: int
    users: tuple[str, ...] = ()  # who reacted (Slack lists them; a 👀 from a team member is a claim)


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One top-level message of the channel (thread replies are summarised on their parent)."""

    ts: str
    channel: str
    user_id: str | None
    text: str
    subtype: str = ""
    bot_name: str | None = None
    thread_ts: str | None = None
    reply_count: int = 0
    latest_reply: str | None = None
    reactions: tuple[Reaction, ...] = ()
    edited: bool = False
    reply_users: tuple[str, ...] = ()  # who has replied in its thread (Slack's summary on the parent)
    bot_id: str | None = None  # set on posts by apps and integrations
    # Slack message metadata, as sent (`include_all_metadata`): the event type and its payload as JSON.
    metadata_type: str | None = None
    metadata: str | None = None

    @property
    def sent_at(self) -> datetime:
        return ts_to_datetime(self.ts)

    def reacted(self, name: str, user_id: str) -> bool:
        return any(r.name == name and user_id in r.users for r in self.reactions)

    def with_reaction(self, name: str, user_id: str) -> ChatMessage:
        """This message with `user_id`'s reaction added (as Slack will show it once it has it)."""
        if self.reacted(name, user_id):
            return self
        reactions = list(self.reactions)
        for index, reaction in enumerate(reactions):
            if reaction.name == name:
                reactions[index] = Reaction(name, reaction.count + 1, (*reaction.users, user_id))
                break
        else:
            reactions.append(Reaction(name, 1, (user_id,)))
        return replace(self, reactions=tuple(reactions))

    def with_reply(self, ts: str, user_id: str) -> ChatMessage:
        """This message with a reply `ts` by `user_id` counted in its thread summary."""
        users = self.reply_users if user_id in self.reply_users else (*self.reply_users, user_id)
        return replace(
            self, thread_ts=self.ts, reply_count=self.reply_count + 1, latest_reply=ts, reply_users=users
        )


@dataclass(frozen=True, slots=True)
class ReplyDraft:
    """What the reply editor gives back: the text as typed (escaped for Slack only when sent)."""

    text: str
    broadcast: bool = False  # also send it to the channel (`reply_broadcast`)


@dataclass(frozen=True, slots=True)
class NewTicket:
    """What the new-ticket form gives back: a ticket to create on one of the watched boards."""

    board_id: int
    summary: str
    priority: str
    description: str  # Jira wiki text (API v2), as the engineer left it in the form


@dataclass(frozen=True, slots=True)
class ChatUser:
    """A Slack user as the directory caches it."""

    id: str
    name: str
    is_bot: bool = False
    deleted: bool = False


class Service(StrEnum):
    """A system of record duty-tui reads from and writes to."""

    JIRA = "jira"
    SLACK = "slack"


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """How a source's polling is going, shown in the status bar and in the source's pane."""

    source: str
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    error: str | None = None
    failing_since: datetime | None = None
    next_try: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: str  # the key its ticks are stored by: stable across renames
    text: str
    opens: str | None = None  # where `enter` takes the engineer ("channel", "board:262"…; rules.checklist)


@dataclass(frozen=True, slots=True)
class ChecklistSection:
    """One of the seed's lists, e.g. "On starting the day, at least one LAA AWS Ops engineer"."""

    id: str
    title: str
    items: tuple[ChecklistItem, ...]
    when: str | None = None  # "start" or "end": the start- and end-of-day lists (rules.checklist)


@dataclass(frozen=True, slots=True)
class ChecklistTick:
    item_id: str
    day: date
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """What the Jira source learned from a board's configuration (cached in the store)."""

    id: int
    name: str
    filter_id: str
    sub_query: str | None
    mapped_status_ids: tuple[str, ...]
    project_key: str | None = None


def ts_to_datetime(ts: str) -> datetime:
    """Slack `ts` ("1512085950.000216") → aware UTC datetime. The string stays the key."""
    seconds, _, _fraction = ts.partition(".")
    return datetime.fromtimestamp(int(seconds), UTC)


def ts_key(ts: str) -> tuple[int, int]:
    """Sort key for Slack timestamps without going through float."""
    seconds, _, fraction = ts.partition(".")
    return int(seconds), int(fraction or 0)


@dataclass(frozen=True, slots=True)
class Person:
    """A Jira user someone can assign a ticket to."""

    account_id: str
    name: str
    email: str | None = None
    is_team: bool = False  # in [team] members (or the engineer themself)
    last_used: datetime | None = None  # when the engineer last assigned to them through duty-tui


@dataclass(frozen=True, slots=True)
class Transition:
    """A workflow transition available on a ticket; chosen by where it goes, never by its name."""

    id: str
    name: str
    to_id: str
    to_name: str
    to_category: str  # StatusCategory key: "new", "indeterminate", "done"


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    author_id: str | None
    author: str
    created: datetime
    body: str  # Jira wiki text (API v2), untrusted: render through duty_tui.text.jira_wiki_text


@dataclass(frozen=True, slots=True)
class StatusChange:
    at: datetime
    from_id: str | None
    from_name: str
    to_id: str
    to_name: str
    by: str


@dataclass(frozen=True, slots=True)
class TicketDetail:
    """What the ticket detail view fetches on demand (not cached)."""

    key: str
    description: str  # Jira wiki text, untrusted
    comments: tuple[Comment, ...]
    history: tuple[StatusChange, ...]  # oldest first
    status_id: str
    status: str
    # #laa-ops messages that mention the ticket or that it was raised from (from the cache), oldest first,
    # and the Slack names they need.
    mentions: tuple[ChatMessage, ...] = ()
    names: tuple[tuple[str, str], ...] = ()
    incidents: tuple[Incident, ...] = ()  # the incidents it is linked to (`i`), from the store


class IncidentStatus(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class IncidentPriority(StrEnum):
    HIGH = "high"  # any of the process's four criteria
    NORMAL = "normal"


class IncidentEventKind(StrEnum):
    """What happened to an incident. All but notes are posted to #laa-ops (with metadata) and shared;
    a note is this engineer's own timeline entry, kept in the store."""

    DECLARED = "declared"
    UPDATED = "updated"
    LEAD_CHANGED = "lead_changed"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    NOTE = "note"
    PIN = "pin"  # a channel message pinned into the timeline (subject: its ts)
    LINK = "link"  # a ticket (subject: its key) or a third-party case (vendor, subject: its reference)


SHARED_INCIDENT_EVENTS = frozenset(
    {
        IncidentEventKind.DECLARED,
        IncidentEventKind.UPDATED,
        IncidentEventKind.LEAD_CHANGED,
        IncidentEventKind.RESOLVED,
        IncidentEventKind.REOPENED,
        IncidentEventKind.PIN,
        IncidentEventKind.LINK,
    }
)


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    """One entry of an incident's timeline, from #laa-ops (a post with `duty_tui_incident` metadata) or
    from this machine (a note, a pin, a link, or a post not yet confirmed by Slack)."""

    incident_id: str  # a uuid, the same on every dashboard
    kind: IncidentEventKind
    at: datetime
    by: str  # a Slack user id for posts; the engineer's name for local entries
    title: str = ""
    priority: IncidentPriority | None = None
    status: IncidentStatus | None = None
    lead: str | None = None  # a Slack user id
    services: tuple[str, ...] = ()
    next_update: datetime | None = None
    text: str = ""  # what was said: the update, the note, the resolution summary (untrusted)
    ts: str | None = None  # the Slack message that carried it, once posted
    ref: str | None = None  # the outbox id of the write that posted it (a resend is known by it)
    pending: bool = False  # posted from here, not yet confirmed by Slack
    subject: str | None = None  # PIN: the pinned message's ts; LINK: a ticket key or a case reference
    vendor: str | None = None  # LINK of a third-party case: whose case ("AWS", "6DG", "RedCentric")


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident as its events add up (rules.incidents.fold)."""

    id: str
    title: str
    priority: IncidentPriority
    status: IncidentStatus
    lead: str | None
    services: tuple[str, ...]
    declared_at: datetime
    declared_by: str
    thread_ts: str | None  # the announcement: the incident's thread
    next_update: datetime | None
    resolved_at: datetime | None
    events: tuple[IncidentEvent, ...]  # the timeline, in order
    pending: bool = False  # something from here has not reached Slack yet

    @property
    def is_open(self) -> bool:
        return self.status is not IncidentStatus.RESOLVED

    @property
    def links(self) -> tuple[IncidentEvent, ...]:
        """Tickets and third-party cases linked to it, each once (the first link of each counts)."""
        seen: dict[tuple[str | None, str], IncidentEvent] = {}
        for event in self.events:
            if event.kind is IncidentEventKind.LINK and event.subject:
                seen.setdefault((event.vendor, event.subject), event)
        return tuple(seen.values())

    @property
    def tickets(self) -> tuple[str, ...]:
        return tuple(e.subject for e in self.links if e.vendor is None and e.subject)

    @property
    def cases(self) -> tuple[tuple[str, str], ...]:
        """(vendor, reference) of each third-party case."""
        return tuple((e.vendor, e.subject) for e in self.links if e.vendor and e.subject)


# A CREATE whose key starts so raises a postmortem improvement (the rest of the key is its id), not a
# ticket from a channel message.
IMPROVEMENT_KEY: Final = "improvement:"


# What a POST write shares, by its metadata event type (for messages about it).
POSTED: Final = {"duty_tui_cover": "today's cover", "duty_tui_handover": "the handover"}


class WriteKind(StrEnum):
    ASSIGN = "assign"  # assignee_id None unassigns
    TRANSITION = "transition"
    COMMENT = "comment"
    CREATE = "create"  # a new Jira ticket raised from a channel message (key: the message's ts)
    LINK = "link"  # a remote link from the ticket created earlier in the keypress to the message
    REPLY = "reply"  # a reply in a message's thread (key: the parent's ts)
    REACT = "react"  # a reaction on a message (key: its ts; body: the emoji name)
    # Shared state posted with the bot's token and Slack metadata (key: the incident id; body: the text,
    # already mrkdwn; metadata: the payload). The first of an incident's is its thread; the rest go there.
    ANNOUNCE = "announce"
    # A top-level #laa-ops post with metadata, posted with the bot's token (key: the metadata event type,
    # `duty_tui_…`; body: the text, already mrkdwn; metadata: the payload as a JSON object, to which the
    # delivery adds "outbox": the write's uid). Used for today's cover and for handovers.
    POST = "post"


class WriteState(StrEnum):
    PENDING = "pending"  # stored, not yet confirmed by Jira
    SENT = "sent"  # Jira confirmed it (or already had it)
    FAILED = "failed"  # Jira refused it for good; its optimistic change is undone
    CANCELLED = "cancelled"  # an earlier write of the same keypress failed, so this one was not sent


@dataclass(frozen=True, slots=True)
class Write:
    """One change the engineer made, kept in the outbox until the service it names confirms it.

    A keypress can make several (take = assign + move + comment); they share a `batch` and go in
    order. `expected_*` hold what the engineer saw when acting, so a colleague's change meanwhile is
    noticed instead of overwritten.
    """

    uid: str  # also stored on the comment in Jira, so a resend can tell it already landed
    batch: str
    kind: WriteKind
    key: str
    created_at: datetime
    actor_id: str  # the engineer's Jira account id
    actor: str
    service: Service = Service.JIRA  # where the outbox writer sends it
    assignee_id: str | None = None
    assignee: str | None = None
    to_status_id: str | None = None  # a transition goes to this status id, or else to this category
    to_status: str | None = None
    to_category: str | None = None
    body: str | None = None
    expected_assignee_id: str | None = None
    expected_status: str | None = None  # the status name, for messages
    expected_status_id: str | None = None  # what conflicts are judged by (names can be renamed)
    broadcast: bool = False  # a reply also sent to the channel
    ticket: NewTicket | None = None  # what to create (CREATE)
    project: str | None = None  # the project the ticket is created in (CREATE)
    component: str | None = None  # always set on the 6DG board's tickets (CREATE)
    url: str | None = None  # the message's permalink (CREATE's description, LINK's target)
    # A reply that announces the ticket created earlier in its keypress: "{ticket}" in `body` becomes
    # the key and link once Jira has said what they are.
    announces: bool = False
    # ANNOUNCE, POST: the metadata payload, as JSON. REPLY: when set, a reply carrying shared state (the
    # happiness ask): {"event_type", "event_payload"} as JSON, posted with the bot's token once per thread.
    metadata: str | None = None
    result: str | None = None  # what the service made of it: the created ticket's key, a post's ts
    state: WriteState = WriteState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    id: int | None = None

    def describe(self) -> str:
        if self.kind is WriteKind.ASSIGN:
            return f"assign {self.key} to {self.assignee}" if self.assignee_id else f"unassign {self.key}"
        if self.kind is WriteKind.TRANSITION:
            return f"move {self.key} to {self.to_status or self.to_category}"
        if self.kind is WriteKind.CREATE and self.key.startswith(IMPROVEMENT_KEY):
            return "raise the improvement as a Jira ticket"
        if self.kind is WriteKind.CREATE:
            return "raise a ticket from a #laa-ops message"
        if self.kind is WriteKind.LINK:
            return "link the new ticket to its Slack thread"
        if self.kind is WriteKind.REPLY and self.metadata:
            return "ask the requester how the help went"
        if self.kind is WriteKind.REPLY:
            return "announce the new ticket in the thread" if self.announces else "reply in a thread"
        if self.kind is WriteKind.REACT:
            return f"react :{self.body}:"
        if self.kind is WriteKind.ANNOUNCE:
            return "post the incident to #laa-ops"
        if self.kind is WriteKind.POST:
            return f"post {POSTED.get(self.key, 'a message')} to #laa-ops"
        return f"comment on {self.key}"
