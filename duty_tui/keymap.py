"""Every key binding duty-tui has: its id, default keys, action, footer label, scope and what it does.

The one source for widget `BINDINGS` (built from here by `duty_tui.widgets.bindings.bindings`), the
help screen, the README's key table and the validation of `[keys]` in the config, where users remap
bindings by id: `"app.refresh" = "f5,ctrl+r"`. Plain data: no Textual here, so the config can read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One key binding, declared once: the widget's `BINDINGS` are built from it by `bindings()` in
    `duty_tui.widgets.bindings`, the help screen and the README list it, and `[keys]` remaps it by id."""

    id: str
    keys: str  # Textual key names, comma-separated
    action: str  # the Textual action it runs on the widget that binds it
    label: str  # what the footer says
    description: str  # what the help screen and the README say
    scope: str  # where it works: "Everywhere", "Lists", "Tickets", "Checklist", or a screen
    show: bool = True  # shown in the footer
    priority: bool = False  # checked before the focused widget's own bindings


_WHERE = "Everywhere"
_LISTS = "Lists"
_TICKETS = "Tickets"
_ASSIGN = "Assign picker"
_MOVE = "Move picker"
_COMMENT = "Comment editor"
_DETAIL = "Ticket view"
_CHANNEL = "Channel"
_REPLY = "Reply editor"
_REACT = "Reaction picker"
_RAISE = "New ticket form"
_INCIDENTS = "Incidents"
_DECLARE = "Declare form"
_UPDATE = "Incident update editor"
_RESOLVE = "Resolve editor"
_NOTE = "Incident note editor"
_LEAD = "Lead picker"
_CHOOSE = "Incident chooser"
_CASE = "Third-party case form"
_REOPEN = "Reopen editor"

