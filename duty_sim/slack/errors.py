"""The one exception the simulated Slack raises for what the Web API refuses.

Its own module so that every part of the Slack simulator (the world, the user groups, the argument
reader, the methods) can raise it without importing one another in a circle.
"""

from __future__ import annotations


class SlackError(Exception):
    """A Slack error code (`channel_not_found`, ...) that the Web API answers as `{"ok": false}`."""

    def __init__(self, error: str, **extra: str) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra
