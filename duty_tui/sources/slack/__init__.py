"""The Slack Web API through `slack_sdk`: reads, writes and Slack's errors, one module per concern.

Modules: `client` (`SlackSource`: new #laa-ops messages, threads and their summaries, and the user
directory), `writes` (`SlackWriter`: the writes and the reads they depend on, for the outbox: replies,
reactions, deleting the bot's own duplicate posts, permalinks, the team), `transport` (the `WebClient`
they share: slack_sdk's, refusing redirects, with verified TLS) and `errors` (Slack's failures →
`SourceError`). It may import `slack_sdk` (loaded on first use, on a worker thread), the shared
`sources.errors`, `sources.values` and `sources.redirects`, `models` and `config`; like the rest of
`sources`, never the store, `sync`, desks, widgets, views or Textual (the contracts in pyproject.toml), and
nothing of `sources.jira`.
"""
