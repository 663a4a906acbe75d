"""After a desk's writes are stored: the desk hears how many wait, and the sender is woken even when the
store cannot count them (desks/queueing.py, used by the cover, handover and incident desks)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from textual.message import Message

from duty_tui.desks.queueing import report_stored, store_writes
from duty_tui.desks.ticket_messages import PendingWritesChanged
from duty_tui.models import Service, Write, WriteKind
from duty_tui.store import Store
from tests.conftest import MORNING
from tests.factories import make_write


class Desk:
    """What a desk is to `report_stored`: something messages are posted to."""

    def __init__(self) -> None:
        self.posted: list[Message] = []

    def post_message(self, message: Message) -> bool:
        self.posted.append(message)
        return True


class Sender:
    def __init__(self) -> None:
        self.woken = 0

    def wake(self) -> None:
        self.woken += 1


def handover_write(uid: str) -> Write:
    return make_write(
        uid,
        MORNING,
        kind=WriteKind.POST,
        key="handover",
        service=Service.SLACK,
        body="Handing over: nothing open.",
    )


def test_the_desk_hears_the_count_and_the_sender_is_woken(tmp_path: Path) -> None:
    store = Store.in_dir(tmp_path)
    store_writes(store, [handover_write("h1"), handover_write("h2")], threading.Event())
    desk, sender = Desk(), Sender()
    report_stored(desk, store, sender)  # type: ignore[arg-type]
    assert [(m.count, m.note) for m in desk.posted if isinstance(m, PendingWritesChanged)] == [(2, None)]
    assert sender.woken == 1


def test_a_count_the_store_cannot_make_still_wakes_the_sender(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.in_dir(tmp_path)
    store_writes(store, [handover_write("h1")], threading.Event())

    def cannot_count() -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store.outbox, "count_pending", cannot_count)
    desk, sender = Desk(), Sender()
    report_stored(desk, store, sender)  # type: ignore[arg-type]
    assert desk.posted == []  # the bar keeps the count it shows: no number it cannot stand behind
    assert sender.woken == 1  # the stored write is sent all the same
