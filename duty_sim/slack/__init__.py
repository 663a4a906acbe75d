"""A simulated Slack Web API: the methods duty-tui uses, served by `SimServer`."""
