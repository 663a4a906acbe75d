"""Tokens are never written anywhere: not in the store (its file, WAL and shared memory), the log, the
outbox's rows, an exported postmortem, the screen or a screenshot, a traceback, or what `duty-tui sync
--once` and `duty-tui report` print, whatever goes wrong.

The world accepts only sentinel tokens (`tests.security.rig`), so a test can look for them, for the
base64 of email:token that the Basic header carries, and for pieces of either, in the bytes of every
file. The failures are realistic ones: a revoked token, an error page that echoes the request (headers,
Authorization included), a redirect to another host, and a bug in a worker while it handles such an
error (a traceback in the log). Sentences are checked one by one as well, where the code makes them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jira.exceptions import JIRAError
from requests import Response

from duty_tui.models import SourceStatus
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.slack.client import SlackSource
from duty_tui.sync.outcomes import PollFailed, PollOutcome
from duty_tui.sync.poll import PollLoop
from tests.faults.matrix import fault_config
from tests.faults.rig import Outbox, comment, reply
from tests.security.rig import (
    BASIC,
    JIRA_TOKEN,
    SLACK_TOKEN,
    USER_TOKEN,
    Evil,
    LogFile,
    duty_tui,
    leaks,
    leaks_under,
    log_to,
    loose,
    modes_under,
)
from tests.support import Harness, both_polled, screen_text, settle

# -- the sentences the sources make ---------------------------------------------------------------------


def jira_error(status: int, text: str) -> JIRAError:
    response = Response()
    response.status_code = status
    response._content = text.encode()
    return JIRAError(text, status_code=status, url="https://jira/rest/api/2/x", response=response)


QUOTED_BACK = [  # what a service (or a proxy in front of it) may say back, token and all
    "Invalid API token {token} for this site",
    "bad credentials: {basic}",
    '{{"errorMessages": ["Authorization header {basic} rejected"]}}',
    "x" * 150 + "{token}",  # across the 160-character cap: not even a piece of it may be left
    "x" * 150 + "{basic}",
    "Token\x00{head}\u200b{tail} refused",  # split by characters that are cleaned away
]


def quoted_back(template: str, token: str, basic: str) -> str:
    return template.format(token=token, basic=basic, head=token[:8], tail=token[8:])


@pytest.mark.parametrize("status", [400, 403, 404, 409, 410, 422, 500])
@pytest.mark.parametrize("said", QUOTED_BACK, ids=range(len(QUOTED_BACK)))
def test_a_token_jira_quotes_back_is_not_in_the_sentence(s: Harness, status: int, said: str) -> None:
    jira = JiraSource(s.config().jira, JIRA_TOKEN)
    with pytest.raises(SourceError) as caught, jira.translate_errors("reading a ticket"):
        raise jira_error(status, quoted_back(said, JIRA_TOKEN, BASIC))
    assert caught.value.message and not leaks(caught.value.message), caught.value.message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("said", QUOTED_BACK, ids=range(len(QUOTED_BACK)))
def test_a_data_center_token_quoted_back_is_not_in_the_sentence(s: Harness, said: str) -> None:
    jira = JiraSource(replace(s.config().jira, auth="pat"), JIRA_TOKEN)
    with pytest.raises(SourceError) as caught, jira.translate_errors("reading a ticket"):
        raise jira_error(400, quoted_back(said, JIRA_TOKEN, JIRA_TOKEN))
    assert not leaks(caught.value.message), caught.value.message


@pytest.mark.parametrize("token", [SLACK_TOKEN, USER_TOKEN])
@pytest.mark.parametrize("said", QUOTED_BACK, ids=range(len(QUOTED_BACK)))
def test_a_token_in_an_unexpected_slack_failure_is_not_in_the_sentence(
    s: Harness, token: str, said: str
) -> None:
    slack = SlackSource(s.config().slack, token)

    def fails(client: Any) -> Any:
        raise RuntimeError(quoted_back(said, token, token))

    with pytest.raises(SourceError) as caught:
        slack.call("reading #laa-ops", fails)
    assert caught.value.message.startswith("Unexpected error while reading #laa-ops: RuntimeError")
    assert not leaks(caught.value.message), caught.value.message


# -- a runtime against the simulators, everything failing in turn ----------------------------------------


@pytest.fixture
def outbox(s: Harness) -> Iterator[Outbox]:
    rig = Outbox(s, fault_config(s))
    yield rig
    rig.stop()


@pytest.fixture
def log(s: Harness) -> Iterator[LogFile]:
    logged = log_to(s.data_dir, s.world.secrets())
    yield logged
    logged.undo()


class Buggy:
    """A poller with a bug in its error handling: it crashes while handling the source's failure (the
    traceback the log then gets holds both)."""

    def __init__(self, poller: Any) -> None:
        self.poller = poller
        self.source = poller.source

    def poll(self, status: SourceStatus, cancelled: Callable[[], bool] = lambda: False) -> Any:
        try:
            return self.poller.poll(status, cancelled)
        except SourceError as error:
            raise RuntimeError(f"a bug while handling: {error.message[:40]}") from error


def cycle(o: Outbox, poller: Any) -> PollOutcome:
    outcomes: list[PollOutcome] = []
    PollLoop(poller, o.store, o.h.clock, 0, outcomes.append).cycle()
    return outcomes[0]


def test_no_failure_leaves_a_token_in_the_store_the_log_or_the_outbox(
    outbox: Outbox, log: LogFile, evil: Evil
) -> None:
    o, world = outbox, outbox.h.world
    jira, slack = o.runtime.jira_poller, o.runtime.slack_poller
    assert not isinstance(cycle(o, jira), PollFailed) and not isinstance(cycle(o, slack), PollFailed)
    said: list[str] = []

    def failed(poller: Any) -> None:
        outcome = cycle(o, poller)
        assert isinstance(outcome, PollFailed), outcome
        said.append(outcome.error.message)

    # Error pages echoing the request, Authorization header and all: a 500, then a 400 (whose text
    # the sentence quotes).
    for status in (500, 400):
        world.jira.faults.echo_next(None, status=status)
        world.slack.faults.echo_next(None, status=status)
        failed(jira)
        failed(slack)
        world.jira.faults.clear()
        world.slack.faults.clear()
    # A bug in a worker while it handles such a failure: a traceback in the log.
    world.jira.faults.echo_next(None, status=500)
    world.slack.faults.echo_next(None, status=502)
    failed(Buggy(jira))
    failed(Buggy(slack))
    world.jira.faults.clear()
    world.slack.faults.clear()
    # Writes failing the same ways (a Jira 400 refuses the write; the rest are retried): the sentence
    # goes into the outbox's row.
    for status in (400, 500):
        for make in (comment, reply):
            row = make(o)
            since = len(o.progress)
            (world.jira if row.service == "jira" else world.slack).faults.echo_next(None, status, row.match)
            o.send(row.writes)
            told = o.next_progress(row.uid, since)
            assert told.failure or told.retrying
            said.append(told.failure or told.retrying or "")
            world.jira.faults.clear()
            world.slack.faults.clear()
    # Revoked tokens, and redirects to another host.
    world.jira.faults.revoke_token()
    world.slack.faults.revoke_token()
    failed(jira)
    failed(slack)
    world.jira.faults.clear()
    world.slack.faults.clear()
    world.jira.faults.redirect_next(evil.url, n=None)
    world.slack.faults.redirect_next(evil.url, n=None)
    failed(jira)
    failed(slack)

    for sentence in said:
        assert not leaks(sentence), sentence
    text = log.text()
    assert "Traceback" in text and "a bug while handling" in text  # the crash is in the log...
    assert "Slack had a server error (502)" in text and "redirected duty-tui to" in text
    assert not leaks(text)  # ...without the echoed credentials the library's error held
    rows = o.store.db.rows("SELECT * FROM outbox")
    assert rows and not leaks(repr([dict(row) for row in rows]))
    assert evil.seen == []
    o.stop()
    o.runtime.close()
    assert leaks_under(o.h.data_dir) == {}


def test_a_traceback_a_library_logs_is_redacted_too(s: Harness, log: LogFile) -> None:
    """The filter is the last line of defence "whatever a library logs": a library logging an exception
    whose text holds a token (a proxy's error, echoed) with its traceback."""
    try:
        raise ConnectionError(f"proxy refused the request with {JIRA_TOKEN} and {USER_TOKEN}")
    except ConnectionError:
        logging.getLogger("some.library").warning("request failed", exc_info=True, stack_info=True)
    assert not leaks(log.text())


# -- the command line ---------------------------------------------------------------------------------


def test_sync_once_prints_and_writes_no_token_whatever_fails(s: Harness, tmp_path: Path, evil: Evil) -> None:
    world = s.world
    runs = []
    runs.append(("healthy", duty_tui(tmp_path, world, "sync", "--once")))
    world.jira.faults.echo_next(None, status=500)
    world.slack.faults.echo_next(None, status=400)
    runs.append(("echoing", duty_tui(tmp_path, world, "sync", "--once")))
    world.jira.faults.clear()
    world.slack.faults.clear()
    world.jira.faults.revoke_token()
    world.slack.faults.revoke_token()
    runs.append(("revoked", duty_tui(tmp_path, world, "sync", "--once")))
    world.jira.faults.clear()
    world.slack.faults.clear()
    world.jira.faults.redirect_next(evil.url, n=None)
    world.slack.faults.redirect_next(evil.url, n=None)
    runs.append(("redirected", duty_tui(tmp_path, world, "sync", "--once")))
    assert [(name, run.returncode) for name, run in runs] == [
        ("healthy", 0),
        ("echoing", 1),
        ("revoked", 2),
        ("redirected", 1),
    ], [run.stdout + run.stderr for _, run in runs]
    for name, run in runs:
        assert not leaks(run.stdout + run.stderr), (name, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr, (name, run.stderr)
    assert "jira: failed: Jira at" in runs[3][1].stdout and "does not follow redirects" in runs[3][1].stdout
    assert evil.seen == []
    data = tmp_path / "data"
    assert leaks_under(data) == {}
    assert loose(modes_under(data), data) == {}


def test_report_prints_no_token_when_a_source_fails(s: Harness, tmp_path: Path) -> None:
    s.world.jira.faults.echo_next(None, status=500)
    s.world.slack.faults.revoke_token()
    run = duty_tui(tmp_path, s.world, "report", "--since", "7d", "--format", "json")
    assert run.returncode == 1, run.stderr
    assert "Jira could not be read" in run.stderr and "Slack could not be read" in run.stderr
    assert not leaks(run.stdout + run.stderr) and "Traceback" not in run.stderr
    assert leaks_under(tmp_path / "data") == {}


# -- the app: the screen, a screenshot, an exported postmortem ------------------------------------------

SIZE = (140, 40)


async def test_the_screen_a_screenshot_and_an_exported_postmortem_hold_no_token(s: Harness) -> None:
    from duty_tui.views.declare_incident import DeclareScreen

    app = s.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.press("I")
        await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
        await pilot.press(*"CCMS logins failing", "ctrl+s")
        await settle(pilot, lambda: app.pending_writes == 0 and bool(app.incident_desk.incidents))
        # Then both services fail, echoing the request: the status bar says so, in words.
        s.world.jira.faults.echo_next(None, status=400)
        s.world.slack.faults.echo_next(None, status=500)
        await pilot.press("r")
        await settle(pilot, lambda: bool(app.statuses["jira"].error) and bool(app.statuses["slack"].error))
        assert not leaks(screen_text(app)) and not leaks(app.export_screenshot())
        [incident] = app.incident_desk.incidents
        app.incident_desk.export_postmortem(incident, [], {})
        folder = app.runtime.data_dir / "postmortems"
        await settle(pilot, lambda: any(folder.glob("*.md")))
        [written] = folder.glob("*.md")
        assert "CCMS logins failing" in written.read_text(encoding="utf-8")
    s.close()
    assert leaks_under(s.data_dir) == {}
