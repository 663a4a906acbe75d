"""The postmortem draft of an incident, in Markdown, as the team's process asks for it.

"How we do postmortems": a timeline of what led to the incident and its resolution, a walkthrough of it
to find what can be improved, a prioritised list of improvements with owners, a write-up. Blameless: the
prompts ask about systems and processes, never about who.

Every string from people (title, services, updates, notes, names, improvements) goes through
:func:`md_inline`: one line, sanitized, with Markdown's active characters escaped, so a hostile title
cannot add a heading, a link, HTML or a table column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

from duty_tui import text
from duty_tui.models import SHARED_INCIDENT_EVENTS, Incident, IncidentEvent, IncidentEventKind, NewTicket
from duty_tui.rules.incident_posts import STATUS_WORDS

ImprovementStatus = Literal["outstanding", "done", "won't do"]
CELL_LIMIT: Final = 300
SLUG_LIMIT: Final = 60
SUMMARY_LIMIT: Final = 255  # Jira's cap on a summary

_MD_ACTIVE: Final = re.compile(r"[\\`*_\[\]|~#]")
_MD_LEADING: Final = re.compile(r"^(?:[#>+=-]|\d+(?=[.)]))")
_SLUG_GAP: Final = re.compile(r"[^a-z0-9]+")
_URL: Final = re.compile(r"https://[^\s|\[\]{}]{1,500}")


@dataclass(frozen=True, slots=True)
class Improvement:
    """One agreed improvement, in the prioritised list (kept in the order given)."""

    action: str
    owner: str  # a Slack user id (shown by name) or a name
    priority: str  # "high", "medium", "low", as the session agrees
    status: ImprovementStatus = "outstanding"
    ticket: str | None = None  # the Jira key once raised
    owner_account: str | None = None  # the owner's Jira account id: a raised ticket is assigned to it
    id: str = ""  # stable across edits (a uuid), so a ticket raised for it finds it again
    raising: bool = False  # its ticket is in the outbox, not yet created


IMPROVEMENT_PRIORITIES: Final = ("high", "medium", "low")
IMPROVEMENT_STATUSES: Final[tuple[ImprovementStatus, ...]] = ("outstanding", "done", "won't do")


def md_inline(value: str, limit: int | None = CELL_LIMIT) -> str:
    """``value`` as literal Markdown on one line: safe in a table cell, a heading or a paragraph."""
    flat = text.one_line(value, limit)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MD_ACTIVE.sub(lambda found: "\\" + found.group(), flat)
    return _MD_LEADING.sub(
        lambda found: found.group() + "\\" if found.group().isdigit() else "\\" + found.group(), flat
    )


def postmortem_filename(incident: Incident, zone: ZoneInfo) -> str:
    """ "YYYY-MM-DD-<slug>.md": the day it was declared, and the title as lower-case ASCII words."""
    day = incident.declared_at.astimezone(zone).strftime("%Y-%m-%d")
    ascii_title = unicodedata.normalize("NFKD", incident.title[:500]).encode("ascii", "ignore").decode()
    slug = _SLUG_GAP.sub("-", ascii_title.lower()).strip("-")[:SLUG_LIMIT].rstrip("-")
    return f"{day}-{slug or 'incident'}.md"


def postmortem_markdown(
    incident: Incident,
    improvements: Sequence[Improvement],
    *,
    names: Mapping[str, str],
    zone: ZoneInfo,
    now: datetime,
) -> str:
    """The draft: summary, impact, start, detection, resolution and duration, the timeline, prompts for
    the walkthrough and the contributing factors, and the improvements."""
    lookup = _Names(names)
    parts = [
        _heading(incident, lookup, zone, now),
        _summary(incident, lookup, zone, now),
        _timeline(incident, lookup, zone),
        _PROMPTS,
        _improvements(improvements, lookup),
    ]
    return "\n\n".join(parts) + "\n"


class _Names:
    """Slack ids → the names given (a :class:`text.NameLookup` for mrkdwn, and for the cells)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names

    def user_name(self, user_id: str) -> str | None:
        return self.names.get(user_id)

    def channel_name(self, channel_id: str) -> str | None:
        return None

    def ticket_url(self, key: str) -> str | None:
        return None

    def who(self, user_id: str | None) -> str:
        if not user_id:
            return "nobody yet"
        return md_inline(self.names.get(user_id) or user_id, 100) or md_inline(user_id, 100)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _heading(incident: Incident, lookup: _Names, zone: ZoneInfo, now: datetime) -> str:
    services = md_inline(", ".join(incident.services)) or "not recorded"
    lines = [
        f"# Postmortem: {md_inline(incident.title, 200)}",
        "",
        f"_Draft from duty-tui, {_when(now, zone)}. Blameless: it describes how systems and processes "
        "behaved, not who was at fault. Complete it in the postmortem session, then publish it._",
        "",
        f"**Priority:** {incident.priority.value} · **Status:** {STATUS_WORDS[incident.status]} · "
        f"**Lead:** {lookup.who(incident.lead)} · **Services:** {services}",
    ]
    if incident.priority.value == "high":
        lines += ["", "High priority: hold the group postmortem session as soon as possible."]
    return "\n".join(lines)


