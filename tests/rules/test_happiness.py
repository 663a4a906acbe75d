"""User happiness, pure: what counts as the requester's answer, the weekly figures, and when duty-tui asks
(`d`, a resolved ticket), with what, and how an ask is recognised when read back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from duty_tui.models import ChatMessage, Reaction, Service, Write, WriteKind
from duty_tui.rules.actions import Actor
from duty_tui.rules.flow_history import Period
from duty_tui.rules.happiness import (
    ASK_METADATA,
    Answer,
    HappinessAsk,
    answer,
    happiness_figures,
    happiness_report,
    one_per_request,
)
from duty_tui.rules.happiness_asks import (
    ALREADY_DONE,
    ASK_WITHIN,
    NOT_A_REQUEST,
    AskTarget,
    ask_from_message,
    ask_metadata,
    ask_write,
    asks_for_resolved,
    done_refusal,
    is_ask,
    mark_done,
    may_hold_ask,
)
from duty_tui.rules.requests import Team
from tests.conftest import MORNING

LONDON = ZoneInfo("Europe/London")
NOW = MORNING
TEAM = Team(frozenset({"UTOM", "UBOT", "UPRIYA"}))
ME = Actor("jira-priya", "Priya Shah")
REQUESTER = "UHANNAH"


def ts(at: datetime, serial: int = 100) -> str:
    return f"{int(at.timestamp())}.{serial:06d}"


def asked(*reactions: tuple[str, tuple[str, ...]], at: datetime = NOW, request: int = 100) -> HappinessAsk:
    """An ask at `at` about the request `request` (its serial: asks of one request count once)."""
    return HappinessAsk(ts(at, 200), ts(at - timedelta(hours=1), request), REQUESTER, at, tuple(reactions))


def ids() -> object:
    numbers = count(1)
    return lambda: f"id{next(numbers)}"


def request(
    user: str | None = REQUESTER, at: datetime = NOW - timedelta(hours=1), **fields: object
) -> ChatMessage:
    return ChatMessage(ts=ts(at), channel="C1", user_id=user, text="MI DB is slow", **fields)  # type: ignore[arg-type]


# -- the answer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reactions", "expected"),
    [
        ((("+1", (REQUESTER,)),), Answer.UP),
        ((("thumbsup", (REQUESTER,)),), Answer.UP),
        ((("-1", (REQUESTER,)),), Answer.DOWN),
        ((("thumbsdown", ("UTOM", REQUESTER)),), Answer.DOWN),
        ((("+1::skin-tone-2", (REQUESTER,)),), Answer.UP),  # a skin tone is still a 👍
        ((("-1::skin-tone-6", (REQUESTER,)),), Answer.DOWN),
        ((("+1", (REQUESTER,)), ("-1", (REQUESTER,))), None),  # both: Slack does not say which came last
        ((("+1", ("UTOM",)),), None),  # someone else's never counts
        ((("+1", ("UTOM",)), ("-1", (REQUESTER,))), Answer.DOWN),
        ((("heart", (REQUESTER,)),), None),  # not an answer
        ((), None),
    ],
)
def test_the_answer_is_the_requesters_own_thumb(
    reactions: tuple[tuple[str, tuple[str, ...]], ...], expected: Answer | None
) -> None:
    assert answer(asked(*reactions)) is expected


def test_share_up_is_of_the_answers_to_three_decimals_and_null_without_answers() -> None:
    up, down, silent = asked(("+1", (REQUESTER,))), asked(("-1", (REQUESTER,)), request=2), asked(request=3)
    figures = happiness_figures([up, replace(up, request_ts="1764150000.000004"), down, silent])
    assert (figures.asked, figures.answers, figures.up, figures.down) == (4, 3, 2, 1)
    assert figures.share_up == 0.667
    assert happiness_figures([silent]).share_up is None
    assert happiness_figures([silent]).to_json() == {
        "asked": 1,
        "answers": 0,
        "up": 0,
        "down": 0,
        "share_up": None,
    }


def test_weekly_buckets_are_iso_weeks_of_the_ask_in_the_support_zone() -> None:
    # Sunday 28 June 2026 23:30 UTC is Monday 00:30 in London (BST): the next ISO week.
    sunday_night = datetime(2026, 6, 28, 23, 30, tzinfo=UTC)
    # Monday 15 June to Monday 6 July, midnight to midnight in London (BST: 23:00 UTC the day before).
    period = Period(datetime(2026, 6, 14, 23, tzinfo=UTC), datetime(2026, 7, 5, 23, tzinfo=UTC))
    asks = [
        asked(("+1", (REQUESTER,)), at=datetime(2026, 6, 24, 12, tzinfo=UTC)),  # W26
        asked(("-1", (REQUESTER,)), at=sunday_night),  # W27 in London, W26 in UTC
        asked(("+1", (REQUESTER,)), at=datetime(2026, 7, 6, 9, tzinfo=UTC)),  # after the period
        asked(at=datetime(2026, 6, 14, 22, 59, tzinfo=UTC)),  # before it (23:59 on Sunday in London)
    ]
    report = happiness_report(asks, period, LONDON)
    weeks = dict(report.weeks)
    assert list(weeks) == ["2026-W25", "2026-W26", "2026-W27"]  # every week the period touches
    assert weeks["2026-W25"].asked == 0 and weeks["2026-W25"].share_up is None
    assert (weeks["2026-W26"].up, weeks["2026-W26"].down) == (1, 0)
    assert (weeks["2026-W27"].up, weeks["2026-W27"].down) == (0, 1)
    assert report.total.asked == 2 and report.total.share_up == 0.5
    assert report.to_json()["weeks"]["2026-W27"]["answers"] == 1


# -- two dashboards asked at once: one ask per request ------------------------------------------------


def twice(
    first: tuple[tuple[str, tuple[str, ...]], ...],
    second: tuple[tuple[str, tuple[str, ...]], ...],
    *,
    at: datetime = NOW,
) -> tuple[HappinessAsk, HappinessAsk]:
    """Two asks in one request's thread, a second apart (two dashboards that both read "not asked")."""
    earlier = HappinessAsk(ts(at, 200), ts(at - timedelta(hours=1)), REQUESTER, at, first)
    then = at + timedelta(seconds=1)
    return earlier, HappinessAsk(ts(then, 201), earlier.request_ts, REQUESTER, then, second)


