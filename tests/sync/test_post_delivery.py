"""WriteKind.POST (today's cover, handovers): a top-level #laa-ops post with the bot's token and metadata,
through the real slack_sdk against the simulator, posted once even when the answer is lost."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from duty_tui.demo.scenario import CHANNEL
from duty_tui.models import Service, Write, WriteKind
from duty_tui.sources.errors import SourceError
from duty_tui.sync.outbox import Delivery
from tests.support import Harness


def delivery(h: Harness) -> Delivery:
    runtime = h.runtime(as_user=True)  # an engineer with a user token: a POST still goes as the bot
    return runtime.outbox_writer(lambda progress: None).deliveries[Service.SLACK]


def post(h: Harness, **changes: Any) -> Write:
    write = Write(
        uid="cover-1",
        batch="cover-1",
        kind=WriteKind.POST,
        key="duty_tui_cover",
        created_at=h.clock.now(),
        actor_id="",
        actor="Priya Shah",
        service=Service.SLACK,
        body="*Support cover for Thu 26 Nov*\nEngineer: <@U1>",
        metadata=json.dumps({"day": "2026-11-26", "engineer": None}),
    )
    return replace(write, **changes)


def metadata_posts(h: Harness, event_type: str) -> list[dict[str, Any]]:
    return [
        m
        for m in h.world.slack.world.messages(CHANNEL)
        if m.get("metadata", {}).get("event_type") == event_type
    ]


def test_a_post_is_top_level_from_the_bot_with_its_metadata_and_outbox_id(h: Harness) -> None:
    done = delivery(h).deliver(post(h), None)
    [sent] = metadata_posts(h, "duty_tui_cover")
    assert sent["ts"] == done.result and "thread_ts" not in sent and "bot_id" in sent
    assert sent["text"] == "*Support cover for Thu 26 Nov*\nEngineer: <@U1>"  # mrkdwn, as given
    assert sent["metadata"]["event_payload"] == {"day": "2026-11-26", "engineer": None, "outbox": "cover-1"}


def test_any_duty_tui_event_type_goes_through_the_same_kind(h: Harness) -> None:
    delivery(h).deliver(post(h, key="duty_tui_handover", uid="h-1", metadata="{}"), None)
    [sent] = metadata_posts(h, "duty_tui_handover")
    assert sent["metadata"]["event_payload"] == {"outbox": "h-1"}


def test_a_resent_post_whose_answer_was_lost_is_not_posted_again(h: Harness) -> None:
    send = delivery(h)
    write = post(h)
    h.world.slack.faults.drop_next(1, match="chat.postMessage")
    with pytest.raises(SourceError):
        send.deliver(replace(write, attempts=1), None)
    h.clock.advance(timedelta(minutes=3))
    again = send.deliver(replace(write, attempts=2), None)
    [sent] = metadata_posts(h, "duty_tui_cover")
    assert again.result == sent["ts"]


@pytest.mark.parametrize(
    "changes",
    [
        {"body": ""},
        {"metadata": None},
        {"metadata": "[1, 2]"},
        {"metadata": "{"},
        {"key": "cover"},  # not a duty_tui_ event type
        {"key": "duty_tui_Cover!"},
    ],
)
def test_an_incomplete_post_is_refused_for_good(h: Harness, changes: dict[str, Any]) -> None:
    with pytest.raises(SourceError) as refused:
        delivery(h).deliver(post(h, **changes), None)
    assert refused.value.permanent
    assert metadata_posts(h, "duty_tui_cover") == []


def test_it_describes_itself_in_words(h: Harness) -> None:
    assert post(h).describe() == "post today's cover to #laa-ops"
    assert post(h, key="duty_tui_handover").describe() == "post the handover to #laa-ops"
