"""A postmortem's improvements in the store: an edit never clears a ticket key, "raising" is whether the
creation is still in the outbox (so it cannot stick after a failure or a restart), and a second creation
for the same improvement is refused in the transaction that would queue it."""

from __future__ import annotations

from datetime import UTC, datetime

from duty_tui.models import IMPROVEMENT_KEY, NewTicket, Service, Write, WriteKind
from duty_tui.rules.postmortem import Improvement
from duty_tui.store import Store

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ALERT = Improvement("Alert on failover", "Tom", "high", owner_account="acc-tom", id="imp-1")


def creation(uid: str = "w1") -> Write:
    return Write(
        uid=uid,
        batch=uid,
        kind=WriteKind.CREATE,
        key=IMPROVEMENT_KEY + "imp-1",
        created_at=AT,
        actor_id="acc-me",
        actor="Me",
        service=Service.JIRA,
        ticket=NewTicket(262, "Alert on failover", "High", "…"),
        project="LAA",
    )


def test_raising_follows_the_outbox_and_a_second_creation_is_refused(store: Store) -> None:
    store.incidents.save_improvements("inc-1", [ALERT])
    assert store.incidents.may_raise("imp-1")
    [queued] = store.outbox.enqueue([creation()])
    [shown] = store.incidents.improvements("inc-1")
    assert shown.raising and not store.incidents.may_raise("imp-1")
    assert store.incidents.may_raise("imp-1", queuing="w1")  # the one being queued is not "another"
    assert not store.incidents.may_raise("imp-1", queuing="w2")
    store.outbox.fail(queued, "Jira refused it", AT)
    [shown] = store.incidents.improvements("inc-1")
    assert not shown.raising and store.incidents.may_raise("imp-1")  # nothing sticks after a failure


def test_an_edit_never_clears_the_key_jira_gave(store: Store) -> None:
    store.incidents.save_improvements("inc-1", [ALERT])
    store.incidents.raised("imp-1", "LAA-42")
    edited = Improvement(
        "Alert on failover within 1 minute", "Tom", "medium", "done", None, "acc-tom", "imp-1"
    )
    store.incidents.save_improvements("inc-1", [edited])  # the list as edited before the key arrived
    [shown] = store.incidents.improvements("inc-1")
    assert shown.ticket == "LAA-42" and shown.action.endswith("1 minute") and shown.status == "done"
    assert not store.incidents.may_raise("imp-1")
