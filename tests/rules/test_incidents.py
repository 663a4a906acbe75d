"""Incidents from #laa-ops metadata: the stable payload, strict parsing, timelines, update reminders."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from duty_tui.models import (
    ChatMessage,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
)
from duty_tui.rules.incidents import (
    EVENT_TYPE,
    UNTITLED,
    event_from_message,
    fold,
    next_update_after,
    payload,
    postmortem_owed,
    reminder,
)
from tests.support import HOSTILE, HOSTILE_IDS

K = IncidentEventKind
HIGH, NORMAL = IncidentPriority.HIGH, IncidentPriority.NORMAL
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ID = "6f1c2a8e-2b0c-4a57-9f8e-0d6c3f1e9a11"
OTHER = "0b7e7f4e-91a4-4a7d-8d0b-5f0b2c3e4d5a"
CADENCE = {HIGH: timedelta(minutes=30), NORMAL: timedelta(minutes=60)}


def ts(at: datetime, fraction: int = 100) -> str:
    return f"{int(at.timestamp())}.{fraction:06d}"


def event(kind: IncidentEventKind, minutes: float = 0, **fields: Any) -> IncidentEvent:
    values: dict[str, Any] = {
        "incident_id": ID,
        "kind": kind,
        "at": T0 + timedelta(minutes=minutes),
        "by": "UTOM",
    }
    return IncidentEvent(**(values | fields))


def declared(minutes: float = 0, **fields: Any) -> IncidentEvent:
    values: dict[str, Any] = {
        "title": "CCMS is down",
        "priority": HIGH,
        "status": IncidentStatus.INVESTIGATING,
        "lead": "UTOM",
        "services": ("CCMS",),
    }
    return event(K.DECLARED, minutes, **(values | fields))


def posted(found: IncidentEvent, *, outbox: str | None = None, fraction: int = 100) -> IncidentEvent:
    """The event as the channel gives it back: posted by the bot, with its ts."""
    message = message_for(payload(found, outbox_id=outbox), at=found.at, text=found.text, fraction=fraction)
    parsed = event_from_message(message)
    assert parsed is not None
    return parsed


def message_for(
    body: object, *, at: datetime = T0, text: str = "post", kind: str | None = EVENT_TYPE, fraction: int = 100
) -> ChatMessage:
    raw = body if isinstance(body, str) else json.dumps(body)
    return ChatMessage(
        ts=ts(at, fraction),
        channel="C1",
        user_id="UBOT",
        text=text,
        bot_id="B1",
        metadata_type=kind,
        metadata=raw,
    )


# -- payload ↔ event ---------------------------------------------------------------------------------


def test_the_payload_is_the_stable_format() -> None:
    found = declared(next_update=T0 + timedelta(minutes=30))
    assert payload(found, outbox_id="w-1") == {
        "id": ID,
        "title": "CCMS is down",
        "priority": "high",
        "status": "investigating",
        "lead": "UTOM",
        "services": ["CCMS"],
        "next_update": "2026-11-26T10:30:00+00:00",
        "event": "declared",
        "outbox": "w-1",
    }
    assert "outbox" not in payload(found)


def test_only_shared_events_have_a_payload() -> None:
    with pytest.raises(ValueError, match="note"):
        payload(event(K.NOTE, text="checked the logs"))


@pytest.mark.parametrize("kind", [K.DECLARED, K.UPDATED, K.LEAD_CHANGED, K.RESOLVED, K.REOPENED])
def test_round_trip(kind: IncidentEventKind) -> None:
    original = replace(
        declared(next_update=T0 + timedelta(hours=1), text="the post", services=("CCMS", "MAAT")), kind=kind
    )
    message = message_for(payload(original, outbox_id="w-7"), text="the post")
    assert event_from_message(message) == replace(original, by="UBOT", ts=message.ts, ref="w-7")


def test_next_update_keeps_its_instant_whatever_the_offset() -> None:
    body = payload(declared()) | {"next_update": "2026-11-26T11:30:00+01:00"}
    parsed = event_from_message(message_for(body))
    assert parsed is not None and parsed.next_update == T0 + timedelta(minutes=30)
    assert parsed.next_update.tzinfo is UTC


def test_a_bot_post_without_a_user_is_by_the_bot_name() -> None:
    message = replace(message_for(payload(declared())), user_id=None, bot_name="duty-tui")
    parsed = event_from_message(message)
    assert parsed is not None and parsed.by == "duty-tui"


def test_plain_and_foreign_messages_are_not_incidents() -> None:
    good = payload(declared())
    assert event_from_message(message_for(good, kind=None)) is None
    assert event_from_message(message_for(good, kind="deploy_finished")) is None
    assert event_from_message(replace(message_for(good), metadata=None)) is None
    assert (
        event_from_message(ChatMessage(ts=ts(T0), channel="C1", user_id="U1", text="incident in progress"))
        is None
    )


GOOD = payload(declared())
BAD_PAYLOADS: list[tuple[str, object]] = [
    ("not-json", "{id: 1"),
    ("empty", ""),
    ("list", [GOOD]),
    ("string", "declared"),
    ("null", None),
    ("no-event", {k: v for k, v in GOOD.items() if k != "event"}),
    ("unknown-event", GOOD | {"event": "exploded"}),
    ("local-kind-note", GOOD | {"event": "note"}),
    ("local-kind-pin", GOOD | {"event": "pin"}),
    ("event-not-str", GOOD | {"event": 1}),
    ("event-upper", GOOD | {"event": "DECLARED"}),
    ("no-id", {k: v for k, v in GOOD.items() if k != "id"}),
    ("empty-id", GOOD | {"id": ""}),
    ("id-number", GOOD | {"id": 7}),
    ("id-path", GOOD | {"id": "../../etc"}),
    ("id-huge", GOOD | {"id": "a" * 500}),
    ("id-markup", GOOD | {"id": "[@click=app.quit]"}),
    ("unknown-status", GOOD | {"status": "on fire"}),
    ("status-list", GOOD | {"status": ["resolved"]}),
    ("unknown-priority", GOOD | {"priority": "urgent"}),
    ("priority-bool", GOOD | {"priority": True}),
    ("services-string", GOOD | {"services": "CCMS"}),
    ("services-numbers", GOOD | {"services": ["CCMS", 3]}),
    ("services-nested", GOOD | {"services": [["CCMS"]]}),
    ("services-null", GOOD | {"services": None}),
    ("title-number", GOOD | {"title": 42}),
    ("title-object", GOOD | {"title": {"text": "x"}}),
    ("lead-not-an-id", GOOD | {"lead": "tom"}),
    ("lead-mention", GOOD | {"lead": "<@U1>"}),
    ("lead-number", GOOD | {"lead": 1}),
    ("next-update-naive", GOOD | {"next_update": "2026-11-26T10:30:00"}),
    ("next-update-garbage", GOOD | {"next_update": "soon"}),
    ("next-update-number", GOOD | {"next_update": 1764151200}),
    ("next-update-huge", GOOD | {"next_update": "2026-11-26T10:30:00+00:00" + " " * 100}),
    ("next-update-overflow", GOOD | {"next_update": "0001-01-01T00:00:00+14:00"}),
    ("outbox-number", GOOD | {"outbox": 3}),
    ("outbox-weird", GOOD | {"outbox": "a b\nc"}),
    ("nan", json.dumps(GOOD)[:-1] + ', "x": NaN}'),
    ("infinity", json.dumps(GOOD)[:-1] + ', "x": -Infinity}'),
    ("deep", '{"x": ' + "[" * 5000 + "]" * 5000 + "}"),
    ("deeper-than-python", "[" * 100_000),
    ("huge", GOOD | {"padding": "x" * 100_000}),
    ("trailing-garbage", json.dumps(GOOD) + "}"),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_PAYLOADS], ids=[n for n, _ in BAD_PAYLOADS])
def test_malformed_payloads_are_ignored(body: object) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    assert event_from_message(message_for(raw)) is None


@pytest.mark.parametrize("bad_ts", ["", "abc", "1e9", "99999999999999999999.1", "-1.0", "1.2.3"])
def test_a_message_with_a_broken_ts_is_ignored(bad_ts: str) -> None:
    assert event_from_message(replace(message_for(GOOD), ts=bad_ts)) is None


def test_unknown_extra_fields_are_tolerated() -> None:
    parsed = event_from_message(message_for(GOOD | {"added_in_v2": {"x": [1, 2]}}))
    assert parsed is not None and parsed.title == "CCMS is down"


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_strings_round_trip_capped(evil: str) -> None:
    original = declared(title=evil, services=(evil, "CCMS"), text=evil)
    parsed = event_from_message(message_for(payload(original), text=evil))
    assert parsed is not None
    sent = json.loads(json.dumps(evil))  # JSON joins a surrogate pair given as two code points
    assert parsed.title == sent[:200]
    assert parsed.services == (sent[:80], "CCMS")
    assert parsed.text == evil[:12_000]  # the message text is Slack's, not the payload's


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_strings_as_metadata_or_ids_never_raise(evil: str) -> None:
    assert event_from_message(message_for(evil)) is None
    assert event_from_message(message_for(GOOD | {"id": evil})) is None
    assert event_from_message(message_for(GOOD | {"lead": evil})) is None


# -- fold --------------------------------------------------------------------------------------------


def test_declare_update_lead_resolve() -> None:
    events = [
        declared(),
        event(
            K.UPDATED,
            20,
            status=IncidentStatus.IDENTIFIED,
            priority=HIGH,
            services=("CCMS", "MAAT"),
            text="db",
        ),
        event(K.LEAD_CHANGED, 30, lead="UAISHA"),
        event(K.NOTE, 35, text="AWS case 123 raised", by="Tom"),
        event(K.RESOLVED, 65, status=IncidentStatus.RESOLVED, text="restarted"),
    ]
    (incident,) = fold(reversed(events))
    assert incident.title == "CCMS is down"
    assert incident.status is IncidentStatus.RESOLVED and not incident.is_open
    assert incident.lead == "UAISHA"
    assert incident.services == ("CCMS", "MAAT")
    assert incident.declared_at == T0 and incident.resolved_at == T0 + timedelta(minutes=65)
    assert incident.events == tuple(events)
    assert incident.next_update is None


def test_same_instant_events_order_by_kind_then_ts() -> None:
    resolve = event(K.RESOLVED, 0, ts=ts(T0, 5))
    update_b = event(K.UPDATED, 0, ts=ts(T0, 9), text="b")
    update_a = event(K.UPDATED, 0, ts=ts(T0, 3), text="a")
    declare = declared(ts=ts(T0, 7))
    (incident,) = fold([resolve, update_b, update_a, declare])
    assert incident.events == (declare, update_a, update_b, resolve)
    assert incident.thread_ts == ts(T0, 7)


def test_local_and_channel_events_interleave_by_time() -> None:
    channel = [
        posted(declared()),
        posted(event(K.UPDATED, 30, status=IncidentStatus.MONITORING, priority=HIGH)),
    ]
    local = [
        event(K.NOTE, 10, by="Tom", text="looked at RDS"),
        event(K.PIN, 40, by="Tom", ref="1764151300.000100"),
    ]
    (incident,) = fold(local + channel)
    assert [e.kind for e in incident.events] == [K.DECLARED, K.NOTE, K.UPDATED, K.PIN]
    assert incident.status is IncidentStatus.MONITORING


def test_the_same_message_seen_twice_counts_once_and_the_latest_read_wins() -> None:
    first = posted(declared(text="before the edit"))
    edited = replace(first, text="after the edit")
    (incident,) = fold([first, edited, first, edited])
    assert incident.events == (edited,)


def test_a_pending_event_gives_way_to_its_confirmed_post() -> None:
    pending_declare = declared(pending=True, ref="w-1", by="Tom")
    pending_update = event(K.UPDATED, 5, pending=True, ref="w-2", by="Tom", status=IncidentStatus.IDENTIFIED)
    (before,) = fold([pending_declare, pending_update])
    assert before.pending and before.status is IncidentStatus.IDENTIFIED

    confirmed = posted(replace(pending_declare, at=T0 + timedelta(seconds=40)), outbox="w-1")
    (after,) = fold([pending_declare, pending_update, confirmed])
    assert after.events == (confirmed, pending_update)
    assert after.pending  # the update is still queued behind it
    assert after.thread_ts == confirmed.ts

    both = posted(replace(pending_update, at=T0 + timedelta(minutes=6)), outbox="w-2")
    (done,) = fold([pending_declare, pending_update, confirmed, both])
    assert not done.pending and done.events == (confirmed, both)


def test_a_pending_event_and_a_confirmed_copy_with_the_same_ts_count_once() -> None:
    confirmed = posted(declared())
    (incident,) = fold([replace(confirmed, pending=True, by="Tom"), confirmed])
    assert incident.events == (confirmed,) and not incident.pending


def test_a_resend_that_landed_twice_counts_once() -> None:
    first = posted(declared(), outbox="w-1")
    again = posted(declared(1), outbox="w-1", fraction=200)
    (incident,) = fold([again, first])
    assert incident.events == (first,)


def test_a_missing_declaration_is_rebuilt_from_the_first_event() -> None:
    update = posted(
        event(
            K.UPDATED, 30, title="CCMS is down", priority=HIGH, status=IncidentStatus.IDENTIFIED, lead="UTOM"
        )
    )
    note = event(K.NOTE, 10, by="Tom", text="first")
    (incident,) = fold([update, note])
    assert incident.title == "CCMS is down"  # from the update, the note has none
    assert incident.priority is HIGH and incident.status is IncidentStatus.IDENTIFIED
    assert incident.declared_at == note.at and incident.thread_ts is None
    assert incident.lead == "UTOM"


def test_a_missing_declaration_and_no_title_anywhere() -> None:
    (incident,) = fold([event(K.NOTE, by="Tom", text="x")])
    assert incident.title == UNTITLED and incident.priority is NORMAL and incident.is_open


def test_reopen_and_resolve_again() -> None:
    events = [
        declared(),
        event(K.RESOLVED, 30),
        event(K.REOPENED, 40, text="errors are back"),
        event(K.UPDATED, 50, status=IncidentStatus.IDENTIFIED),
    ]
    (reopened,) = fold(events)
    assert reopened.is_open and reopened.resolved_at is None
    assert reopened.status is IncidentStatus.IDENTIFIED
    (resolved,) = fold([*events, event(K.RESOLVED, 90)])
    assert resolved.resolved_at == T0 + timedelta(minutes=90)


def test_an_update_after_the_resolution_does_not_reopen() -> None:
    (incident,) = fold(
        [declared(), event(K.RESOLVED, 30), event(K.UPDATED, 31, status=IncidentStatus.MONITORING)]
    )
    assert incident.status is IncidentStatus.RESOLVED and incident.resolved_at == T0 + timedelta(minutes=30)
    assert len(incident.events) == 3


def test_an_update_cannot_resolve_without_a_resolution() -> None:
    (incident,) = fold([declared(), event(K.UPDATED, 5, status=IncidentStatus.RESOLVED)])
    assert incident.is_open and incident.resolved_at is None


def test_a_second_declaration_only_adds_to_the_timeline() -> None:
    (incident,) = fold([declared(), declared(10, title="Renamed", priority=NORMAL, ts=ts(T0, 9))])
    assert incident.title == "CCMS is down" and incident.priority is HIGH and len(incident.events) == 2


def test_incidents_are_sorted_open_high_first_then_resolved_newest_first() -> None:
    def one(
        incident_id: str, minutes: float, priority: IncidentPriority, resolved: float | None = None
    ) -> list:
        events = [declared(minutes, incident_id=incident_id, priority=priority)]
        if resolved is not None:
            events.append(event(K.RESOLVED, resolved, incident_id=incident_id))
        return events

    events = [
        *one("old-normal", 0, NORMAL),
        *one("new-normal", 10, NORMAL),
        *one("old-high", 5, HIGH),
        *one("new-high", 20, HIGH),
        *one("resolved-early", 1, HIGH, resolved=30),
        *one("resolved-late", 2, NORMAL, resolved=50),
    ]
    ids = [i.id for i in fold(events)]
    assert ids == ["new-high", "old-high", "new-normal", "old-normal", "resolved-late", "resolved-early"]
    assert [i.id for i in fold(reversed(events))] == ids


def test_events_of_different_incidents_stay_apart() -> None:
    incidents = fold([declared(), declared(5, incident_id=OTHER, title="MAAT slow", priority=NORMAL)])
    assert {(i.id, i.title) for i in incidents} == {(ID, "CCMS is down"), (OTHER, "MAAT slow")}


def test_a_channel_history_with_edits_deletions_and_unknown_metadata() -> None:
    declare = message_for(payload(declared()), text="announcement")
    update = message_for(
        payload(event(K.UPDATED, 20, status=IncidentStatus.IDENTIFIED)), at=T0 + timedelta(minutes=20)
    )
    resolve = message_for(payload(event(K.RESOLVED, 40)), at=T0 + timedelta(minutes=40))
    history = [
        replace(declare, text="announcement (edited)", edited=True),
        update,
        message_for({"deploy": "done"}, kind="deploy_finished", at=T0 + timedelta(minutes=25)),
        message_for("{broken", at=T0 + timedelta(minutes=26)),
        ChatMessage(ts=ts(T0 + timedelta(minutes=27)), channel="C1", user_id="U9", text="is CCMS down?"),
        # the resolution was deleted: it is not in the history any more
    ]
    events = [e for m in history if (e := event_from_message(m)) is not None]
    (incident,) = fold(events)
    assert incident.status is IncidentStatus.IDENTIFIED and incident.is_open
    assert [e.text for e in incident.events] == ["announcement (edited)", "post"]
    assert event_from_message(resolve) is not None  # it would have resolved it


# -- reminders ---------------------------------------------------------------------------------------


def incident_of(*events: IncidentEvent) -> Incident:
    (incident,) = fold(events)
    return incident


@pytest.mark.parametrize(("priority", "due"), [(HIGH, 30), (NORMAL, 60)])
def test_the_cadence_follows_the_priority(priority: IncidentPriority, due: int) -> None:
    incident = incident_of(declared(priority=priority))
    found = reminder(incident, T0 + timedelta(minutes=due - 1), cadence=CADENCE)
    assert found.due_at == T0 + timedelta(minutes=due) and not found.overdue
    assert reminder(incident, T0 + timedelta(minutes=due), cadence=CADENCE).overdue


def test_the_cadence_is_configurable() -> None:
    incident = incident_of(declared())
    found = reminder(incident, T0, cadence={HIGH: timedelta(minutes=15), NORMAL: timedelta(minutes=45)})
    assert found.due_at == T0 + timedelta(minutes=15)


def test_a_promised_next_update_is_the_due_time() -> None:
    incident = incident_of(declared(next_update=T0 + timedelta(minutes=20)))
    assert reminder(incident, T0 + timedelta(minutes=20), cadence=CADENCE).overdue


def test_each_post_restarts_the_schedule() -> None:
    incident = incident_of(declared(priority=NORMAL), event(K.UPDATED, 50), event(K.NOTE, 55, by="Tom"))
    found = reminder(incident, T0 + timedelta(minutes=70), cadence=CADENCE)
    assert found.due_at == T0 + timedelta(minutes=110) and not found.overdue  # the note is no update


def test_a_lead_change_and_a_reopen_count_as_posts() -> None:
    handed = incident_of(declared(), event(K.LEAD_CHANGED, 25, lead="UAISHA"))
    assert reminder(handed, T0, cadence=CADENCE).due_at == T0 + timedelta(minutes=55)
    reopened = incident_of(declared(), event(K.RESOLVED, 10), event(K.REOPENED, 100))
    assert reminder(reopened, T0, cadence=CADENCE).due_at == T0 + timedelta(minutes=130)


def test_raising_the_priority_resets_the_schedule_to_the_faster_cadence() -> None:
    normal = incident_of(declared(priority=NORMAL))
    assert reminder(normal, T0, cadence=CADENCE).due_at == T0 + timedelta(minutes=60)
    raised = incident_of(declared(priority=NORMAL), event(K.UPDATED, 10, priority=HIGH))
    found = reminder(raised, T0 + timedelta(minutes=40), cadence=CADENCE)
    assert found.due_at == T0 + timedelta(minutes=40) and found.overdue
    lowered = incident_of(declared(priority=HIGH), event(K.UPDATED, 10, priority=NORMAL))
    assert reminder(lowered, T0, cadence=CADENCE).due_at == T0 + timedelta(minutes=70)


def test_an_update_without_a_promise_drops_the_old_promise() -> None:
    incident = incident_of(declared(next_update=T0 + timedelta(minutes=30)), event(K.UPDATED, 25))
    assert reminder(incident, T0, cadence=CADENCE).due_at == T0 + timedelta(minutes=55)


def test_snooze_holds_the_reminder_until_it_ends() -> None:
    incident = incident_of(declared())
    due = T0 + timedelta(minutes=30)
    snoozed = reminder(
        incident, due + timedelta(minutes=5), cadence=CADENCE, snoozed_until=due + timedelta(minutes=15)
    )
    assert not snoozed.overdue and snoozed.due_at == due + timedelta(minutes=15)
    assert snoozed.snoozed_until == due + timedelta(minutes=15)
    over = reminder(
        incident, due + timedelta(minutes=15), cadence=CADENCE, snoozed_until=due + timedelta(minutes=15)
    )
    assert over.overdue and over.snoozed_until is None


def test_a_snooze_earlier_than_the_due_time_changes_nothing() -> None:
    incident = incident_of(declared())
    found = reminder(incident, T0, cadence=CADENCE, snoozed_until=T0 + timedelta(minutes=10))
    assert found.due_at == T0 + timedelta(minutes=30)


def test_a_resolved_incident_has_no_reminder() -> None:
    incident = incident_of(declared(), event(K.RESOLVED, 10))
    found = reminder(incident, T0 + timedelta(hours=5), cadence=CADENCE)
    assert found.due_at is None and not found.overdue


def test_next_update_after_rounds_up_to_the_minute() -> None:
    assert next_update_after(T0, HIGH, CADENCE) == T0 + timedelta(minutes=30)
    assert next_update_after(T0 + timedelta(seconds=1), NORMAL, CADENCE) == T0 + timedelta(minutes=61)
    assert next_update_after(T0, NORMAL, {}) == T0 + timedelta(minutes=60)  # the defaults


def test_long_lists_and_strings_are_capped_not_refused() -> None:
    body = GOOD | {"title": "t" * 5000, "services": ["s" * 500] + ["CCMS"] * 2000}
    parsed = event_from_message(message_for(body))
    assert parsed is not None
    assert parsed.title == "t" * 200
    assert len(parsed.services) == 20 and parsed.services[0] == "s" * 80


# -- pins, links and cases ---------------------------------------------------------------------------


def test_a_pin_a_ticket_and_a_case_round_trip_and_list_once() -> None:
    pinned = replace(declared(), kind=K.PIN, subject="1764150000.000200", text="the pin")
    ticket = replace(declared(1), kind=K.LINK, subject="LAA-12")
    case = replace(declared(2), kind=K.LINK, subject="1234567890", vendor="AWS")
    for number, original in enumerate((pinned, ticket, case)):
        body = payload(original, outbox_id=f"w-{number}")
        assert body["subject"] == original.subject and body["vendor"] == original.vendor
        message = message_for(body, at=original.at, text=original.text)
        assert event_from_message(message) == replace(original, by="UBOT", ts=message.ts, ref=f"w-{number}")
    again = replace(declared(3), kind=K.LINK, subject="LAA-12")  # a colleague linked it too
    [incident] = fold([declared(), pinned, ticket, case, again])
    assert incident.tickets == ("LAA-12",) and incident.cases == (("AWS", "1234567890"),)
    assert incident.status is IncidentStatus.INVESTIGATING  # entries change nothing but the timeline


@pytest.mark.parametrize(
    ("kind", "subject", "vendor"),
    [
        ("pin", "not-a-ts", None),  # a pin names a message by its ts
        ("pin", None, None),
        ("link", "", None),
        ("link", "x" * 500, None),
        ("link", "LAA-1", 42),
        ("link", "LAA-1", "v" * 100),
        ("link", ["LAA-1"], None),
    ],
)
def test_malformed_entries_are_ignored(kind: str, subject: object, vendor: object) -> None:
    body = payload(declared(), outbox_id="w-1") | {"event": kind, "subject": subject, "vendor": vendor}
    assert event_from_message(message_for(body)) is None


@pytest.mark.parametrize("vendor", ["\u202e", "\x1b", "   "])
def test_a_case_whose_vendor_cleans_to_nothing_is_malformed(vendor: str) -> None:
    body = payload(declared(), outbox_id="w-1") | {"event": "link", "subject": "123", "vendor": vendor}
    assert event_from_message(message_for(body)) is None


@pytest.mark.parametrize(
    ("priority", "resolved", "exported", "owed"),
    [
        (IncidentPriority.HIGH, True, False, True),  # the one debt
        (IncidentPriority.HIGH, True, True, False),  # paid by the export
        (IncidentPriority.HIGH, False, False, False),  # not yet: it is still open
        (IncidentPriority.NORMAL, True, False, False),  # a normal incident owes none
    ],
)
def test_only_a_resolved_high_priority_incident_owes_a_postmortem_until_exported(
    priority: IncidentPriority, resolved: bool, exported: bool, owed: bool
) -> None:
    assert postmortem_owed(priority, resolved, exported) is owed
