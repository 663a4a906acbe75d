"""The store's schema as forward migrations: MIGRATIONS[n] takes a version n-1 store to version n.

Never edit a released migration; add the next one. `PRAGMA user_version` records where a store is.
"""

from __future__ import annotations

MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE source_status (
    source TEXT PRIMARY KEY, last_success TEXT, last_attempt TEXT, error TEXT,
    failing_since TEXT, next_try TEXT
);
CREATE TABLE boards (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, filter_id TEXT NOT NULL, sub_query TEXT,
    mapped_status_ids TEXT NOT NULL, project_key TEXT, fetched_at TEXT NOT NULL
);
CREATE TABLE tickets (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, summary TEXT NOT NULL, status TEXT NOT NULL,
    status_category TEXT NOT NULL, priority TEXT NOT NULL, issue_type TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL, reporter TEXT NOT NULL,
    assignee_id TEXT, assignee TEXT, components TEXT NOT NULL, labels TEXT NOT NULL,
    url TEXT NOT NULL, seen_at TEXT NOT NULL, fingerprint TEXT NOT NULL
);
CREATE TABLE board_tickets (
    board_id INTEGER NOT NULL, key TEXT NOT NULL, PRIMARY KEY (board_id, key)
);
CREATE INDEX board_tickets_key ON board_tickets (key);
CREATE TABLE messages (
    channel TEXT NOT NULL, ts TEXT NOT NULL, user_id TEXT, text TEXT NOT NULL, subtype TEXT,
    bot_name TEXT, thread_ts TEXT, reply_count INTEGER NOT NULL DEFAULT 0, latest_reply TEXT,
    reactions TEXT, edited INTEGER NOT NULL DEFAULT 0, fingerprint TEXT NOT NULL,
    PRIMARY KEY (channel, ts)
);
CREATE INDEX messages_ts ON messages (ts);
CREATE TABLE chat_users (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, is_bot INTEGER NOT NULL, deleted INTEGER NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE checklist_ticks (
    day TEXT NOT NULL, item_id TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (day, item_id)
);
CREATE TABLE checklist_history (
    id INTEGER PRIMARY KEY, day TEXT NOT NULL, item_id TEXT NOT NULL, ticked INTEGER NOT NULL,
    by TEXT NOT NULL, at TEXT NOT NULL
);
""",
    # Issue 3: the acknowledgement clock, the outbox of writes, and the people the assign picker offers.
    2: """
ALTER TABLE tickets ADD COLUMN acknowledged_at TEXT;
ALTER TABLE tickets ADD COLUMN acknowledged_by TEXT;
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, batch TEXT NOT NULL, kind TEXT NOT NULL,
    key TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL, last_error TEXT, created_at TEXT NOT NULL, done_at TEXT
);
CREATE INDEX outbox_pending ON outbox (state, id);
CREATE INDEX outbox_key ON outbox (key, state);
CREATE TABLE jira_people (
    account_id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT, last_used TEXT, fetched_at TEXT NOT NULL
);
""",
    # Status ids (names can be renamed, so conflicts compare ids), and what Jira reached for a write.
    3: """
ALTER TABLE tickets ADD COLUMN status_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN reached TEXT;
""",
    # The outbox is not Jira's alone: each write names the service it goes to.
    4: """
ALTER TABLE outbox ADD COLUMN service TEXT NOT NULL DEFAULT 'jira';
""",
    # Issue 7: the channel as a place to work. Who reacted and who replied (claims and answers are read from
    # them), what a write made (a created ticket's key), the claims and tickets raised from messages.
    5: """
ALTER TABLE messages ADD COLUMN reply_users TEXT;
ALTER TABLE messages ADD COLUMN bot_id TEXT;
ALTER TABLE outbox ADD COLUMN result TEXT;
CREATE TABLE message_claims (
    channel TEXT NOT NULL, ts TEXT NOT NULL, user_id TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (channel, ts, user_id)
);
CREATE TABLE message_tickets (
    channel TEXT NOT NULL, ts TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (channel, ts, key)
);
CREATE INDEX message_tickets_key ON message_tickets (key);
""",
    # Issue 8: incidents, rebuilt from #laa-ops posts with metadata (and this engineer's own notes, pins
    # and links); snoozed reminders and exported postmortems are local state.
    6: """
ALTER TABLE messages ADD COLUMN metadata_type TEXT;
ALTER TABLE messages ADD COLUMN metadata TEXT;
CREATE TABLE incident_events (
    key TEXT PRIMARY KEY, incident_id TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL,
    body TEXT NOT NULL, ts TEXT, pending INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, at);
CREATE TABLE incident_local (
    incident_id TEXT PRIMARY KEY, snoozed_until TEXT, postmortem TEXT, exported_at TEXT
);
""",
    # Issue 8: a postmortem's improvements, edited in the app (in priority order); a raised one keeps its
    # Jira key, and the outbox id of its creation while that is on its way.
    7: """
CREATE TABLE incident_improvements (
    id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, position INTEGER NOT NULL, action TEXT NOT NULL,
    owner TEXT NOT NULL, owner_account TEXT, priority TEXT NOT NULL, status TEXT NOT NULL, ticket TEXT,
    raising TEXT
);
CREATE INDEX incident_improvements_incident ON incident_improvements (incident_id, position);
""",
    # Issue 9: each support day's sub-team and channel cover (set here or adopted from a #laa-ops post),
    # and the uncovered periods already flagged (so a restart does not flag them again).
    8: """
CREATE TABLE cover_days (
    day TEXT PRIMARY KEY, engineer TEXT, dba TEXT, duty_consultant TEXT, periods TEXT NOT NULL,
    by TEXT NOT NULL, at TEXT, ts TEXT, ref TEXT, pending INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE cover_flags (
    day TEXT NOT NULL, what TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (day, what)
);
""",
    # Issue 10: every health probe's result, kept 35 days (store.probes): `at` in milliseconds since the
    # epoch (UTC), the reason only when the probe failed.
    9: """
CREATE TABLE probe_results (
    name TEXT NOT NULL, at INTEGER NOT NULL, ok INTEGER NOT NULL, status INTEGER, latency_ms INTEGER,
    error TEXT, reason TEXT
);
CREATE INDEX probe_results_name_at ON probe_results (name, at);
""",
    # Issue 10: each ticket's history as the flow metrics read it (store.history): one compact JSON document
    # per ticket, with its board and its last update (microseconds since the epoch, UTC) for forgetting.
    10: """
CREATE TABLE ticket_histories (
    key TEXT PRIMARY KEY, board TEXT NOT NULL, updated INTEGER NOT NULL, fetched_at TEXT NOT NULL,
    complete INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX ticket_histories_updated ON ticket_histories (updated);
""",
}

SCHEMA_VERSION = max(MIGRATIONS)
