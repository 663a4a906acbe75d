"""User groups of the simulated Slack workspace (`@laa-ops-team`), mixed into `SlackWorld`.

Slack calls them subteams in its errors and mentions (`no_such_subteam`, `<!subteam^S…|@handle>`). A
group keeps its members in the order they were given. What the Web API shows of it follows Slack's
rules: deactivated (deleted) members are dropped, as Slack removes them from every group, and a
disabled group answers only when the caller passes `include_disabled` (the argument "allows results
that involve disabled User Groups", https://docs.slack.dev/reference/methods/usergroups.users.list).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from duty_sim.slack.errors import SlackError
from duty_sim.slack.objects import SlackUser

# Group ids start with S; handles are what people type after @, lower case without spaces.
_GROUP_ID = re.compile(r"S[A-Z0-9]{2,}")
_HANDLE = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass(slots=True)
class SlackUserGroup:
    """One user group: its id, @handle, display name, members (in order) and whether it is enabled."""

    id: str
    handle: str
    name: str
    users: list[str]
    enabled: bool = True


class UserGroupsMixin:
    """The world's user groups. `SlackWorld` provides the lock, the users and the group store."""

    _lock: threading.RLock
    _users: dict[str, SlackUser]
    _usergroups: dict[str, SlackUserGroup]

    def add_usergroup(
        self, usergroup_id: str, handle: str, user_ids: Sequence[str], *, name: str | None = None
    ) -> None:
        """Create an enabled group, e.g. `add_usergroup("S0LAAOPS1", "laa-ops-team", [u1, u2])`."""
        with self._lock:
            if not _GROUP_ID.fullmatch(usergroup_id):
                raise ValueError(f"a user group id looks like S0LAAOPS1, not {usergroup_id!r}")
            if not _HANDLE.fullmatch(handle):
                raise ValueError(f"a handle is lower case without spaces, not {handle!r}")
            if usergroup_id in self._usergroups:
                raise ValueError(f"user group {usergroup_id} already exists")
            if any(group.handle == handle for group in self._usergroups.values()):
                raise ValueError(f"the handle @{handle} is taken")  # handles are unique in a workspace
            members = self._group_members(user_ids)
            self._usergroups[usergroup_id] = SlackUserGroup(usergroup_id, handle, name or handle, members)

    def set_usergroup_users(self, usergroup_id: str, user_ids: Sequence[str]) -> None:
        """Replace the members, as usergroups.users.update does (the whole list each time)."""
        with self._lock:
            self._usergroup(usergroup_id).users = self._group_members(user_ids)

    def enable_usergroup(self, usergroup_id: str, enabled: bool = True) -> None:
        """Disable (`enabled=False`) or re-enable a group; a disabled group keeps its members."""
        with self._lock:
            self._usergroup(usergroup_id).enabled = enabled

    def usergroup_users(self, usergroup_id: str, *, include_disabled: bool = False) -> list[str]:
        """The member ids the Web API shows; `no_such_subteam` for an unknown (or hidden disabled) group."""
        with self._lock:
            group = self._usergroups.get(usergroup_id)
            if group is None or (not group.enabled and not include_disabled):
                raise SlackError("no_such_subteam")
            return [user_id for user_id in group.users if not self._users[user_id].deleted]

    def _usergroup(self, usergroup_id: str) -> SlackUserGroup:
        group = self._usergroups.get(usergroup_id)
        if group is None:
            raise ValueError(f"no user group {usergroup_id}")
        return group

    def _group_members(self, user_ids: Sequence[str]) -> list[str]:
        if isinstance(user_ids, str):  # a lone id would be read letter by letter
            raise TypeError("user_ids must be a sequence of user ids, not one string")
        for user_id in user_ids:
            user = self._users.get(user_id)
            if user is None:
                raise ValueError(f"no user {user_id}")
            if user.is_bot:  # Slack refuses bot users in a user group
                raise ValueError(f"{user_id} is a bot; user groups hold people")
        return list(dict.fromkeys(user_ids))
