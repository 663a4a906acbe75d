"""Today's cover end to end: `D` → the form → stored and shown in the status bar → posted to the simulated
#laa-ops with metadata → a colleague's dashboard (its own data dir) adopts it after a poll; a period in
support hours nobody covers is flagged on the day's first launch and when it starts, once each."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Select

from duty_tui.app import DutyApp
from duty_tui.demo.scenario import CHANNEL
from duty_tui.rules.cover import EVENT_TYPE
from duty_tui.views.cover import CoverScreen
from tests.support import Harness, both_polled, cover_settled, screen_text, settle

SIZE = (180, 40)  # wide enough for every part of the status bar beside the attention list


def cover_posts(h: Harness) -> list[dict[str, Any]]:
    return [
        m
        for m in h.world.slack.world.messages(CHANNEL)
        if m.get("metadata", {}).get("event_type") == EVENT_TYPE
    ]


def recorded(app: DutyApp) -> list[tuple[str, str]]:
    """Every toast the app shows from now on, as (severity, words)."""
    seen: list[tuple[str, str]] = []
    show = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        seen.append((kwargs.get("severity", "information"), message))
        show(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return seen


def warnings(seen: list[tuple[str, str]]) -> list[str]:
    return [words for severity, words in seen if severity == "warning" and "#laa-ops" in words]


def status_line(app: DutyApp) -> str:
    return screen_text(app).splitlines()[0]


async def set_cover(app: DutyApp, pilot: Any, h: Harness, *who: str | None, post: bool = True) -> None:
    """`D`, then the engineer, the DBA and one person (or nobody) per period, then ctrl+s."""
    slack = h.world.cast.slack
    await pilot.press("D")
    await settle(pilot, lambda: isinstance(app.screen, CoverScreen))
    screen = app.screen
    assert isinstance(screen, CoverScreen)
    screen.roles["engineer"].value = slack["aisha"]
    screen.roles["dba"].value = slack["sam"]
    for select, handle in zip(screen.slots, who, strict=True):
        select.value = slack[handle] if handle else Select.NULL
    screen.post.value = post
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: not isinstance(app.screen, CoverScreen))


async def test_set_with_d_stored_shown_and_posted_with_metadata(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await set_cover(app, pilot, h, "aisha", "tom", "grace", "aisha")
        assert "Channel: Aisha until 12:00" in status_line(app)  # at once, before Slack has it
        await settle(pilot, lambda: cover_settled(app) and bool(cover_posts(h)))
        [post] = cover_posts(h)
        slack = h.world.cast.slack
        payload = post["metadata"]["event_payload"]
        assert payload == {
            "day": "2026-11-26",
            "engineer": slack["aisha"],
            "dba": slack["sam"],
            "duty_consultant": None,
            "periods": [
                {"start": "08:00", "end": "12:00", "who": slack["aisha"]},
                {"start": "12:00", "end": "13:00", "who": slack["tom"], "label": "lunch"},
                {"start": "13:00", "end": "14:00", "who": slack["grace"], "label": "lunch"},
                {"start": "14:00", "end": "18:00", "who": slack["aisha"]},
            ],
            "by": "Priya Shah",
            "outbox": app.cover_desk.cover.ref,  # type: ignore[union-attr]
        }
        assert "thread_ts" not in post and "bot_id" in post  # top level, from the shared bot
        assert post["text"].startswith(":telephone_receiver: *Support cover for Thu 26 Nov*")
        stored = app.runtime.store.cover.of_day(app.cover_desk.day)
        assert stored is not None and stored.ts == post["ts"] and not stored.pending
        h.clock.advance(timedelta(hours=2))  # 12:30: Tom has the channel, then Grace
        app.on_clock_tick()
        await pilot.pause()
        assert "Channel: Tom until 13:00" in status_line(app)
    # A restart paints it from the store.
    again = h.app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: again.cover_desk.loaded)
        await pilot.pause()
        assert "Channel: Tom until 13:00" in status_line(again)


async def test_a_colleagues_dashboard_adopts_the_latest_cover_post(h: Harness, tmp_path: Path) -> None:
    mine = h.app()
    async with mine.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(mine))
        await set_cover(mine, pilot, h, "aisha", "tom", "tom", "aisha")
        await settle(pilot, lambda: cover_settled(mine) and bool(cover_posts(h)))
    colleague = DutyApp(h.runtime(tmp_path / "colleague"))
    seen = recorded(colleague)
    async with colleague.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(colleague))
        await settle(pilot, lambda: colleague.cover_desk.cover is not None)
        cover = colleague.cover_desk.cover
        assert cover is not None and cover.engineer == h.world.cast.slack["aisha"]
        assert cover.ts == cover_posts(h)[0]["ts"] and cover.by == "Priya Shah"
        assert "Channel: Aisha until 12:00" in status_line(colleague)
        assert warnings(seen) == []  # every period covered: nothing to flag
        # The colleague changes the lunch cover; my dashboard adopts theirs at its next poll.
        h.clock.advance(timedelta(minutes=5))
        await set_cover(colleague, pilot, h, "aisha", "grace", "tom", "aisha")
        await settle(pilot, lambda: cover_settled(colleague) and len(cover_posts(h)) == 2)
    again = h.app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(again))
        await settle(pilot, lambda: len(again.runtime.store.cover.posts(CHANNEL, "0")) == 2)
        await settle(pilot, lambda: again.cover_desk.today().slots[1].who == h.world.cast.slack["grace"])


async def test_an_uncovered_period_is_flagged_at_first_launch_and_when_it_starts(h: Harness) -> None:
    app = h.app()
    seen = recorded(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await settle(pilot, lambda: bool(warnings(seen)))
        assert warnings(seen) == ["Nobody is nominated for #laa-ops today. Press D to set today's cover."]
        assert "Channel: nobody until 18:00" in status_line(app)
        assert app.cover_desk.uncovered_now() == "Nobody covers #laa-ops until 18:00"
        await set_cover(app, pilot, h, "aisha", None, "tom", "aisha", post=False)
        assert app.cover_desk.uncovered_now() is None
        assert cover_posts(h) == []  # not ticked: kept on this machine
        await settle(pilot, lambda: app.runtime.store.cover.of_day(app.cover_desk.day) is not None)
    # A restart on the same day does not flag again; lunch starting with nobody on it does, once.
    again = h.app()
    seen = recorded(again)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(again))
        await settle(pilot, lambda: again.cover_desk.loaded and again.cover_desk.launch_checked)
        assert warnings(seen) == []
        h.clock.advance(timedelta(minutes=90))  # 12:00
        again.on_clock_tick()
        again.on_clock_tick()
        await pilot.pause()
        assert warnings(seen) == [
            "Nobody covers #laa-ops now (12:00–13:00 lunch). Press D to nominate someone."
        ]
        assert again.cover_desk.uncovered_now() == "Nobody covers #laa-ops until 13:00"
        assert "Channel: nobody until 13:00" in status_line(again)
        h.clock.advance(timedelta(hours=1))  # 13:00: Tom
        again.on_clock_tick()
        await pilot.pause()
        assert again.cover_desk.uncovered_now() is None and len(warnings(seen)) == 1


async def test_out_of_hours_nothing_is_flagged(h: Harness) -> None:
    h.clock.advance(timedelta(hours=9))  # 19:30
    app = h.app()
    seen = recorded(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await settle(pilot, lambda: app.cover_desk.launch_checked)
        assert warnings(seen) == []
        assert app.cover_desk.uncovered_now() is None
        assert "Channel:" not in status_line(app)
        assert "After hours" in status_line(app) and "opens Fri 08:00 (in 12h 30m)" in status_line(app)


async def test_the_help_screen_says_how_to_get_support_and_who_to_escalate_to(h: Harness) -> None:
    from duty_tui.config.cover import ContactsConfig, EscalationContact
    from duty_tui.views.help import HelpScreen

    contacts = ContactsConfig(
        (
            EscalationContact("Simon Pledger", "Escalation", phone="+44 20 7946 0000"),
            EscalationContact("[/b]"),
        )
    )
    app = h.app(h.config(contacts=contacts))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = screen_text(app)
        assert "Getting support" in shown
        assert "Post in #laa-ops" in shown and "Raise a ticket on the AWS Ops board (262)" in shown
        assert "Raise a ticket on the 6DG Ops board (265) — set the component to laa-6dg-support" in shown
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        links = [span.style.link for span in screen.body().spans if getattr(span.style, "link", None)]
        assert links[0] == f"https://slack.com/app_redirect?channel={CHANNEL}"
        assert links[1].endswith("/secure/RapidBoard.jspa?rapidView=262")  # click to open
        assert "Simon Pledger (Escalation, +44 20 7946 0000)" in shown and "[/b]" in shown


async def test_esc_closes_an_untouched_form_and_asks_before_dropping_changes(h: Harness) -> None:
    from duty_tui.views.cover import DiscardCoverScreen

    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("D")
        await settle(pilot, lambda: isinstance(app.screen, CoverScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, CoverScreen))
        await pilot.press("D")
        await settle(pilot, lambda: isinstance(app.screen, CoverScreen))
        screen = app.screen
        assert isinstance(screen, CoverScreen)
        screen.slots[1].value = h.world.cast.slack["tom"]
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DiscardCoverScreen))
        await pilot.press("n")
        await settle(pilot, lambda: app.screen is screen)
        await pilot.press("escape", "y")
        await settle(pilot, lambda: not isinstance(app.screen, CoverScreen | DiscardCoverScreen))
        assert app.cover_desk.cover is None and cover_posts(h) == []


async def test_hostile_names_in_the_form_stay_literal() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from textual.app import App

    from duty_tui.rules.cover import blank
    from tests.support import HOSTILE, assert_screen_clean

    people = [(f"U{n:08d}", evil) for n, evil in enumerate(HOSTILE)]
    cover = blank(date(2026, 11, 26))
    chosen = replace(
        cover, engineer=people[2][0], slots=(replace(cover.slots[0], who="U0UNKNOWN"), *cover.slots[1:])
    )
    app: App[None] = App()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CoverScreen(chosen, people, ZoneInfo("Europe/London")))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CoverScreen)
        assert screen.roles["engineer"].value == people[2][0] and screen.slots[0].value == "U0UNKNOWN"
        assert_screen_clean(app)
        await pilot.press("enter")  # the list open, every hostile name in it
        await pilot.pause()
        assert_screen_clean(app)


async def test_the_first_launch_lists_the_periods_a_partly_set_cover_leaves_open(h: Harness) -> None:
    from duty_tui.rules.cover import DEFAULT_PERIODS, Cover, Slot

    app = h.app()
    slack = h.world.cast.slack
    who = (slack["aisha"], None, None, slack["aisha"])
    day = app.cover_desk.day
    slots = tuple(Slot(period, person) for period, person in zip(DEFAULT_PERIODS, who, strict=True))
    app.runtime.store.cover.save(Cover(day, engineer=slack["aisha"], slots=slots, by="Tom", at=h.clock.now()))
    seen = recorded(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await settle(pilot, lambda: bool(warnings(seen)))
        assert warnings(seen) == [
            "Nobody covers #laa-ops 12:00–13:00 lunch, 13:00–14:00 lunch today. Press D to nominate someone."
        ]
        assert "Channel: Aisha until 12:00" in status_line(app)
