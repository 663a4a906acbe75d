"""Pure rules: what duty-tui decides, from models and the time it is handed: no I/O, no clock, no Textual.

What belongs here is every decision a test should be able to make from values alone: which tickets belong on
the list (`listing`, `triage`, `facts`) and their acknowledgement clock (`sla`, `calendar`, `working_time`);
what a key writes (`actions`, `channel_actions`, `raised`); requests and claims in #laa-ops (`requests`),
cover (`cover`), the checklist (`checklist`), the handover (`handover`), user happiness (`happiness`,
`happiness_asks`), incidents and their posts (`incidents`, `incident_posts`, `postmortem`), what needs the
engineer now (`attention`), availability from health probes (`availability`), and the figures of the
metrics screen (`metrics`, `flow`, `flow_history`, `flow_figures`, `incident_metrics`). It may import only
the standard library, `duty_tui.models`, `duty_tui.text` and the `holidays` tables; the import-linter
contracts in pyproject.toml keep it below every other layer but `text` (so never `config`, `sources`,
`store`, `sync`, desks, widgets, views or the app), free of Textual, and free of I/O (no httpx, requests,
jira, slack_sdk, socket, urllib, sqlite3, sqlite_utils, os, pathlib, importlib, threading, time or
`duty_tui.clock`): the current time is always an argument.
"""
