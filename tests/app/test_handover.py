"""The handover end to end: H composes it from the dashboard, ctrl+s posts it once through the outbox with
metadata, and any dashboard (a fresh data dir included) finds the latest one in #laa-ops — duty-tui's or
one written by hand."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from duty_tui.app import DutyApp
from duty_tui.demo.scenario import CHANNEL
from duty_tui.desks.handover import POSTED_DAY, SEEN_DAY
from duty_tui.views.handover import HandoverScreen, HandoverViewScreen
from tests.support import Harness, both_polled, screen_text, settle

SIZE = (140, 40)


def handovers(h: Harness) -> list[dict[str, Any]]:
    return [
        m
        for m in h.world.slack.world.messages(CHANNEL)
        if m.get("metadata", {}).get("event_type") == "duty_tui_handover"
    ]


async def test_h_composes_from_the_dashboard_and_posts_once_with_metadata(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("H")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen))
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        draft = screen.editor.text
        assert draft.startswith("*Handover* from") and "LAA-5" in draft
        assert "*Unassigned:* 6DG Ops 7, AWS Ops 8" in draft
        assert screen.editor.cursor_location == screen.editor.document.end  # on the notes line
        await pilot.press(*"LAA-5 waits for the vendor <!channel>", "ctrl+s")
        await settle(pilot, lambda: bool(handovers(h)) and app.pending_writes == 0)
        [post] = handovers(h)
        assert post["text"].startswith("*Handover* from") and "bot_id" in post
        assert "LAA-5 waits for the vendor &lt;!channel&gt;" in post["text"]  # typed text stays words
        payload = post["metadata"]["event_payload"]
        assert payload["day"] == h.clock.now().date().isoformat() and payload["outbox"]
        assert app.runtime.store.meta.get(POSTED_DAY) == payload["day"]
        app.action_refresh()
        await pilot.pause(0.3)
        assert len(handovers(h)) == 1


async def test_a_fresh_install_reads_the_latest_handover_from_the_channel(h: Harness, tmp_path: Path) -> None:
    sam = h.world.cast.slack["sam"]
    h.world.slack.world.post(
        CHANNEL, sam, "an older handover is not the latest", at=h.clock.now() - timedelta(hours=3)
    )
    h.world.slack.world.post(
        CHANNEL,
        sam,
        "*Handover* from Sam: LAA-2 disk alarm, watch it",
        at=h.clock.now() - timedelta(minutes=30),
    )
    h.world.slack.world.post(
        CHANNEL, sam, "who does the handover tonight?", at=h.clock.now() - timedelta(minutes=5)
    )
    app = DutyApp(h.runtime(tmp_path / "fresh"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        app.action_latest_handover()
        await settle(pilot, lambda: isinstance(app.screen, HandoverViewScreen))
        shown = screen_text(app)
        assert "LAA-2 disk alarm, watch it" in shown and "Handover" in shown
        assert app.runtime.store.meta.get(SEEN_DAY) == h.clock.now().date().isoformat()


async def test_a_handover_written_while_slack_is_down_is_posted_once_when_it_returns(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        h.world.slack.server.go_down()
        await pilot.press("H")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen))
        await pilot.press(*"quiet night", "ctrl+s")
        await settle(pilot, lambda: app.pending_writes == 1)
        assert not handovers(h)
        h.world.slack.server.come_up()
        for _ in range(60):
            if handovers(h) and app.pending_writes == 0:
                break
            h.clock.advance(timedelta(seconds=10))
            if app.outbox is not None:
                app.outbox.wake()
            await pilot.pause(0.2)
        assert len(handovers(h)) == 1 and app.runtime.store.outbox.pending() == []


async def test_read_only_reads_handovers_but_writes_none(h: Harness) -> None:
    app = h.app(read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("H")
        await pilot.pause()
        assert not isinstance(app.screen, HandoverScreen) and "--read-only" in screen_text(app)
