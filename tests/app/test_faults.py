"""The app when services fail: cached data stays, the failing pane says so, polling goes on."""

from __future__ import annotations

from tests.support import Harness, both_polled, screen_text, settle

SIZE = (120, 35)


def failing(app, source: str) -> bool:  # type: ignore[no-untyped-def]
    status = app.statuses.get(source)
    return status is not None and status.error is not None


async def test_jira_down_at_start_shows_the_cached_tickets_as_stale(h: Harness) -> None:
    warm = h.app()
    async with warm.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(warm))
        cached = set(warm.tickets.table.row_keys())
    h.world.jira.server.go_down()
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.painted and failing(app, "jira"))
        assert set(app.tickets.table.row_keys()) == cached
        text = screen_text(app)
        assert "⚠ Jira stale since 10:30. Cannot reach Jira at" in text
        assert "Next try in" in text and "Jira ✗ since 10:30" in text
        assert "Slack ✓" in text and app.is_running
        h.world.jira.server.come_up()
        await pilot.press("r")
        await settle(pilot, lambda: not failing(app, "jira"))
        assert "⚠ Jira" not in screen_text(app)


async def test_server_errors_show_in_the_pane_then_clear(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        h.world.slack.faults.fail_next(1, status=500, match="conversations.history")
        await pilot.press("r")
        await settle(pilot, lambda: failing(app, "slack"))
        assert "⚠ Slack stale since 10:30. Slack had a server error (500)" in screen_text(app)
        assert app.tickets.table.row_count > 0 and not failing(app, "jira")
        await pilot.press("r")
        await settle(pilot, lambda: not failing(app, "slack"))
        assert "⚠ Slack" not in screen_text(app)


async def test_rate_limit_says_when_it_will_try_again(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        h.world.jira.faults.rate_limit_next(1, retry_after=40, match="search/jql")
        await pilot.press("r")
        await settle(pilot, lambda: failing(app, "jira"))
        assert "Jira is rate limiting duty-tui (429)" in screen_text(app)
        assert "Next try in 40s" in screen_text(app)


async def test_rejected_token_at_start_exits_with_status_2(h: Harness) -> None:
    h.world.jira.faults.revoke_token()
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2
    assert app.exit_message is not None and "JIRA_API_TOKEN" in app.exit_message
    assert "sim-jira-token" not in app.exit_message


async def test_a_token_revoked_mid_day_keeps_the_app_running(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        h.world.slack.faults.revoke_token()
        await pilot.press("r")
        await settle(pilot, lambda: failing(app, "slack"))
        assert app.is_running and app.return_code is None
        assert "token_revoked" in screen_text(app)


async def test_unreachable_with_nothing_cached_exits_with_status_2(h: Harness) -> None:
    h.world.slack.server.go_down()
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2
    assert app.exit_message is not None and "Cannot reach Slack at" in app.exit_message
