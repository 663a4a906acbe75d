"""duty-tui: the LAA Ops duty engineer's dashboard (Jira boards, #laa-ops, incidents, checklist)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("duty-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
