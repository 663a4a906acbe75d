"""The desks: one per concern of the duty day (tickets and the channel now; incidents and the day next).

A desk turns what the engineer asks of its pane (intents) into work: it opens the dialogs an intent
needs, records writes in the outbox (through the store writer, off the UI thread), shows their effect
at once, and handles its own messages (what its threads and its source's polls report). It owns its
state and its collaborators — its pane, the store writer, the runtime's writers — and uses the screen
only through `ui.DeskUI` (toasts, dialogs, links, clipboard); it never reaches into the app. A desk is
a container in the DOM around its pane, so the pane's intents bubble to it. It may import `sync`,
`store`, `sources`, `rules`, `config`, `text`, `models` and Textual; never widgets, views or the app:
the panes and dialogs it works with are handed to it, typed by the protocols it declares.
"""
