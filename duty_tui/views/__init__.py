"""The screens and dialogs pushed over the panes: a ticket, a message or an incident in full, and every form.

What belongs here: one module per screen or family of dialogs, e.g. `ticket`, `thread`, `incident` (read
in full, on the shared keys of `detail`), `assign`, `move`, `comment`, `reply`, `react`, `raise_ticket`,
`declare_incident`, `incident_update`, `incident_choice`, `improvement`, `postmortem`, `cover`,
`handover`, `help` and `metrics`; `picker` holds the keys every searchable picker shares, `fetch` reads
for a screen without holding up quitting, and `ticket_dialogs`, `channel_dialogs`, `incident_dialogs` and
`handover_dialogs` build the dialogs each desk opens, so that no desk imports a view; the write dialogs
opened over and over (assign, move, comment, declare, update, lead, note, resolve, reopen) are kept and
reset for each opening (`kept`), so closing one repaints rather than lays the dashboard out. A view
returns what the engineer chose to whoever pushed it; it does no I/O of its own. It may import Textual,
rich, `widgets`, `desks`, `reports`, `rules`, `config`, `text`, `models` and `keymap`; never the app (the
layers contract in pyproject.toml), and never `sources`, `store`, `sync` or `runtime` (the panes-paint
contract).
"""
