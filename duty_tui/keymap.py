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
    scope: str  # "Everywhere", "Lists", "Tickets", "Channel", "Checklist"


KEYS: tuple[KeySpec, ...] = (
    KeySpec("app.focus_tickets", "1", "Focus the tickets pane", "Everywhere"),
    KeySpec("app.focus_channel", "2", "Focus the #laa-ops pane", "Everywhere"),
    KeySpec("app.focus_incident", "3", "Focus the incident pane", "Everywhere"),
    KeySpec("app.focus_checklist", "4", "Focus the checklist pane", "Everywhere"),
    KeySpec("app.filter", "slash", "Filter the focused list (Esc clears)", "Everywhere"),
    KeySpec("app.refresh", "r", "Poll Jira and Slack now", "Everywhere"),
    KeySpec("app.help", "question_mark", "Show keys and help", "Everywhere"),
    KeySpec("app.quit", "q", "Quit", "Everywhere"),
    KeySpec("list.down", "down,j", "Next row", "Lists"),
    KeySpec("list.up", "up,k", "Previous row", "Lists"),
    KeySpec("list.page_down", "pagedown", "Page down", "Lists"),
    KeySpec("list.page_up", "pageup", "Page up", "Lists"),
    KeySpec("list.first", "home,g", "First row", "Lists"),
    KeySpec("list.last", "end,G", "Last row", "Lists"),
    KeySpec("list.open", "enter", "Open the selected ticket or thread", "Lists"),
    KeySpec("filter.close", "escape", "Clear the filter and go back to the list", "Lists"),
    KeySpec("checklist.toggle", "space,x", "Tick or untick the selected item", "Checklist"),
)

KEYS_BY_ID: Mapping[str, KeySpec] = {spec.id: spec for spec in KEYS}


def default_keys(binding_id: str) -> str:
    return KEYS_BY_ID[binding_id].keys


def display_key(keys: str) -> str:
    """ "question_mark" → "?", "slash" → "/", "down,j" → "↓ j": keys as the help shows them."""
    names = {
        "question_mark": "?",
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