UP_MINE = (("+1", (REQUESTER,)),)
DOWN_MINE = (("-1", (REQUESTER,)),)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((), (), (0, 0)),
        (UP_MINE, (), (1, 0)),
        ((), UP_MINE, (1, 0)),  # answered on the duplicate: still the request's answer
        (DOWN_MINE, DOWN_MINE, (0, 1)),  # the same answer on both counts once
        (UP_MINE, DOWN_MINE, (0, 0)),  # 👍 on one and 👎 on the other: both, so no answer
        ((("+1", ("UTOM",)),), (("-1", (REQUESTER,)),), (0, 1)),  # someone else's never counts
        ((("thumbsup::skin-tone-3", (REQUESTER,)),), UP_MINE, (1, 0)),
    ],
)
def test_several_asks_of_one_request_count_once_with_the_answer_on_any(
    first: tuple[tuple[str, tuple[str, ...]], ...],
    second: tuple[tuple[str, tuple[str, ...]], ...],
    expected: tuple[int, int],
) -> None:
    earlier, later = twice(first, second)
    for order in ([earlier, later], [later, earlier]):  # however the store hands them over
        figures = happiness_figures(order)
        assert (figures.asked, figures.up, figures.down) == (1, *expected)
    [one] = one_per_request([later, earlier])
    assert (one.ts, one.asked_at) == (earlier.ts, earlier.asked_at)  # the earliest is the ask


def test_asks_of_different_requests_all_count_and_merging_keeps_each_reaction_once() -> None:
    earlier, later = twice(((("+1", (REQUESTER, "UTOM")),)), ((("+1", (REQUESTER,)), ("eyes", ("UTOM",)))))
    other = asked(("-1", (REQUESTER,)), at=NOW + timedelta(minutes=1), request=7)
    merged = one_per_request([later, other, earlier])
    assert [a.request_ts for a in merged] == [earlier.request_ts, other.request_ts]
    assert merged[0].reactions == (("+1", (REQUESTER, "UTOM")), ("eyes", ("UTOM",)))
    figures = happiness_figures([later, other, earlier])
    assert (figures.asked, figures.up, figures.down) == (2, 1, 1)


