"""Everything that runs in the background: polling the sources into the store, and sending the outbox.

What belongs here: the one loop base (`loop`: wake, stop, back-off with Retry-After, restart after a
crash); the pollers, run by `poll.PollLoop`: Jira's (`jira_poll`) and Slack's (`slack_poll`, which reads
back incidents with `incident_sync`, the happiness asks with `happiness_sync`, and who the team is with
`slack_team`), and what a poll hands to the UI (`outcomes`); the engineer's Jira account (`account`);
the history fetch behind the metrics (`history`); the health checks' loop (`probes`); the outbox writer
(`outbox`) with one delivery per service (`jira_delivery`, `slack_delivery`); and the store writer that
keeps the UI's own store writes in order (`store_writer`). It may import `sources`, `store`, `rules`,
`config`, `text`, `models` and `clock`; never Textual, desks, widgets, views or the app (the contracts in
pyproject.toml): loops hand their results to a callback, and the app turns them into messages.
"""
