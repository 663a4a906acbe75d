"""#laa-ops as a working channel, end to end: keys → optimistic row → outbox → the simulated Slack and
Jira's state and request logs. Everything through the real clients over HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from duty_tui.app import DutyApp
from duty_tui.demo.scenario import CHANNEL
from duty_tui.views.raise_ticket import RaiseTicketScreen
from duty_tui.views.react import ReactionPicker
from duty_tui.views.reply import ReplyScreen
from tests.support import Harness, both_polled, on_message, screen_text, settle, settled, until_settled

SIZE = (140, 40)


def ts_of(h: Harness, handle: str) -> str:
    """The newest top-level message a person of the demo cast wrote."""
    user = h.world.cast.slack[handle]
    return [str(m["ts"]) for m in h.world.slack.world.history(CHANNEL) if m.get("user") == user][-1]


def thread(h: Harness, ts: str) -> list[dict[str, Any]]:
    return h.world.slack.world.thread(CHANNEL, ts)[1:]


def posts(h: Harness) -> list[Any]:
    return h.world.slack.log.find("POST", "chat.postMessage")


async def test_reply_in_a_thread_escaped_as_slack_requires_and_as_the_engineer(h: Harness) -> None:
    app = h.app()
    dan = ts_of(h, "dan")
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, dan)
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, ReplyScreen))
        h.world.slack.faults.hold(match="chat.postMessage")  # Slack is slow: the row must not wait
        await pilot.press(*"Yes <b> & done", "ctrl+s")
        await settle(pilot, lambda: "⟳ reply" in app.channel.table.cell(dan, "text").plain, timeout=2)
        h.world.slack.faults.release()
        await settle(pilot, lambda: settled(app))
        [reply] = thread(h, dan)
        assert reply["text"] == "Yes &lt;b&gt; &amp; done"
        assert reply["user"] == h.world.cast.slack["priya"] and "bot_id" not in reply  # her own token
        assert len(posts(h)) == 1 and posts(h)[0].param("thread_ts") == dan
        assert "⟳" not in app.channel.table.cell(dan, "text").plain
        await settle(pilot, lambda: app.channel.table.cell(dan, "replies").plain.startswith("💬 1"))


async def test_without_a_user_token_the_bot_replies_and_signs_with_the_engineers_name(h: Harness) -> None:
    app = h.app(as_user=False)
    dan = ts_of(h, "dan")
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, dan)
        await pilot.press("c", *"On it", "ctrl+s")
        await settle(pilot, lambda: bool(thread(h, dan)))
        [reply] = thread(h, dan)
        assert reply["text"] == "On it\n— Priya Shah" and reply.get("bot_id")


async def test_react_twice_is_one_reaction(h: Harness) -> None:
    app = h.app()
    hannah = ts_of(h, "hannah")
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, hannah)
        for _ in range(2):
            await pilot.press("e")
            await settle(pilot, lambda: isinstance(app.screen, ReactionPicker))
            await pilot.press("enter")  # 👀 is first
            await settle(pilot, lambda: settled(app))
        reactions = h.world.slack.world.message(CHANNEL, hannah).get("reactions", [])
        assert reactions == [{"name": "eyes", "users": [h.world.cast.slack["priya"]], "count": 1}]
        await settle(pilot, lambda: "👀1" in app.channel.table.cell(hannah, "text").plain)  # counted once


async def test_a_waiting_request_is_flagged_then_answered_by_a_team_reply(h: Harness) -> None:
    app = h.app()
    hannah = ts_of(h, "hannah")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        assert app.channel.table.cell(hannah, "request").plain == "waiting 52m"
        assert "waiting" in str(app.channel.border_title)
        h.world.slack.world.post(CHANNEL, h.world.cast.slack["tom"], "Looking at it", thread_ts=hannah)
        await pilot.press("r")
        await settle(pilot, lambda: app.channel.table.cell(hannah, "request").plain == "answered")


async def test_claim_then_cross_the_triage_time(h: Harness) -> None:
    app = h.app()
    dan = ts_of(h, "dan")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_message(pilot, app, dan)
        await pilot.press("t")
        assert app.channel.table.cell(dan, "request").plain.startswith("👀 me")  # at once
        await settle(pilot, lambda: settled(app))
        reactions = h.world.slack.world.message(CHANNEL, dan).get("reactions", [])
        assert reactions == [{"name": "eyes", "users": [h.world.cast.slack["priya"]], "count": 1}]
        await pilot.press("t")
        assert "already claimed" in screen_text(app)
        h.clock.advance(timedelta(minutes=15))
        app.on_clock_tick()
        await pilot.pause()
        assert app.channel.table.cell(dan, "request").plain == "👀 me 15m ⚠"
        assert "Past the triage time" in screen_text(app) and "press n" in screen_text(app)


async def test_a_colleagues_claim_shows_their_name_and_asks_before_a_second_claim(h: Harness) -> None:
    app = h.app()
    hannah = ts_of(h, "hannah")
    h.world.slack.world.react(CHANNEL, hannah, "eyes", h.world.cast.slack["aisha"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_message(pilot, app, hannah)
        assert app.channel.table.cell(hannah, "request").plain.startswith("👀 Aisha")
        await pilot.press("t")
        assert "Aisha already claimed" in screen_text(app)
        assert not h.world.slack.log.find("POST", "reactions.add")
        await pilot.press("t")
        await settle(pilot, lambda: bool(h.world.slack.log.find("POST", "reactions.add")))


async def test_raise_a_ticket_from_a_6dg_request(h: Harness) -> None:
    app = h.app()
    raj = ts_of(h, "raj")
    before = set(h.world.jira.world.issue_keys())
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, raj)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, RaiseTicketScreen))
        screen = app.screen
        assert isinstance(screen, RaiseTicketScreen)
        await settle(pilot, lambda: "Slack: https://" in screen.description.text)  # permalink and replies
        assert "Re-running it manually" in screen.description.text
        await settle(pilot, lambda: screen.board_list.has_focus)
        await pilot.press("down")  # the 6DG board
        await settle(pilot, lambda: screen.board_list.highlighted == 1)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: settled(app) and bool(set(h.world.jira.world.issue_keys()) - before))
        [key] = set(h.world.jira.world.issue_keys()) - before
        issue = h.world.jira.world.issue(key)
        assert key.startswith("LM-") and [c["name"] for c in issue["fields"]["components"]] == [
            "laa-6dg-support"
        ]
        assert issue["fields"]["summary"].startswith("@here CWA claims batch")
        links = h.world.jira.world.remote_link_views(key)
        assert len(links) == 1 and links[0]["object"]["url"].startswith("https://")
        announce = thread(h, raj)[-1]
        assert key in announce["text"] and f"<@{h.world.cast.slack['kate']}>" in announce["text"]
        await settle(pilot, lambda: app.channel.table.cell(raj, "request").plain == f"🎫 {key}")


async def test_a_reply_whose_answer_is_lost_is_posted_once(h: Harness) -> None:
    app = h.app()
    dan = ts_of(h, "dan")
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, dan)
        h.world.slack.faults.drop_next(1, match="chat.postMessage")
        await pilot.press("c", *"Only once", "ctrl+s")
        await until_settled(pilot, app, h)
        assert [m["text"] for m in thread(h, dan)] == ["Only once"]
        assert len(posts(h)) == 1  # the resend found it in the thread instead of posting again


async def test_a_ticket_whose_creation_answer_is_lost_is_created_once(h: Harness) -> None:
    app = h.app()
    dan = ts_of(h, "dan")
    before = set(h.world.jira.world.issue_keys())
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, dan)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, RaiseTicketScreen))
        h.world.jira.faults.drop_next(1, match=r"POST .*/issue$")
        await pilot.press("ctrl+s")
        await until_settled(pilot, app, h)
        assert len(set(h.world.jira.world.issue_keys()) - before) == 1
        assert sum(1 for m in thread(h, dan) if "Raised" in m["text"]) == 1


async def test_a_reply_waits_out_a_429_and_an_outage_then_lands(h: Harness) -> None:
    app = h.app()
    dan = ts_of(h, "dan")
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, dan)
        h.world.slack.faults.rate_limit_next(1, retry_after=1, match="chat.postMessage")
        await pilot.press("c", *"Eventually", "ctrl+s")
        await settle(pilot, lambda: bool(posts(h)))  # the 429
        h.world.slack.server.go_down()  # then Slack is down altogether
        for _ in range(3):
            h.clock.advance(timedelta(seconds=30))
            if app.outbox is not None:
                app.outbox.wake()
            await pilot.pause(0.3)
        assert app.channel_desk.pending and not thread(h, dan)  # kept, not lost, not posted
        h.world.slack.server.come_up()
        await until_settled(pilot, app, h)
        assert [m["text"] for m in thread(h, dan)] == ["Eventually"]
        statuses = [e.status for e in posts(h)]
        assert statuses[0] == 429 and statuses[-1] == 200 and statuses.count(200) == 1


async def test_a_refused_reply_comes_back_in_the_editor(h: Harness) -> None:
    app = h.app()
    dan = ts_of(h, "dan")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_message(pilot, app, dan)
        h.world.slack.world.archive(CHANNEL)
        await pilot.press("c", *"Lost words", "ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReplyScreen), timeout=15)
        screen = app.screen
        assert isinstance(screen, ReplyScreen) and screen.editor.text == "Lost words"
        assert "archived" in screen_text(app)


async def test_read_only_turns_the_channel_keys_off(h: Harness) -> None:
    app = h.app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("2", "c", "e", "t", "n")
        await pilot.pause()
        assert not app.screen.is_modal
        assert not h.world.slack.log.find("POST", "chat.postMessage")
        assert "Reply" not in screen_text(app).splitlines()[-1]


def crowd(h: Harness, count: int) -> str:
    """`count` more messages in the channel over the last hours; returns the newest ts."""
    now = h.clock.now()
    people = ["lucy", "raj", "tom", "megan"]
    for n in range(count):
        at = now - timedelta(minutes=5) + timedelta(seconds=n * 0.5) - timedelta(hours=3)
        handle = people[n % len(people)]
        h.world.slack.world.post(CHANNEL, h.world.cast.slack[handle], f"message number {n}", at=at)
    return h.world.slack.world.post(CHANNEL, h.world.cast.slack["lucy"], "the very newest one", at=now)


def newest_in_view(app: DutyApp, ts: str) -> bool:
    table = app.channel.table
    rows = table.row_keys()
    if ts not in rows:
        return False
    top = int(table.scroll_offset.y)
    return top <= rows.index(ts) < top + table.scrollable_content_region.height - 1


async def test_the_newest_message_is_in_view_at_launch_on_a_first_run_and_from_the_cache(h: Harness) -> None:
    newest = crowd(h, 500)
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await settle(pilot, lambda: newest_in_view(app, newest))
        assert "the very newest one" in screen_text(app)
    h.world.slack.faults.hold()  # Slack does not answer: what shows comes from the store
    try:
        again = h.app()
        async with again.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: again.painted)
            await settle(pilot, lambda: newest_in_view(again, newest))
            assert "the very newest one" in screen_text(again)
    finally:
        h.world.slack.faults.release()


async def test_reading_history_is_not_yanked_back_when_a_message_arrives(h: Harness) -> None:
    crowd(h, 100)
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("2", "pageup", "pageup")
        reading = app.channel.table.cursor_key
        top = app.channel.table.scroll_offset.y
        h.world.slack.world.post(CHANNEL, h.world.cast.slack["raj"], "arrives while reading")
        await pilot.press("r")
        await settle(pilot, lambda: "arrives while reading" in {m.text for m in app.channel.table.items()})
        assert app.channel.table.cursor_key == reading and app.channel.table.scroll_offset.y == top
        await pilot.press("end")
        newest = ts_of(h, "raj")
        h.world.slack.world.post(CHANNEL, h.world.cast.slack["raj"], "and another")
        await pilot.press("r")
        await settle(pilot, lambda: app.channel.table.cursor_key != newest)  # followed to the new last row
        assert "and another" in screen_text(app)


async def test_the_ticket_view_lists_the_channel_messages_that_mention_it(h: Harness) -> None:
    from duty_tui.views.ticket import TicketScreen

    h.world.slack.world.post(CHANNEL, h.world.cast.slack["raj"], "Any news on LAA-6? (not LAA-60)")
    h.world.slack.world.post(CHANNEL, h.world.cast.slack["lucy"], "LAA-60 is something else")
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        mention = next(
            ts
            for ts in app.channel.table.row_keys()
            if "Any news" in app.channel.table.cell(ts, "text").plain
        )
        assert app.channel.table.cell(mention, "text").spans  # the key is styled (a link to Jira)
        assert app.tickets.table.move_cursor_to("LAA-6")
        await pilot.press("enter")
        await settle(
            pilot, lambda: isinstance(app.screen, TicketScreen) and "In #laa-ops" in screen_text(app)
        )
        await pilot.press("end")
        await pilot.pause()
        shown = screen_text(app)
        assert "In #laa-ops (1)" in shown and "Any news on LAA-6?" in shown and "Raj Patel" in shown
        assert "something else" not in shown


async def test_a_claim_slack_refuses_is_undone_and_said(h: Harness) -> None:
    app = h.app()
    dan = ts_of(h, "dan")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_message(pilot, app, dan)
        h.world.slack.world.delete(CHANNEL, dan)  # gone before the 👀 gets there
        h.world.slack.faults.hold(match="reactions.add")
        await pilot.press("t")
        assert app.channel.table.cell(dan, "request").plain.startswith("👀 me")
        h.world.slack.faults.release()
        await settle(pilot, lambda: "Slack refused" in screen_text(app))
        assert "no longer in Slack" in screen_text(app)
        assert not app.channel.table.cell(dan, "request").plain.startswith("👀")
        await settle(pilot, lambda: dan not in app.runtime.store.claims.of(CHANNEL, "0"))  # forgotten


async def test_messages_that_arrive_after_the_first_poll_are_unread_until_the_pane_is_left(
    h: Harness,
) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        assert "unread" not in str(app.channel.border_title)  # the first poll's backlog is not news
        h.world.slack.world.post(CHANNEL, h.world.cast.slack["oliver"], "Is the CIS test interface down?")
        await pilot.press("r")
        await settle(pilot, lambda: "1 unread" in str(app.channel.border_title))
        oliver = ts_of(h, "oliver")
        assert app.channel.table.cell(oliver, "author").plain.startswith("● ")
        await pilot.press("2", "1")  # read the channel, then go back to the tickets
        await settle(pilot, lambda: "unread" not in str(app.channel.border_title))
        assert not app.channel.table.cell(oliver, "author").plain.startswith("●")