KEYS: tuple[KeySpec, ...] = (
    KeySpec(
        "app.focus_tickets",
        "1",
        "focus_pane('tickets')",
        "Tickets",
        "Focus the tickets pane",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "app.focus_channel",
        "2",
        "focus_pane('channel')",
        "Channel",
        "Focus the #laa-ops pane",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "app.focus_incident",
        "3",
        "focus_pane('incident')",
        "Incident",
        "Focus the incident pane",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "app.focus_checklist",
        "4",
        "focus_pane('checklist')",
        "Checklist",
        "Focus the checklist pane",
        _WHERE,
        show=False,
    ),
    KeySpec("app.filter", "slash", "filter", "Filter", "Filter the focused list (Esc clears)", _WHERE),
    KeySpec("app.refresh", "r", "refresh", "Refresh", "Poll Jira and Slack now", _WHERE),
    KeySpec("app.help", "question_mark", "help", "Help", "Show keys and help", _WHERE),
    KeySpec("app.quit", "q", "quit", "Quit", "Quit", _WHERE),
    KeySpec(
        "app.read_only",
        "exclamation_mark",
        "read_only_reason",
        "Read-only: writes off",
        "Why writes are off (shown with --read-only)",
        _WHERE,
    ),
    KeySpec(
        "incident.declare",
        "I",
        "incident('declare')",
        "Declare",
        "Declare an incident (title first; any high-priority criterion ticked makes it high)",
        _WHERE,
    ),
    KeySpec(
        "incident.update",
        "U",
        "incident('update')",
        "Update",
        "Post an update on the selected incident (in its thread; ticked: also to the channel)",
        _WHERE,
    ),
    KeySpec(
        "incident.lead",
        "L",
        "incident('lead')",
        "Lead",
        "Hand the selected incident's lead to someone else",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "incident.note",
        "N",
        "incident('note')",
        "Note",
        "Add a note to the selected incident's timeline (not posted)",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "incident.resolve",
        "X",
        "incident('resolve')",
        "Resolve",
        "Resolve the selected incident with a summary (also sent to the channel)",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "incident.postmortem",
        "P",
        "incident('postmortem')",
        "Postmortem",
        "Open the postmortem of the selected incident",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "app.handover",
        "H",
        "handover",
        "Handover",
        "Write the handover to the next engineer (assembled from the dashboard; posted to #laa-ops)",
        _WHERE,
        show=False,
    ),
    # Today's cover (`D`): the support sub-team and who is on #laa-ops in each period.
    KeySpec(
        "app.cover",
        "D",
        "cover",
        "Cover",
        "Set today's cover: the engineer, the DBA, the 6DG duty consultant and who is on #laa-ops when",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "app.metrics",
        "5",
        "metrics",
        "Metrics",
        "Open the metrics screen: ticket flow per board, incidents, availability, happiness",
        _WHERE,
        show=False,
    ),
    KeySpec(
        "cover.save",
        "ctrl+s",
        "save",
        "Save",
        "Save today's cover (and post it, if ticked)",
        "Cover form",
        priority=True,
    ),
    KeySpec("cover.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when changed)", "Cover form"),
    KeySpec("list.down", "down,j", "cursor_down", "Down", "Next row", _LISTS, show=False),
    KeySpec("list.up", "up,k", "cursor_up", "Up", "Previous row", _LISTS, show=False),
    KeySpec("list.page_down", "pagedown", "page_down", "Page down", "Page down", _LISTS, show=False),
    KeySpec("list.page_up", "pageup", "page_up", "Page up", "Page up", _LISTS, show=False),
    KeySpec("list.first", "home,g", "first", "First", "First row", _LISTS, show=False),
    KeySpec("list.last", "end,G", "last", "Last", "Last row", _LISTS, show=False),
    KeySpec("list.open", "enter", "select", "Open", "Open the selected ticket or thread", _LISTS, show=False),
    KeySpec(
        "filter.close",
        "escape",
        "clear_filter",
        "Clear filter",
        "Clear the filter and go back to the list",
        _LISTS,
    ),
    KeySpec(
        "ticket.take",
        "t",
        "ticket('take')",
        "Take",
        "Take: assign to me, move to In Progress, post the acknowledgement",
        _TICKETS,
    ),
    KeySpec(
        "ticket.assign", "a", "ticket('assign')", "Assign", "Assign to someone (search by name)", _TICKETS
    ),
    KeySpec("ticket.unassign", "u", "ticket('unassign')", "Unassign", "Unassign", _TICKETS, show=False),
    KeySpec(
        "ticket.acknowledge",
        "K",
        "ticket('acknowledge')",
        "Ack",
        "Acknowledge: post the acknowledgement comment only",
        _TICKETS,
    ),
    KeySpec("ticket.move", "m", "ticket('move')", "Move", "Move to another status", _TICKETS),
    KeySpec("ticket.comment", "c", "ticket('comment')", "Comment", "Comment", _TICKETS),
    KeySpec("ticket.open", "o", "ticket('open')", "Open", "Open in the browser", _TICKETS, show=False),
    KeySpec("ticket.copy", "y", "ticket('copy')", "Copy", "Copy the key and link", _TICKETS, show=False),
    KeySpec(
        "tickets.view", "v", "switch_view", "Mine", "Switch between unassigned tickets and mine", _TICKETS
    ),
    KeySpec(
        "tickets.board",
        "b",
        "cycle_board",
        "Board",
        "Show one board, then the other, then both",
        _TICKETS,
        show=False,
    ),
    KeySpec(
        "channel.reply",
        "c",
        "message('reply')",
        "Reply",
        "Reply in the selected message's thread",
        _CHANNEL,
    ),
    KeySpec("channel.react", "e", "message('react')", "React", "Add a reaction (👀 first)", _CHANNEL),
    KeySpec(
        "channel.claim",
        "t",
        "message('claim')",
        "Claim",
        "Claim the request: 👀, your name on it, its 15-minute triage timer starts",
        _CHANNEL,
    ),
    KeySpec(
        "channel.raise",
        "n",
        "message('raise')",
        "Ticket",
        "Raise a Jira ticket from the message (linked both ways)",
        _CHANNEL,
    ),
    KeySpec(
        "channel.done",
        "d",
        "message('done')",
        "Done",
        "Mark the request done (✅); with [happiness] ask on, ask the requester to react 👍 or 👎",
        _CHANNEL,
    ),
    KeySpec(
        "channel.open", "o", "message('open')", "Open", "Open the message in Slack", _CHANNEL, show=False
    ),
    KeySpec(
        "channel.copy", "y", "message('copy')", "Copy", "Copy the message's permalink", _CHANNEL, show=False
    ),
    KeySpec("checklist.toggle", "space,x", "tick", "Tick", "Tick or untick the selected item", "Checklist"),
    KeySpec(
        "checklist.go",
        "enter",
        "go",
        "Go",
        "Go where the item is done (items marked ↵): the channel, a board, an incident, the handover",
        "Checklist",
    ),
    KeySpec(
        "checklist.previous_day",
        "left_square_bracket",
        "day(-1)",
        "Past day",
        "Show the list of the support day before (past days are read-only)",
        "Checklist",
    ),
    KeySpec(
        "checklist.next_day",
        "right_square_bracket",
        "day(1)",
        "Next day",
        "Show the list of the next support day, up to today",
        "Checklist",
    ),
    KeySpec(
        "assign.pick", "enter", "pick", "Assign", "Assign to the highlighted person", _ASSIGN, priority=True
    ),
    KeySpec(
        "assign.down",
        "down,ctrl+j",
        "cursor(1)",
        "Next",
        "Next person (while typing)",
        _ASSIGN,
        show=False,
        priority=True,
    ),
    KeySpec(
        "assign.up",
        "up,ctrl+k",
        "cursor(-1)",
        "Previous",
        "Previous person (while typing)",
        _ASSIGN,
        show=False,
        priority=True,
    ),
    KeySpec("assign.page_down", "pagedown", "page(1)", "Page down", "Page down", _ASSIGN, show=False),
    KeySpec("assign.page_up", "pageup", "page(-1)", "Page up", "Page up", _ASSIGN, show=False),
    KeySpec("assign.cancel", "escape", "cancel", "Cancel", "Cancel", _ASSIGN),
    KeySpec("move.pick", "enter", "pick", "Move", "Move to the highlighted status", _MOVE, priority=True),
    KeySpec("move.down", "j", "cursor(1)", "Next", "Next status", _MOVE, show=False),
    KeySpec("move.up", "k", "cursor(-1)", "Previous", "Previous status", _MOVE, show=False),
    KeySpec("move.cancel", "escape,q", "cancel", "Cancel", "Cancel", _MOVE),
    KeySpec("comment.post", "ctrl+s", "post", "Post", "Post the comment", _COMMENT),
    KeySpec(
        "comment.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when there is text)", _COMMENT
    ),
    KeySpec("comment.discard", "y", "answer(True)", "Discard", "Yes, discard the comment", _COMMENT),
    KeySpec("comment.keep", "n,escape", "answer(False)", "Keep writing", "No, keep writing", _COMMENT),
    KeySpec("reply.post", "ctrl+s", "post", "Post", "Post the reply", _REPLY, priority=True),
    KeySpec(
        "reply.broadcast",
        "ctrl+b",
        "toggle_broadcast",
        "Also to channel",
        "Also send the reply to #laa-ops",
        _REPLY,
        priority=True,
    ),
    KeySpec("reply.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when there is text)", _REPLY),
    KeySpec("react.pick", "enter", "pick", "React", "Add the highlighted reaction", _REACT, priority=True),
    KeySpec(
        "react.down",
        "down,ctrl+j",
        "cursor(1)",
        "Next",
        "Next emoji (while typing)",
        _REACT,
        show=False,
        priority=True,
    ),
    KeySpec(
        "react.up",
        "up,ctrl+k",
        "cursor(-1)",
        "Previous",
        "Previous emoji (while typing)",
        _REACT,
        show=False,
        priority=True,
    ),
    KeySpec("react.cancel", "escape", "cancel", "Cancel", "Cancel", _REACT),
    KeySpec("raise.create", "ctrl+s", "create", "Create", "Create the ticket", _RAISE, priority=True),
    KeySpec("raise.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when edited)", _RAISE),
    KeySpec(
        "incident.runbook",
        "o",
        "incident('runbook')",
        "Runbook",
        "Open a runbook of the incident's services",
        _INCIDENTS,
    ),
    KeySpec(
        "incident.snooze",
        "z",
        "incident('snooze')",
        "Snooze",
        "Snooze the incident's update reminder",
        _INCIDENTS,
    ),
    KeySpec(
        "declare.create", "ctrl+s", "declare", "Declare", "Declare the incident", _DECLARE, priority=True
    ),
    KeySpec("declare.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when edited)", _DECLARE),
    KeySpec("update.post", "ctrl+s", "post", "Post", "Post the update", _UPDATE, priority=True),
    KeySpec(
        "update.broadcast",
        "ctrl+b",
        "toggle_broadcast",
        "Also to channel",
        "Also send the update to #laa-ops",
        _UPDATE,
        priority=True,
    ),
    KeySpec("update.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when edited)", _UPDATE),
    KeySpec(
        "resolve.post", "ctrl+s", "post", "Resolve", "Post the summary and resolve", _RESOLVE, priority=True
    ),
    KeySpec(
        "resolve.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when there is text)", _RESOLVE
    ),
    KeySpec(
        "incident.note_save", "ctrl+s", "post", "Save", "Add the note to the timeline", _NOTE, priority=True
    ),
    KeySpec(
        "incident.note_cancel", "escape", "cancel", "Cancel", "Cancel (asks first when there is text)", _NOTE
    ),
    KeySpec(
        "incident.lead_pick",
        "enter",
        "pick",
        "Hand over",
        "Make the highlighted person the lead",
        _LEAD,
        priority=True,
    ),
    KeySpec(
        "incident.lead_down",
        "down,ctrl+j",
        "cursor(1)",
        "Next",
        "Next person (while typing)",
        _LEAD,
        show=False,
        priority=True,
    ),
    KeySpec(
        "incident.lead_up",
        "up,ctrl+k",
        "cursor(-1)",
        "Previous",
        "Previous person (while typing)",
        _LEAD,
        show=False,
        priority=True,
    ),
    KeySpec("incident.lead_cancel", "escape", "cancel", "Cancel", "Cancel", _LEAD),
    KeySpec(
        "ticket.incident",
        "i",
        "link_incident",
        "Incident",
        "Link the ticket to an incident (choose which)",
        _TICKETS,
        show=False,
    ),
    KeySpec(
        "channel.pin",
        "p",
        "pin_incident",
        "Pin",
        "Pin the message into an open incident's timeline",
        _CHANNEL,
        show=False,
    ),
    KeySpec(
        "incident.reopen",
        "R",
        "incident('reopen')",
        "Reopen",
        "Reopen the selected resolved incident (with a reason, posted in its thread)",
        _INCIDENTS,
        show=False,
    ),
    KeySpec(
        "incident.case",
        "c",
        "case",
        "Add case",
        "Add a third-party case (AWS, 6DG, RedCentric) to the incident",
        "Incident view",
    ),
    KeySpec(
        "incident.view_runbook", "o", "runbook", "Runbook", "Open a runbook of its services", "Incident view"
    ),
    KeySpec(
        "choose.pick", "enter", "pick", "Choose", "Choose the highlighted incident", _CHOOSE, priority=True
    ),
    KeySpec(
        "choose.down", "down,j", "cursor(1)", "Next", "Next incident", _CHOOSE, show=False, priority=True
    ),
    KeySpec(
        "choose.up", "up,k", "cursor(-1)", "Previous", "Previous incident", _CHOOSE, show=False, priority=True
    ),
    KeySpec("choose.cancel", "escape", "cancel", "Cancel", "Cancel", _CHOOSE),
    KeySpec("case.save", "enter,ctrl+s", "save", "Add", "Add the case to the incident", _CASE, priority=True),
    KeySpec("case.cancel", "escape", "cancel", "Cancel", "Cancel", _CASE),
    KeySpec("quit.yes", "y", "answer(True)", "Quit", "Yes, quit while leading an incident", "Quit check"),
    KeySpec("quit.no", "n,escape", "answer(False)", "Stay", "No, stay", "Quit check"),
    KeySpec("reopen.post", "ctrl+s", "post", "Reopen", "Post the reason and reopen", _REOPEN, priority=True),
    KeySpec("reopen.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when there is text)", _REOPEN),
    # Priority: the focused scroll area binds the arrows and pages itself (animated); these are the ones
    # users remap, and they jump at once.
    KeySpec("detail.down", "j,down", "scroll(1)", "Down", "Scroll down", _DETAIL, show=False, priority=True),
    KeySpec("detail.up", "k,up", "scroll(-1)", "Up", "Scroll up", _DETAIL, show=False, priority=True),
    KeySpec(
        "detail.page_down",
        "pagedown,space",
        "page(1)",
        "Page down",
        "Page down",
        _DETAIL,
        show=False,
        priority=True,
    ),
    KeySpec("detail.page_up", "pageup", "page(-1)", "Page up", "Page up", _DETAIL, show=False, priority=True),
    KeySpec("detail.top", "home", "edge(0)", "Top", "Top", _DETAIL, show=False, priority=True),
    KeySpec("detail.bottom", "end", "edge(1)", "Bottom", "Bottom", _DETAIL, show=False, priority=True),
    KeySpec("detail.close", "escape,q", "close", "Close", "Close", _DETAIL),
    KeySpec("view.close", "escape,q", "close", "Close", "Close", "Thread view"),
    KeySpec("help.close", "escape,q,question_mark", "dismiss_help", "Close", "Close", "Help"),
    KeySpec("handover.post", "ctrl+s", "post", "Post", "Post the handover", "Handover editor", priority=True),
    KeySpec(
        "handover.cancel", "escape", "cancel", "Cancel", "Cancel (asks first when edited)", "Handover editor"
    ),
    # The postmortem screen (`P`): its improvements, the improvement form, the board picker.
    KeySpec("postmortem.add", "a", "add", "Add", "Add an improvement", "Postmortem"),
    KeySpec(
        "postmortem.edit",
        "enter",
        "edit",
        "Edit",
        "Edit the highlighted improvement",
        "Postmortem",
        priority=True,
    ),
    KeySpec(
        "postmortem.delete",
        "d",
        "delete",
        "Delete",
        "Delete the highlighted improvement (asks first)",
        "Postmortem",
    ),
    KeySpec(
        "postmortem.move_up",
        "K",
        "move(-1)",
        "Up",
        "Move the highlighted improvement up the priority order",
        "Postmortem",
        show=False,
    ),
    KeySpec(
        "postmortem.move_down",
        "J",
        "move(1)",
        "Down",
        "Move the highlighted improvement down the priority order",
        "Postmortem",
        show=False,
    ),
    KeySpec(
        "postmortem.status",
        "s",
        "cycle_status",
        "Status",
        "Cycle its status: outstanding, done, won't do",
        "Postmortem",
    ),
    KeySpec(
        "postmortem.raise",
        "t",
        "raise_ticket",
        "Ticket",
        "Raise it as a Jira ticket assigned to its owner (choose the board)",
        "Postmortem",
    ),
    KeySpec(
        "postmortem.export",
        "x",
        "export",
        "Export",
        "Export the draft to the postmortem folder",
        "Postmortem",
    ),
    KeySpec("postmortem.close", "escape", "close", "Close", "Close", "Postmortem"),
    KeySpec(
        "postmortem.delete_yes", "y", "answer(True)", "Delete", "Yes, delete the improvement", "Postmortem"
    ),
    KeySpec("postmortem.delete_no", "n,escape", "answer(False)", "Keep", "No, keep it", "Postmortem"),
    KeySpec(
        "postmortem.improvement_save",
        "ctrl+s",
        "save",
        "Save",
        "Save the improvement",
        "Improvement form",
        priority=True,
    ),
    KeySpec(
        "postmortem.improvement_cancel",
        "escape",
        "cancel",
        "Cancel",
        "Cancel (asks first when edited)",
        "Improvement form",
    ),
    KeySpec(
        "postmortem.board_pick",
        "enter",
        "pick",
        "Raise",
        "Raise the ticket on the highlighted board",
        "Board picker",
        priority=True,
    ),
    KeySpec("postmortem.board_down", "j", "cursor(1)", "Next", "Next board", "Board picker", show=False),
    KeySpec(
        "postmortem.board_up", "k", "cursor(-1)", "Previous", "Previous board", "Board picker", show=False
    ),
    KeySpec("postmortem.board_cancel", "escape", "cancel", "Cancel", "Cancel", "Board picker"),
    # The metrics screen (`5`): the period, a recompute, close.
    KeySpec("metrics.period_7", "7", "period(7)", "7 days", "Show the last 7 days", "Metrics"),
    KeySpec("metrics.period_30", "3", "period(30)", "30 days", "Show the last 30 days", "Metrics"),
    KeySpec("metrics.period_90", "9", "period(90)", "90 days", "Show the last 90 days", "Metrics"),
    KeySpec(
        "metrics.period_next",
        "p",
        "cycle_period",
        "Period",
        "Next period (7, 30, 90 days)",
        "Metrics",
        show=False,
    ),
    KeySpec(
        "metrics.refresh",
        "r",
        "recompute",
        "Recompute",
        "Fetch Jira's history since the last fetch and work the figures out again",
        "Metrics",
    ),
    KeySpec("metrics.close", "escape,q", "close", "Close", "Close", "Metrics"),
)

KEYS_BY_ID: Mapping[str, KeySpec] = {spec.id: spec for spec in KEYS}


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
        "left_square_bracket": "[",
        "right_square_bracket": "]",
    }
    return " ".join(names.get(key, key) for key in keys.split(","))
