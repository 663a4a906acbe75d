"""Everything that runs in the background: polling the sources into the store, and sending the outbox.

What belongs here: the one loop base (`loop`: wake, stop, back-off with Retry-After, restart after a
crash), the pollers (`jira_poll`, `slack_poll`, run by `poll.PollLoop`) and what a poll hands to the UI
(`outcomes`), the engineer's Jira account (`account`), the health checks' loop (`probes`), the outbox
writer (`outbox`) with one `Delivery` per service (`jira_delivery`), and the store writer that keeps
the UI's own store writes in order (`store_writer`). It may import `sources`, `store`, `rules`,
`config` and `models`; never Textual, desks or widgets: loops hand their results to a callback, and the
app turns them into messages.
"""
