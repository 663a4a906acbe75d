"""Requests in #laa-ops and the process's clocks: who is waiting for an answer, and who has claimed what.

A request is a top-level message from a person outside the team (bots, joins and other channel events
never are). It waits until a team member replies in its thread or reacts to it; waiting longer than
`waiting` in support hours flags it. A 👀 from a team member claims it: the claim starts the triage
timer, and at `triage` the process says "raise a ticket" (quick help stays in the channel, anything
longer becomes a Jira ticket). A team member's ✅ closes it, and so does a ticket raised from it.
Pure: the time, the calendar and the team are given.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from duty_tui.models import ChatMessage
from duty_tui.rules.calendar import SupportCalendar

CLAIM = "eyes"  # 👀: "I am looking at this"
# The engineer's own claims, recorded under this id: with the bot's token every engineer's 👀 is the
# bot's, so only this record says which ones were theirs.
OWN_CLAIM = "self"
# A team member's ✅ on a request closes it: done in the channel, no ticket needed.
DONE = frozenset({"white_check_mark", "heavy_check_mark", "ballot_box_with_check"})
NOT_REQUESTS = frozenset(
    {
        "bot_message",
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "pinned_item",
        "tombstone",
        "thread_broadcast",
    }
)


class RequestState(StrEnum):
    NOT_A_REQUEST = "none"
    WAITING = "waiting"  # nobody from the team has answered yet
    OVERDUE = "overdue"  # waiting longer than the configured time in support hours
    CLAIMED = "claimed"  # a team member's 👀; the triage timer runs
    TRIAGE_OVER = "triage-over"  # claimed 15 minutes ago or more: time to raise a ticket
    ANSWERED = "answered"  # a team member replied or reacted (other than a claim)
    DONE = "done"  # a team member's ✅ (`d`): done in the channel, no ticket needed
    TICKETED = "ticketed"  # a ticket was raised from it


@dataclass(frozen=True, slots=True)
class Request:
    state: RequestState
    claimed_by: tuple[str, ...] = ()  # Slack user ids, earliest claim first
    claimed_at: datetime | None = None
    waited: timedelta = timedelta(0)  # support-hours time waiting for a first answer
    in_triage: timedelta = timedelta(0)  # time since the claim

    @property
    def needs_attention(self) -> bool:
        return self.state in (RequestState.WAITING, RequestState.OVERDUE, RequestState.TRIAGE_OVER)


@dataclass(frozen=True, slots=True)
class Team:
    """Who answers requests: the team's Slack ids (the bot posting for an engineer counts as them)."""

    members: frozenset[str]

    def __contains__(self, user_id: object) -> bool:
        return user_id in self.members


def is_request(message: ChatMessage, team: Team) -> bool:
    if message.subtype in NOT_REQUESTS or message.bot_id or not message.user_id:
        return False
    if message.thread_ts and message.thread_ts != message.ts:
        return False  # a reply shown in the channel, not a new request
    return message.user_id not in team


def request(
    message: ChatMessage,
    team: Team,
    now: datetime,
    calendar: SupportCalendar,
    *,
    waiting: timedelta,
    triage: timedelta,
    claims: Mapping[str, datetime] | None = None,
    tickets: Collection[str] = (),
) -> Request:
    """Where a message stands under the process. `claims`: user id → when their claim was first seen."""
    if not is_request(message, team):
        return Request(RequestState.NOT_A_REQUEST)
    claimers = _claimers(message, team, claims or {})
    if tickets:
        return Request(RequestState.TICKETED, claimed_by=tuple(claimers))
    if _done(message, team):
        return Request(RequestState.DONE, claimed_by=tuple(claimers))
    if claimers:
        first = min((claims or {}).get(u, now) for u in claimers)
        elapsed = max(timedelta(0), now - first)
        state = RequestState.TRIAGE_OVER if elapsed >= triage else RequestState.CLAIMED
        return Request(state, tuple(claimers), first, in_triage=elapsed)
    if _answered(message, team):
        return Request(RequestState.ANSWERED)
    waited = calendar.working_time_between(message.sent_at, now)
    return Request(RequestState.OVERDUE if waited >= waiting else RequestState.WAITING, waited=waited)


def needs_attention(
    message: ChatMessage,
    team: Team,
    now: datetime,
    *,
    triage: timedelta,
    claims: Mapping[str, datetime] | None = None,
    tickets: Collection[str] = (),
) -> bool:
    """Whether `request()` would say the message needs the team, without measuring how long it has
    waited in support hours (the pane's title counts 400 rows on every poll; that is the costly part)."""
    if tickets or not is_request(message, team) or _done(message, team):
        return False
    claimers = _claimers(message, team, claims or {})
    if claimers:
        return now - min((claims or {}).get(u, now) for u in claimers) >= triage
    return not _answered(message, team)


def _claimers(message: ChatMessage, team: Team, claims: Mapping[str, datetime]) -> list[str]:
    users = [u for r in message.reactions if r.name == CLAIM for u in r.users if u in team]
    never = datetime.max.replace(tzinfo=UTC)  # a claim not yet recorded sorts last
    return sorted(dict.fromkeys(users), key=lambda u: claims.get(u) or never)


def _done(message: ChatMessage, team: Team) -> bool:
    return any(r.name in DONE and any(u in team for u in r.users) for r in message.reactions)


def _answered(message: ChatMessage, team: Team) -> bool:
    if any(u in team for u in message.reply_users):
        return True
    return any(u in team for r in message.reactions for u in r.users)
