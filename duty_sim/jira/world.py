"""The Jira simulator's in-memory state: users, projects, components, boards, filters, issues,
comments and changelog, behind one re-entrant lock (issue properties and remote links are in
`duty_sim.jira.world_links`, mixed in).

Tests and demo scenarios call the public methods directly; the HTTP routes call them too, holding
`world.lock` for a whole request so every answer sees one consistent state. Every change takes its
time from the injected clock (or an explicit `at`), bumps `updated`, and records a changelog history
where Jira would. Old versions of each issue are kept for the simulated search-index lag.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from duty_sim.clock import Clock, SystemClock
from duty_sim.jira.model import (
    DONE_STATUS_ID,
    ISSUE_TYPES,
    PRIORITIES,
    RESOLUTIONS,
    Board,
    Body,
    ChangeItem,
    Column,
    Comment,
    Component,
    History,
    Issue,
    Project,
    RemoteLink,
    SavedFilter,
    User,
    find_named,
    find_status,
    status_by_id,
)
from duty_sim.jira.world_links import LinksAndProperties

DEFAULT_COLUMNS = (("To Do",), ("In Progress", "Waiting for Customer"), ("Done",))
_VERSIONS_KEPT = 50


def make_account_id(seed: str, index: int) -> str:
    """A realistic, deterministic Atlassian account id; every other one has the `712020:` form."""
    digest = hashlib.sha256(f"{seed}/{index}".encode()).hexdigest()
    if index % 2 == 0:
        return f"712020:{uuid.UUID(digest[:32])}"
    return digest[:24]


class JiraWorld(LinksAndProperties):
    """All simulated Jira state. Thread-safe: every public method holds `lock` (an RLock)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.lock = threading.RLock()
        self.base_url = "http://127.0.0.1"  # JiraSim sets the real one when it starts
        # How many comments the `comment` field of search results and issues carries (None: all).
        self.comment_embed_cap: int | None = None
        self.users: dict[str, User] = {}
        self.api_user_id: str | None = None
        self.projects: dict[str, Project] = {}
        self.components: dict[str, Component] = {}
        self.filters: dict[str, SavedFilter] = {}
        self.boards: dict[int, Board] = {}
        self.issues: dict[str, Issue] = {}  # by id, in creation (rank) order
        self.versions: dict[str, list[tuple[datetime, Issue]]] = {}
        self.comment_list: dict[str, list[Comment]] = {}
        self.histories: dict[str, list[History]] = {}
        self.issue_properties: dict[str, dict[str, Any]] = {}  # see duty_sim.jira.world_links
        self.remote_links: dict[str, list[RemoteLink]] = {}
        self._counters = {"project": 10000, "component": 10100, "filter": 10500, "issue": 10000}
        self._counters |= {"comment": 10000, "history": 10000}
        self._issue_numbers: dict[str, int] = {}

    def _next(self, kind: str) -> str:
        value = self._counters[kind]
        self._counters[kind] = value + 1
        return str(value)

    # -- users, projects, boards --------------------------------------------------------------

    def add_user(
        self,
        display_name: str,
        email: str | None = None,
        account_id: str | None = None,
        time_zone: str = "Europe/London",
        active: bool = True,
    ) -> str:
        """Add a user and return its accountId (generated, realistic, when not given)."""
        with self.lock:
            account_id = account_id or make_account_id(display_name, len(self.users))
            if account_id in self.users:
                raise ValueError(f"user {account_id!r} already exists")
            self.users[account_id] = User(account_id, display_name, email, time_zone, active)
            return account_id

    def set_api_user(self, account_id: str) -> None:
        with self.lock:
            self._user(account_id)
            self.api_user_id = account_id

    def set_user_active(self, account_id: str, active: bool) -> None:
        with self.lock:
            self._user(account_id).active = active

    def add_project(self, key: str, name: str) -> None:
        with self.lock:
            if key in self.projects:
                raise ValueError(f"project {key!r} already exists")
            lead = self.api_user_id or next(iter(self.users), "")
            self.projects[key] = Project(self._next("project"), key, name, lead)
            self._issue_numbers[key] = 0

    def add_component(self, project_key: str, name: str) -> None:
        with self.lock:
            self._project(project_key)
            if any(c.name == name and c.project_key == project_key for c in self.components.values()):
                raise ValueError(f"component {name!r} already exists in {project_key}")
            component_id = self._next("component")
            self.components[component_id] = Component(component_id, name, project_key)

    def add_filter(self, name: str, jql: str, owner: str | None = None) -> str:
        """A saved filter; returns its (string) id."""
        with self.lock:
            filter_id = self._next("filter")
            self.filters[filter_id] = SavedFilter(filter_id, name, jql, owner or self.api_user_id or "")
            return filter_id

    def add_board(  # noqa: PLR0917 (the agreed public signature takes these positionally)
        self,
        board_id: int,
        name: str,
        project_key: str,
        filter_jql: str,
        board_type: str = "kanban",
        sub_query: str | None = None,
        column_status_names: list[list[str]] | None = None,
    ) -> None:
        """A board over a new saved filter holding `filter_jql`; columns map to status names."""
        with self.lock:
            self._project(project_key)
            if board_id in self.boards:
                raise ValueError(f"board {board_id} already exists")
            if board_type not in ("kanban", "scrum"):
                raise ValueError(f"board type must be kanban or scrum, not {board_type!r}")
            filter_id = self.add_filter(f"Filter for {name}", filter_jql)
            columns = tuple(self._column(names) for names in (column_status_names or DEFAULT_COLUMNS))
            sub = sub_query if board_type == "kanban" else None
            self.boards[board_id] = Board(board_id, name, board_type, project_key, filter_id, sub, columns)

    @staticmethod
    def _column(names: Sequence[str]) -> Column:
        statuses = [find_status(n) for n in names]
        if not names or None in statuses:
            raise ValueError(f"unknown status in column {list(names)!r}")
        return Column(names[0], tuple(s.id for s in statuses if s))

    # -- issues ---------------------------------------------------------------------------------

    def create_issue(
        self,
        project_key: str,
        summary: str,
        *,
        issue_type: str = "Task",
        priority: str = "Medium",
        reporter: str | None = None,
        created: datetime | None = None,
        description: Body = "",
        components: Sequence[str] = (),
        labels: Sequence[str] = (),
        status: str = "To Do",
        assignee: str | None = None,
        creator: str | None = None,
    ) -> str:
        """Create an issue (no changelog, as in Jira) and return its key, e.g. LAA-7."""
        with self.lock:
            self._project(project_key)
            at = created or self.clock.now()
            reporter = reporter or self.api_user_id
            creator = creator or reporter
            for account in (reporter, assignee, creator):
                if account is not None:
                    self._user(account)
            status_obj = find_status(status)
            if status_obj is None:
                raise ValueError(f"unknown status {status!r}")
            self._issue_numbers[project_key] += 1
            issue_id = self._next("issue")
            done = status_obj.id == DONE_STATUS_ID
            issue = Issue(
                id=issue_id,
                key=f"{project_key}-{self._issue_numbers[project_key]}",
                project_key=project_key,
                summary=summary,
                description=description,
                issue_type_id=self._named(ISSUE_TYPES, issue_type, "issue type").id,
                priority_id=self._named(PRIORITIES, priority, "priority").id,
                reporter=reporter,
                creator=creator,
                assignee=assignee,
                status_id=status_obj.id,
                resolution_id=RESOLUTIONS[0].id if done else None,
                resolution_date=at if done else None,
                status_category_changed=at,
                component_ids=self._component_ids(project_key, components),
                labels=tuple(labels),
                created=at,
                updated=at,
                rank=int(issue_id),
            )
            self.comment_list[issue_id] = []
            self.histories[issue_id] = []
            self._store(issue)
            return issue.key

    def assign(
        self, key: str, account_id: str | None, by: str | None = None, at: datetime | None = None
    ) -> None:
        """Set or clear the assignee, recording an assignee history when it changes."""
        with self.lock:
            issue = self._issue(key)
            if account_id is not None:
                self._user(account_id)
            if issue.assignee == account_id:
                return
            item = ChangeItem(
                "assignee",
                "assignee",
                issue.assignee,
                self._display(issue.assignee),
                account_id,
                self._display(account_id),
                is_user=True,
            )
            self._change(issue, (item,), by, at, assignee=account_id)

    def transition_to(
        self,
        key: str,
        status_name: str,
        by: str | None = None,
        at: datetime | None = None,
        resolution: str | None = None,
    ) -> None:
        """Move to a status (name or id), recording status and resolution items; no-op if already there."""
        with self.lock:
            issue = self._issue(key)
            target = find_status(status_name)
            if target is None:
                raise ValueError(f"unknown status {status_name!r}")
            if target.id == issue.status_id:
                return  # already there: nothing changes and no history is written
            current = status_by_id(issue.status_id)
            items = [ChangeItem("status", "status", current.id, current.name, target.id, target.name)]
            when = at or self.clock.now()
            changes: dict[str, Any] = {"status_id": target.id}
            if current.category_id != target.category_id:
                changes["status_category_changed"] = when
            new_resolution = self._resolution_for(target.id, resolution)
            if new_resolution != issue.resolution_id:
                old = find_named(RESOLUTIONS, issue.resolution_id or "")
                new = find_named(RESOLUTIONS, new_resolution or "")
                items.append(
                    ChangeItem(
                        "resolution",
                        "resolution",
                        old.id if old else None,
                        old.name if old else None,
                        new.id if new else None,
                        new.name if new else None,
                    )
                )
                changes |= {
                    "resolution_id": new_resolution,
                    "resolution_date": when if new_resolution else None,
                }
            self._change(issue, tuple(items), by, when, **changes)

    def _resolution_for(self, status_id: str, resolution: str | None) -> str | None:
        if status_id != DONE_STATUS_ID:
            return None  # reopening clears the resolution, as Jira's default workflow does
        return self._named(RESOLUTIONS, resolution or "Done", "resolution").id

    def add_comment(self, key: str, author: str, body: Body, at: datetime | None = None) -> str:
        """Add a comment (stored in the form given) and return its id."""
        return self.add_comment_with(key, author, body, at)

    def add_comment_with(
        self,
        key: str,
        author: str,
        body: Body,
        at: datetime | None = None,
        properties: Sequence[tuple[str, Any]] = (),
    ) -> str:
        with self.lock:
            issue = self._issue(key)
            self._user(author)
            when = at or self.clock.now()
            comment = Comment(self._next("comment"), issue.id, author, body, when, when, tuple(properties))
            self.comment_list[issue.id].append(comment)
            self._store(dataclasses.replace(issue, updated=max(issue.updated, when)))
            return comment.id

    def set_components(self, key: str, names: Sequence[str], by: str | None = None) -> None:
        with self.lock:
            issue = self._issue(key)
            ids = self._component_ids(issue.project_key, names)
            item = ChangeItem(
                "Component",
                "components",
                ", ".join(self.components[i].id for i in issue.component_ids) or None,
                ", ".join(self.components[i].name for i in issue.component_ids) or None,
                ", ".join(ids) or None,
                ", ".join(names) or None,
            )
            self._change(issue, (item,), by, None, component_ids=ids)

    def set_summary(self, key: str, text: str, by: str | None = None) -> None:
        with self.lock:
            issue = self._issue(key)
            item = ChangeItem("summary", "summary", None, issue.summary, None, text)
            self._change(issue, (item,), by, None, summary=text)

    def set_priority(self, key: str, name: str, by: str | None = None) -> None:
        with self.lock:
            issue = self._issue(key)
            old = self._named(PRIORITIES, issue.priority_id, "priority")
            new = self._named(PRIORITIES, name, "priority")
            item = ChangeItem("priority", "priority", old.id, old.name, new.id, new.name)
            self._change(issue, (item,), by, None, priority_id=new.id)

    def set_labels(self, key: str, labels: Sequence[str], by: str | None = None) -> None:
        with self.lock:
            issue = self._issue(key)
            item = ChangeItem("labels", "labels", None, " ".join(issue.labels), None, " ".join(labels))
            self._change(issue, (item,), by, None, labels=tuple(labels))

    def set_description(self, key: str, description: Body, by: str | None = None) -> None:
        with self.lock:
            issue = self._issue(key)
            item = ChangeItem("description", "description", None, None, None, None)
            self._change(issue, (item,), by, None, description=description)

    # -- internals -------------------------------------------------------------------------------

    def _change(
        self, issue: Issue, items: tuple[ChangeItem, ...], by: str | None, at: datetime | None, **changes: Any
    ) -> datetime:
        """Apply field changes, bump `updated` and append one history holding `items`."""
        when = at or self.clock.now()
        author = by or self.api_user_id
        if author is not None:
            self._user(author)
        history = History(self._next("history"), issue.id, author, when, items)
        self.histories[issue.id].append(history)
        self._store(dataclasses.replace(issue, updated=max(issue.updated, when), **changes))
        return when

    def _store(self, issue: Issue) -> None:
        self.issues[issue.id] = issue
        versions = self.versions.setdefault(issue.id, [])
        # Stamped with the clock, not a back-dated `at`: the index lags behind when the change was made.
        versions.append((self.clock.now(), issue))
        del versions[:-_VERSIONS_KEPT]

    def _component_ids(self, project_key: str, names: Sequence[str]) -> tuple[str, ...]:
        ids = []
        for name in names:
            found = next(
                (
                    c
                    for c in self.components.values()
                    if c.project_key == project_key and name in (c.name, c.id)
                ),
                None,
            )
            if found is None:
                raise ValueError(f"no component {name!r} in {project_key}")
            ids.append(found.id)
        return tuple(ids)
