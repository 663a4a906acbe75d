"""Files are the owner's only: the data dir 0700; the store, its WAL and shared-memory files, the log, the
outbox's lock and an exported postmortem (and the folder made for it) 0600/0700. Whatever the umask: a
permissive one must not loosen them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from duty_tui.models import SourceStatus
from tests.security.rig import log_to, loose, modes_under
from tests.support import Harness, both_polled, settle


@pytest.fixture
def umask() -> Iterator[int]:
    """The most permissive umask while the test runs: only an explicit mode keeps a file private."""
    before = os.umask(0)
    yield 0
    os.umask(before)


def test_the_store_its_wal_and_shared_memory_and_the_log_are_private(s: Harness, umask: int) -> None:
    runtime = s.runtime()
    log = log_to(s.data_dir, s.world.secrets())
    try:
        runtime.jira_poller.poll(SourceStatus("jira"))  # written, not yet checkpointed: the WAL is there
        names = {path.name for path in s.data_dir.iterdir()}
        assert {"duty-tui.sqlite3", "duty-tui.sqlite3-wal", "duty-tui.sqlite3-shm", "duty-tui.log"} <= names
        modes = modes_under(s.data_dir)
        assert modes["."] == 0o700
        assert loose(modes, s.data_dir) == {}
    finally:
        log.undo()
        runtime.close()


async def test_an_exported_postmortem_is_private(s: Harness) -> None:
    from duty_tui.views.declare_incident import DeclareScreen

    before = os.umask(0o022)  # the usual one: a plain write_text makes 0644, readable by everyone
    try:
        app = s.app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot, both_polled(app))
            await pilot.press("I")
            await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
            await pilot.press(*"CCMS logins failing", "ctrl+s")
            await settle(pilot, lambda: app.pending_writes == 0 and bool(app.incident_desk.incidents))
            [incident] = app.incident_desk.incidents
            app.incident_desk.export_postmortem(incident, [], {})
            folder: Path = app.runtime.data_dir / "postmortems"
            await settle(pilot, lambda: any(folder.glob("*.md")))
        modes = modes_under(s.data_dir)
        assert loose(modes, s.data_dir) == {}, modes
    finally:
        os.umask(before)
