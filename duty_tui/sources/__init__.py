"""Jira and Slack I/O: the real client libraries, their answers read into `models`, their failures
into `SourceError`.

One sub-package per service (`jira`, `slack`): the client that talks to it, the parsing of what it
sends, the translation of its errors into one sentence, and (for Jira) the writes and the reads they
depend on. `health` is the one health probe of a configured URL (httpx, no credentials). `errors`,
`values` and `redirects` (no redirect is followed: the token would go with it) are shared by Jira and
Slack; TLS verification is always on. Nothing here stores, schedules or paints: a source is called
from a thread by `duty_tui.sync` and returns models or raises `SourceError`. It may import `models`,
`config`, `rules` and `text`; never the store, `sync`, desks or Textual. The client libraries are
imported on first use, on a background thread, so they never delay the first paint.
"""
