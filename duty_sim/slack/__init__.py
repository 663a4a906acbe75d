"""A simulated Slack Web API: the methods duty-tui uses, served by `SimServer`.

What belongs here: the service (`service.SlackSim`), who a token acts as (`tokens`), how it reads a
call (`args`), the methods it serves (`methods`), the workspace's state (`world`, with its user
groups in `usergroups`), the objects in their Web API shapes (`objects`) and the error every part
raises (`errors`). What it may import: the standard library, `duty_sim.server`, `duty_sim.faults`,
`duty_sim.clock` and its own modules; never `duty_sim.jira`, never `duty_tui`. Only `duty_tui.demo`,
the tests and the benchmarks import it; the real `slack_sdk.WebClient` talks to it over HTTP.
"""
