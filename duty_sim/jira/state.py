"""The shape of the Jira simulator's stored state, declared once.

`JiraWorld` (`duty_sim.jira.world`) fills these attributes in and changes them, with
`LinksAndProperties` (`duty_sim.jira.world_links`) for issue properties and remote links; the two read
sides are written against this declaration rather than against each other: `WorldQueries`
(`duty_sim.jira.world_query`: lookups and JQL search) and `Renderer` (`duty_sim.jira.render`: the JSON
shapes). It holds no behaviour, so anything may import it.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from duty_sim.clock import Clock
from duty_sim.jira.model import (
    Board,
    Comment,
    Component,
    History,
    Issue,
    Project,
    RemoteLink,
    SavedFilter,
    User,
)


class WorldState:
    """The world's stores, keyed as the world keeps them; whoever reads or writes them holds `lock`."""

    clock: Clock
    lock: threading.RLock
    base_url: str
    comment_embed_cap: int | None
    users: dict[str, User]
    api_user_id: str | None
    projects: dict[str, Project]
    components: dict[str, Component]
    filters: dict[str, SavedFilter]
    boards: dict[int, Board]
    issues: dict[str, Issue]
    versions: dict[str, list[tuple[datetime, Issue]]]
    comment_list: dict[str, list[Comment]]
    histories: dict[str, list[History]]
    issue_properties: dict[str, dict[str, Any]]  # issue id -> property key -> value, in order set
    remote_links: dict[str, list[RemoteLink]]  # issue id -> links, in order created
    last_remote_link_id: int = 9999  # remote link ids are numbers, counted across the site
    search_lag: float = 0.0
