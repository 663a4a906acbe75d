"""Raising a Jira ticket from a #laa-ops message: create it, find it again after a lost answer, link it.

A creation is not idempotent in Jira, so each new ticket carries its outbox id as an issue property
(`duty-tui` → `{"outbox": uid}`); a resend first looks among the engineer's own tickets created in the
last minutes for one carrying that id. The remote link back to the Slack thread uses the permalink as
its `globalId`, which makes a resend of it an update, never a second link.
"""

from __future__ import annotations

import math
from typing import Any

from duty_tui.models import NewTicket
from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.writes import PROPERTY_KEY, JiraWriter
from duty_tui.sources.values import items, mapping, optional_text

LOOK_BACK_MARGIN_MINUTES = 10  # before the write was made: clocks differ, and Jira's may be ahead
SLACK_ICON = "https://slack.com/favicon.ico"


class TicketCreator:
    """Creates tickets on one Jira site (thread-safe: it shares the source's client)."""

    def __init__(self, writer: JiraWriter) -> None:
        self.writer = writer

    def create(
        self,
        ticket: NewTicket,
        *,
        project: str,
        issue_type: str,
        component: str | None,
        uid: str,
        assignee: str | None = None,
        labels: tuple[str, ...] = (),
    ) -> str:
        """Create the ticket (assigned to `assignee`, an account id, when given); returns its key."""
        fields: dict[str, Any] = {
            "project": {"key": project},
            "issuetype": {"name": issue_type},
            "summary": ticket.summary,
            "description": ticket.description,
            "priority": {"name": ticket.priority},
        }
        if component:
            fields["components"] = [{"name": component}]
        if assignee:
            fields["assignee"] = {"accountId": assignee}
        if labels:
            fields["labels"] = list(labels)
        payload = {"fields": fields, "properties": [{"key": PROPERTY_KEY, "value": {"outbox": uid}}]}
        answer = mapping(self.writer.send("post", "issue", payload, f"creating a ticket in {project}"))
        key = optional_text(answer.get("key"))
        if not key:
            raise SourceError(f"Jira created a ticket in {project} but did not say its key.")
        return key

    def find_created(self, uid: str, made_minutes_ago: float) -> str | None:
        """The key of a ticket an earlier attempt created (its answer was lost), if there is one: among
        the engineer's tickets created since the write was made (`made_minutes_ago`, plus a margin),
        however long ago that was."""
        minutes = math.ceil(max(0.0, made_minutes_ago)) + LOOK_BACK_MARGIN_MINUTES
        jql = f"reporter = currentUser() AND created >= -{minutes}m ORDER BY created DESC"
        found = mapping(
            self.writer.read(
                "search/jql", {"jql": jql, "fields": "created", "maxResults": 50}, "looking for a ticket"
            )
        )
        for issue in map(mapping, items(found.get("issues"))):
            key = optional_text(issue.get("key"))
            if key and self._outbox_id(key) == uid:
                return key
        return None

    def link(self, key: str, url: str, title: str) -> None:
        """A remote link from the ticket to the Slack thread (an update if it is already there)."""
        payload = {
            "globalId": url,
            "application": {"type": "com.slack", "name": "Slack"},
            "relationship": "discussed in",
            "object": {"url": url, "title": title, "icon": {"url16x16": SLACK_ICON, "title": "Slack"}},
        }
        self.writer.send("post", f"issue/{key}/remotelink", payload, f"linking {key} to its Slack thread")

    def _outbox_id(self, key: str) -> str | None:
        try:
            found = mapping(
                self.writer.read(f"issue/{key}/properties/{PROPERTY_KEY}", None, f"checking {key}")
            )
        except SourceError as error:
            if error.status == 404:  # no property: a ticket created some other way
                return None
            raise
        return optional_text(mapping(found.get("value")).get("outbox"))