def test_the_earliest_ask_decides_the_week_and_the_period() -> None:
    # Sunday 21 June 2026 22:59:59 UTC is 23:59:59 in London (W25); the duplicate lands in W26.
    sunday = datetime(2026, 6, 21, 22, 59, 59, tzinfo=UTC)
    earlier, later = twice((), UP_MINE, at=sunday)
    period = Period(datetime(2026, 6, 14, 23, tzinfo=UTC), datetime(2026, 6, 28, 23, tzinfo=UTC))
    weeks = dict(happiness_report([later, earlier], period, LONDON).weeks)
    assert (weeks["2026-W25"].asked, weeks["2026-W25"].up) == (1, 1)
    assert weeks["2026-W26"].asked == 0
    # The earliest before the period: the request was asked before it, not in it.
    starts_after = Period(datetime(2026, 6, 21, 23, tzinfo=UTC), datetime(2026, 6, 28, 23, tzinfo=UTC))
    assert happiness_report([earlier, later], starts_after, LONDON).total.asked == 0


# -- `d` ----------------------------------------------------------------------------------------------


def test_d_marks_a_request_done_and_asks_when_asking_is_on() -> None:
    message = request()
    react, ask = mark_done(message, ME, NOW, ids(), ask="How did we do?", tickets=("LAA-9",))  # type: ignore[arg-type]
    assert (react.kind, react.key, react.body, react.service) == (
        WriteKind.REACT,
        message.ts,
        "white_check_mark",
        Service.SLACK,
    )
    assert (ask.kind, ask.key, ask.body, ask.batch) == (
        WriteKind.REPLY,
        message.ts,
        "How did we do?",
        react.batch,
    )
    assert json.loads(ask.metadata or "") == {
        "event_type": ASK_METADATA,
        "event_payload": {"request_ts": message.ts, "requester": REQUESTER, "ticket": "LAA-9"},
    }
    assert is_ask(ask) and not is_ask(react)
    assert [w.kind for w in mark_done(message, ME, NOW, ids(), ask=None)] == [WriteKind.REACT]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("message", "pending", "expected"),
    [
        (request(), (), None),
        (request(reactions=(Reaction("white_check_mark", 1, (REQUESTER,)),)), (), None),  # their own ✅
        (request(reactions=(Reaction("white_check_mark", 1, ("UTOM",)),)), (), ALREADY_DONE),
        (request(reactions=(Reaction("heavy_check_mark", 1, ("UBOT",)),)), (), ALREADY_DONE),
        (
            request(),
            (Write("u", "b", WriteKind.REACT, "x", NOW, "a", "A", body="white_check_mark"),),
            ALREADY_DONE,
        ),
        (request(), (Write("u", "b", WriteKind.REACT, "x", NOW, "a", "A", body="eyes"),), None),
        (request("UTOM"), (), NOT_A_REQUEST),  # the team's own message
        (request(bot_id="B1"), (), NOT_A_REQUEST),
        (request(thread_ts="1764100000.000001"), (), NOT_A_REQUEST),  # a reply shown in the channel
    ],
)
def test_what_d_refuses(message: ChatMessage, pending: tuple[Write, ...], expected: str | None) -> None:
    assert done_refusal(message, TEAM, pending) == expected


# -- a resolved ticket --------------------------------------------------------------------------------


def test_a_resolved_ticket_asks_about_each_request_it_was_raised_from_once() -> None:
    first, second = request(at=NOW - timedelta(days=2)), request("ULUCY", at=NOW - timedelta(days=1))
    targets = asks_for_resolved(
        ["LAA-9", "LAA-10"],
        {"LAA-9": [first, second], "LAA-10": [first]},
        open_tickets={},
        asked=set(),
        now=NOW,
    )
    assert targets == [AskTarget(first.ts, REQUESTER, "LAA-9"), AskTarget(second.ts, "ULUCY", "LAA-9")]


