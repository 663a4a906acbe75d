"""What the contract tests read from disk: the official API descriptions, and the Jira wording they quote.

The descriptions are the ones the services publish, kept in this repository gzipped under tests/sim/openapi/
(its README says where each comes from and how to refresh it): Jira's platform v3 and Agile descriptions
(OpenAPI 3) and Slack's Web API description (Swagger 2.0). `DUTY_TUI_OPENAPI_DIR` names another folder
to check against instead (say a newer download): it may hold the plain `.json` files or the `.json.gz`
ones. `openapi_dir()` says where the tests read them and fails, saying why, when any is missing: the
contract tests never skip.

The Jira wording (the 410 of the removed search and the 400 of unbounded JQL) is in
tests/sim/jira_search_wording.md, a copy of the passages the tests compare the simulator's answers with.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

OPENAPI_ENV = "DUTY_TUI_OPENAPI_DIR"
VENDORED = Path(__file__).resolve().parent / "openapi"
JIRA_PLATFORM_FILE = "jira-platform-v3.json"
JIRA_AGILE_FILE = "jira-software-agile.json"
SLACK_FILE = "slack-web-v2.json"
SPEC_FILES = (JIRA_PLATFORM_FILE, JIRA_AGILE_FILE, SLACK_FILE)
JIRA_WORDING = Path(__file__).resolve().parent / "jira_search_wording.md"
JSON = dict[str, Any]


def spec_path(folder: Path, name: str) -> Path | None:
    """`name` in `folder`, plain or gzipped (the plain file first), or None when neither is there."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def missing_specs(folder: Path) -> list[str]:
    return [name for name in SPEC_FILES if spec_path(folder, name) is None]


def openapi_dir() -> Path:
    """Where the descriptions are: $DUTY_TUI_OPENAPI_DIR, else the copies in tests/sim/openapi/.

    A missing description is an error (the contract fixtures in tests/sim/conftest.py fail), not a skip."""
    configured = os.environ.get(OPENAPI_ENV)
    folder = Path(configured).expanduser() if configured else VENDORED
    if missing := missing_specs(folder):
        source = f"${OPENAPI_ENV}" if configured else "the repository's copies"
        raise FileNotFoundError(
            f"official OpenAPI descriptions missing at {folder} ({source}): {', '.join(missing)} "
            "(plain .json or .json.gz); see tests/sim/openapi/README.md"
        )
    return folder


def load_spec(folder: Path, name: str) -> JSON:
    path = spec_path(folder, name)
    if path is None:
        raise FileNotFoundError(f"{name} (or {name}.gz) not found in {folder}")
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    data: JSON = json.loads(raw.decode("utf-8"))
    return data


# -- the Jira wording -----------------------------------------------------------------------------------
# Atlassian's own sources for it: https://developer.atlassian.com/changelog/#CHANGE-2046 (the 410) and
# https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/ (bounded JQL).


def removed_search_body(notes: Path = JIRA_WORDING) -> Any:
    """The 410 body quoted under 'Removed endpoint.'"""
    after = notes.read_text(encoding="utf-8").split("**Removed endpoint.**", 1)[1]
    match = re.search(r"```json\n(.*?)\n```", after, re.DOTALL)
    if match is None:
        raise ValueError(f"no JSON block after 'Removed endpoint.' in {notes.name}")
    return json.loads(match.group(1))


def unbounded_jql_message(notes: Path = JIRA_WORDING) -> str:
    """The 400 message quoted for unbounded JQL."""
    match = re.search(r'Unbounded JQL gives 400 `"([^"`]+)"`', notes.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"no unbounded-JQL message in {notes.name}")
    return match.group(1)
