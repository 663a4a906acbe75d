"""Slack mrkdwn at the string level: its patterns, escaping outgoing text, and the Jira keys a message names.

No rich here: the desks use :func:`slack_escape` and :func:`ticket_keys` without loading the renderer.
"""

from __future__ import annotations

import re
from typing import Final

from duty_tui.text.clean import sanitize

# Slack escapes every literal <, > and & in `text`, so an unescaped <…> is always an entity.
_ENTITY: Final = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
_PRE: Final = re.compile(r"```(.+?)```", re.DOTALL)
_CODE: Final = re.compile(r"`([^`\n]+)`")

TICKET_KEY: Final = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d{1,7}\b")
"""A Jira issue key ("LAA-123") on word boundaries. Also matches "UTF-8" or "SHA-256": whoever resolves
keys (``NameLookup.ticket_url``, the app's list of tickets) decides which are really tickets."""


def _unescape(value: str) -> str:
    # &amp; last, so "&amp;lt;" shows as "&lt;" (the sender typed "&lt;").
    if "&" not in value:
        return value
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_escape(text: str) -> str:
    """Text as typed → Slack ``text`` that shows it literally: ``&`` first, then ``<`` and ``>``.

    These are Slack's only escapes, so a typed ``<@U1>`` or ``<!channel>`` stays words instead of
    pinging anyone. Style markers (``*bold*``) have no escape in mrkdwn and keep their meaning.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _key_candidates(source: str) -> list[str]:
    """The distinct ticket keys in ``source``, in order. ``_`` counts as a word break here (it is a word
    character to ``\\b``), so the key in ``_LAA-1_`` is found, as the renderer sees it once the italic
    markers are gone."""
    if "-" not in source:
        return []
    return list(dict.fromkeys(found.group() for found in TICKET_KEY.finditer(source.replace("_", " "))))


def _without_code(source: str) -> str:
    if "`" not in source:
        return source
    # Replaced by a space, not removed, so the words on either side stay separate words.
    return _CODE.sub(" ", _PRE.sub(" ", source))


def ticket_keys(text: str) -> list[str]:
    """The Jira keys a Slack message mentions, in order of first mention, without duplicates.

    Keys in ``code`` and ```pre``` blocks are examples, not mentions, and are left out; keys in links
    (``<https://…/browse/LAA-1|the ticket>``) count, since linking a ticket mentions it, and so do keys
    in ``_italic_`` (``_`` counts as a word break).
    """
    return _key_candidates(_without_code(sanitize(text)))
