"""What the channel keys write, and the ticket raised from a message (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from duty_tui import text
from duty_tui.models import ChatMessage, NewTicket, ReplyDraft, Service, WriteKind
from duty_tui.rules import channel_actions
from duty_tui.rules.actions import Actor, NewId
from duty_tui.rules.channel_actions import Board
from duty_tui.rules.raised import description_of, summary_of
from tests.support import HOSTILE

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ME = Actor("712020:me", "Priya Shah")
PARENT = ChatMessage("1795687200.000100", "C1", "ULUCY", "CCMS is *slow*\nsecond line", reply_count=2)
REPLY_IN_CHANNEL = ChatMessage("1795687300.000100", "C1", "URAJ", "same", thread_ts=PARENT.ts)


def ids() -> NewId:
    numbers = count(1)
    return lambda: f"id{next(numbers)}"


def test_a_reply_goes_to_the_thread_parent_even_from_a_broadcast_reply() -> None:
    [write] = channel_actions.reply(REPLY_IN_CHANNEL, ME, ReplyDraft("on it", True), NOW, ids())
    assert write.kind is WriteKind.REPLY and write.service is Service.SLACK
    assert write.key == PARENT.ts and write.body == "on it" and write.broadcast


def test_a_claim_with_the_bot_token_also_says_who_in_the_thread() -> None:
    as_user = channel_actions.claim(PARENT, ME, NOW, ids(), as_user=True)
    assert [(w.kind, w.body) for w in as_user] == [(WriteKind.REACT, "eyes")]
    as_bot = channel_actions.claim(PARENT, ME, NOW, ids(), as_user=False)
    assert [w.kind for w in as_bot] == [WriteKind.REACT, WriteKind.REPLY]
    assert len({w.batch for w in as_bot}) == 1  # one keypress


def test_raising_a_ticket_creates_then_announces_then_links_in_one_batch() -> None:
    ticket = NewTicket(265, "CCMS is slow", "High", "desc")
    board = Board(265, "6DG Ops", "LAA6DG", "laa-6dg-support")
    writes = channel_actions.raise_ticket(
        PARENT, ME, ticket, board, permalink="https://x.slack.com/p1", now=NOW, new_id=ids()
    )
    assert [w.kind for w in writes] == [WriteKind.CREATE, WriteKind.REPLY, WriteKind.LINK]
    assert [w.service for w in writes] == [Service.JIRA, Service.SLACK, Service.JIRA]
    create = writes[0]
    assert create.project == "LAA6DG" and create.component == "laa-6dg-support" and create.ticket == ticket
    assert writes[1].announces and writes[1].key == PARENT.ts
    assert writes[2].url == "https://x.slack.com/p1" and len({w.batch for w in writes}) == 1


def test_summary_is_the_first_line_shown_as_the_channel_shows_it() -> None:
    assert summary_of(PARENT, text.NoNames()) == "CCMS is slow"
    long = ChatMessage("1.1", "C1", "U1", "x" * 400)
    assert len(summary_of(long, text.NoNames())) <= 255


def test_description_has_the_message_author_time_link_and_replies() -> None:
    from zoneinfo import ZoneInfo

    reply = ChatMessage("1795687260.000100", "C1", "UTOM", "checking <@ULUCY>")
    out = description_of(
        PARENT,
        [reply],
        text.NoNames(),
        author=lambda m: m.user_id or "?",
        zone=ZoneInfo("Europe/London"),
        permalink="https://s/p1",
    )
    assert "{noformat}\nCCMS is slow\nsecond line\n{noformat}" in out
    assert "— ULUCY, Thu 26 Nov 2026 10:00 GMT" in out and "Slack: https://s/p1" in out
    assert "* UTOM (10:01): checking @ULUCY" in out


def test_a_hostile_message_stays_literal_in_the_description() -> None:
    from zoneinfo import ZoneInfo

    for evil in HOSTILE:
        message = ChatMessage("1795687200.000100", "C1", "U1", evil + "\n{noformat}h1. x")
        out = description_of(
            message, [], text.NoNames(), author=lambda m, e=evil: e, zone=ZoneInfo("UTC"), permalink=None
        )
        block = out.split("{noformat}")
        assert len(block) == 3, evil  # the message cannot close the literal block early
        assert "\x1b" not in out and "\x07" not in out
