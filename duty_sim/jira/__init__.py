"""A simulated Jira Cloud: REST v2/v3/latest and Agile 1.0, the parts duty-tui uses, served by `SimServer`."""