def test_a_resolved_ticket_does_not_ask_what_was_asked_is_old_or_still_has_work_open() -> None:
    fresh, old = request(), request(at=NOW - ASK_WITHIN - timedelta(minutes=1))
    nobody = request(None, at=NOW - timedelta(hours=2))

    def targets(**changes: object) -> list[AskTarget]:
        args: dict[str, object] = {"open_tickets": {}, "asked": set(), "now": NOW} | changes
        return asks_for_resolved(["LAA-9"], {"LAA-9": [fresh, old, nobody]}, **args)  # type: ignore[arg-type]

    assert targets() == [AskTarget(fresh.ts, REQUESTER, "LAA-9")]
    assert targets(asked={fresh.ts}) == []
    assert targets(open_tickets={fresh.ts: ["LAA-11"]}) == []  # its other ticket is still being worked
    assert targets(open_tickets={fresh.ts: ["LAA-9"]}) == [AskTarget(fresh.ts, REQUESTER, "LAA-9")]
    assert asks_for_resolved(["LAA-1"], {"LAA-9": [fresh]}, open_tickets={}, asked=(), now=NOW) == []


# -- reading back -------------------------------------------------------------------------------------


def reply(metadata: str | None, *, thread: str | None = None, kind: str | None = ASK_METADATA) -> ChatMessage:
    parent = request()
    return ChatMessage(
        ts=ts(NOW, 300),
        channel="C1",
        user_id="UBOT",
        text="How did we do?",
        bot_id="B0BOT",  # duty-tui's bot posts it
        thread_ts=thread or parent.ts,
        reactions=(Reaction("+1", 1, (REQUESTER,)),),
        metadata_type=kind,
        metadata=metadata,
    )


def test_an_ask_is_read_back_from_its_metadata() -> None:
    parent = request()
    payload = json.loads(ask_metadata(AskTarget(parent.ts, REQUESTER, "LAA-9")))["event_payload"]
    found = ask_from_message(reply(json.dumps({**payload, "outbox": "u1"})))
    assert found == HappinessAsk(ts(NOW, 300), parent.ts, REQUESTER, NOW, (("+1", (REQUESTER,)),))
    assert found is not None and answer(found) is Answer.UP


@pytest.mark.parametrize(
    "message",
    [
        reply(json.dumps({"request_ts": "1.000001", "requester": REQUESTER})),  # another thread's
        reply(json.dumps({"request_ts": request().ts, "requester": ""})),
        reply(json.dumps({"request_ts": request().ts})),
        reply(json.dumps(["not", "an", "object"])),
        reply("{not json"),
        reply(None),
        reply(json.dumps({"request_ts": request().ts, "requester": REQUESTER}), kind="duty_tui_outbox"),
        # A person's message with the ask's metadata (Slack keeps metadata only from apps: never trusted).
        replace(
            reply(json.dumps({"request_ts": request().ts, "requester": REQUESTER})),
            user_id=REQUESTER,
            bot_id=None,
        ),
        # A classic bot's (webhook) message: duty-tui's ask is a plain reply by its app bot.
        replace(
            reply(json.dumps({"request_ts": request().ts, "requester": REQUESTER})), subtype="bot_message"
        ),
        reply(
            json.dumps({"request_ts": ts(NOW, 300), "requester": REQUESTER}), thread=ts(NOW, 300)
        ),  # a parent
    ],
)
def test_anything_else_is_not_an_ask(message: ChatMessage) -> None:
    assert ask_from_message(message) is None


def test_only_done_or_ticketed_requests_with_replies_are_worth_reading_for_asks() -> None:
    done = Reaction("white_check_mark", 1, ("UTOM",))
    assert may_hold_ask(request(reply_count=1, reactions=(done,)), TEAM, ticketed=False)
    assert may_hold_ask(request(reply_count=2), TEAM, ticketed=True)
    assert not may_hold_ask(request(reply_count=2), TEAM, ticketed=False)  # still being worked
    assert not may_hold_ask(request(reactions=(done,)), TEAM, ticketed=True)  # no replies: no ask
    assert not may_hold_ask(request("UTOM", reply_count=1, reactions=(done,)), TEAM, ticketed=True)


def test_an_ask_write_is_a_slack_reply_in_the_requests_thread() -> None:
    write = ask_write(AskTarget("1.000002", REQUESTER), "Q?", ME, NOW, batch="b", uid="u")
    assert (write.service, write.kind, write.key, write.actor) == (
        Service.SLACK,
        WriteKind.REPLY,
        "1.000002",
        ME.name,
    )
    assert write.describe() == "ask the requester how the help went"
    assert json.loads(write.metadata or "")["event_payload"]["ticket"] == ""
