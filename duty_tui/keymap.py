"""Every key binding duty-tui has: its id, default keys, scope and what it does.

The one source for widget BINDINGS (which take their keys from here), the help screen, the
README's key table and the validation of `[keys]` in the config, where users remap bindings
by id: `"app.refresh" = "f5,ctrl+r"`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeySpec:
    id: str
    keys: str  # Textual key names, comma-separated
    description: str
    scope: str  # where it works: "Everywhere", "Lists", "Tickets", "Checklist", or a screen


KEYS: tuple[KeySpec, ...] = (
    KeySpec("app.focus_tickets", "1", "Focus the tickets pane", "Everywhere"),
    KeySpec("app.focus_channel", "2", "Focus the #laa-ops pane", "Everywhere"),
    KeySpec("app.focus_incident", "3", "Focus the incident pane", "Everywhere"),
    KeySpec("app.focus_checklist", "4", "Focus the checklist pane", "Everywhere"),
    KeySpec("app.filter", "slash", "Filter the focused list (Esc clears)", "Everywhere"),
    KeySpec("app.refresh", "r", "Poll Jira and Slack now", "Everywhere"),
    KeySpec("app.help", "question_mark", "Show keys and help", "Everywhere"),
    KeySpec("app.quit", "q", "Quit", "Everywhere"),
    KeySpec("app.read_only", "exclamation_mark", "Why writes are off (shown with --read-only)", "Everywhere"),
    KeySpec("list.down", "down,j", "Next row", "Lists"),
    KeySpec("list.up", "up,k", "Previous row", "Lists"),
    KeySpec("list.page_down", "pagedown", "Page down", "Lists"),
    KeySpec("list.page_up", "pageup", "Page up", "Lists"),
    KeySpec("list.first", "home,g", "First row", "Lists"),
    KeySpec("list.last", "end,G", "Last row", "Lists"),
    KeySpec("list.open", "enter", "Open the selected ticket or thread", "Lists"),
    KeySpec("filter.close", "escape", "Clear the filter and go back to the list", "Lists"),
    KeySpec(
        "ticket.take", "t", "Take: assign to me, move to In Progress, post the acknowledgement", "Tickets"
    ),
    KeySpec("ticket.assign", "a", "Assign to someone (search by name)", "Tickets"),
    KeySpec("ticket.unassign", "u", "Unassign", "Tickets"),
    KeySpec("ticket.acknowledge", "K", "Acknowledge: post the acknowledgement comment only", "Tickets"),
    KeySpec("ticket.move", "m", "Move to another status", "Tickets"),
    KeySpec("ticket.comment", "c", "Comment", "Tickets"),
    KeySpec("ticket.open", "o", "Open in the browser", "Tickets"),
    KeySpec("ticket.copy", "y", "Copy the key and link", "Tickets"),
    KeySpec("tickets.view", "v", "Switch between unassigned tickets and mine", "Tickets"),
    KeySpec("tickets.board", "b", "Show one board, then the other, then both", "Tickets"),
    KeySpec("checklist.toggle", "space,x", "Tick or untick the selected item", "Checklist"),
    KeySpec("assign.pick", "enter", "Assign to the highlighted person", "Assign picker"),
    KeySpec("assign.down", "down,ctrl+j", "Next person (while typing)", "Assign picker"),
    KeySpec("assign.up", "up,ctrl+k", "Previous person (while typing)", "Assign picker"),
    KeySpec("assign.page_down", "pagedown", "Page down", "Assign picker"),
    KeySpec("assign.page_up", "pageup", "Page up", "Assign picker"),
    KeySpec("assign.cancel", "escape", "Cancel", "Assign picker"),
    KeySpec("move.pick", "enter", "Move to the highlighted status", "Move picker"),
    KeySpec("move.down", "j", "Next status", "Move picker"),
    KeySpec("move.up", "k", "Previous status", "Move picker"),
    KeySpec("move.cancel", "escape,q", "Cancel", "Move picker"),
    KeySpec("comment.post", "ctrl+s", "Post the comment", "Comment editor"),
    KeySpec("comment.cancel", "escape", "Cancel (asks first when there is text)", "Comment editor"),
    KeySpec("comment.discard", "y", "Yes, discard the comment", "Comment editor"),
    KeySpec("comment.keep", "n,escape", "No, keep writing", "Comment editor"),
    KeySpec("detail.down", "j,down", "Scroll down", "Ticket view"),
    KeySpec("detail.up", "k,up", "Scroll up", "Ticket view"),
    KeySpec("detail.page_down", "pagedown,space", "Page down", "Ticket view"),
    KeySpec("detail.page_up", "pageup", "Page up", "Ticket view"),
    KeySpec("detail.top", "home", "Top", "Ticket view"),
    KeySpec("detail.bottom", "end", "Bottom", "Ticket view"),
    KeySpec("detail.close", "escape,q", "Close", "Ticket view"),
    KeySpec("view.close", "escape,q", "Close", "Thread view"),
    KeySpec("help.close", "escape,q,question_mark", "Close", "Help"),
)

KEYS_BY_ID: Mapping[str, KeySpec] = {spec.id: spec for spec in KEYS}
# Keys that write to Jira: --read-only turns them off.
WRITE_ACTIONS = frozenset({"take", "assign", "unassign", "acknowledge", "move", "comment"})


def default_keys(binding_id: str) -> str:
    return KEYS_BY_ID[binding_id].keys


def display_key(keys: str) -> str:
    """ "question_mark" → "?", "slash" → "/", "down,j" → "↓ j": keys as the help shows them."""
    names = {
        "question_mark": "?",
        "exclamation_mark": "!",
        "slash": "/",
        "space": "Space",
        "escape": "Esc",
        "enter": "Enter",
        "down": "↓",
        "up": "↑",
        "pagedown": "PgDn",
        "pageup": "PgUp",
        "home": "Home",
        "end": "End",
    }
    return " ".join(names.get(key, key) for key in keys.split(","))
