"""Reports: the metrics the team measures, gathered from the store and worked out by the rules.

What belongs here: putting together the inputs (`gather`: the ticket histories, incidents, probe results
and happiness asks the store holds), one pure computation of every figure for a period
(`metrics.compute` → `MetricsReport`, whose `to_json()` is the report's stable JSON), and the text forms
of it (Markdown, CSV). The metrics screen and `duty-tui report` both show a `MetricsReport`.

May import `rules`, `config`, `store`, `sources` and `sync` (the report refreshes the history first);
never Textual, desks or views.
"""
