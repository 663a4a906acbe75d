"""The validation path of the contract tests (tests/sim/test_contract_jira.py, test_contract_slack.py).

It loads the official API descriptions once, validates Jira exchanges with openapi-core (OpenAPI 3) and
Slack responses with jsonschema (Swagger 2.0 schemas are JSON Schema draft 4, with `$ref`s resolved by
`referencing`), and holds the one allow-list of deviations. Every entry of that list names the public
documentation it rests on (or, where only the live service shows it, the test here that pins it);
anything the list does not cover fails.

The descriptions are the ones the services publish, not copies kept in this repository: Jira's
https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json and
https://developer.atlassian.com/cloud/jira/software/swagger.v3.json, Slack's
https://github.com/slackapi/slack-api-specs (web-api/slack_web_openapi_v2.json). `openapi_dir()` says
where the tests look for them; `openapi_dir_or_skip()` skips a test module, saying why, when they are
absent.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

# jsonschema ships no type information, and the test extras carry no types-jsonschema.
from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockResponse
from openapi_core.validation.response.exceptions import MissingData
from openapi_schema_validator import OAS30ReadValidator
from referencing import Registry
from referencing.jsonschema import DRAFT4

OPENAPI_ENV = "DUTY_TUI_OPENAPI_DIR"
JIRA_PLATFORM_FILE = "jira-platform-v3.json"
JIRA_AGILE_FILE = "jira-software-agile.json"
SLACK_FILE = "slack-web-v2.json"
SPEC_FILES = (JIRA_PLATFORM_FILE, JIRA_AGILE_FILE, SLACK_FILE)
JSON = dict[str, Any]


def openapi_dir() -> Path:
    """Where the descriptions should be: $DUTY_TUI_OPENAPI_DIR, else ../shared/reference/openapi."""
    configured = os.environ.get(OPENAPI_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "openapi"


def missing_specs(folder: Path) -> list[str]:
    return [name for name in SPEC_FILES if not (folder / name).is_file()]


def openapi_dir_or_skip() -> Path:
    """The descriptions' folder; called at a test module's top, it skips the module when any is missing."""
    folder = openapi_dir()
    if missing := missing_specs(folder):
        pytest.skip(
            f"official OpenAPI descriptions not found at {folder} (missing {', '.join(missing)}): the "
            "contract test needs them (set DUTY_TUI_OPENAPI_DIR to their folder)",
            allow_module_level=True,
        )
    return folder


def load_json(path: Path) -> JSON:
    data: JSON = json.loads(path.read_text(encoding="utf-8"))
    return data


class ContractError(AssertionError):
    """A response (or the test's own request) that the official description rejects."""


def _where(error: ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "(body)"


def explain(errors: Iterable[ValidationError]) -> str:
    """One line per schema error, nested anyOf failures included, so a failing test says what to fix."""
    lines: list[str] = []
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        lines.append(f"  at {_where(error)}: {error.message[:300]}")
        lines.extend(
            f"      alternative {list(sub.schema_path)[:2]}: {_where(sub)}: {sub.message[:200]}"
            for sub in error.context or ()
        )
    return "\n".join(lines)


def _openapi_errors(error: Exception) -> str:
    """openapi-core wraps jsonschema's errors (InvalidData → InvalidSchemaValue.schema_errors)."""
    cause: BaseException | None = error
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            return f"{type(error).__name__}:\n{explain(schema_errors)}"
        cause = cause.__cause__
    return f"{type(error).__name__}: {error}"


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


# =========================================================================================================
# Jira: openapi-core
# =========================================================================================================

# The platform description is OpenAPI 3 for /rest/api/3 only. The v2 and latest paths the `jira` library
# uses have the same shapes except that v3 bodies are ADF documents
# (https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/); the v3
# Comment.body is untyped, so a v2 comment exchange validates against the v3 operation.
_V3_ALIASES = re.compile(r"^/rest/api/(?:2|latest)/")


@dataclass
class JiraContract:
    platform: OpenAPI
    agile: OpenAPI
    platform_server: str
    agile_server: str
    error_collection: OAS30ReadValidator

    @classmethod
    def load(cls, folder: Path) -> JiraContract:
        platform_spec = load_json(folder / JIRA_PLATFORM_FILE)
        agile_spec = load_json(folder / JIRA_AGILE_FILE)
        patch_jira_platform(platform_spec)
        patch_jira_agile(agile_spec)
        formats: dict[str, Callable[[Any], bool]] = {"date-time": jira_date_time}
        # The platform document fails openapi-spec-validator on an operation duty-tui never calls (the
        # `status` parameter of GET /rest/api/3/classification-levels has default '' outside its enum), so
        # only the Agile document is spec-checked; the platform one is used as published.
        platform = OpenAPI.from_dict(
            platform_spec, config=Config(spec_validator_cls=None, extra_format_validators=formats)
        )
        agile = OpenAPI.from_dict(agile_spec, config=Config(extra_format_validators=formats))
        errors = OAS30ReadValidator(
            platform_spec["components"]["schemas"]["ErrorCollection"],
            format_checker=OAS30ReadValidator.FORMAT_CHECKER,
        )
        return cls(
            platform=platform,
            agile=agile,
            platform_server=platform_spec["servers"][0]["url"],
            agile_server=agile_spec["servers"][0]["url"],
            error_collection=errors,
        )

    def described_request(self, sent: requests.PreparedRequest) -> tuple[OpenAPI, RequestsOpenAPIRequest]:
        """The request as the description knows it: the spec's server, and a v3 path for v2/latest."""
        assert sent.url is not None
        url = urlsplit(sent.url)
        if url.path.startswith("/rest/agile/"):
            app, server = self.agile, self.agile_server
        else:
            app, server = self.platform, self.platform_server
        described = sent.copy()
        path = _V3_ALIASES.sub("/rest/api/3/", url.path)
        described.url = urlunsplit((*urlsplit(server)[:2], path, url.query, ""))
        return app, RequestsOpenAPIRequest(described)

    def check(
        self, sent: requests.PreparedRequest, status: int, headers: Mapping[str, str], body: bytes
    ) -> None:
        """Validate one exchange: the request is a documented call, the status is declared (or on the
        allow-list), the body matches the declared schema, and an error body is an ErrorCollection."""
        app, request = self.described_request(sent)
        try:
            app.validate_request(request)
        except Exception as error:  # the test itself must speak the documented API
            raise ContractError(f"the test's own request is off-spec: {_openapi_errors(error)}") from error
        content_type = headers.get("Content-Type", "application/json")
        response = MockResponse(body, status_code=status, headers=dict(headers), content_type=content_type)
        try:
            app.validate_response(request, response)
        except ResponseNotFound as error:
            allowed = UNDECLARED_JIRA_STATUSES.get(status, frozenset())
            if allowed is not None and request.path not in allowed:
                raise ContractError(f"{status} is not declared for {request.path}: {error}") from error
        except MissingData as error:
            bodiless = status == 204 or any(  # entries jira-204-no-body, jira-property-put-no-body
                request.method == method and pattern.match(request.path) and status in statuses
                for method, pattern, statuses in BODILESS_JIRA_ANSWERS
            )
            if not bodiless or body:
                raise ContractError(_openapi_errors(error)) from error
        except Exception as error:
            raise ContractError(_openapi_errors(error)) from error
        if status == 204 and body:
            raise ContractError(f"204 with a body: {body[:200]!r}")
        # Every error body is an ErrorCollection, {"errorMessages": [...], "errors": {...}}:
        # https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes
        if status >= 400:
            payload = json.loads(body)
            problems = list(self.error_collection.iter_errors(payload))
            if problems:
                raise ContractError(f"{status} body is not an ErrorCollection:\n{explain(problems)}")


# =========================================================================================================
# Slack: jsonschema draft 4 over the Swagger 2.0 document
# =========================================================================================================

_SLACK_URI = "urn:duty-tui:slack-web-v2"


class SlackContract:
    def __init__(self, doc: JSON) -> None:
        self.doc = patch_slack(doc)
        # Swagger 2.0 schemas are draft 4; the document has no `id`, so it is registered under a URN and
        # its "#/definitions/…" refs resolve within it.
        self._registry: Registry[Any] = Registry().with_resource(_SLACK_URI, DRAFT4.create_resource(self.doc))
        self._validators: dict[tuple[str, str], Draft4Validator] = {}

    @classmethod
    def load(cls, folder: Path) -> SlackContract:
        return cls(load_json(folder / SLACK_FILE))

    def validator(self, method: str, response: str) -> Draft4Validator:
        """The schema of one declared response ("200" or "default"), as a $ref into the document."""
        key = (method, response)
        if key not in self._validators:
            (verb,) = self.doc["paths"][f"/{method}"]  # each Slack method has exactly one operation
            pointer = f"{_SLACK_URI}#/paths/~1{method}/{verb}/responses/{response}/schema"
            self._validators[key] = Draft4Validator(
                {"$ref": pointer}, registry=self._registry, format_checker=Draft4Validator.FORMAT_CHECKER
            )
        return self._validators[key]

    def check(self, method: str, status: int, body: Any) -> None:
        """Logical errors are HTTP 200 with ok:false (https://docs.slack.dev/apis/web-api/) and a rate limit
        is 429 with ok:false (https://docs.slack.dev/apis/web-api/rate-limits). The spec declares one 200
        schema (ok:true) and a `default` error schema, so the body's `ok` picks the schema."""
        ok = isinstance(body, dict) and body.get("ok") is True
        if status not in (200, 429) or (status == 429 and ok):
            raise ContractError(
                f"{method} answered HTTP {status} (ok={ok}); Slack sends 200, or 429 when limited"
            )
        errors = list(self.validator(method, "200" if ok else "default").iter_errors(body))
        if errors:
            raise ContractError(f"{method} ({'ok' if ok else 'error'}) breaks the schema:\n{explain(errors)}")


# The two readers below compare the simulator's wording with the Jira notes kept beside the descriptions
# (`jira-cloud.md`, outside this repository; the tests skip the comparison when it is absent). Atlassian's
# own sources for the wording: https://developer.atlassian.com/changelog/#CHANGE-2046 (the 410) and
# https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/ (bounded JQL).


def removed_search_body(notes: Path) -> Any:
    """The 410 body the notes quote in §6 under 'Removed endpoint.'"""
    text = notes.read_text(encoding="utf-8")
    section = text.split("## 6.", 1)[1].split("## 7.", 1)[0]
    after = section.split("**Removed endpoint.**", 1)[1]
    match = re.search(r"```json\n(.*?)\n```", after, re.DOTALL)
    if match is None:
        raise ValueError("no JSON block after 'Removed endpoint.' in jira-cloud.md §6")
    return json.loads(match.group(1))


def unbounded_jql_message(notes: Path) -> str:
    """The 400 message for unbounded JQL that the notes quote in §6."""
    match = re.search(r'Unbounded JQL gives 400 `"([^"`]+)"`', notes.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError("no unbounded-JQL message in jira-cloud.md §6")
    return match.group(1)
