"""The read side of the Jira simulator's world: lookups, JQL search (with the simulated index lag),
board contents, and the JSON views tests assert on. Mixed into `JiraWorld`; the state it reads is
declared in `duty_sim.jira.state`."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from duty_sim.jira.jql import CompiledQuery, IssueFacts, compile_query, parse
from duty_sim.jira.jql_sort import sort_facts
from duty_sim.jira.model import (
    CATEGORIES,
    FIELD_IDS,
    ISSUE_TYPES,
    PRIORITIES,
    RESOLUTIONS,
    STATUSES,
    Board,
    Component,
    Issue,
    Named,
    Project,
    SavedFilter,
    User,
    find_named,
    status_by_id,
)
from duty_sim.jira.render import Renderer
from duty_sim.jira.state import WorldState


class SearchContext:
    """`JqlContext` for one searching user: their clock, time zone and identity."""

    def __init__(self, world: WorldQueries, account_id: str | None) -> None:
        self.world = world
        self.account_id = account_id

    def now(self) -> datetime:
        return self.world.clock.now()

    def timezone(self) -> tzinfo:
        return self.world.zone_of(self.account_id)

    def current_user(self) -> str | None:
        return self.account_id

    def filter_jql(self, ref: str) -> str | None:
        found = self.world.find_filter(ref)
        return found.jql if found else None

    def value_exists(self, field: str, value: str) -> bool:
        return value in self.world.known_values(field)

    def ordinal(self, field: str, value: str) -> int | None:
        priority = find_named(PRIORITIES, value) if field == "priority" else None
        return 6 - int(priority.id) if priority else None


class WorldQueries(WorldState):
    """Lookups and searches over the world's state; callers hold `lock`."""

    # -- lookups: find_* return None, _* raise ValueError (for the Python API) ---------------------

    def find_user(self, account_id: str) -> User | None:
        return self.users.get(account_id)

    def find_project(self, ref: str) -> Project | None:
        return next((p for p in self.projects.values() if ref in (p.id, p.key) or ref.upper() == p.key), None)

    def find_issue(self, ref: str) -> Issue | None:
        if ref.isdigit():
            return self.issues.get(ref)
        return next((i for i in self.issues.values() if i.key == ref.upper()), None)

    def find_filter(self, ref: str) -> SavedFilter | None:
        return self.filters.get(ref) or next(
            (f for f in self.filters.values() if f.name.lower() == ref.lower()), None
        )

    def find_component(self, project_key: str, ref: str) -> Component | None:
        return next(
            (c for c in self.components.values() if c.project_key == project_key and ref in (c.id, c.name)),
            None,
        )

    def zone_of(self, account_id: str | None) -> tzinfo:
        user = self.users.get(account_id or "")
        return ZoneInfo(user.time_zone if user else "UTC")

    def _user(self, account_id: str) -> User:
        if account_id not in self.users:
            raise ValueError(f"no user {account_id!r}")
        return self.users[account_id]

    def _project(self, key: str) -> Project:
        if key not in self.projects:
            raise ValueError(f"no project {key!r}")
        return self.projects[key]

    def _issue(self, ref: str) -> Issue:
        issue = self.find_issue(ref)
        if issue is None:
            raise ValueError(f"no issue {ref!r}")
        return issue

    @staticmethod
    def _named(items: tuple[Named, ...], ref: str, what: str) -> Named:
        found = find_named(items, ref)
        if found is None:
            raise ValueError(f"unknown {what} {ref!r}")
        return found

    def _display(self, account_id: str | None) -> str | None:
        return self.users[account_id].display_name if account_id in self.users else None

    # -- JQL --------------------------------------------------------------------------------------

    def known_values(self, field: str) -> set[str]:
        """Every lower-cased literal that names something for a JQL field (for "does not exist")."""
        if field == "project":
            return {v.lower() for p in self.projects.values() for v in (p.id, p.key, p.name)}
        if field == "key":
            return {v.lower() for i in self.issues.values() for v in (i.id, i.key)}
        if field == "status":
            return {v.lower() for s in STATUSES for v in (s.id, s.name)}
        if field == "statuscategory":
            return {v.lower() for c in CATEGORIES.values() for v in (str(c.id), c.key, c.name)}
        if field == "component":
            return {v.lower() for c in self.components.values() for v in (c.id, c.name)}
        if field in ("assignee", "reporter", "creator"):
            return {a.lower() for a in self.users}
        table = {"priority": PRIORITIES, "issuetype": ISSUE_TYPES, "resolution": RESOLUTIONS}.get(field, ())
        return {v.lower() for n in table for v in (n.id, n.name)}

    def facts(self, issue: Issue) -> IssueFacts:
        project = self.projects[issue.project_key]
        status = status_by_id(issue.status_id)
        category = CATEGORIES[status.category_id]
        named = {
            "priority": find_named(PRIORITIES, issue.priority_id),
            "issuetype": find_named(ISSUE_TYPES, issue.issue_type_id),
            "resolution": find_named(RESOLUTIONS, issue.resolution_id or ""),
        }
        values = {
            "project": {project.id, project.key, project.name},
            "key": {issue.key, issue.id},
            "status": {status.id, status.name},
            "statuscategory": {str(category.id), category.key, category.name},
            "component": {v for c in issue.component_ids for v in (c, self.components[c].name)},
            "assignee": {issue.assignee} if issue.assignee else set(),
            "reporter": {issue.reporter} if issue.reporter else set(),
            "creator": {issue.creator} if issue.creator else set(),
            "labels": set(issue.labels),
        } | {name: {n.id, n.name} if n else set() for name, n in named.items()}
        return IssueFacts(
            key=issue.key,
            values={k: frozenset(v.lower() for v in vs) for k, vs in values.items()},
            dates={"created": issue.created, "updated": issue.updated, "resolved": issue.resolution_date},
            text={"summary": issue.summary},
            ordinals={
                "priority": 6 - int(issue.priority_id),
                "status": [s.id for s in STATUSES].index(status.id),
                "rank": issue.rank,
            },
        )

    def compile(self, jql: str, viewer: str | None) -> CompiledQuery:
        return compile_query(parse(jql), SearchContext(self, viewer))

    def indexed_issues(self, reconcile: Iterable[str] = ()) -> list[Issue]:
        """Issues as the (possibly lagging) search index sees them; `reconcile` ids are always fresh."""
        if self.search_lag <= 0:
            return list(self.issues.values())
        horizon = self.clock.now() - timedelta(seconds=self.search_lag)
        fresh = set(reconcile)
        seen: list[Issue] = []
        for issue_id, issue in self.issues.items():
            if issue_id in fresh:
                seen.append(issue)
                continue
            old = [version for stamp, version in self.versions.get(issue_id, []) if stamp <= horizon]
            if old:
                seen.append(old[-1])
        return seen

    def run_query(self, query: CompiledQuery, issues: Iterable[Issue], order: Any = None) -> list[Issue]:
        """Matching issues sorted by the query's ORDER BY (or `order` when given)."""
        by_key = {}
        facts = []
        for issue in issues:
            fact = self.facts(issue)
            if query.matches(fact):
                by_key[issue.key] = issue
                facts.append(fact)
        return [by_key[f.key] for f in sort_facts(facts, order if order is not None else query.order)]

    def board_issues(self, board: Board, jql: str | None, viewer: str | None) -> list[Issue]:
        """Board filter AND sub-query AND a status mapped to a column AND `jql`, in rank order."""
        mapped = {s for column in board.columns for s in column.status_ids}
        parts = [self.compile(self.filters[board.filter_id].jql, viewer)]
        parts += [self.compile(text, viewer) for text in (board.sub_query, jql) if text]
        candidates = [i for i in self.issues.values() if i.status_id in mapped]
        for query in parts:
            candidates = [i for i in candidates if query.matches(self.facts(i))]
        return sorted(candidates, key=lambda issue: issue.rank)

    # -- views for tests ------------------------------------------------------------------------

    def renderer(self, api: str = "2", viewer: str | None = None) -> Renderer:
        return Renderer(self, self.base_url, api, self.zone_of(viewer or self.api_user_id))

    def issue(self, key: str) -> dict[str, Any]:
        """A deep copy of the issue in v2 JSON shape, all fields."""
        with self.lock:
            return copy.deepcopy(self.renderer().issue(self._issue(key), (*FIELD_IDS,)))

    def comments(self, key: str) -> list[dict[str, Any]]:
        with self.lock:
            render = self.renderer()
            return [render.comment(c, with_properties=True) for c in self.comment_list[self._issue(key).id]]

    def changelog(self, key: str) -> list[dict[str, Any]]:
        """Histories oldest first, in v2 JSON shape."""
        with self.lock:
            render = self.renderer()
            return [render.history(h) for h in self.histories[self._issue(key).id]]

    def issue_keys(self) -> list[str]:
        with self.lock:
            return [issue.key for issue in self.issues.values()]
