"""A Jira or Slack URL that redirects is refused: nothing is sent to where the redirect points (least of
all the token), the request fails with one sentence naming the configured URL and the redirect's target,
and the failure is permanent (a write is given up and undone, not resent for ever).

Against the simulators (`redirect_next`), with the real clients, and a second server (`evil`, another
origin) that records whatever reaches it. The first test shows why: the libraries alone follow, and
slack_sdk's urllib hands the token to the other host.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from duty_tui.models import WriteState
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.jira.writes import JiraWriter
from duty_tui.sources.redirects import where
from duty_tui.sources.slack.client import SlackSource
from duty_tui.sources.slack.writes import SlackWriter
from tests.faults.matrix import fault_config
from tests.faults.rig import Outbox, comment, reply
from tests.security.rig import EMAIL, JIRA_TOKEN, SLACK_TOKEN, USER_TOKEN, Evil, leaks
from tests.support import Harness

REDIRECTS = [301, 302, 303, 307, 308]


def refused_with(call: Callable[[], Any]) -> SourceError:
    with pytest.raises(SourceError) as caught:
        call()
    return caught.value


def assert_refusal(error: SourceError, configured: str, target: str, status: int) -> None:
    """One sentence naming the configured URL and where the redirect pointed; permanent; no secret."""
    message = error.message
    assert configured in message and f"redirected duty-tui to {target}" in message, message
    assert "does not follow redirects" in message and "\n" not in message
    assert error.permanent and not error.auth and not error.unreachable and error.status == status
    assert not leaks(message), message
    assert error.__cause__ is None and error.__suppress_context__  # the library's error is not shown


# -- the threat ----------------------------------------------------------------------------------------


def test_the_libraries_alone_follow_a_redirect_to_another_host(s: Harness, evil: Evil) -> None:
    """Why duty-tui refuses: slack_sdk's urllib follows a 302 to any host and sends the Bearer token along;
    requests (under jira) drops the token there but still follows."""
    from jira import JIRA
    from slack_sdk import WebClient

    s.world.slack.faults.redirect_next(evil.url)
    WebClient(token=SLACK_TOKEN, base_url=s.world.slack.api_url, retry_handlers=[]).auth_test()
    assert evil.seen and evil.seen[0].headers.get("Authorization") == f"Bearer {SLACK_TOKEN}"

    evil.seen.clear()
    s.world.jira.faults.redirect_next(evil.url)
    with pytest.raises(Exception):  # noqa: B017 - what it makes of the evil answer does not matter
        JIRA(server=s.world.jira.url, basic_auth=(EMAIL, JIRA_TOKEN), max_retries=0, timeout=5)
    assert [seen.path for seen in evil.seen] == ["/collect?from=duty-tui"]


# -- Jira ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", REDIRECTS)
def test_jira_refuses_a_redirect_when_connecting(s: Harness, evil: Evil, status: int) -> None:
    config = s.config().jira
    s.world.jira.faults.redirect_next(evil.url, status=status, match="serverInfo")
    error = refused_with(JiraSource(config, JIRA_TOKEN).myself)
    assert_refusal(error, config.url, where(evil.url), status)
    assert "while connecting to Jira" in error.message and "[jira] url" in error.message
    assert evil.seen == []


@pytest.mark.parametrize("status", REDIRECTS)
def test_jira_refuses_a_redirect_on_a_read_and_on_a_write(s: Harness, evil: Evil, status: int) -> None:
    config = s.config().jira
    jira = JiraSource(config, JIRA_TOKEN)
    jira.myself()  # connected: the redirects come later
    s.world.jira.faults.redirect_next(evil.url, status=status, match="/search/jql")
    assert_refusal(refused_with(lambda: jira.search("project = LAA")), config.url, where(evil.url), status)
    key = sorted(s.world.jira.world.issue_keys())[0]
    before = len(s.world.jira.world.comments(key))
    s.world.jira.faults.redirect_next(evil.url, status=status, match="/comment$")
    error = refused_with(lambda: JiraWriter(jira).comment(key, "On it.", "uid-1"))
    assert_refusal(error, config.url, where(evil.url), status)
    assert f"while commenting on {key}" in error.message
    assert len(s.world.jira.world.comments(key)) == before  # not made (and not turned into a GET either)
    assert evil.seen == []


def test_a_data_center_token_is_not_sent_after_a_redirect_either(s: Harness, evil: Evil) -> None:
    config = replace(s.config().jira, auth="pat")
    s.world.jira.faults.redirect_next(evil.url)
    assert_refusal(refused_with(JiraSource(config, JIRA_TOKEN).myself), config.url, where(evil.url), 302)
    assert evil.seen == []


def test_jira_refuses_a_redirect_within_its_own_site_too(s: Harness) -> None:
    """A redirect to another path of the configured origin (a login page, an API that moved) is refused
    as well: following a 302 would turn a write into a read that seems to succeed."""
    config = s.config().jira
    s.world.jira.faults.redirect_next(f"{config.url}/login.jsp?os_destination=%2Frest", match="serverInfo")
    error = refused_with(JiraSource(config, JIRA_TOKEN).myself)
    assert f"redirected duty-tui to another page of {where(config.url)}" in error.message
    assert error.permanent and "login.jsp" not in error.message  # the target's path is not quoted


def test_the_redirect_target_is_named_by_its_origin_only(s: Harness) -> None:
    """Never its user info, path or query (which may carry somebody's secret); a host that does not
    resolve is never looked up, as nothing is sent there."""
    config = s.config().jira
    s.world.jira.faults.redirect_next(
        "https://someone:hunter22@login.example.invalid:8443/sso?token=abc123&next=%2F", match="serverInfo"
    )
    error = refused_with(JiraSource(config, JIRA_TOKEN).myself)
    assert "redirected duty-tui to https://login.example.invalid:8443 while" in error.message
    assert "hunter22" not in error.message and "abc123" not in error.message and "/sso" not in error.message


# -- Slack ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", REDIRECTS)
def test_slack_refuses_a_redirect_on_a_read(s: Harness, evil: Evil, status: int) -> None:
    config = s.config().slack
    s.world.slack.faults.redirect_next(evil.url, status=status)
    error = refused_with(lambda: SlackSource(config, SLACK_TOKEN).history(None))
    assert_refusal(error, config.api_url, where(evil.url), status)
    assert "[slack] api_url" in error.message
    assert evil.seen == [] and evil.credentials() == []


@pytest.mark.parametrize("status", REDIRECTS)
def test_slack_refuses_a_redirect_on_a_post_with_the_user_token(s: Harness, evil: Evil, status: int) -> None:
    config = s.config().slack
    reader = SlackSource(config, SLACK_TOKEN)
    writer = SlackWriter(reader, SlackSource(config, USER_TOKEN, token_name="SLACK_USER_TOKEN"))
    parent = str(s.world.slack.world.history(config.channel)[0]["ts"])
    replies = len(s.world.slack.world.thread(config.channel, parent))
    s.world.slack.faults.redirect_next(evil.url, status=status, match=r"chat\.postMessage")
    error = refused_with(lambda: writer.reply(parent, "On it.", broadcast=False, uid="uid-2"))
    assert_refusal(error, config.api_url, where(evil.url), status)
    assert len(s.world.slack.world.thread(config.channel, parent)) == replies
    assert evil.seen == []


def test_slack_refuses_a_redirect_within_its_own_site_too(s: Harness) -> None:
    config = s.config().slack
    s.world.slack.faults.redirect_next(f"{config.api_url}conversations.history")
    error = refused_with(lambda: SlackSource(config, SLACK_TOKEN).history(None))
    assert f"redirected duty-tui to another page of {where(config.api_url)}" in error.message


def test_a_3xx_without_a_location_is_an_answer_not_a_redirect(s: Harness) -> None:
    """Nothing to follow: the client reports the status it got, in its usual words."""
    s.world.slack.faults.fail_next(1, status=300)
    error = refused_with(lambda: SlackSource(s.config().slack, SLACK_TOKEN).history(None))
    assert "redirect" not in error.message


# -- through the outbox: a redirected write is given up, not resent for ever ----------------------------


@pytest.fixture
def outbox(s: Harness) -> Iterator[Outbox]:
    rig = Outbox(s, fault_config(s))
    yield rig
    rig.stop()


@pytest.mark.parametrize("make", [comment, reply], ids=["jira comment", "slack reply"])
def test_a_redirected_write_fails_for_good_and_says_why(
    outbox: Outbox, evil: Evil, make: Callable[[Outbox], Any]
) -> None:
    row = make(outbox)
    sim = outbox.h.world.jira if row.service == "jira" else outbox.h.world.slack
    since = len(outbox.progress)
    sim.faults.redirect_next(evil.url, match=row.match)
    outbox.send(row.writes)
    told = outbox.next_progress(row.uid, since)
    assert told.failure is not None and "does not follow redirects" in told.failure, told
    assert told.retrying is None and outbox.state(row.uid) is WriteState.FAILED
    assert row.effects() == 0 and evil.seen == []
    assert not leaks(told.failure)
