"""JSON shapes of the Jira simulator's objects, as Jira Cloud sends them (and as the platform and
Agile OpenAPI schemas describe them).

A `Renderer` is made per request: it knows the server URL, the REST version asked for (v2 renders
bodies as text, v3 as ADF) and the viewer's time zone, because Jira Cloud writes timestamps in the
time zone of the user who asks ("2025-01-17T12:34:00.000+0000"). It reads the world's stores through
their declaration, `WorldState` (`duty_sim.jira.state`), not through the world's query methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote

from duty_sim.jira.adf import adf_to_text, text_to_adf
from duty_sim.jira.model import (
    CATEGORIES,
    ISSUE_TYPES,
    PRIORITIES,
    PRIORITY_COLORS,
    RANK_FIELD_ID,
    RESOLUTIONS,
    Body,
    ChangeItem,
    Comment,
    Component,
    History,
    Issue,
    Named,
    Project,
    RemoteLink,
    Status,
    StatusCategory,
    Transition,
    find_named,
    status_by_id,
)
from duty_sim.jira.state import WorldState

JSON = dict[str, Any]
CHANGELOG_EMBED_CAP = 100  # histories embedded by expand=changelog, newest first
_AVATAR = (
    "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/{}-{}.png?size={}&s={}"
)


def format_ts(moment: datetime, zone: tzinfo) -> str:
    """Jira's timestamp: milliseconds and an offset without a colon."""
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + local.strftime("%z")


