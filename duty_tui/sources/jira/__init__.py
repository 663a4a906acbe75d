"""Jira Cloud through the real `jira` client: reads, writes and Jira's errors, one module per concern.

Modules: `client` (`JiraSource`: the unassigned, not-done tickets of each configured board, and the
connection), `jql` (the JQL duty-tui sends), `history` (an issue's changelog and comments: acknowledgement
events and status history), `changelog` and `ticket_history` (every ticket's history for the metrics, read
into `rules.flow_history.TicketHistory`), `writes` (`JiraWriter`: the writes and the on-demand reads they
depend on, for the outbox and the ticket views), `creation` (raising a ticket from a #laa-ops message:
create it, find it again after a lost answer, link it) and `errors` (Jira's failures → `SourceError`). It
may import the `jira` library (loaded on first use, on a worker thread) and `requests` (whose errors `jira`
raises), the shared `sources.errors`, `sources.values` and `sources.redirects`, `models`, `config` and
`rules`; like the rest of `sources`, never the store, `sync`, desks, widgets, views or Textual (the
contracts in pyproject.toml), and nothing of `sources.slack`.
"""