def _summary(incident: Incident, lookup: _Names, zone: ZoneInfo, now: datetime) -> str:
    resolution = next((e for e in reversed(incident.events) if e.kind is IncidentEventKind.RESOLVED), None)
    if incident.resolved_at is not None:
        resolved = _when(incident.resolved_at, zone)
        took = text.duration(incident.resolved_at - incident.declared_at, "span")
    else:
        resolved = "not resolved yet"
        took = "ongoing, " + text.duration(now - incident.declared_at, "span") + " so far"
    summary = md_inline(_said(resolution, lookup)) if resolution else ""
    started = f"{_when(incident.declared_at, zone)} by {lookup.who(incident.declared_by)}"
    impact = _impact(incident, lookup)
    services = md_inline(", ".join(incident.services)) or "services not recorded"
    outcome = f"resolved after {took}" if incident.resolved_at else took
    return "\n".join(
        [
            "## Summary",
            "",
            f"A {incident.priority.value}-priority incident affecting {services}, declared "
            f"{_when(incident.declared_at, zone)}, {outcome}.",
            "",
            f"**Resolution:** {summary}" if summary else "**Resolution:** _how was it resolved?_",
            "",
            "_What happened, in two or three sentences?_",
            "",
            "## Impact",
            "",
            *([impact, ""] if impact else []),
            "_Who was affected (users, teams, other services), how, and for how long?_",
            "",
            "## Start, detection and resolution",
            "",
            "| | |",
            "|---|---|",
            f"| Started (declared) | {started} |",
            "| Detected | _How was it noticed (an alert, a user's report, monitoring), and how long after "
            "the first sign?_ |",
            f"| Resolved | {resolved} |",
            f"| Duration | {took} |",
        ]
    )


def _timeline(incident: Incident, lookup: _Names, zone: ZoneInfo) -> str:
    day = incident.declared_at.astimezone(zone).date()
    rows = ["## Timeline", "", f"Times in {_zone_name(incident.declared_at, zone)}.", ""]
    rows += ["| Time | Who | What |", "|---|---|---|"]
    for event in incident.events:
        local = event.at.astimezone(zone)
        time = local.strftime("%H:%M" if local.date() == day else "%d %b %H:%M")
        rows.append(f"| {time} | {lookup.who(event.by)} | {_what(event, lookup)} |")
    return "\n".join(rows)


