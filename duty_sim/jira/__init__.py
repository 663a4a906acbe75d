"""A simulated Jira Cloud: REST v2/v3/latest and Agile 1.0, the parts duty-tui uses, served by `SimServer`.

What belongs here: the service (`service.JiraSim` and its route table `service.ROUTES`), the routes by
area (`routes_platform`, `routes_search`, `routes_issue`, `routes_comments`, `routes_links`,
`routes_agile`) and their HTTP plumbing (`http`), the world's state, its issue properties and remote
links, and its two read sides (`world`, `state`, `world_links`, `world_query`, `render`), the fixed
catalogue (`model`), JQL (`jql_parse` for syntax, `jql` for matching, `jql_sort` for ORDER BY) and
ADF (`adf`). What it may import: the standard library, `duty_sim.server`, `duty_sim.faults`,
`duty_sim.clock` and its own modules; never `duty_sim.slack`, never `duty_tui`. Only `duty_tui.demo`,
the tests and the benchmarks import it; the real `jira` client talks to it over HTTP.
"""
