"""The demo's incidents: the CloudWatch alarm the duty engineer can declare one from, and a colleague's
incident run through #laa-ops. Everything is read back the way every dashboard reads the channel: the
real `slack_sdk` client against the simulator (SlackSource), then `event_from_message` and `fold`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.demo import DEMO_SLACK_TOKEN, DemoWorld
from duty_tui.demo.scenario import INCIDENT_STEPS, ZONE, WorldTicker
from duty_tui.demo.scenario_data import DUTY_ENGINEER, TEAM
from duty_tui.models import ChatMessage, Incident, IncidentEventKind, IncidentPriority, IncidentStatus
from duty_tui.rules.incidents import DEFAULT_CADENCE, EVENT_TYPE, event_from_message, fold, next_update_after
from duty_tui.rules.requests import Team, is_request
from duty_tui.sources.slack.client import SlackSource
from duty_tui.text.names import NoNames
from duty_tui.text.slack import slack_links, slack_text
from duty_tui.text.timefmt import clock as clock_text
from tests.conftest import MORNING
from tests.support import Harness, both_polled, settle

STEP = timedelta(seconds=30)  # the demo's events come every 15–40 seconds


@pytest.fixture
def world() -> Iterator[DemoWorld]:
    world = DemoWorld(ManualClock(MORNING))
    yield world
    world.stop()


def reader(world: DemoWorld) -> SlackSource:
    """#laa-ops as duty-tui reads it: the bot's token, metadata included."""
    return SlackSource(world.config().slack, DEMO_SLACK_TOKEN)


def colleagues(world: DemoWorld) -> set[str]:
    return {world.cast.slack[person.handle] for person in TEAM[1:]}


def incident_posts(world: DemoWorld) -> list[ChatMessage]:
    """The posts that carry incident metadata: announcements from the history, the rest from their threads."""
    source = reader(world)
    found: list[ChatMessage] = []
    for message in source.history(None):
        if message.metadata_type == EVENT_TYPE and message.thread_ts in (None, message.ts):
            found.append(message)
            found.extend(source.replies(message.ts)[1:])
    return found


def rebuilt(world: DemoWorld) -> list[Incident]:
    events = [event_from_message(message) for message in incident_posts(world)]
    assert all(event is not None for event in events), "an incident post that does not validate"
    return fold(event for event in events if event is not None)


def tick_until(ticker: WorldTicker, clock: ManualClock, wanted: str, most: int) -> list[str]:
    """Tick (the clock moving as in the demo) until `wanted` happens; what happened, in order."""
    happened: list[str] = []
    for _ in range(most):
        clock.advance(STEP)
        happened.append(ticker.tick())
        if happened[-1] == wanted:
            return happened
    raise AssertionError(f"no {wanted!r} in {most} events: {happened}")


# -- the alarm ----------------------------------------------------------------------------------------


def test_the_channel_ends_with_a_cloudwatch_alarm_to_declare_an_incident_from(world: DemoWorld) -> None:
    alarm = reader(world).history(None)[-1]  # the newest message in #laa-ops
    assert alarm.user_id == world.cast.slack["alerts"] and alarm.bot_id  # the CloudWatch Alarms bot
    assert MORNING - timedelta(minutes=10) <= alarm.sent_at < MORNING  # a few minutes old
    assert alarm.thread_ts is None and alarm.reply_count == 0  # nobody has picked it up yet
    headline = alarm.text.splitlines()[0]  # what the channel pane shows of it
    assert headline.startswith(":rotating_light: *ALARM* | CCMS PROD")
    for words in ("CloudWatch Alarm", "OK → ALARM", "eu-west-2", "threshold", "HTTPCode_ELB_5XX_Count"):
        assert words in alarm.text
    [link] = slack_links(alarm.text)
    assert link.startswith("https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#alarm")
    shown = slack_text(alarm.text, NoNames(), single_line=True).plain
    assert "View the alarm in the CloudWatch console" in shown and "<https" not in shown
    assert "OK -> ALARM transition" in shown and "&gt;" not in shown  # Slack's escaping, undone
    # A bot's alarm is not someone waiting for help, and not an incident until someone declares one.
    team = Team(frozenset(world.cast.slack[person.handle] for person in TEAM))
    assert not is_request(alarm, team) and event_from_message(alarm) is None


# -- a colleague's incident ---------------------------------------------------------------------------


def test_the_first_event_is_a_colleague_declaring_an_incident_as_duty_tui_does(world: DemoWorld) -> None:
    ticker = WorldTicker(world.jira, world.slack, world.cast, world.clock, seed=3)
    assert ticker.tick() == "incident"
    [announcement] = incident_posts(world)
    assert announcement.user_id == world.slack.bot_user_id and announcement.bot_id  # the team's bot
    assert announcement.thread_ts is None  # top-level: it becomes the incident's thread
    [incident] = rebuilt(world)
    assert incident.is_open and incident.status is IncidentStatus.INVESTIGATING
    assert incident.lead in colleagues(world) and incident.lead != world.cast.slack[DUTY_ENGINEER.handle]
    assert incident.thread_ts == announcement.ts and incident.services and incident.title
    assert incident.priority in {IncidentPriority.HIGH, IncidentPriority.NORMAL}
    promised = next_update_after(announcement.sent_at, incident.priority, DEFAULT_CADENCE)
    assert incident.next_update == promised
    # The wording is duty-tui's own announcement (incident_posts.declared_text).
    lines = announcement.text.splitlines()
    assert lines[0].startswith(":rotating_light: *Incident in progress*")
    assert f"({incident.priority.value} priority): {incident.title}" in lines[0]
    assert f"*Lead:* <@{incident.lead}>" in lines and f"*Next update:* {clock_text(promised, ZONE)}" in lines
    assert any(line.startswith("*Services:* " + ", ".join(incident.services)) for line in lines)
    assert not is_request(announcement, Team(frozenset(colleagues(world))))


