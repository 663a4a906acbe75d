"""duty-tui: the LAA Ops duty engineer's dashboard (Jira boards, #laa-ops, incidents, checklist)."""

# The single source of the version (hatchling reads it). A static string: looking the version up in
# the installed metadata costs ~30 ms of every start.
__version__ = "0.1.0"