def _zone_name(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Z")


_PROMPTS: Final = """## Walkthrough

Walk through the timeline together. At each step:

- What did the systems, alerts and dashboards show, and what did the team know at that moment?
- Which decisions made sense with the information available then, and what would have helped?
- What sped the response up, and what slowed it down (access, tools, runbooks, hand-offs)?

## Contributing factors

Describe the conditions in systems and processes that allowed this to happen or made it worse, not
individual mistakes: ask "how" and "what", never "who".

- Technical: changes, capacity, dependencies, third parties (AWS, 6DG, RedCentric), single points of failure.
- Detection: which alert or check could have shown it sooner?
- Process and knowledge: runbooks, documentation, access, communication with users and stakeholders."""


def _improvements(improvements: Sequence[Improvement], lookup: _Names) -> str:
    rows = [
        "## Improvements",
        "",
        "In priority order, each with an owner.",
        "",
        "| # | Action | Owner | Priority | Status | Ticket |",
        "|---|---|---|---|---|---|",
    ]
    for number, item in enumerate(improvements, 1):
        cells = [
            str(number),
            md_inline(item.action) or "—",
            lookup.who(item.owner),
            md_inline(item.priority, 40) or "—",
            md_inline(item.status, 20),
            md_inline(item.ticket, 40) if item.ticket else "not raised",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    if not improvements:
        rows.append("| 1 | _To be agreed in the session_ | | | outstanding | |")
    return "\n".join(rows)


def _impact(incident: Incident, lookup: _Names) -> str:
    """The impact as the announcement stated it (its "Impact:" line), or as typed before it was posted."""
    declaration = next((e for e in incident.events if e.kind is IncidentEventKind.DECLARED), None)
    if declaration is None:
        return ""
    if declaration.ts is None:  # not posted yet: the impact as typed
        return md_inline(declaration.text)
    plain = text.slack_text(declaration.text, lookup).plain
    for line in plain.splitlines():
        if line.startswith("Impact:"):
            return md_inline(line.removeprefix("Impact:").strip())
    return ""


def _said(event: IncidentEvent, lookup: _Names) -> str:
    """What the event said: a post from the channel without its header line, "Next update" and the
    postmortem promise (the timeline shows those itself); local text as typed."""
    if event.ts is None or (
        event.kind not in SHARED_INCIDENT_EVENTS and event.kind is not IncidentEventKind.PIN
    ):
        return event.text
    lines = text.slack_text(event.text, lookup).plain.splitlines()
    if event.kind in SHARED_INCIDENT_EVENTS:
        lines = lines[1:]
    dropped = ("Next update:", "A postmortem will follow.")
    return "\n".join(line for line in lines if not line.startswith(dropped))


def _what(event: IncidentEvent, lookup: _Names) -> str:
    """The "What" cell: duty-tui's words, and what people said escaped (a cell of literal Markdown)."""
    said = md_inline(_said(event, lookup))
    tail = f": {said}" if said else ""
    match event.kind:
        case IncidentEventKind.DECLARED:
            priority = f" ({event.priority.value} priority)" if event.priority else ""
            lead = f", lead {lookup.who(event.lead)}" if event.lead else ""
            what = f"Declared{priority}: {md_inline(event.title, 200)}{lead}"
        case IncidentEventKind.UPDATED:
            status = f" ({STATUS_WORDS[event.status]})" if event.status else ""
            what = f"Update{status}{tail}"
        case IncidentEventKind.LEAD_CHANGED:
            what = f"Lead handed to {lookup.who(event.lead)}"
        case IncidentEventKind.RESOLVED:
            what = f"Resolved{tail}"
        case IncidentEventKind.REOPENED:
            what = f"Reopened{tail}"
        case IncidentEventKind.NOTE:
            what = f"Note{tail}"
        case IncidentEventKind.PIN:
            what = f"Pinned from #laa-ops{tail}"
        case IncidentEventKind.LINK:
            case = f"{md_inline(event.vendor, 40)} case " if event.vendor else "ticket "
            what = f"Linked {case}{md_inline(event.subject or '', 100)}"
    return what + (" (not posted yet)" if event.pending else "")


JIRA_PRIORITY: Final = {"high": "High", "medium": "Medium", "low": "Low"}


def improvement_ticket(
    incident: Incident, improvement: Improvement, board_id: int, *, zone: ZoneInfo, permalink: str | None
) -> NewTicket:
    """The Jira ticket an improvement is raised as: its action as the summary, and a description (Jira
    wiki text) that says which incident's postmortem agreed it, and when."""
    declared = incident.declared_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    lines = [
        "An improvement agreed in the postmortem of the incident "
        f'"{_wiki(incident.title, 200)}" (declared {declared}, '
        f"{incident.priority.value} priority).",
        "",
        f"Action: {_wiki(improvement.action, 2000)}",
        f"Owner: {_wiki(improvement.owner, 100) or 'not set'}",
        f"Priority in the postmortem: {_wiki(improvement.priority, 20)}",
    ]
    if permalink and _URL.fullmatch(permalink):
        lines += ["", f"Incident thread in #laa-ops: {permalink}"]
    return NewTicket(
        board_id=board_id,
        summary=text.one_line(improvement.action, SUMMARY_LIMIT, breaks=False) or "Postmortem improvement",
        priority=JIRA_PRIORITY.get(improvement.priority, "Medium"),
        description="\n".join(lines),
    )


def _wiki(value: str, limit: int) -> str:
    """One line of people's text as literal Jira wiki text (no markup, links or macros of theirs)."""
    return text.wiki_literal(text.one_line(value, limit, breaks=False))
