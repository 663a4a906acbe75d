"""Fixtures of the security tests: the sentinel world (`s`), and a server a redirect can point at (`evil`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MORNING
from tests.security.rig import Evil, evil_server, sentinel_harness
from tests.support import Harness


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Harness]:
    """The demo world on the fixed clock, accepting only the sentinel tokens; apps on one data dir."""
    harness = sentinel_harness(tmp_path, MORNING)
    yield harness
    harness.close()


@pytest.fixture
def evil() -> Iterator[Evil]:
    yield from evil_server()
