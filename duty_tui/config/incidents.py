"""The [incidents] section: who hears of a high-priority incident, how often updates are due, runbooks.

[incidents]
stakeholders = ["U…", "S…"]        # Slack users or user groups told of high-priority incidents
stakeholders_6dg = ["S…"]           # told too, when a 6DG/STEC service is affected
services_6dg = ["CCMS", "CIS", "MI", "CWA", "ERIC", "STEC"]  # the services hosted by 6DG/STEC
update_minutes = { high = 30, normal = 60 }
postmortem_dir = "~/postmortems"    # default: <data dir>/postmortems

[incidents.runbooks]
CCMS = ["https://…/runbooks/ccms"]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from duty_tui.config.reader import ConfigError, Reader
from duty_tui.models import IncidentPriority

SLACK_AUDIENCE = re.compile(r"[UWS][A-Z0-9]{2,20}")
URL = re.compile(r"https?://\S+")


@dataclass(frozen=True, slots=True)
class IncidentsConfig:
    stakeholders: tuple[str, ...] = ()  # Slack user ids (U…) or user group ids (S…)
    stakeholders_6dg: tuple[str, ...] = ()
    # The services 6DG hosts (the seed document: "CCMS, CIS, MI, CWA, ERIC" on 6DG infrastructure) and STEC.
    services_6dg: tuple[str, ...] = ("CCMS", "CIS", "MI", "CWA", "ERIC", "STEC")
    # How often an update is due, by priority (the process: "on a regular schedule").
    cadence: Mapping[IncidentPriority, timedelta] = field(
        default_factory=lambda: {
            IncidentPriority.HIGH: timedelta(minutes=30),
            IncidentPriority.NORMAL: timedelta(minutes=60),
        }
    )
    runbooks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # service → URLs
    postmortem_dir: Path | None = None

    def audience(self, services: tuple[str, ...]) -> tuple[str, ...]:
        """Who is told of a high-priority incident: the stakeholders (senior-leadership communication),
        and the 6DG/STEC stakeholders too when one of its services is 6DG's."""
        hosted = {name.casefold() for name in self.services_6dg}
        if any(service.casefold() in hosted for service in services):
            return tuple(dict.fromkeys((*self.stakeholders, *self.stakeholders_6dg)))
        return self.stakeholders


def parse_incidents(r: Reader, t: Mapping[str, Any]) -> IncidentsConfig:
    r.known(
        t,
        "incidents",
        {"stakeholders", "stakeholders_6dg", "services_6dg", "update_minutes", "runbooks", "postmortem_dir"},
    )
    hosted = t.get("services_6dg", list(IncidentsConfig().services_6dg))
    if not isinstance(hosted, list) or not all(isinstance(v, str) and v.strip() for v in hosted):
        raise ConfigError(
            f'{r.where}: [incidents] services_6dg must be a list of service names, e.g. ["CCMS"].'
        )
    audiences = {name: _audience(r, t, name) for name in ("stakeholders", "stakeholders_6dg")}
    minutes = t.get("update_minutes", {})
    if not isinstance(minutes, dict) or not set(minutes) <= {"high", "normal"}:
        raise ConfigError(
            f"{r.where}: [incidents] update_minutes must be a table like {{ high = 30, normal = 60 }}."
        )
    cadence = dict(IncidentsConfig().cadence)
    for name, value in minutes.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 5 <= value <= 24 * 60:
            raise ConfigError(f"{r.where}: [incidents] update_minutes {name} must be minutes from 5 to 1440.")
        cadence[IncidentPriority(name)] = timedelta(minutes=value)
    books = t.get("runbooks", {})
    if not isinstance(books, dict) or not all(
        isinstance(urls, list) and all(isinstance(u, str) and URL.fullmatch(u) for u in urls)
        for urls in books.values()
    ):
        raise ConfigError(
            f'{r.where}: [incidents.runbooks] maps a service to a list of links, e.g. CCMS = ["https://…"].'
        )
    folder = t.get("postmortem_dir")
    if folder is not None and not (isinstance(folder, str) and folder.strip()):
        raise ConfigError(f"{r.where}: [incidents] postmortem_dir must be a folder path in quotes.")
    return IncidentsConfig(
        stakeholders=audiences["stakeholders"],
        stakeholders_6dg=audiences["stakeholders_6dg"],
        services_6dg=tuple(v.strip() for v in hosted),
        cadence=cadence,
        runbooks={str(service): tuple(urls) for service, urls in books.items()},
        postmortem_dir=Path(folder).expanduser() if folder else None,
    )


def _audience(r: Reader, t: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = t.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(v, str) and SLACK_AUDIENCE.fullmatch(v) for v in value
    ):
        raise ConfigError(
            f"{r.where}: [incidents] {name} must be a list of Slack user or user group ids, "
            'e.g. ["U024BE7LH", "S0614TZR7"].'
        )
    return tuple(value)
