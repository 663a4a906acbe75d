"""The Jira simulator's fixed catalogue (statuses, workflow, priorities, issue types, fields) and the
records the world stores.

Issues are frozen: every change stores a new `Issue`, so the world can keep old versions cheaply for
the eventually consistent search index. Comments and histories live beside the issue, not inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

AdfDoc = dict[str, Any]
Body = str | AdfDoc  # stored in the form posted: a string (v2) or an ADF document (v3)


@dataclass(frozen=True, slots=True)
class StatusCategory:
    """One of Jira's four fixed status categories (its id is an int in JSON)."""

    id: int
    key: str
    color: str
    name: str


@dataclass(frozen=True, slots=True)
class Status:
    """A workflow status; ids are strings."""

    id: str
    name: str
    category_id: int
    description: str


@dataclass(frozen=True, slots=True)
class Transition:
    """A workflow transition, named differently from the status it leads to."""

    id: str
    name: str
    to_status_id: str


@dataclass(frozen=True, slots=True)
class Named:
    """A priority, issue type or resolution: an id, a name and a description."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class FieldDef:
    """An entry of GET /field."""

    id: str
    name: str
    schema_type: str
    clause_names: tuple[str, ...]
    items: str | None = None
    navigable: bool = True
    orderable: bool = True


CATEGORIES: dict[int, StatusCategory] = {
    1: StatusCategory(1, "undefined", "medium-gray", "No Category"),
    2: StatusCategory(2, "new", "blue-gray", "To Do"),
    4: StatusCategory(4, "indeterminate", "yellow", "In Progress"),
    3: StatusCategory(3, "done", "green", "Done"),
}

STATUSES: tuple[Status, ...] = (
    Status("10000", "To Do", 2, "Work that has not been started."),
    Status("3", "In Progress", 4, "This issue is being actively worked on at the moment by the assignee."),
    Status("10002", "Waiting for Customer", 4, "Waiting for the reporter to answer."),
    Status("10001", "Done", 3, "Work is finished."),
)
DONE_STATUS_ID = "10001"

# Transition names deliberately differ from status names: clients must pick by target status.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("11", "Back to queue", "10000"),
    Transition("21", "Start work", "3"),
    Transition("41", "Wait for reporter", "10002"),
    Transition("31", "Resolve", "10001"),
)

PRIORITIES: tuple[Named, ...] = (
    Named("1", "Highest", "This problem will block progress."),
    Named("2", "High", "Serious problem that could block progress."),
    Named("3", "Medium", "Has the potential to affect progress."),
    Named("4", "Low", "Minor problem or easily worked around."),
    Named("5", "Lowest", "Trivial problem with little or no impact on progress."),
)
PRIORITY_COLORS = {"1": "#d04437", "2": "#f15C75", "3": "#f79232", "4": "#707070", "5": "#999999"}

ISSUE_TYPES: tuple[Named, ...] = (
    Named("10002", "Task", "A small, distinct piece of work."),
    Named("10004", "Bug", "A problem or error."),
    Named("10001", "Story", "Functionality or a feature expressed as a user goal."),
    Named("10005", "Incident", "A system outage or incident."),
)

RESOLUTIONS: tuple[Named, ...] = (
    Named("10000", "Done", "Work has been completed on this issue."),
    Named("10001", "Won't Do", "This issue won't be actioned."),
    Named("10002", "Duplicate", "The problem is a duplicate of an existing issue."),
    Named("10003", "Cannot Reproduce", "This issue couldn't be reproduced."),
)

RANK_FIELD_ID = 10019

FIELDS: tuple[FieldDef, ...] = (
    FieldDef("issuekey", "Key", "string", ("id", "issue", "issuekey", "key"), orderable=False),
    FieldDef("summary", "Summary", "string", ("summary",)),
    FieldDef("description", "Description", "string", ("description",)),
    FieldDef("issuetype", "Issue Type", "issuetype", ("issuetype", "type")),
    FieldDef("project", "Project", "project", ("project",)),
    FieldDef("status", "Status", "status", ("status",), orderable=False),
    FieldDef("statusCategory", "Status Category", "statusCategory", ("statusCategory",), orderable=False),
    FieldDef(
        "statuscategorychangedate", "Status Category Changed", "datetime", ("statusCategoryChangedDate",)
    ),
    FieldDef("priority", "Priority", "priority", ("priority",)),
    FieldDef("assignee", "Assignee", "user", ("assignee",)),
    FieldDef("reporter", "Reporter", "user", ("reporter",)),
    FieldDef("creator", "Creator", "user", ("creator",), orderable=False),
    FieldDef("components", "Components", "array", ("component",), items="component"),
    FieldDef("labels", "Labels", "array", ("labels",), items="string"),
    FieldDef("resolution", "Resolution", "resolution", ("resolution",)),
    FieldDef("resolutiondate", "Resolved", "datetime", ("resolutiondate", "resolved"), orderable=False),
    FieldDef("created", "Created", "datetime", ("created", "createdDate"), orderable=False),
    FieldDef("updated", "Updated", "datetime", ("updated", "updatedDate"), orderable=False),
    FieldDef("comment", "Comment", "comments-page", ("comment",), navigable=False),
    FieldDef(
        f"customfield_{RANK_FIELD_ID}", "Rank", "any", (f"cf[{RANK_FIELD_ID}]", "Rank"), orderable=False
    ),
)
FIELD_IDS: tuple[str, ...] = tuple(f.id for f in FIELDS if f.id not in ("issuekey", "statusCategory"))
NAVIGABLE_FIELD_IDS: tuple[str, ...] = tuple(
    f.id for f in FIELDS if f.navigable and f.id not in ("issuekey", "statusCategory")
)


def status_by_id(status_id: str) -> Status:
    return next(s for s in STATUSES if s.id == status_id)


def find_named(items: tuple[Named, ...], ref: str) -> Named | None:
    """By id, or by name ignoring case."""
    return next((i for i in items if i.id == ref or i.name.lower() == ref.lower()), None)


def find_status(ref: str) -> Status | None:
    return next((s for s in STATUSES if s.id == ref or s.name.lower() == ref.lower()), None)


@dataclass(slots=True)
class User:
    """A Cloud user: known by accountId only (no name or key, GDPR strict)."""

    account_id: str
    display_name: str
    email: str | None
    time_zone: str
    active: bool


@dataclass(frozen=True, slots=True)
class Project:
    """A project; `lead` is an account id."""

    id: str
    key: str
    name: str
    lead: str  # account id


@dataclass(frozen=True, slots=True)
class Component:
    """A project component."""

    id: str
    name: str
    project_key: str


@dataclass(frozen=True, slots=True)
class SavedFilter:
    """A saved filter; its id is a string."""

    id: str
    name: str
    jql: str
    owner: str


@dataclass(frozen=True, slots=True)
class Column:
    """A board column and the status ids mapped to it."""

    name: str
    status_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Board:
    """An Agile board over a saved filter (kanban boards may add a sub-query)."""

    id: int
    name: str
    type: str
    project_key: str
    filter_id: str
    sub_query: str | None
    columns: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    """One version of an issue; changes store a new version."""

    id: str
    key: str
    project_key: str
    summary: str
    description: Body
    issue_type_id: str
    priority_id: str
    reporter: str | None
    creator: str | None
    assignee: str | None
    status_id: str
    resolution_id: str | None
    resolution_date: datetime | None
    status_category_changed: datetime
    component_ids: tuple[str, ...]
    labels: tuple[str, ...]
    created: datetime
    updated: datetime
    rank: int


@dataclass(slots=True)
class Comment:
    """A comment; the body is kept in the form it was posted."""

    id: str
    issue_id: str
    author: str
    body: Body
    created: datetime
    updated: datetime
    properties: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One changed field within a changelog history."""

    field: str
    field_id: str
    from_id: str | None
    from_string: str | None
    to_id: str | None
    to_string: str | None
    is_user: bool = False  # assignee items also carry tmpFromAccountId / tmpToAccountId


@dataclass(frozen=True, slots=True)
class History:
    """A changelog entry: who changed what, when."""

    id: str
    issue_id: str
    author: str | None
    created: datetime
    items: tuple[ChangeItem, ...]


@dataclass(frozen=True, slots=True)
class RemoteLink:
    """A remote issue link (e.g. to a Slack thread): the linked object as posted, plus its identifiers.

    `fields` is the posted `object` (url, title and any summary, icon, status); a link created with a
    `globalId` is found, and replaced whole, by that id (`POST …/remotelink` upserts)."""

    id: int
    issue_id: str
    global_id: str | None
    relationship: str | None
    application: dict[str, Any] | None
    fields: dict[str, Any]
