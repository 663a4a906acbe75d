"""User happiness end to end: `d` marks a request done (✅) and asks the requester in its thread; a ticket
raised from a request being resolved in Jira asks too; each thread is asked once, whoever asks; the
requester's reaction on the ask is read back into the store. Everything through the real clients over
HTTP, asserted on what the simulated Slack holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from duty_tui.app import DutyApp
from duty_tui.config.happiness import DEFAULT_TEXT, HappinessConfig
from duty_tui.demo.scenario import CHANNEL
from duty_tui.rules.happiness import ASK_METADATA, Answer, answer
from duty_tui.rules.happiness_asks import ALREADY_DONE, NOT_A_REQUEST
from duty_tui.views.raise_ticket import RaiseTicketScreen
from tests.support import Harness, on_message, screen_text, settle, settled, until_settled

SIZE = (140, 40)
ASK_ON = HappinessConfig(ask=True, text="How did we do? React 👍 or 👎 <here> & thanks")


def ts_of(h: Harness, handle: str) -> str:
    user = h.world.cast.slack[handle]
    return [str(m["ts"]) for m in h.world.slack.world.history(CHANNEL) if m.get("user") == user][-1]


def asks_in(h: Harness, ts: str) -> list[dict[str, Any]]:
    """The replies in the thread that carry the ask's metadata, as Slack holds them."""
    thread = h.world.slack.world.thread(CHANNEL, ts, include_metadata=True)[1:]
    return [m for m in thread if m.get("metadata", {}).get("event_type") == ASK_METADATA]


def done_marks(h: Harness, ts: str) -> list[str]:
    reactions = h.world.slack.world.message(CHANNEL, ts).get("reactions", [])
    return [user for r in reactions if r["name"] == "white_check_mark" for user in r["users"]]


def app_with(h: Harness, happiness: HappinessConfig, **kw: Any) -> DutyApp:
    return h.app(replace(h.config(), happiness=happiness), **kw)


async def test_d_marks_the_request_done_and_asks_the_requester_once(h: Harness) -> None:
    app = app_with(h, ASK_ON)
    hannah = ts_of(h, "hannah")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_message(pilot, app, hannah)
        await pilot.press("d")
        await settle(pilot, lambda: bool(asks_in(h, hannah)) and settled(app))
        assert done_marks(h, hannah) == [h.world.cast.slack["priya"]]  # her ✅, with her own token
        [ask] = asks_in(h, hannah)
        assert ask["text"] == "How did we do? React 👍 or 👎 &lt;here&gt; &amp; thanks"  # text, not a mention
        assert ask.get("bot_id")  # the bot posts it, so its metadata is kept
        payload = ask["metadata"]["event_payload"]
        assert {k: payload[k] for k in ("request_ts", "requester", "ticket")} == {
            "request_ts": hannah,
            "requester": h.world.cast.slack["hannah"],
            "ticket": "",
        }
        await settle(pilot, lambda: "✅ done" in app.channel.table.cell(hannah, "request").plain)
        await pilot.press("d")  # again: it is done already
        await pilot.pause()
        assert ALREADY_DONE in screen_text(app)
        await pilot.press("r")
        await settle(pilot, lambda: not app.refreshing and settled(app))
        assert len(asks_in(h, hannah)) == 1 and done_marks(h, hannah) == [h.world.cast.slack["priya"]]
        [known] = app.runtime.store.happiness.asks(h.clock.now() - timedelta(days=1))
        assert (known.ts, known.request_ts) == (ask["ts"], hannah)


async def test_after_a_restart_d_does_not_ask_again(h: Harness) -> None:
    hannah = ts_of(h, "hannah")
    first = app_with(h, ASK_ON)
    async with first.run_test(size=SIZE) as pilot:
        await on_message(pilot, first, hannah)
        await pilot.press("d")
        await settle(pilot, lambda: bool(asks_in(h, hannah)) and settled(first))
    again = app_with(h, ASK_ON)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await on_message(pilot, again, hannah)
        await pilot.press("d")
        await pilot.pause()
        assert ALREADY_DONE in screen_text(again)
        assert len(asks_in(h, hannah)) == 1 and len(done_marks(h, hannah)) == 1


