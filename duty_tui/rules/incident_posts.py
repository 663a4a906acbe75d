"""The #laa-ops posts of an incident, in Slack mrkdwn: one clear, consistent format for each shared event.

Everything that came from people (titles, services, impact, updates, summaries) is sanitized and escaped
with ``text.slack_escape``, so a typed ``<!channel>`` or ``<@U1>`` stays words. The only mentions are
built here, from ids that are valid Slack user ids (``<@U…>``) or user group ids (``<!subteam^S…>``);
anything else given as an id is dropped. Titles and one-line fields are made one line, so a title cannot
forge the lines below it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from duty_tui import text
from duty_tui.models import IncidentPriority, IncidentStatus
from duty_tui.rules.incidents import SLACK_USER
from duty_tui.text.timefmt import clock

SLACK_GROUP: Final = re.compile(r"S[A-Z0-9]{1,30}")
TITLE_LIMIT: Final = 200
LINE_LIMIT: Final = 1_000
BODY_LIMIT: Final = 3_000
MAX_MENTIONS: Final = 20
QUOTE_LINES: Final = 12
_SAFE_URL: Final = re.compile(r"https://[^\s<>|]{1,500}")

STATUS_WORDS: Final = {
    IncidentStatus.INVESTIGATING: "investigating",
    IncidentStatus.IDENTIFIED: "cause identified",
    IncidentStatus.MONITORING: "fix in place, monitoring",
    IncidentStatus.RESOLVED: "resolved",
}


def mention(slack_id: str | None) -> str | None:
    """``<@U…>`` for a user id, ``<!subteam^S…>`` for a user group id, None for anything else."""
    if not isinstance(slack_id, str):
        return None
    if SLACK_USER.fullmatch(slack_id):
        return f"<@{slack_id}>"
    if SLACK_GROUP.fullmatch(slack_id):
        return f"<!subteam^{slack_id}>"
    return None


def declared_text(  # noqa: PLR0917 - positional, in the order the announcement reads
    title: str,
    priority: IncidentPriority,
    services: Sequence[str],
    environment: str,
    impact: str,
    lead_id: str | None,
    next_update: datetime | None,
    stakeholders: Sequence[str],
    zone: ZoneInfo,
) -> str:
    """The announcement that starts the incident's thread. The stakeholders (people who handle
    communication with senior leadership) are mentioned for high priority only, as the process says."""
    lines = [
        f":rotating_light: *Incident in progress* ({priority.value} priority): {_title(title)}",
        f"*Impact:* {_line(impact) or 'being assessed'}",
        f"*Services:* {_services(services, environment)}",
        f"*Lead:* {_lead(lead_id)}",
        f"*Next update:* {_when(next_update, zone)}",
    ]
    if priority is IncidentPriority.HIGH:
        found = [m for m in dict.fromkeys(mention(s) for s in stakeholders) if m][:MAX_MENTIONS]
        if found:
            lines.append("cc " + " ".join(found))
    return "\n".join(lines)


def update_text(
    status: IncidentStatus, update: str, next_update: datetime | None, zone: ZoneInfo, *, title: str = ""
) -> str:
    """An update in the thread (also broadcast when ticked, hence the optional title)."""
    about = f": {_title(title)}" if title.strip() else ""
    return "\n".join(
        [
            f":memo: *Incident update*{about} (status: {STATUS_WORDS[status]})",
            _body(update) or "No new information since the last update.",
            f"*Next update:* {_when(next_update, zone)}",
        ]
    )


def lead_text(old: str | None, new: str | None) -> str:
    """The handoff, in the thread."""
    before = mention(old)
    if before is None:
        return f":busts_in_silhouette: *Incident lead:* {_lead(new)}"
    return f":busts_in_silhouette: *Incident lead handed over:* {before} → {_lead(new)}"


def resolved_text(summary: str, duration: timedelta, *, title: str = "") -> str:
    """The resolution: one thread reply also sent to the channel."""
    about = f": {_title(title)}" if title.strip() else ""
    took = text.duration(max(duration, timedelta(0)), "span")
    return "\n".join(
        [
            f":white_check_mark: *Incident resolved*{about} (after {took})",
            _body(summary) or "No summary given.",
            "A postmortem will follow.",
        ]
    )


def reopened_text(reason: str) -> str:
    return "\n".join([":arrows_counterclockwise: *Incident reopened*", _body(reason) or "No reason given."])


def _title(value: str) -> str:
    return text.slack_escape(text.one_line(value, TITLE_LIMIT, breaks=False)) or "(untitled)"


def _line(value: str) -> str:
    return text.slack_escape(text.one_line(value, LINE_LIMIT, breaks=False))


def _body(value: str) -> str:
    """Several lines allowed (the update template has three parts), sanitized, capped and escaped."""
    lines = [line.rstrip() for line in text.sanitize(value).strip().splitlines()]
    kept = "\n".join(lines)
    if len(kept) > BODY_LIMIT:
        kept = kept[: BODY_LIMIT - 1].rstrip() + text.ELLIPSIS
    return text.slack_escape(kept)


def _services(services: Sequence[str], environment: str) -> str:
    names = [n for n in (text.one_line(s, 80, breaks=False) for s in services) if n]
    listed = text.slack_escape(", ".join(dict.fromkeys(names))) or "not known yet"
    where = _line(environment)
    return f"{listed} ({where})" if where else listed


def _lead(lead_id: str | None) -> str:
    """A user (never a group) or "to be chosen"."""
    if lead_id is None or not SLACK_USER.fullmatch(lead_id):
        return "to be chosen"
    return f"<@{lead_id}>"


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return clock(moment, zone) if moment is not None else "when there is news"


def link_text(key: str, summary: str) -> str:
    """A ticket linked to the incident, in its thread (the key is a Jira key, checked by the caller)."""
    about = _line(summary)
    return f":link: *Ticket linked:* {_line(key)}" + (f" · {about}" if about else "")


def case_text(vendor: str, reference: str) -> str:
    """A third-party case (AWS, 6DG, RedCentric…) opened for the incident, in its thread."""
    return f":link: *{_line(vendor) or 'Third-party'} case:* {_line(reference)}"


def pin_text(author: str, said: str, at: datetime, zone: ZoneInfo, permalink: str | None = None) -> str:
    """A #laa-ops message pinned into the incident's timeline, quoted in its thread (never re-mentioning
    anyone: the quote is escaped like any other text)."""
    quoted = "\n".join(f"> {line}" for line in (_body(said) or "(no text)").splitlines()[:QUOTE_LINES])
    source = f" (<{permalink}|in #laa-ops>)" if permalink and _SAFE_URL.fullmatch(permalink) else ""
    return "\n".join(
        [f":pushpin: *Pinned to the timeline:* {_line(author)} at {clock(at, zone)}{source}", quoted]
    )
