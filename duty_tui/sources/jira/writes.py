"""Jira writes and the reads they depend on, for the outbox and the ticket views.

Every write goes straight to the REST endpoint the reference notes prescribe: the assignee by
`accountId` (never `assign_issue`, which searches users first), transitions by id after choosing
them by target status, comments with a `duty-tui` property carrying the outbox id so a resend can
tell whether an earlier attempt already landed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from duty_tui.models import Person, TicketDetail, Transition
from duty_tui.sources.jira import history
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.values import items, mapping, optional_text, text

PROPERTY_KEY = "duty-tui"


@dataclass(frozen=True, slots=True)
class IssueState:
    """A ticket as Jira has it right now: the one state check a write makes."""

    key: str
    assignee_id: str | None
    assignee: str | None
    status_id: str
    status: str
    status_category: str
    transitions: tuple[Transition, ...]
    updated: datetime | None = None  # Jira's own clock: when the ticket last changed


class JiraWriter:
    """Writes and on-demand reads for one Jira site (thread-safe: it shares the source's client)."""

    def __init__(self, jira: JiraSource) -> None:
        self.jira = jira

    # -- reads ------------------------------------------------------------------------------------

    def state(self, key: str) -> IssueState:
        """Assignee, status and available transitions in one request."""
        raw = self._get(
            f"issue/{key}", {"fields": "assignee,status,updated", "expand": "transitions"}, f"checking {key}"
        )
        fields = mapping(mapping(raw).get("fields"))
        status = mapping(fields.get("status"))
        assignee = mapping(fields.get("assignee"))
        return IssueState(
            key=key,
            assignee_id=optional_text(assignee.get("accountId")),
            assignee=optional_text(assignee.get("displayName")),
            status_id=text(status.get("id")),
            status=text(status.get("name")),
            status_category=text(mapping(status.get("statusCategory")).get("key")),
            transitions=parse_transitions(mapping(raw).get("transitions")),
            updated=history.moment(fields.get("updated")),
        )

    def transitions(self, key: str) -> list[Transition]:
        raw = self._get(f"issue/{key}/transitions", None, f"reading the transitions of {key}")
        return list(parse_transitions(mapping(raw).get("transitions")))

    def has_comment(self, key: str, uid: str) -> bool:
        """Whether a comment made for outbox entry `uid` is already on the ticket."""
        raw = self._get(
            f"issue/{key}/comment",
            {"orderBy": "-created", "maxResults": 100, "expand": "properties"},
            f"checking the comments of {key}",
        )
        for comment in history.comments(raw)[0]:
            for prop in map(mapping, items(comment.get("properties"))):
                if prop.get("key") == PROPERTY_KEY and mapping(prop.get("value")).get("outbox") == uid:
                    return True
        return False

    def assignable(self, key: str, query: str = "") -> list[Person]:
        raw = self._get(
            "user/assignable/search",
            {"issueKey": key, "query": query, "maxResults": 100},
            f"listing who can take {key}",
        )
        people = []
        for user in map(mapping, items(raw)):
            if user.get("accountId") and user.get("active", True):
                people.append(
                    Person(
                        text(user["accountId"]),
                        text(user.get("displayName")) or "?",
                        optional_text(user.get("emailAddress")),
                    )
                )
        return people

    def user(self, account_id: str) -> Person | None:
        """One user by account id (teammates may be missing from a capped assignable list)."""
        raw = mapping(self._get("user", {"accountId": account_id}, "looking up a teammate"))
        if not raw.get("accountId"):
            return None
        return Person(
            text(raw["accountId"]),
            text(raw.get("displayName")) or "?",
            optional_text(raw.get("emailAddress")),
        )

    def detail(self, key: str) -> TicketDetail:
        """Description, comments and the full status history (for the ticket view)."""
        raw = mapping(self._get(f"issue/{key}", {"fields": "description,status,comment"}, f"reading {key}"))
        fields = mapping(raw.get("fields"))
        status = mapping(fields.get("status"))
        entries, cut = history.comments(fields.get("comment"))
        if cut:
            entries = self.jira.comment_entries(key)
        return TicketDetail(
            key=key,
            description=text(fields.get("description")),
            comments=tuple(history.comment_models(entries)),
            history=tuple(history.status_changes(self._full_changelog(key))),
            status_id=text(status.get("id")),
            status=text(status.get("name")),
        )

    def _full_changelog(self, key: str) -> list[Mapping[str, Any]]:
        histories: list[Mapping[str, Any]] = []
        start = 0
        for _ in range(50):  # 5,000 histories is more than any ticket a duty engineer opens
            page = mapping(
                self._get(
                    f"issue/{key}/changelog",
                    {"startAt": start, "maxResults": 100},
                    f"reading the history of {key}",
                )
            )
            values = [h for h in items(page.get("values")) if isinstance(h, Mapping)]
            histories.extend(values)
            start += len(values)
            if page.get("isLast", True) or not values:
                break
        return histories

    # -- writes -------------------------------------------------------------------------------

    def assign(self, key: str, account_id: str | None) -> None:
        self._send("put", f"issue/{key}/assignee", {"accountId": account_id}, f"assigning {key}")

    def transition(self, key: str, transition_id: str) -> None:
        self._send("post", f"issue/{key}/transitions", {"transition": {"id": transition_id}}, f"moving {key}")

    def comment(self, key: str, body: str, uid: str) -> None:
        payload = {"body": body, "properties": [{"key": PROPERTY_KEY, "value": {"outbox": uid}}]}
        self._send("post", f"issue/{key}/comment", payload, f"commenting on {key}")

    # -- plumbing -------------------------------------------------------------------------------

    def _get(self, path: str, params: Mapping[str, Any] | None, doing: str) -> Any:
        client = self.jira.client()
        with self.jira.translate_errors(doing):
            return client._get_json(path, params=dict(params) if params else None)

    def _send(self, method: str, path: str, payload: Mapping[str, Any], doing: str) -> Any:
        """Send a JSON body; returns Jira's JSON answer ({} when it has none)."""
        client = self.jira.client()
        with self.jira.translate_errors(doing):
            response = getattr(client._session, method)(client._get_url(path), data=json.dumps(payload))
            return response.json() if response.content else {}

    # The plumbing, for the other writers that share this client (`sources.jira.creation`).
    read = _get
    send = _send


def parse_transitions(raw: Any) -> tuple[Transition, ...]:
    found: list[Transition] = []
    for entry in map(mapping, items(raw)):
        target = mapping(entry.get("to"))
        if entry.get("id") is None or target.get("id") is None:
            continue
        found.append(
            Transition(
                id=text(entry["id"]),
                name=text(entry.get("name")),
                to_id=text(target["id"]),
                to_name=text(target.get("name")),
                to_category=text(mapping(target.get("statusCategory")).get("key")),
            )
        )
    return tuple(found)


def choose_transition(
    transitions: tuple[Transition, ...], *, to_status_id: str | None, to_category: str | None, preferred: str
) -> Transition | None:
    """The transition to a status id, else to a category (preferring the status named `preferred`).
    Never by the transition's own name, which differs from workflow to workflow."""
    if to_status_id is not None:
        return next((t for t in transitions if t.to_id == to_status_id), None)
    candidates = [t for t in transitions if t.to_category == to_category]
    return next(
        (t for t in candidates if t.to_name.lower() == preferred.lower()),
        candidates[0] if candidates else None,
    )
