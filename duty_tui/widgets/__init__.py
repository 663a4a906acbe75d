"""The Textual widgets the screen is made of: the panes, the status bar, and the pieces they share.

What belongs here: the panes (`tickets`, `channel` with `channel_rows`, `incident`, `checklist`) on their
shared frame (`list_pane`) and table (`keyed_table`), the status bar (`status`), the metrics screen's charts
(`board_flow`, `promise_gauge`, `uptime_strips`, `week_bars`), what the attention count and the handover
gather from what the panes show (`attention_facts`, `handover_facts`), untrusted text as literal Textual
`Content` (`content`), and the one helper that builds key bindings from `keymap` (`bindings`). A widget
paints what messages bring and posts intents for a desk to act on; it does no I/O. It may import Textual,
rich, `desks` (the intents and protocols it posts and fulfils), `rules`, `config`, `text`, `models` and
`keymap`; never `views` or the app (the layers contract in pyproject.toml), and never `sources`, `store`,
`sync` or `runtime` (the panes-paint contract).
"""