def test_the_colleagues_incident_is_updated_then_resolved_in_its_thread(world: DemoWorld) -> None:
    clock = world.clock
    assert isinstance(clock, ManualClock)
    ticker = WorldTicker(world.jira, world.slack, world.cast, clock, seed=3)
    assert ticker.tick() == "incident"
    [declared] = rebuilt(world)

    happened = tick_until(ticker, clock, "incident update", INCIDENT_STEPS[1] + 1)
    assert "incident" not in happened  # one colleague incident at a time
    [incident] = rebuilt(world)
    assert incident.id == declared.id and incident.is_open and incident.status is IncidentStatus.IDENTIFIED
    assert incident.lead == declared.lead and incident.thread_ts == declared.thread_ts
    update = incident.events[-1]
    assert update.kind is IncidentEventKind.UPDATED and update.ts != declared.thread_ts
    assert incident.next_update is not None and declared.next_update is not None
    assert incident.next_update > declared.next_update  # the update promises the next one
    [_, reply] = incident_posts(world)
    assert reply.thread_ts == declared.thread_ts and reply.user_id == world.slack.bot_user_id
    assert reply.text.startswith(":memo: *Incident update*") and "cause identified" in reply.text
    assert "What we know:" in reply.text

    happened = tick_until(ticker, clock, "incident resolved", INCIDENT_STEPS[1] + 1)
    assert "incident" not in happened and "incident update" not in happened
    [incident] = rebuilt(world)
    assert incident.id == declared.id and not incident.is_open and incident.status is IncidentStatus.RESOLVED
    assert incident.lead == declared.lead and incident.next_update is None
    kinds = [event.kind for event in incident.events]
    assert kinds == [IncidentEventKind.DECLARED, IncidentEventKind.UPDATED, IncidentEventKind.RESOLVED]
    resolution = incident_posts(world)[-1]
    assert incident.resolved_at == resolution.sent_at and resolution.thread_ts == declared.thread_ts
    assert resolution.subtype == "thread_broadcast"  # also sent to the channel, as duty-tui does
    assert resolution.text.startswith(":white_check_mark: *Incident resolved*")
    assert resolution.ts in {m.ts for m in reader(world).history(None)}


def test_incidents_keep_coming_one_at_a_time_in_the_random_mix(world: DemoWorld) -> None:
    clock = world.clock
    assert isinstance(clock, ManualClock)
    ticker = WorldTicker(world.jira, world.slack, world.cast, clock, seed=5)
    happened = [ticker.tick()]
    for _ in range(150):
        clock.advance(STEP)
        happened.append(ticker.tick())
    story = [what for what in happened if what.startswith("incident")]
    assert story[:6] == ["incident", "incident update", "incident resolved"] * 2
    assert {"message", "reply", "ticket", "request"} <= set(happened)  # the rest of the world moves too
    incidents = rebuilt(world)
    assert len(incidents) == story.count("incident") >= 2
    assert len({incident.id for incident in incidents}) == len(incidents)
    assert sum(incident.is_open for incident in incidents) == (story[-1] != "incident resolved")
    assert all(incident.lead in colleagues(world) for incident in incidents)
    assert len({incident.title for incident in incidents}) >= 2  # not the same story every time


def test_a_person_watching_the_demo_sees_the_incident_within_the_first_minute(world: DemoWorld) -> None:
    ticker = WorldTicker(world.jira, world.slack, world.cast, world.clock, seed=11)
    first_wait = ticker.step()  # starting: the world as populate left it
    assert not incident_posts(world) and first_wait <= 60
    ticker.step()  # the first event
    [announcement] = incident_posts(world)
    assert event_from_message(announcement) is not None


async def test_the_dashboard_shows_the_colleagues_incident_as_it_goes(h: Harness) -> None:
    ticker = WorldTicker(h.world.jira, h.world.slack, h.world.cast, h.clock, seed=3)
    app = DutyApp(h.runtime())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, both_polled(app))
        assert not app.incident_desk.incidents
        assert ticker.tick() == "incident"
        await pilot.press("r")
        await settle(pilot, lambda: len(app.incident_desk.incidents) == 1)
        [incident] = app.incident_desk.incidents
        assert incident.lead in colleagues(h.world) and incident.status is IncidentStatus.INVESTIGATING
        tick_until(ticker, h.clock, "incident update", INCIDENT_STEPS[1] + 1)
        await pilot.press("r")
        await settle(pilot, lambda: app.incident_desk.incidents[0].status is IncidentStatus.IDENTIFIED)
        tick_until(ticker, h.clock, "incident resolved", INCIDENT_STEPS[1] + 1)
        await pilot.press("r")
        await settle(pilot, lambda: not app.incident_desk.incidents[0].is_open)
        assert [i.id for i in app.incident_desk.incidents] == [incident.id]
