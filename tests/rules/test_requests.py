"""The 15-minute rule and what counts as a request waiting for the team (pure, injected time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duty_tui.models import ChatMessage, Reaction
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.requests import RequestState, Team, is_request, request

LONDON = SupportCalendar(ZoneInfo("Europe/London"))
THURSDAY_10 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
TEAM = Team(frozenset({"UTOM", "UAISHA", "UBOT"}))


def msg(user: str | None = "ULUCY", at: datetime = THURSDAY_10, **fields: object) -> ChatMessage:
    ts = f"{int(at.timestamp())}.000100"
    return ChatMessage(ts=ts, channel="C1", user_id=user, text="help please", **fields)  # type: ignore[arg-type]


def state(message: ChatMessage, now: datetime, claims: dict[str, datetime] | None = None, **kw: object):
    return request(
        message,
        TEAM,
        now,
        LONDON,
        waiting=timedelta(minutes=10),
        triage=timedelta(minutes=15),
        claims=claims,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (msg(), True),
        (msg("UTOM"), False),  # the team does not raise requests in its own channel
        (msg(subtype="channel_join"), False),
        (msg(subtype="bot_message", user=None), False),
        (msg(bot_id="B1"), False),  # an app's post
        (msg(thread_ts="1764151000.000001"), False),  # a reply shown in the channel
        (msg(subtype="thread_broadcast"), False),
    ],
)
def test_what_is_a_request(message: ChatMessage, expected: bool) -> None:
    assert is_request(message, TEAM) is expected


def test_a_request_waits_then_is_overdue_after_ten_support_minutes() -> None:
    message = msg()
    assert state(message, THURSDAY_10 + timedelta(minutes=9)).state is RequestState.WAITING
    found = state(message, THURSDAY_10 + timedelta(minutes=10))
    assert found.state is RequestState.OVERDUE and found.waited == timedelta(minutes=10)
    assert found.needs_attention


def test_waiting_counts_support_hours_only() -> None:
    evening = datetime(2026, 11, 26, 17, 55, tzinfo=UTC)  # 5 minutes before closing
    message = msg(at=evening)
    next_morning = datetime(2026, 11, 27, 8, 4, tzinfo=UTC)
    found = state(message, next_morning)
    assert found.state is RequestState.WAITING and found.waited == timedelta(minutes=9)


def test_a_team_reply_or_reaction_answers_it_but_an_outsiders_does_not() -> None:
    now = THURSDAY_10 + timedelta(minutes=30)
    assert state(msg(reply_users=("URAJ",)), now).state is RequestState.OVERDUE
    assert state(msg(reply_users=("URAJ", "UAISHA")), now).state is RequestState.ANSWERED
    thumbs = (Reaction("+1", 1, ("UTOM",)),)
    assert state(msg(reactions=thumbs), now).state is RequestState.ANSWERED
    assert state(msg(reactions=(Reaction("+1", 1, ("URAJ",)),)), now).state is RequestState.OVERDUE


def test_a_claim_starts_the_triage_timer_and_turns_at_fifteen_minutes() -> None:
    eyes = (Reaction("eyes", 1, ("UTOM",)),)
    claimed_at = THURSDAY_10 + timedelta(minutes=2)
    claims = {"UTOM": claimed_at}
    found = state(msg(reactions=eyes), claimed_at + timedelta(minutes=14), claims)
    assert found.state is RequestState.CLAIMED and found.claimed_by == ("UTOM",)
    assert found.in_triage == timedelta(minutes=14) and found.claimed_at == claimed_at
    over = state(msg(reactions=eyes), claimed_at + timedelta(minutes=15), claims)
    assert over.state is RequestState.TRIAGE_OVER and over.needs_attention


def test_an_outsiders_eyes_are_not_a_claim_and_claimers_are_listed_earliest_first() -> None:
    now = THURSDAY_10 + timedelta(minutes=20)
    assert state(msg(reactions=(Reaction("eyes", 1, ("URAJ",)),)), now).state is RequestState.OVERDUE
    both = (Reaction("eyes", 2, ("UTOM", "UAISHA")),)
    claims = {"UTOM": now - timedelta(minutes=1), "UAISHA": now - timedelta(minutes=5)}
    found = state(msg(reactions=both), now, claims)
    assert found.claimed_by == ("UAISHA", "UTOM") and found.in_triage == timedelta(minutes=5)


def test_a_ticket_raised_from_it_settles_it() -> None:
    found = state(msg(), THURSDAY_10 + timedelta(hours=1), tickets=("LAA-12",))
    assert found.state is RequestState.TICKETED and not found.needs_attention


def test_needs_attention_agrees_with_request_without_measuring_the_wait() -> None:
    from duty_tui.rules.requests import needs_attention

    eyes = (Reaction("eyes", 1, ("UTOM",)),)
    cases = [
        (msg(), {}),
        (msg("UTOM"), {}),
        (msg(reply_users=("UAISHA",)), {}),
        (msg(reactions=eyes), {"UTOM": THURSDAY_10}),
        (msg(reactions=eyes), {"UTOM": THURSDAY_10 + timedelta(minutes=50)}),
    ]
    for message, claims in cases:
        now = THURSDAY_10 + timedelta(hours=1)
        full = state(message, now, claims)
        quick = needs_attention(message, TEAM, now, triage=timedelta(minutes=15), claims=claims)
        assert quick == full.needs_attention, (message, claims)


def test_a_team_tick_closes_a_request_even_one_claimed_long_ago() -> None:
    from duty_tui.rules.requests import needs_attention

    reactions = (Reaction("eyes", 1, ("UTOM",)), Reaction("white_check_mark", 1, ("UTOM",)))
    now = THURSDAY_10 + timedelta(days=2)
    found = state(msg(reactions=reactions), now, {"UTOM": THURSDAY_10})
    assert found.state is RequestState.DONE and found.claimed_by == ("UTOM",)
    assert not needs_attention(msg(reactions=reactions), TEAM, now, triage=timedelta(minutes=15))
    requester_tick = (Reaction("eyes", 1, ("UTOM",)), Reaction("white_check_mark", 1, ("ULUCY",)))
    assert state(msg(reactions=requester_tick), now, {"UTOM": THURSDAY_10}).state is RequestState.TRIAGE_OVER
