"""Issue entity properties and remote issue links in the Jira simulator's world, mixed into `JiraWorld`.

Entity properties are an app's own JSON stored on an issue (`issue/{key}/properties/{propertyKey}`):
invisible in the issue's fields, its changelog and its `updated` time. Remote links point from an issue
to something outside Jira, such as a Slack thread; posting one with a `globalId` that the issue already
has replaces that link whole ("Any fields without values in the request are set to null"), which makes
a resend safe. Both follow the platform REST description (api-group-issue-properties,
api-group-issue-remote-links). The limits and the messages that name them are checked here, once, for
the HTTP routes and the Python API alike.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from duty_sim.jira.model import RemoteLink
from duty_sim.jira.world_query import WorldQueries

MAX_PROPERTY_KEY = 255
MAX_PROPERTY_VALUE = 32768  # bytes of the value's JSON ("The maximum length is 32768 bytes")
MAX_GLOBAL_ID = 255
MAX_LINK_TITLE = 255


def property_problem(property_key: Any, value_json: bytes | None) -> str | None:
    """Why Jira refuses this property (the message for `errorMessages`), or None when it is fine.

    `value_json` is the value as JSON text; None stands for a missing or empty value."""
    if not isinstance(property_key, str) or not property_key.strip():
        return "The property key cannot be null or empty."
    if len(property_key) > MAX_PROPERTY_KEY:
        return f"The property key cannot be longer than {MAX_PROPERTY_KEY} characters."
    if not value_json:
        return "The property value cannot be null or empty."
    if len(value_json) > MAX_PROPERTY_VALUE:
        return f"The property value cannot be longer than {MAX_PROPERTY_VALUE} bytes."
    return None


def value_json(value: Any) -> bytes:
    """A value as the JSON Jira stores, to measure it the way the limit is stated."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def link_problems(fields: Mapping[str, Any], global_id: Any) -> dict[str, str]:
    """Per-field problems with a remote link's object and globalId, keyed as Jira's `errors` are."""
    problems: dict[str, str] = {}
    for name in ("url", "title"):
        value = fields.get(name)
        if not isinstance(value, str) or not value.strip():
            problems[name] = f"'{name}' is required."
    title = fields.get("title")
    if isinstance(title, str) and len(title) > MAX_LINK_TITLE:
        problems["title"] = f"'title' must be less than {MAX_LINK_TITLE} characters."
    if global_id is not None and (not isinstance(global_id, str) or len(global_id) > MAX_GLOBAL_ID):
        problems["globalId"] = f"'globalId' must be a string of at most {MAX_GLOBAL_ID} characters."
    return problems


class LinksAndProperties(WorldQueries):
    """Properties and remote links of issues; callers hold `lock` (the public methods take it)."""

    # -- entity properties ------------------------------------------------------------------------

    def set_issue_property(self, key: str, property_key: str, value: Any) -> bool:
        """Create or replace an issue property; True when it was created (HTTP 201), else 200."""
        with self.lock:
            issue = self._issue(key)
            problem = property_problem(property_key, value_json(value))
            if problem is not None:
                raise ValueError(problem)
            stored = self.issue_properties.setdefault(issue.id, {})
            created = property_key not in stored
            stored[property_key] = copy.deepcopy(value)
            return created

    def issue_property(self, key: str, property_key: str) -> Any:
        """A copy of the property's value; KeyError when the issue has no such property."""
        with self.lock:
            issue = self._issue(key)
            return copy.deepcopy(self.issue_properties.get(issue.id, {})[property_key])

    def issue_property_keys(self, key: str) -> list[str]:
        with self.lock:
            return list(self.issue_properties.get(self._issue(key).id, {}))

    # -- remote links -----------------------------------------------------------------------------

    def add_remote_link(
        self,
        key: str,
        url: str,
        title: str,
        *,
        global_id: str | None = None,
        relationship: str | None = None,
        application: Mapping[str, Any] | None = None,
        **object_fields: Any,
    ) -> tuple[int, bool]:
        """Link the issue to `url`; with a `global_id` the issue already has, replace that link.

        Returns (link id, created). `object_fields` are the other keys of the linked object
        (summary, icon, status)."""
        fields = {"url": url, "title": title, **object_fields}
        with self.lock:
            issue = self._issue(key)
            problems = link_problems(fields, global_id)
            if problems:
                raise ValueError("; ".join(problems.values()))
            links = self.remote_links.setdefault(issue.id, [])
            existing = next(
                (i for i, link in enumerate(links) if global_id is not None and link.global_id == global_id),
                None,
            )
            if existing is None:
                self.last_remote_link_id += 1
                link_id = self.last_remote_link_id
            else:
                link_id = links[existing].id
            link = RemoteLink(
                id=link_id,
                issue_id=issue.id,
                global_id=global_id,
                relationship=relationship,
                application=dict(application) if application is not None else None,
                fields=copy.deepcopy(fields),
            )
            if existing is None:
                links.append(link)
            else:
                links[existing] = link  # the whole link is replaced: absent fields become empty
            return link_id, existing is None

    def find_remote_links(self, issue_id: str, global_id: str | None = None) -> list[RemoteLink]:
        """The issue's links in creation order, or the one with `global_id` (a list of at most one)."""
        links = self.remote_links.get(issue_id, [])
        return [link for link in links if global_id is None or link.global_id == global_id]

    def remote_link_views(self, key: str) -> list[dict[str, Any]]:
        """The issue's remote links in v2 JSON shape, as GET …/remotelink answers (for assertions)."""
        with self.lock:
            issue = self._issue(key)
            render = self.renderer()
            return [render.remote_link(issue, link) for link in self.find_remote_links(issue.id)]