class Renderer:
    """Builds response JSON for one request."""

    def __init__(self, world: WorldState, base_url: str, api: str, zone: tzinfo) -> None:
        self.world = world
        self.base = base_url
        self.version = "3" if api == "3" else "2"
        self.zone = zone

    def ts(self, moment: datetime | None) -> str | None:
        return format_ts(moment, self.zone) if moment is not None else None

    def url(self, path: str) -> str:
        return f"{self.base}/rest/api/{self.version}/{path}"

    # -- small objects ----------------------------------------------------------------------------

    def user(self, account_id: str | None) -> JSON | None:
        if account_id is None:
            return None
        user = self.world.users[account_id]
        initials = "".join(part[0] for part in user.display_name.split()[:2]).upper() or "U"
        shade = int(user.account_id.encode().hex()[-2:], 16) % 6
        out: JSON = {
            "self": self.url(f"user?accountId={quote(account_id, safe='')}"),
            "accountId": account_id,
            "accountType": "atlassian",
            "avatarUrls": {f"{n}x{n}": _AVATAR.format(initials, shade, n, n) for n in (48, 24, 16, 32)},
            "displayName": user.display_name,
            "active": user.active,
            "timeZone": user.time_zone,
        }
        if user.email:
            out["emailAddress"] = user.email
        return out

    def category(self, category: StatusCategory) -> JSON:
        return {
            "self": self.url(f"statuscategory/{category.id}"),
            "id": category.id,
            "key": category.key,
            "colorName": category.color,
            "name": category.name,
        }

    def status(self, status: Status) -> JSON:
        return {
            "self": self.url(f"status/{status.id}"),
            "description": status.description,
            "iconUrl": f"{self.base}/images/icons/statuses/generic.png",
            "name": status.name,
            "untranslatedName": status.name,
            "id": status.id,
            "statusCategory": self.category(CATEGORIES[status.category_id]),
        }

    def priority(self, priority: Named) -> JSON:
        return {
            "self": self.url(f"priority/{priority.id}"),
            "statusColor": PRIORITY_COLORS[priority.id],
            "description": priority.description,
            "iconUrl": f"{self.base}/images/icons/priorities/{priority.name.lower()}.svg",
            "name": priority.name,
            "id": priority.id,
        }

    def issue_type(self, issue_type: Named) -> JSON:
        return {
            "self": self.url(f"issuetype/{issue_type.id}"),
            "id": issue_type.id,
            "description": issue_type.description,
            "iconUrl": f"{self.base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318",
            "name": issue_type.name,
            "subtask": False,
            "avatarId": 10318,
            "hierarchyLevel": 0,
        }

    def resolution(self, resolution: Named) -> JSON:
        return {
            "self": self.url(f"resolution/{resolution.id}"),
            "id": resolution.id,
            "description": resolution.description,
            "name": resolution.name,
        }

    def component(self, component: Component) -> JSON:
        return {"self": self.url(f"component/{component.id}"), "id": component.id, "name": component.name}

    def project_ref(self, project: Project) -> JSON:
        return {
            "self": self.url(f"project/{project.id}"),
            "id": project.id,
            "key": project.key,
            "name": project.name,
            "projectTypeKey": "software",
            "simplified": False,
            "avatarUrls": {
                f"{n}x{n}": f"{self.base}/rest/api/2/universal_avatar/view/type/project/avatar/10400?size={s}"
                for n, s in ((48, "large"), (24, "small"), (16, "xsmall"), (32, "medium"))
            },
        }

    def project(self, project: Project) -> JSON:
        components = [c for c in self.world.components.values() if c.project_key == project.key]
        return self.project_ref(project) | {
            "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "description": "",
            "lead": self.user(project.lead) if project.lead in self.world.users else None,
            "components": [self.component(c) | {"isAssigneeTypeValid": False} for c in components],
            "issueTypes": [self.issue_type(t) for t in ISSUE_TYPES],
            "assigneeType": "UNASSIGNED",
            "versions": [],
            "roles": {},
            "style": "classic",
            "isPrivate": False,
            "properties": {},
        }

    def body(self, body: Body) -> Any:
        """A comment or description body in this version's form."""
        if self.version == "3":
            return body if isinstance(body, dict) else text_to_adf(body)
        return body if isinstance(body, str) else adf_to_text(body)

    def transition(self, transition: Transition) -> JSON:
        return {
            "id": transition.id,
            "name": transition.name,
            "to": self.status(status_by_id(transition.to_status_id)),
            "hasScreen": False,
            "isGlobal": True,
            "isInitial": False,
            "isAvailable": True,
            "isConditional": False,
            "isLooped": False,
        }

    # -- comments and histories ---------------------------------------------------------------------

    def comment(self, comment: Comment, with_properties: bool = False) -> JSON:
        out: JSON = {
            "self": self.url(f"issue/{comment.issue_id}/comment/{comment.id}"),
            "id": comment.id,
            "author": self.user(comment.author),
            "body": self.body(comment.body),
            "updateAuthor": self.user(comment.author),
            "created": self.ts(comment.created),
            "updated": self.ts(comment.updated),
            "jsdPublic": True,
        }
        if with_properties:
            out["properties"] = [{"key": k, "value": v} for k, v in comment.properties]
        return out

    def change_item(self, item: ChangeItem) -> JSON:
        out: JSON = {
            "field": item.field,
            "fieldtype": "jira",
            "fieldId": item.field_id,
            "from": item.from_id,
            "fromString": item.from_string,
            "to": item.to_id,
            "toString": item.to_string,
        }
        if item.is_user:
            out |= {"tmpFromAccountId": item.from_id, "tmpToAccountId": item.to_id}
        return out

    def history(self, history: History) -> JSON:
        out: JSON = {
            "id": history.id,
            "created": self.ts(history.created),
            "items": [self.change_item(i) for i in history.items],
        }
        if history.author is not None:
            out["author"] = self.user(history.author)
        return out

    def remote_link(self, issue: Issue, link: RemoteLink) -> JSON:
        """A remote issue link. Jira fills in what was not posted: an empty application and icon, and
        a status with an empty icon; an unset relationship is left out (the UI shows "links to")."""
        linked: JSON = dict(link.fields)
        linked.setdefault("icon", {})
        linked.setdefault("status", {"icon": {}})
        out: JSON = {"id": link.id, "self": self.url(f"issue/{issue.key}/remotelink/{link.id}")}
        if link.global_id is not None:
            out["globalId"] = link.global_id
        out["application"] = dict(link.application or {})
        if link.relationship is not None:
            out["relationship"] = link.relationship
        out["object"] = linked
        return out

    # -- issues ---------------------------------------------------------------------------------

    def fields(self, issue: Issue, wanted: Iterable[str]) -> JSON:
        wanted = set(wanted)
        return {name: value for name, value in self._all_fields(issue, wanted).items() if name in wanted}

    def _all_fields(self, issue: Issue, wanted: set[str]) -> JSON:
        world = self.world
        priority = find_named(PRIORITIES, issue.priority_id)
        issue_type = find_named(ISSUE_TYPES, issue.issue_type_id)
        resolution = find_named(RESOLUTIONS, issue.resolution_id or "")
        description = self.body(issue.description) if issue.description else None
        out: JSON = {
            "summary": issue.summary,
            "description": description,
            "issuetype": self.issue_type(issue_type) if issue_type else None,
            "project": self.project_ref(world.projects[issue.project_key]),
            "status": self.status(status_by_id(issue.status_id)),
            "statuscategorychangedate": self.ts(issue.status_category_changed),
            "priority": self.priority(priority) if priority else None,
            "assignee": self.user(issue.assignee),
            "reporter": self.user(issue.reporter),
            "creator": self.user(issue.creator),
            "components": [self.component(world.components[c]) for c in issue.component_ids],
            "labels": list(issue.labels),
            "resolution": self.resolution(resolution) if resolution else None,
            "resolutiondate": self.ts(issue.resolution_date),
            "created": self.ts(issue.created),
            "updated": self.ts(issue.updated),
            f"customfield_{RANK_FIELD_ID}": f"0|i{issue.rank:05x}:",
        }
        if "comment" in wanted:
            comments = world.comment_list.get(issue.id, [])
            shown = comments[: world.comment_embed_cap] if world.comment_embed_cap is not None else comments
            out["comment"] = {  # the oldest first; `total` says when Jira cut the list short
                "comments": [self.comment(c) for c in shown],
                "self": self.url(f"issue/{issue.id}/comment"),
                "maxResults": len(shown),
                "total": len(comments),
                "startAt": 0,
            }
        return out

    def changelog_embed(self, issue: Issue) -> JSON:
        histories = list(reversed(self.world.histories.get(issue.id, [])))[:CHANGELOG_EMBED_CAP]
        return {
            "startAt": 0,
            "maxResults": len(histories),
            "total": len(self.world.histories.get(issue.id, [])),
            "histories": [self.history(h) for h in histories],
        }

    def issue(self, issue: Issue, fields: Iterable[str] | None, expand: Iterable[str] = ()) -> JSON:
        """An issue; `fields=None` means the id-only form search/jql answers by default."""
        if fields is None:
            return {"id": issue.id}
        expand = set(expand)
        out: JSON = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue.id,
            "self": self.url(f"issue/{issue.id}"),
            "key": issue.key,
            "fields": self.fields(issue, fields),
        }
        if "changelog" in expand:
            out["changelog"] = self.changelog_embed(issue)
        return out
