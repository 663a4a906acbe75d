"""The validation path of the contract test (tests/test_contract.py).

It loads the official API descriptions once, validates Jira exchanges with openapi-core (OpenAPI 3) and
Slack responses with jsonschema (Swagger 2.0 schemas are JSON Schema draft 4, with `$ref`s resolved by
`referencing`), and holds the one allow-list of deviations. Every entry of that list names the reference
note it rests on; anything the list does not cover fails.

The descriptions are reference data outside the repository: `../shared/reference/openapi/` next to the
repo, or the folder named by DUTY_TUI_OPENAPI_DIR. The notes that arbitrate between a schema and the live
service (`jira-cloud.md`, `slack-web-api.md`) sit one folder up from it.
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
# platform) and the reference notes disagree, and the notes record what the client libraries and the live
# services do. The patches edit exactly the named schema nodes, and each first checks that the node still
# looks the way this list expects, so a newer description that fixes (or moves) it fails loudly here
# instead of being patched blindly.
# =========================================================================================================


@dataclass(frozen=True)
class Deviation:
    id: str
    note: str  # the reference note the entry rests on
    what: str


JIRA_DEVIATIONS = (
    Deviation(
        "jira-changelog-item",
        "jira-cloud.md §13 (changelog example)",
        "Changelog items carry tmpFromAccountId/tmpToAccountId, and the side of a change that had no value "
        'is null ("from":null,"fromString":null; after an unassign, §10, the "to" side). ChangeDetails '
        "forbids extra keys and types from/to/fromString/toString as non-null strings.",
    ),
    Deviation(
        "agile-board-configuration-location",
        "jira-cloud.md §8 (board configuration example)",
        'The configuration\'s location is {"type","key","id","self"}; the Agile schema (2022) allows only '
        "{type, projectKeyOrId}. The node is replaced by the note's shape: those four keys required and "
        "typed, other keys allowed (the note is an example, not a closed list).",
    ),
    Deviation(
        "jira-timestamp-format",
        "jira-cloud.md §1 rule 12, §7 'Timestamps'",
        'Jira writes timestamps as "2025-01-17T12:34:00.000+0000": milliseconds and no colon in the offset, '
        "which RFC 3339 (the schema's `format: date-time`) rejects. date-time accepts RFC 3339 or exactly "
        "that form, and it must still parse.",
    ),
    Deviation(
        "jira-204-no-body",
        "jira-cloud.md §10 and §11 ('Returns 204'); RFC 9110 §15.3.5",
        "PUT …/assignee and POST …/transitions declare 204 with an application/json schema `{}`; a 204 has "
        "no body, so the check is: 204 is declared and the body is empty.",
    ),
    Deviation(
        "jira-undeclared-status",
        "jira-cloud.md §6 'Removed endpoint', §15, §16, §17",
        "Statuses the notes document on operations whose schema omits them: 410 from the removed /search "
        "(CHANGE-2046), 401 from any route on bad credentials (§17), 429 from any route (§16 burst limits). "
        "Their bodies are still checked against the platform's ErrorCollection.",
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
        "slack-web-api.md §7 (chat.postMessage and history examples), §8 (app bots carry app_id)",
        'Messages carry app_id ("A0APP") and, once edited, edited {user, ts}; objs_message (2020) forbids '
        "both. They are added to objs_message, typed as the notes show them.",
    ),
    Deviation(
        "slack-history-replies-response-metadata",
        "slack-web-api.md §6 (cursor pagination), §7 (history and replies responses)",
        "conversations.history and conversations.replies answer response_metadata.next_cursor; their 2020 "
        "success schemas forbid response_metadata. It is added, as the spec's own objs_response_metadata.",
    ),
    Deviation(
        "slack-history-empty-page",
        "slack-web-api.md §6 (polling recipe: oldest=<newest stored ts>, inclusive=False), "
        "§7 ('oldest/latest are exclusive unless inclusive=1')",
        "A poll when nothing new was posted answers messages: []; the 2020 history schema demands "
        "minItems 1. The minItems is dropped from history's messages, nothing else.",
    ),
    Deviation(
        "slack-replies-messages",
        "slack-web-api.md §7 (replies: the parent, then the replies; the history example's thread parent "
        "carries reactions) and §8 (app posts carry bot_id, app_id, bot_profile)",
        "The 2020 replies schema gives its own closed parent/reply shapes that forbid reactions, blocks, "
        "bot_id and bot_profile and require the per-user `subscribed`; the notes show thread messages as "
        "the same message objects history returns. Replies' messages are checked against objs_message.",
    ),
    Deviation(
        "slack-common-errors",
        "slack-web-api.md §1 rule 3, §3 (errors common to all methods), §4 (429 ratelimited)",
        "Every method may answer the common errors, ratelimited included; several 2020 error enums lack "
        "them (conversations.history has no 'ratelimited'). The notes' common errors join the error enum "
        "of each method under contract (SLACK_METHODS).",
    ),
)

# The Web API methods duty-tui calls or will call (slack-web-api.md §7).
SLACK_METHODS = (
    "auth.test",
    "conversations.history",
    "conversations.replies",
    "conversations.info",
    "users.info",
    "users.list",
    "chat.postMessage",
    "chat.getPermalink",
    "reactions.add",
    "reactions.get",
)

# slack-web-api.md §3, "Errors common to all methods".
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

# jira-cloud.md §1 rule 12: "2025-01-17T12:34:00.000+0000".
JIRA_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}")


DEVIATIONS = {deviation.id: deviation for deviation in (*JIRA_DEVIATIONS, *SLACK_DEVIATIONS)}


def _expect(condition: bool, deviation: str, detail: str) -> None:
    """Guard a patch: the node must still be what the allow-list entry describes."""
    entry = DEVIATIONS[deviation]
    if not condition:
        raise RuntimeError(
            f"allow-list entry {entry.id!r} ({entry.note}) no longer matches the description: {detail}; "
            "re-check the entry against the notes before changing it"
        )


def patch_jira_platform(spec: JSON) -> None:
    """Entry jira-changelog-item: relax exactly ChangeDetails."""
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
    return doc


# =========================================================================================================
# Jira: openapi-core
# =========================================================================================================

# The platform description is OpenAPI 3 for /rest/api/3 only. The v2 and latest paths the `jira` library
# uses have the same shapes except that v3 bodies are ADF documents (jira-cloud.md §1 rule 9); the v3
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
            if status != 204 or body:  # entry jira-204-no-body
                raise ContractError(_openapi_errors(error)) from error
        except Exception as error:
            raise ContractError(_openapi_errors(error)) from error
        if status == 204 and body:
            raise ContractError(f"204 with a body: {body[:200]!r}")
        if status >= 400:  # jira-cloud.md §15: every error body is {"errorMessages": [...], "errors": {...}}
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
        """slack-web-api.md §1 rules 2 and 3: logical errors are HTTP 200 with ok:false and a rate limit is
        429 with ok:false. The spec declares one 200 schema (ok:true) and a `default` error schema, so
        the body's `ok` picks the schema."""
        ok = isinstance(body, dict) and body.get("ok") is True
        if status not in (200, 429) or (status == 429 and ok):
            raise ContractError(
                f"{method} answered HTTP {status} (ok={ok}); Slack sends 200, or 429 when limited"
            )
        errors = list(self.validator(method, "200" if ok else "default").iter_errors(body))
        if errors:
            raise ContractError(f"{method} ({'ok' if ok else 'error'}) breaks the schema:\n{explain(errors)}")


def removed_search_body(notes: Path) -> Any:
    """The 410 body jira-cloud.md §6 quotes under 'Removed endpoint.'"""
    text = notes.read_text(encoding="utf-8")
    section = text.split("## 6.", 1)[1].split("## 7.", 1)[0]
    after = section.split("**Removed endpoint.**", 1)[1]
    match = re.search(r"```json\n(.*?)\n```", after, re.DOTALL)
    if match is None:
        raise ValueError("no JSON block after 'Removed endpoint.' in jira-cloud.md §6")
    return json.loads(match.group(1))


def unbounded_jql_message(notes: Path) -> str:
    """The 400 message for unbounded JQL that jira-cloud.md §6 quotes."""
    match = re.search(r'Unbounded JQL gives 400 `"([^"`]+)"`', notes.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError("no unbounded-JQL message in jira-cloud.md §6")
    return match.group(1)
