"""The contract tests' one allow-list of deviations, and the patches that apply it to the descriptions.

Every entry names the public documentation it rests on (or, where only the live service shows it, the test
here that pins it); anything the list does not cover fails. Each patch first checks that the node it edits
still looks the way its entry expects (`_expect`), so a newer description that fixes or moves the node
fails loudly instead of being patched blindly. The descriptions are read by tests/sim/openapi_specs.py
and validated by tests/sim/openapi_contract.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openapi_schema_validator import OAS30ReadValidator

from tests.sim.openapi_specs import JSON

# =========================================================================================================
# The allow-list. Each entry is a documented deviation: the schema (2020 Slack / 2022 Agile / late-2025
# platform) disagrees with what the services' own documentation, the descriptions' own examples or the
# client libraries show the live services doing. The patches edit exactly the named schema nodes, and each
# first checks that the node still looks the way this list expects, so a newer description that fixes (or
# moves) it fails loudly here instead of being patched blindly.
# =========================================================================================================


@dataclass(frozen=True)
class Deviation:
    id: str
    source: str  # the public documentation (or, failing that, this repository's test) the entry rests on
    what: str


JIRA_DEVIATIONS = (
    Deviation(
        "jira-changelog-item",
        'the description\'s own example for GET /rest/api/3/issue/{issueIdOrKey}/changelog ("from":null), '
        "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/"
        "#api-rest-api-3-issue-issueidorkey-changelog-get; tmp*AccountId as the live service sends it, "
        "pinned by tests/sim/test_jira.py::test_assign_by_account_id_records_history",
        "Changelog items carry tmpFromAccountId/tmpToAccountId, and the side of a change that had no value "
        'is null ("from":null,"fromString":null; after an unassign, the "to" side). ChangeDetails '
        "forbids extra keys and types from/to/fromString/toString as non-null strings.",
    ),
    Deviation(
        "agile-board-configuration-location",
        "the Agile description's own example for GET /rest/agile/1.0/board/{boardId}/configuration, "
        "https://developer.atlassian.com/cloud/jira/software/rest/api-group-board/"
        "#api-rest-agile-1-0-board-boardid-configuration-get",
        'The configuration\'s location is {"type","key","id","self"}; the Agile schema (2022) allows only '
        "{type, projectKeyOrId}. The node is replaced by the example's shape: those four keys required and "
        "typed, other keys allowed (the example is not a closed list: it also has `name`).",
    ),
    Deviation(
        "jira-timestamp-format",
        "the platform description's own examples, e.g. in getChangeLogs: "
        '"created":"1970-01-18T06:27:50.429+0000"',
        'Jira writes timestamps as "2025-01-17T12:34:00.000+0000": milliseconds and no colon in the offset, '
        "which RFC 3339 (the schema's `format: date-time`) rejects. date-time accepts RFC 3339 or exactly "
        "that form, and it must still parse.",
    ),
    Deviation(
        "jira-204-no-body",
        "assignIssue and doTransition, '204: Returned if the request is successful', "
        "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/; RFC 9110 §15.3.5",
        "PUT …/assignee and POST …/transitions declare 204 with an application/json schema `{}`; a 204 has "
        "no body, so the check is: 204 is declared and the body is empty.",
    ),
    Deviation(
        "jira-undeclared-status",
        "https://developer.atlassian.com/changelog/#CHANGE-2046 (the removed search), "
        "https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes (401), "
        "https://developer.atlassian.com/cloud/jira/platform/rate-limiting/ (429)",
        "Statuses Jira Cloud sends on operations whose schema omits them: 410 from the removed /search "
        "(CHANGE-2046), 401 from any route on bad credentials, 429 from any route (burst limits). "
        "Their bodies are still checked against the platform's ErrorCollection.",
    ),
    Deviation(
        "jira-remotelink-list",
        "getRemoteIssueLinks, https://developer.atlassian.com/cloud/jira/platform/rest/v3/"
        "api-group-issue-remote-links/#api-rest-api-3-issue-issueidorkey-remotelink-get: its own 200 example "
        "is an array, and its text says 'When a remote issue link global ID is provided the record with that "
        "global ID is returned, otherwise all remote issue links are returned'",
        "GET …/remotelink answers a list of RemoteIssueLink; only with globalId one RemoteIssueLink. The 200 "
        "schema names a single RemoteIssueLink; it becomes that object or an array of it.",
    ),
    Deviation(
        "jira-property-put-no-body",
        "setIssueProperty, https://developer.atlassian.com/cloud/jira/platform/rest/v3/"
        "api-group-issue-properties/#api-rest-api-3-issue-issueidorkey-properties-propertykey-put "
        "('200: Returned if the issue property is updated', '201: … created', no example body); the `jira` "
        "library's add_issue_property returns the raw response without decoding it (pycontribs/jira, "
        "jira/client.py); pinned by "
        "tests/sim/test_jira_links.py::test_put_creates_then_replaces_and_any_json_is_a_value",
        "PUT …/properties/{propertyKey} answers 200 or 201 with no body, though both declare an "
        "application/json schema `{}` (anything). As for jira-204-no-body: the status is declared and the "
        "body is empty.",
    ),
)

SLACK_DEVIATIONS = (
    Deviation(
        "slack-items-mean-anyof",
        "slackapi/slack-api-specs PR #23 (July 2019 spec update notes)",
        "Not a relaxation. The maintainers: 'expressing the oneOf instruction is difficult and we replace "
        "this nuance with the generic items'. So a list under `items` on a node that is not an array is a "
        "set of alternatives; draft 4 ignores such `items` on objects, which would leave e.g. reactions.get "
        "and objs_conversation unchecked. They become anyOf (any, not one: the alternatives overlap).",
    ),
    Deviation(
        "slack-message-app-id-edited",
        "https://docs.slack.dev/reference/events/message ('edited': the editor's user and ts); app_id in "
        "the response types Slack publishes for its SDKs, e.g. ConversationsHistoryResponse in "
        "slackapi/node-slack-sdk (packages/web-api/src/types/response/)",
        'Messages carry app_id ("A0APP") and, once edited, edited {user, ts}; objs_message (2020) forbids '
        "both. They are added to objs_message, typed as those sources show them.",
    ),
    Deviation(
        "slack-history-replies-response-metadata",
        "https://docs.slack.dev/apis/web-api/pagination (cursor pagination), "
        "https://docs.slack.dev/reference/methods/conversations.history and "
        "https://docs.slack.dev/reference/methods/conversations.replies (their responses)",
        "conversations.history and conversations.replies answer response_metadata.next_cursor; their 2020 "
        "success schemas forbid response_metadata. It is added, as the spec's own objs_response_metadata.",
    ),
    Deviation(
        "slack-history-empty-page",
        "https://docs.slack.dev/reference/methods/conversations.history ('oldest', 'inclusive': a window "
        "holds only the messages inside it); pinned by "
        "tests/sim/test_slack.py::test_history_oldest_and_latest_are_exclusive_unless_inclusive",
        "A poll when nothing new was posted answers messages: []; the 2020 history schema demands "
        "minItems 1. The minItems is dropped from history's messages, nothing else.",
    ),
    Deviation(
        "slack-replies-messages",
        "https://docs.slack.dev/reference/methods/conversations.replies (the parent, then the replies, as "
        "messages); ConversationsRepliesResponse in slackapi/node-slack-sdk "
        "(packages/web-api/src/types/response/: reactions, blocks, bot_id, app_id, bot_profile)",
        "The 2020 replies schema gives its own closed parent/reply shapes that forbid reactions, blocks, "
        "bot_id and bot_profile and require the per-user `subscribed`; Slack's documentation shows thread "
        "messages as the same message objects history returns. Replies' messages are checked against "
        "objs_message.",
    ),
    Deviation(
        "slack-message-metadata-root",
        "https://docs.slack.dev/messaging/message-metadata (metadata on a message: event_type and "
        "event_payload, read back with include_all_metadata); "
        "https://docs.slack.dev/reference/events/message/thread_broadcast ('root': the thread's parent)",
        "Messages carry `metadata` {event_type, event_payload} when asked for, and a thread_broadcast its "
        "`root` (the parent message, with its thread summary); objs_message (2020) predates both and forbids "
        "them. They are added to objs_message: metadata closed and typed, root a message.",
    ),
    Deviation(
        "slack-method-errors",
        "the 'Errors' table of each method's page: "
        "https://docs.slack.dev/reference/methods/usergroups.users.list (no_such_subteam), "
        "https://docs.slack.dev/reference/methods/chat.postMessage (cannot_reply_to_message, "
        "invalid_metadata_format), https://docs.slack.dev/reference/methods/reactions.add (is_archived), "
        "https://docs.slack.dev/reference/methods/conversations.history (not_in_channel)",
        "Method errors documented today that the 2020 error enums lack; each joins only its own method's "
        "enum (SLACK_METHOD_ERRORS).",
    ),
    Deviation(
        "slack-missing-scope-detail",
        "the description's own error schemas of conversations.history, conversations.replies and "
        "conversations.info (needed, provided: strings); https://docs.slack.dev/apis/web-api/ "
        "(missing_scope); pinned by tests/sim/test_slack.py::test_missing_scope_names_needed_and_provided",
        "A missing_scope error names the scope the method needed and the scopes the token has, on every "
        "method; most 2020 error schemas lack the two keys. They are added, typed as those three schemas "
        "type them, to each method under contract that lacks them.",
    ),
    Deviation(
        "slack-common-errors",
        "https://docs.slack.dev/apis/web-api/ (errors as ok:false), the 'Errors' list of every method's page "
        "(e.g. https://docs.slack.dev/reference/methods/conversations.history), "
        "https://docs.slack.dev/apis/web-api/rate-limits (429 ratelimited)",
        "Every method may answer the common errors, ratelimited included; several 2020 error enums lack "
        "them (conversations.history has no 'ratelimited'). The common errors join the error enum "
        "of each method under contract (SLACK_METHODS).",
    ),
)

# The Web API methods duty-tui calls or will call (each at https://docs.slack.dev/reference/methods/<name>).
SLACK_METHODS = (
    "auth.test",
    "conversations.history",
    "conversations.replies",
    "conversations.info",
    "users.info",
    "users.list",
    "chat.postMessage",
    "chat.delete",
    "chat.getPermalink",
    "reactions.add",
    "reactions.get",
    "usergroups.users.list",
)

# Entry "slack-method-errors": documented errors each method's 2020 enum lacks.
SLACK_METHOD_ERRORS: dict[str, tuple[str, ...]] = {
    "usergroups.users.list": ("no_such_subteam",),
    "chat.postMessage": ("cannot_reply_to_message", "invalid_metadata_format"),
    "reactions.add": ("is_archived",),
    "conversations.history": ("not_in_channel",),
}

# The errors common to all methods, as every method's page lists them under 'Errors'.
SLACK_COMMON_ERRORS = (
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "missing_scope",
    "not_allowed_token_type",
    "ratelimited",
    "invalid_arguments",
    "invalid_form_data",
    "invalid_post_type",
    "request_timeout",
    "fatal_error",
    "internal_error",
    "service_unavailable",
)

# Entry "jira-undeclared-status": status → the (v3) paths it may come from (None: any route).
UNDECLARED_JIRA_STATUSES: dict[int, frozenset[str] | None] = {
    401: None,
    410: frozenset({"/rest/api/3/search"}),
    429: None,
}

# Entry "jira-property-put-no-body": (method, v3 path) → statuses answered without a body.
BODILESS_JIRA_ANSWERS: tuple[tuple[str, re.Pattern[str], frozenset[int]], ...] = (
    ("put", re.compile(r"^/rest/api/3/issue/[^/]+/properties/[^/]+$"), frozenset({200, 201})),
)

# Entry "jira-timestamp-format": "2025-01-17T12:34:00.000+0000".
JIRA_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}")


DEVIATIONS = {deviation.id: deviation for deviation in (*JIRA_DEVIATIONS, *SLACK_DEVIATIONS)}


def _expect(condition: bool, deviation: str, detail: str) -> None:
    """Guard a patch: the node must still be what the allow-list entry describes."""
    entry = DEVIATIONS[deviation]
    if not condition:
        raise RuntimeError(
            f"allow-list entry {entry.id!r} ({entry.source}) no longer matches the description: {detail}; "
            "re-check the entry against its source before changing it"
        )


def patch_jira_platform(spec: JSON) -> None:
    """Entry jira-changelog-item: relax exactly ChangeDetails; entry jira-remotelink-list: the list form."""
    links = spec["paths"]["/rest/api/3/issue/{issueIdOrKey}/remotelink"]["get"]["responses"]["200"]
    content = links["content"]["application/json"]
    single = {"$ref": "#/components/schemas/RemoteIssueLink"}
    _expect(content["schema"] == single, "jira-remotelink-list", f"the 200 schema is {content['schema']}")
    content["schema"] = {"anyOf": [single, {"type": "array", "items": single}]}
    details = spec["components"]["schemas"]["ChangeDetails"]
    props = details["properties"]
    _expect(details.get("additionalProperties") is False, "jira-changelog-item", "ChangeDetails is open")
    _expect("tmpToAccountId" not in props, "jira-changelog-item", "tmp*AccountId already described")
    for name in ("from", "fromString", "to", "toString"):
        _expect(not props[name].get("nullable"), "jira-changelog-item", f"{name} is already nullable")
        props[name]["nullable"] = True
    for name in ("tmpFromAccountId", "tmpToAccountId"):
        props[name] = {"type": "string", "nullable": True, "readOnly": True}


def patch_jira_agile(spec: JSON) -> None:
    """Entry agile-board-configuration-location: replace exactly the configuration's location node (the
    operation inlines its schema rather than referencing BoardConfigBean)."""
    operation = spec["paths"]["/rest/agile/1.0/board/{boardId}/configuration"]["get"]
    config = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    location = config["location"]
    _expect(
        set(location.get("properties", {})) == {"type", "projectKeyOrId"},
        "agile-board-configuration-location",
        f"location is now {location}",
    )
    config["location"] = {
        "type": "object",
        "required": ["type", "key", "id", "self"],
        "properties": {
            "type": {"type": "string", "enum": ["project", "user"]},
            "key": {"type": "string"},
            "id": {"type": "string"},
            "self": {"type": "string", "format": "uri"},
        },
    }


def jira_date_time(value: object) -> bool:
    """Entry jira-timestamp-format: RFC 3339 (the standard check) or Jira's own form, which must parse."""
    if not isinstance(value, str) or OAS30ReadValidator.FORMAT_CHECKER.conforms(value, "date-time"):
        return True
    if not JIRA_TIMESTAMP.fullmatch(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return False
    return True


def _items_to_anyof(node: Any) -> Any:
    """Entry slack-items-mean-anyof, applied to the whole document."""
    if isinstance(node, list):
        return [_items_to_anyof(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _items_to_anyof(value) for key, value in node.items()}
    if isinstance(out.get("items"), list) and out.get("type") != "array":
        out["anyOf"] = out.pop("items")
    return out


def patch_slack(doc: JSON) -> JSON:
    doc = _items_to_anyof(doc)
    definitions, paths = doc["definitions"], doc["paths"]
    # slack-message-app-id-edited
    message = definitions["objs_message"]
    _expect(
        message.get("additionalProperties") is False
        and not {"app_id", "edited"} & set(message["properties"]),
        "slack-message-app-id-edited",
        "objs_message already describes app_id/edited, or is open",
    )
    message["properties"]["app_id"] = {"$ref": "#/definitions/defs_app_id"}
    # slack-message-metadata-root
    _expect(
        not {"metadata", "root"} & set(message["properties"]),
        "slack-message-metadata-root",
        "objs_message already describes metadata/root",
    )
    message["properties"]["metadata"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["event_type", "event_payload"],
        "properties": {"event_type": {"type": "string", "minLength": 1}, "event_payload": {"type": "object"}},
    }
    message["properties"]["root"] = {"$ref": "#/definitions/objs_message"}
    message["properties"]["edited"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["user", "ts"],
        "properties": {
            "user": {"$ref": "#/definitions/defs_user_id"},
            "ts": {"$ref": "#/definitions/defs_ts"},
        },
    }
    # slack-history-replies-response-metadata
    for method in ("conversations.history", "conversations.replies"):
        success = paths[f"/{method}"]["get"]["responses"]["200"]["schema"]
        _expect(
            "response_metadata" not in success["properties"],
            "slack-history-replies-response-metadata",
            f"{method} already describes response_metadata",
        )
        success["properties"]["response_metadata"] = {"$ref": "#/definitions/objs_response_metadata"}
    # slack-history-empty-page
    history = paths["/conversations.history"]["get"]["responses"]["200"]["schema"]["properties"]["messages"]
    _expect(history.get("minItems") == 1, "slack-history-empty-page", f"history messages are {history}")
    del history["minItems"]
    # slack-replies-messages
    replies = paths["/conversations.replies"]["get"]["responses"]["200"]["schema"]["properties"]["messages"]
    _expect(
        "anyOf" in replies["items"], "slack-replies-messages", "replies' message alternatives have changed"
    )
    replies["items"] = {"$ref": "#/definitions/objs_message"}
    # slack-common-errors, on the methods under contract
    for method in SLACK_METHODS:
        (operation,) = paths[f"/{method}"].values()
        error = operation["responses"]["default"]["schema"]["properties"]["error"]
        _expect("enum" in error, "slack-common-errors", f"{method} has no error enum")
        error["enum"] = list(dict.fromkeys([*error["enum"], *SLACK_COMMON_ERRORS]))
    # slack-missing-scope-detail
    (history,) = paths["/conversations.history"].values()
    detail = {
        name: history["responses"]["default"]["schema"]["properties"][name] for name in ("needed", "provided")
    }
    _expect(
        all(node == {"type": "string"} for node in detail.values()),
        "slack-missing-scope-detail",
        f"conversations.history now types them as {detail}",
    )
    for method in SLACK_METHODS:
        (operation,) = paths[f"/{method}"].values()
        properties = operation["responses"]["default"]["schema"]["properties"]
        for name, node in detail.items():
            properties.setdefault(name, dict(node))
    # slack-method-errors
    for method, extra in SLACK_METHOD_ERRORS.items():
        (operation,) = paths[f"/{method}"].values()
        error = operation["responses"]["default"]["schema"]["properties"]["error"]
        _expect(
            not set(extra) & set(error["enum"]),
            "slack-method-errors",
            f"{method} already lists {sorted(set(extra) & set(error['enum']))}",
        )
        error["enum"] = [*error["enum"], *extra]
    return doc
