"""A Jira ticket's first words, from a #laa-ops message: its summary and its description.

The process: the support engineer raises the ticket "with the context". So the description carries the
message, who wrote it and when, the link to it, and the thread's replies so far. Slack's mrkdwn is
shown as the channel showed it (names for mentions, labels for links) and then made literal for Jira's
wiki markup (the message in a {noformat} block, its lines kept; names and replies escaped), so a hostile
message stays text in the ticket.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from duty_tui import text
from duty_tui.models import ChatMessage

SUMMARY_LIMIT = 255  # Jira's limit for a summary
REPLIES_SHOWN = 30
_NOFORMAT_END = re.compile(r"\{(noformat)", re.IGNORECASE)


def _plain(message: ChatMessage, names: text.NameLookup) -> str:
    return text.slack_text(message.text, names).plain


def summary_of(message: ChatMessage, names: text.NameLookup) -> str:
    """The message's first non-empty line, on one line, within Jira's limit."""
    first = next((line for line in _plain(message, names).splitlines() if line.strip()), "")
    return text.one_line(first, SUMMARY_LIMIT) or "Request from #laa-ops"


def description_of(
    message: ChatMessage,
    replies: Sequence[ChatMessage],
    names: text.NameLookup,
    *,
    author: Callable[[ChatMessage], str],
    zone: ZoneInfo,
    permalink: str | None,
) -> str:
    """Jira wiki text (API v2): the message quoted, its author and time, its link, then its replies."""
    when = message.sent_at.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")
    lines = [
        "Raised from #laa-ops.",
        "",
        "{noformat}",
        _noformat(_plain(message, names)),
        "{noformat}",
        f"— {text.wiki_literal(author(message))}, {when}",
        f"Slack: {permalink}" if permalink else "Slack: (the link to the message could not be fetched)",
    ]
    if replies:
        lines += ["", "Replies so far:"]
        for reply in replies[:REPLIES_SHOWN]:
            at = reply.sent_at.astimezone(zone).strftime("%H:%M")
            body = text.wiki_literal(text.one_line(_plain(reply, names), 500))
            lines.append(f"* {text.wiki_literal(author(reply))} ({at}): {body}")
        if len(replies) > REPLIES_SHOWN:
            lines.append(f"* … and {len(replies) - REPLIES_SHOWN} more in the thread")
    return "\n".join(lines)


def _noformat(value: str) -> str:
    """Text for inside {noformat}: literal there, except a "{noformat" that would end the block early."""
    return _NOFORMAT_END.sub("\uff5b\\1", text.sanitize(value))
