"""Pilot tests of the channel dialogs (reply, reaction picker, new ticket) and the thread view's reload.

Same harness as tests/app/test_views.py: one screen pushed on a tiny host app, fake loaders, a slow one
held on a threading.Event. The hostile corpus goes through every place untrusted text is shown or
prefilled, and what comes back must be exactly what was shown.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text
from textual.content import Content
from textual.widgets import Checkbox, Static

from duty_tui import text
from duty_tui.models import ChatMessage, NewTicket, Reaction, ReplyDraft
from duty_tui.views.comment import DiscardScreen
from duty_tui.views.raise_ticket import LOADING, RaiseTicketScreen
from duty_tui.views.react import ReactionPicker, search
from duty_tui.views.reply import ReplyScreen
from duty_tui.views.thread import ThreadScreen
from tests.app.test_views import LARGE, SIZE, Host, failing, gated, showing
from tests.conftest import MORNING
from tests.support import (
    CONTROL,
    HOSTILE,
    MARKUP_LIKE,
    MARKUP_SAMPLE,
    assert_screen_clean,
    probe,
    screen_dump,
    screen_text,
    settle,
)

CONTROL_LADEN = " ".join(value for value in HOSTILE if CONTROL.search(value))


def lines_with(app: Host, fragment: str) -> list[str]:
    return [line for line in screen_text(app).splitlines() if fragment in line]


# -- reply ---------------------------------------------------------------------------------------

PREVIEW = Text("\n".join(f"preview line {n}" for n in range(1, 7)))


async def test_reply_shows_the_message_folded_and_posts_with_broadcast() -> None:
    screen = ReplyScreen(PREVIEW, "Priya Patel")
    async with showing(screen) as (app, pilot):
        shown = screen_text(app)
        assert "Priya Patel" in shown and "Reply in thread" in shown
        assert "preview line 3" in shown and "preview line 4" not in shown  # at most three lines
        assert "Also send to #laa-ops" in shown
        assert screen.editor.has_focus
        await pilot.press(*"On it", "ctrl+b")
        assert screen.broadcast.value is True and screen.editor.has_focus  # toggled without leaving
        await pilot.press("enter", "enter", "ctrl+s")
        assert app.results == [ReplyDraft("On it", broadcast=True)]


async def test_reply_continues_a_draft_and_tab_reaches_the_checkbox() -> None:
    screen = ReplyScreen(Content("x"), "Ben", initial=ReplyDraft("Looking into", broadcast=True))
    async with showing(screen) as (app, pilot):
        assert screen.broadcast.value is True
        await pilot.press("space", *"it")
        await pilot.press("tab")
        assert isinstance(app.focused, Checkbox)
        await pilot.press("space", "ctrl+s")
        assert app.results == [ReplyDraft("Looking into it", broadcast=False)]


async def test_an_empty_reply_is_refused_and_escape_asks_before_discarding() -> None:
    screen = ReplyScreen(PREVIEW, "Ben")
    async with showing(screen) as (app, pilot):
        await pilot.press("space", "enter", "ctrl+s")
        await settle(pilot, lambda: "Write something first" in screen_text(app))
        assert app.screen is screen and app.results == []
        await pilot.press(*"hi", "escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardScreen))
        assert "Discard this reply? y/n" in screen_text(app)
        await pilot.press("n")
        assert app.screen is screen and screen.editor.has_focus and screen.editor.text == " \nhi"
        await pilot.press("escape", "y")
        await settle(pilot, lambda: app.results == [None])

    screen = ReplyScreen(PREVIEW, "Ben")
    async with showing(screen) as (app, pilot):
        await pilot.press("escape")
        assert app.results == [None]


async def test_hostile_preview_and_author_are_shown_literally() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        pairs = list(zip(MARKUP_LIKE[::2], MARKUP_LIKE[1::2], strict=True))
        for author, message in [*pairs, (CONTROL_LADEN, CONTROL_LADEN)]:
            # The preview as the desk builds it (slack_text); and, for the control-laden string, raw Text
            # that skipped the sanitizer (the markup-like ones are plain text either way).
            raw = [Text(message)] if message == CONTROL_LADEN else []
            for preview in (text.slack_text(message, text.NoNames()), *raw):
                screen = ReplyScreen(preview, author)
                app.push_screen(screen)
                await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
                assert_screen_clean(app)
                if message in MARKUP_LIKE:
                    assert probe(author) in screen_text(app) and probe(message) in screen_text(app)
                await pilot.press("escape")


async def test_typed_markup_comes_back_exactly() -> None:
    screen = ReplyScreen(PREVIEW, "Ben", initial=ReplyDraft(CONTROL_LADEN))  # a draft is cleaned too
    async with showing(screen, LARGE) as (app, pilot):
        assert_screen_clean(app)
        screen.editor.clear()
        typed = "\n".join(MARKUP_LIKE)
        # The first few typed key by key (what the keyboard does); the rest inserted (same widget path,
        # a fraction of the time).
        for line in MARKUP_LIKE[:3]:
            await pilot.press(*line, "enter")
        screen.editor.insert("\n".join(MARKUP_LIKE[3:]))
        assert_screen_clean(app)
        await pilot.press("ctrl+s")
        assert app.results == [ReplyDraft(typed)]


# -- reaction picker -----------------------------------------------------------------------------


def highlighted(screen: ReactionPicker) -> str | None:
    return screen.highlighted_name()


async def test_picker_starts_on_eyes_and_enter_picks_it() -> None:
    screen = ReactionPicker("React to Priya's message", already=["white_check_mark"])
    async with showing(screen) as (app, pilot):
        assert screen.shown[:4] == ["eyes", "white_check_mark", "+1", "pray"]
        assert highlighted(screen) == "eyes"
        assert lines_with(app, ":eyes:")[0].count("👀") == 1
        assert "(added)" in lines_with(app, ":white_check_mark:")[0]
        assert "(added)" not in lines_with(app, ":eyes:")[0]
        assert "React to Priya's message" in screen_text(app)
        await pilot.press("enter")
        assert app.results == ["eyes"]


async def test_typing_searches_prefix_first_and_the_keys_move_while_typing() -> None:
    screen = ReactionPicker("x")
    async with showing(screen) as (app, pilot):
        await pilot.press(*"check")
        starts = [name for name in screen.shown if name.startswith("check")]
        assert starts and screen.shown[: len(starts)] == starts  # prefix matches first
        assert "white_check_mark" in screen.shown[len(starts) :]
        await pilot.press("down")
        assert highlighted(screen) == screen.shown[1]
        await pilot.press("ctrl+j", "ctrl+k")
        assert highlighted(screen) == screen.shown[1]
        await pilot.press("up", "enter")
        assert app.results == [screen.shown[0]]


async def test_colons_are_ignored_nothing_matching_says_so_and_escape_cancels() -> None:
    screen = ReactionPicker("x")
    async with showing(screen) as (app, pilot):
        await pilot.press(*":+1")
        assert screen.shown[0] == "+1" and highlighted(screen) == "+1"
        screen.query_input.value = "zzzz [/b]"
        await pilot.pause()
        assert screen.shown == []
        assert "No emoji matches “zzzz [/b]”." in screen_text(app)
        await pilot.press("enter")  # nothing to pick: stays open
        assert app.screen is screen and app.results == []
        await pilot.press("escape")
        assert app.results == [None]


def test_search_is_capped_and_covers_every_alias() -> None:
    assert len(search("a")) == 200
    assert search("thumbsup")[0] == "thumbsup"
    assert "man_shrugging" in search("shrug")


async def test_hostile_picker_titles_are_shown_literally() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        titles: list[str | Text | Content] = [*MARKUP_SAMPLE, CONTROL_LADEN, Text(CONTROL_LADEN)]
        titles.append(Content(CONTROL_LADEN, strip_control_codes=False))  # unclean Content: shown plain
        for title in titles:
            screen = ReactionPicker(title)
            app.push_screen(screen)
            await settle(pilot, lambda s=screen: app.screen is s)  # type: ignore[misc]
            assert_screen_clean(app)
            if isinstance(title, str) and title in MARKUP_LIKE:
                assert probe(title) in screen_text(app)
            await pilot.press("escape")


# -- new ticket ----------------------------------------------------------------------------------

BOARDS = [(262, "AWS Ops"), (265, "6DG Ops")]


def raise_screen(**kwargs: object) -> RaiseTicketScreen:
    values: dict[str, object] = {"summary": "Claims batch failed", "description": "From #laa-ops"}
    values.update(kwargs)
    return RaiseTicketScreen(BOARDS, **values)  # type: ignore[arg-type]


async def test_the_form_opens_on_the_boards_and_creates_the_ticket() -> None:
    screen = raise_screen()
    async with showing(screen, LARGE) as (app, pilot):
        shown = screen_text(app)
        assert "New Jira ticket from #laa-ops" in shown
        assert "AWS Ops" in shown and "6DG Ops" in shown and "Claims batch failed" in shown
        assert screen.board_list.has_focus and screen.board_list.highlighted == 0
        assert screen.priority.value == "Medium"
        await pilot.press("down")
        assert screen.board_list.highlighted == 1
        await pilot.press("ctrl+s")
        assert app.results == [NewTicket(265, "Claims batch failed", "Medium", "From #laa-ops")]


async def test_enter_on_a_board_moves_on_and_the_fields_are_edited_by_keys() -> None:
    screen = raise_screen(priorities=("P1", "P2", "P3"), default_priority="P2")
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press("enter")
        assert screen.summary.has_focus
        await pilot.press("end", *" again")
        await pilot.press("tab")
        assert screen.priority.has_focus
        await pilot.press("enter", "down", "enter")  # open the list, next priority, choose it
        await settle(pilot, lambda: screen.priority.value == "P3")
        await pilot.press("tab", "end", *" + more", "ctrl+s")
        await settle(pilot, lambda: bool(app.results))
        assert app.results == [NewTicket(262, "Claims batch failed again", "P3", "From #laa-ops + more")]


async def test_a_summary_is_required_and_capped_at_jiras_limit() -> None:
    screen = raise_screen()
    async with showing(screen, LARGE) as (app, pilot):
        screen.summary.value = "   "
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "A ticket needs a summary" in screen_text(app))
        assert app.screen is screen and app.results == [] and screen.summary.has_focus

    screen = raise_screen(summary="x" * 300 + "\nsecond line")
    async with showing(screen, LARGE) as (app, pilot):
        await settle(pilot, lambda: "cut to Jira's 255 characters" in screen_text(app))
        assert screen.summary.value == "x" * 255
        await pilot.press("ctrl+s")
        assert isinstance(app.results[0], NewTicket) and len(app.results[0].summary) == 255


async def test_the_thread_replaces_an_untouched_description() -> None:
    load, release = gated(lambda: "From #laa-ops\nhttps://slack/permalink\n\nReplies:\n- on it")
    screen = raise_screen(load_description=load)
    try:
        async with showing(screen, LARGE) as (app, pilot):
            assert LOADING in screen_text(app)
            release.set()
            await settle(pilot, lambda: "https://slack/permalink" in screen.description.text)
            assert LOADING not in screen_text(app)
            await pilot.press("escape")  # the loaded text is not an edit: no question
            assert app.results == [None]
    finally:
        release.set()


async def test_an_edited_description_is_never_overwritten() -> None:
    load, release = gated(lambda: "the thread")
    screen = raise_screen(load_description=load)
    try:
        async with showing(screen, LARGE) as (app, pilot):
            screen.description.focus()
            await pilot.press("end", *" - mine")
            release.set()
            await settle(pilot, lambda: "The thread was not added" in screen_text(app))
            assert screen.description.text == "From #laa-ops - mine"
            await pilot.press("ctrl+s")
            assert app.results == [NewTicket(262, "Claims batch failed", "Medium", "From #laa-ops - mine")]
    finally:
        release.set()


async def test_a_failing_loader_says_why_and_keeps_the_description() -> None:
    screen = raise_screen(load_description=failing("Slack said 500 [/] \x1b]0;t\x07"))
    async with showing(screen, LARGE) as (app, pilot):
        await settle(pilot, lambda: "Could not add the thread" in screen_text(app))
        assert "Slack said 500 [/]" in screen_text(app)
        assert_screen_clean(app)
        assert screen.description.text == "From #laa-ops"


async def test_escape_asks_only_when_something_was_edited() -> None:
    screen = raise_screen()
    async with showing(screen, LARGE) as (app, pilot):
        await pilot.press("down", "escape")  # choosing a board is not an edit
        assert app.results == [None]

    screen = raise_screen()
    async with showing(screen, LARGE) as (app, pilot):
        screen.summary.focus()
        await pilot.press("end", "!", "escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardScreen))
        assert "Discard this new ticket? y/n" in screen_text(app)
        await pilot.press("n")
        assert app.screen is screen and screen.summary.value.endswith("!")
        await pilot.press("escape", "y")
        await settle(pilot, lambda: app.results == [None])


@pytest.mark.parametrize("evil", [*MARKUP_LIKE, CONTROL_LADEN])
async def test_a_hostile_message_comes_back_literally(evil: str) -> None:
    screen = RaiseTicketScreen([(262, evil), (265, "6DG Ops")], evil or "x", evil, priorities=(evil, "Low"))
    async with showing(screen, LARGE) as (app, pilot):
        assert_screen_clean(app)
        if evil in MARKUP_LIKE:
            assert probe(evil) in screen_text(app)
        await pilot.press("ctrl+s")
        (ticket,) = app.results
        assert isinstance(ticket, NewTicket)
        expected_summary = text.one_line(evil or "x", None, breaks=False)
        assert (ticket.board_id, ticket.summary, ticket.priority) == (262, expected_summary.strip(), evil)
        assert ticket.description == text.sanitize(evil)
        if evil in MARKUP_LIKE:
            assert ticket.summary == evil.strip() and ticket.description == evil


# -- thread reload -------------------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")


def chat(ts: int, words: str, **changes: object) -> ChatMessage:
    return ChatMessage(str(ts) + ".000100", "C1", "U1", words, **changes)  # type: ignore[arg-type]


class Thread:
    """A thread the test changes between loads, as Slack would between polls."""

    def __init__(self, *messages: ChatMessage) -> None:
        self.messages = list(messages)
        self.loads = 0

    def load(self) -> list[ChatMessage]:
        self.loads += 1
        return list(self.messages)


def thread_screen(thread: Thread, zone: ZoneInfo = LONDON) -> ThreadScreen:
    return ThreadScreen(thread.messages[0], text.NoNames(), thread.load, lambda: MORNING, zone)


def message_views(screen: ThreadScreen) -> list[Static]:
    return list(screen.query(".message").results(Static))


START = int(MORNING.timestamp())


async def test_reload_updates_the_thread_in_place() -> None:
    parent = chat(START, "parent", reply_count=1, reactions=(Reaction("eyes", 2),))
    thread = Thread(parent, chat(START + 60, "first reply"))
    screen = thread_screen(thread)
    async with showing(screen, LARGE) as (app, pilot):
        await settle(pilot, lambda: "first reply" in screen_text(app))
        assert "👀 2" in screen_text(app)  # reactions with counts after the message
        thread.messages = [
            chat(START, "parent (edited)", reply_count=2, edited=True, reactions=(Reaction("eyes", 3),)),
            chat(START + 60, "first reply, corrected"),
            chat(START + 120, "second reply"),
        ]
        screen.reload()
        await settle(pilot, lambda: "second reply" in screen_text(app))
        shown = screen_text(app)
        assert "first reply, corrected" in shown and "parent (edited)" in shown and "👀 3" in shown
        assert "2 replies" in shown
        assert len(message_views(screen)) == 3  # parent + two replies: nothing duplicated
        thread.messages = thread.messages[:2]  # a reply deleted in Slack
        screen.reload()
        await settle(pilot, lambda: "second reply" not in screen_text(app))
        assert len(message_views(screen)) == 2


async def test_reload_keeps_the_reading_place_or_follows_the_bottom() -> None:
    replies = [chat(START + n, f"reply {n}\nmore\nlines") for n in range(1, 30)]
    thread = Thread(chat(START, "parent", reply_count=len(replies)), *replies)
    screen = thread_screen(thread)
    async with showing(screen) as (app, pilot):
        await settle(pilot, lambda: len(message_views(screen)) == 30 and screen.body.max_scroll_y > 0)
        assert screen.body.scroll_y == 0  # the thread opens at its top, on the parent
        screen.body.scroll_to(y=5, animate=False, immediate=True)
        await pilot.pause()
        thread.messages.append(chat(START + 100, "late reply"))
        screen.reload()
        await settle(pilot, lambda: len(message_views(screen)) == 31)
        await pilot.pause()
        assert screen.body.scroll_y == 5  # reading in the middle: not moved

        screen.body.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        thread.messages.append(chat(START + 200, "latest reply"))
        screen.reload()
        await settle(pilot, lambda: len(message_views(screen)) == 32)
        await settle(pilot, lambda: screen.body.scroll_y == screen.body.max_scroll_y)
        assert "latest reply" in screen_text(app)


async def test_a_late_answer_from_an_older_load_is_dropped() -> None:
    thread = Thread(chat(START, "parent", reply_count=1), chat(START + 1, "old reply"))
    slow, release = gated(lambda: [thread.messages[0], chat(START + 1, "stale reply")])
    screen = ThreadScreen(thread.messages[0], text.NoNames(), slow, lambda: MORNING, LONDON)
    try:
        async with showing(screen) as (app, pilot):
            screen.load = thread.load  # the poll's reload reads the fresh thread
            screen.reload()
            await settle(pilot, lambda: "old reply" in screen_text(app))
            release.set()
            await pilot.pause(0.2)
            assert "stale reply" not in screen_text(app)
    finally:
        release.set()


@pytest.mark.parametrize(("zone", "expected"), [(LONDON, "10:30"), (ZoneInfo("America/New_York"), "05:30")])
async def test_dates_in_messages_are_shown_in_the_zone(zone: ZoneInfo, expected: str) -> None:
    epoch = int(MORNING.timestamp())
    parent = chat(START, f"deploy at <!date^{epoch}^{{time}} on {{date_short}}|later>")
    screen = thread_screen(Thread(parent), zone)
    async with showing(screen) as (app, _pilot):
        assert f"deploy at {expected} on Nov 26, 2026" in screen_text(app)


class TicketNames(text.NoNames):
    def ticket_url(self, key: str) -> str | None:
        return f"https://jira.example/browse/{key}" if key.startswith("LAA-") else None


OUR_LINK = re.compile(r"\x1b\]8;id=[\d-]+;https://jira\.example/browse/LAA-\d+\x1b\\|\x1b\]8;;\x1b\\")


async def test_ticket_keys_in_a_thread_are_hyperlinks_and_nothing_else_escapes() -> None:
    parent = chat(START, "LAA-7 broke again " + CONTROL_LADEN + " [@click=app.quit]x[/]")
    screen = ThreadScreen(parent, TicketNames(), None, lambda: MORNING, LONDON)
    async with showing(screen, LARGE) as (app, _pilot):
        raw, _ = screen_dump(app)
        assert "\x1b]8;id=" in raw and "https://jira.example/browse/LAA-7" in raw  # the link is there
        stripped = OUR_LINK.sub("", raw)
        rest = re.sub(r"\x1b\[[0-9;?]*[mHlhJK]", "", stripped)
        assert "\x1b" not in rest  # no escape but Textual's own and our link
        assert "[@click=app.quit]x[/]" in screen_text(app)
