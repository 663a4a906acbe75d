"""The [checklist] section, and reading the checklist itself: the engineer's own file or the shipped one.

[checklist]
file = "checklists.toml"   # relative to the config's folder; default: checklists.toml there, if it exists
end_of_day = "17:30"       # the end-of-day list is offered from this time on support days
start_by = "10:00"         # start-of-day items still open at this time are flagged

A malformed checklist file is not a config error: duty-tui says so in one sentence (once, as a warning)
and works from the shipped list, so a typo never keeps the engineer off the dashboard.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from importlib.resources import files
from pathlib import Path
from typing import Any

from duty_tui.config.reader import ConfigError, Reader
from duty_tui.models import ChecklistSection
from duty_tui.rules.checklist import ChecklistDataError, parse_sections

DEFAULT_FILE = "checklists.toml"


@dataclass(frozen=True, slots=True)
class ChecklistConfig:
    file: Path | None = None  # the engineer's own checklist (resolved against the config's folder)
    explicit: bool = False  # named in [checklist] file (so a missing file is worth a warning)
    end_of_day: time = time(17, 30)
    start_by: time = time(10, 0)


@dataclass(frozen=True, slots=True)
class LoadedChecklist:
    sections: tuple[ChecklistSection, ...]
    source: Path | None = None  # the engineer's file in use, or None for the shipped list
    warning: str | None = None  # why the engineer's file is not in use, in one sentence


def parse_checklist(r: Reader, t: Mapping[str, Any], config_path: Path | None) -> ChecklistConfig:
    r.known(t, "checklist", {"file", "end_of_day", "start_by"})
    folder = config_path.parent if config_path is not None else None
    name = t.get("file")
    if name is not None and not (isinstance(name, str) and name.strip()):
        raise ConfigError(f'{r.where}: [checklist] file must be a path in quotes, e.g. "{DEFAULT_FILE}".')
    path: Path | None = None
    if name is not None:
        path = Path(name.strip()).expanduser()
        if not path.is_absolute() and folder is not None:
            path = folder / path
    elif folder is not None:
        path = folder / DEFAULT_FILE
    return ChecklistConfig(
        file=path,
        explicit=name is not None,
        end_of_day=_clock(r, t, "end_of_day", time(17, 30)),
        start_by=_clock(r, t, "start_by", time(10, 0)),
    )


def _clock(r: Reader, t: Mapping[str, Any], key: str, default: time) -> time:
    value = t.get(key)
    if value is None:
        return default
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        r.fail("checklist", key, f'is {value!r}; write a time of day in quotes, like "{default:%H:%M}"')
    assert match is not None
    return time(int(match[1]), int(match[2]))


def shipped_text() -> str:
    """The shipped checklist, as `duty-tui init --checklist` copies it."""
    return files("duty_tui.data").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")


def shipped_sections() -> tuple[ChecklistSection, ...]:
    return parse_sections(shipped_text())


def load_checklist(config: ChecklistConfig) -> LoadedChecklist:
    """The engineer's checklist when there is one and it reads well, else the shipped one (with the
    sentence that says why, when the engineer meant to use their own)."""
    path = config.file
    if path is None or (not config.explicit and not path.exists()):
        return LoadedChecklist(shipped_sections())
    fallback = "duty-tui is using the shipped checklist"
    try:
        sections = parse_sections(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        warning = (
            f"The checklist file {path} ([checklist] file) does not exist: {fallback}; "
            "run `duty-tui init --checklist` to write a copy to edit."
        )
    except (OSError, UnicodeDecodeError) as error:
        warning = f"The checklist file {path} cannot be read ({error.__class__.__name__}): {fallback}."
    except ChecklistDataError as error:
        warning = f"The checklist file {path} is malformed: {error}; {fallback} until it is fixed."
    else:
        return LoadedChecklist(sections, source=path)
    return LoadedChecklist(shipped_sections(), warning=warning)
