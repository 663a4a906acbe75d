"""The desks: one per concern of the duty day, each turning what its pane asks into work.

A desk turns what the engineer asks of its pane (intents) into work: it opens the dialogs an intent
needs, records writes in the outbox (through the store writer, off the UI thread), shows their effect
at once, and handles its own messages (what its threads and its source's polls report). It owns its
state and its collaborators — its pane, the store writer, the runtime's writers — and uses the screen
only through `ui.DeskUI` (toasts, dialogs, links, clipboard, the bell); it never reaches into the app. A
desk is a container in the DOM around its pane, so the pane's intents bubble to it. It may import `sync`,
`reports`, `store`, `sources`, `rules`, `config`, `text`, `models`, `messages`, `runtime` and Textual;
never widgets, views or the app (the layers contract in pyproject.toml): the panes and dialogs it works
with are handed to it, typed by the protocols it declares.

Modules. The desks: `tickets` (the ticket keys, as outbox writes), `channel` (#laa-ops, with `happiness`
for `d` and the asks that follow a resolved request), `incidents`, `checklist`, `cover` (`D`), `handover`
(`H`), `metrics` (the metrics screen, `5`) and `attention` (says once that something new needs the
engineer, with `notifier` for desktop notifications). What the panes post and the desks' threads report:
`intents`, `checklist_intents`, `incident_intents`, `ticket_messages`, `channel_messages`,
`incident_messages`. What a desk is handed, as protocols: `ui` (the screen), `ticket_collaborators`,
`incident_protocols`. Shared: `queueing` (storing a keypress's writes with patience) and `boards` (where a
new ticket can go).
"""