async def test_a_thread_a_colleague_already_asked_in_is_not_asked_twice(h: Harness) -> None:
    dan = ts_of(h, "dan")
    bot = h.world.slack.bot_user_id  # another dashboard posts with the same bot
    payload = {"request_ts": dan, "requester": h.world.cast.slack["dan"], "ticket": ""}
    colleague = h.world.slack.world.post(
        CHANNEL,
        bot,
        "Asked by a colleague",
        thread_ts=dan,
        metadata={"event_type": ASK_METADATA, "event_payload": payload},
    )
    app = app_with(h, ASK_ON)
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, dan)
        await pilot.press("d")
        await settle(pilot, lambda: bool(done_marks(h, dan)) and settled(app))
        assert [a["ts"] for a in asks_in(h, dan)] == [colleague]
        assert [a.ts for a in app.runtime.store.happiness.asks(h.clock.now() - timedelta(days=1))] == [
            colleague
        ]


async def test_with_asking_off_d_only_marks_done(h: Harness) -> None:
    app = app_with(h, HappinessConfig())
    hannah = ts_of(h, "hannah")
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, hannah)
        await pilot.press("d")
        await settle(pilot, lambda: bool(done_marks(h, hannah)) and settled(app))
        assert not h.world.slack.world.thread(CHANNEL, hannah)[1:]  # no reply at all
        assert not h.world.slack.log.find("POST", "chat.postMessage")


async def test_d_on_something_that_is_not_a_request_says_so(h: Harness) -> None:
    tom = h.world.slack.world.post(CHANNEL, h.world.cast.slack["tom"], "FYI: EKS upgrade tonight")
    app = app_with(h, ASK_ON)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_message(pilot, app, tom)
        await pilot.press("d")
        await pilot.pause()
        assert NOT_A_REQUEST.split(":")[0] in screen_text(app)  # the toast wraps the rest
        assert not h.world.slack.log.find("POST", "reactions.add")
        assert not h.world.slack.log.find("POST", "chat.postMessage")


async def test_read_only_leaves_d_off(h: Harness) -> None:
    app = app_with(h, ASK_ON, read_only=True)
    hannah = ts_of(h, "hannah")
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, hannah)
        await pilot.press("d")
        await pilot.pause()
        assert not h.world.slack.log.find("POST", "reactions.add")
        assert "Done" not in screen_text(app).splitlines()[-1]


async def test_a_resolved_ticket_asks_in_its_requests_thread_once(h: Harness) -> None:
    app = app_with(h, HappinessConfig(ask=True))  # the default question
    dan = ts_of(h, "dan")
    before = set(h.world.jira.world.issue_keys())
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, dan)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, RaiseTicketScreen))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: settled(app) and bool(set(h.world.jira.world.issue_keys()) - before))
        [key] = set(h.world.jira.world.issue_keys()) - before
        assert not asks_in(h, dan)  # raising a ticket is not the end of the request
        h.world.jira.world.transition_to(key, "Done")
        await pilot.press("r")
        await settle(pilot, lambda: bool(asks_in(h, dan)))
        await until_settled(pilot, app, h)
        [ask] = asks_in(h, dan)
        assert ask["metadata"]["event_payload"]["ticket"] == key
        assert ask["text"] == DEFAULT_TEXT
        h.world.jira.world.add_comment(key, h.world.cast.jira["dan"], "Thanks!")  # updated again, still done
        for _ in range(2):
            await pilot.press("r")
            await settle(pilot, lambda: not app.refreshing)
            await until_settled(pilot, app, h)
        assert len(asks_in(h, dan)) == 1


async def test_the_requesters_reaction_is_read_back_as_their_answer(h: Harness) -> None:
    app = app_with(h, ASK_ON)
    hannah = ts_of(h, "hannah")
    requester = h.world.cast.slack["hannah"]
    since = h.clock.now() - timedelta(days=7)
    async with app.run_test(size=SIZE) as pilot:
        await on_message(pilot, app, hannah)
        await pilot.press("d")
        await settle(pilot, lambda: bool(asks_in(h, hannah)) and settled(app))
        [ask] = asks_in(h, hannah)
        [known] = app.runtime.store.happiness.asks(since)
        assert answer(known) is None
        h.world.slack.world.react(CHANNEL, ask["ts"], "-1", h.world.cast.slack["tom"])  # not the requester's
        h.world.slack.world.react(CHANNEL, ask["ts"], "+1::skin-tone-2", requester)
        await pilot.press("r")
        await settle(
            pilot, lambda: [answer(a) for a in app.runtime.store.happiness.asks(since)] == [Answer.UP]
        )
