"""The validation path of the contract tests (tests/sim/test_contract_jira*.py, test_contract_slack*.py).

It validates Jira exchanges with openapi-core (OpenAPI 3) and Slack responses with jsonschema (Swagger 2.0
schemas are JSON Schema draft 4, with `$ref`s resolved by `referencing`). The descriptions are read by
tests/sim/openapi_specs.py (the copies kept in tests/sim/openapi/) and patched, on load, by the one
allow-list of deviations in tests/sim/openapi_deviations.py; anything that list does not cover fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
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

from tests.sim.openapi_deviations import (
    BODILESS_JIRA_ANSWERS,
    UNDECLARED_JIRA_STATUSES,
    jira_date_time,
    patch_jira_agile,
    patch_jira_platform,
    patch_slack,
)
from tests.sim.openapi_specs import JIRA_AGILE_FILE, JIRA_PLATFORM_FILE, JSON, SLACK_FILE, load_spec


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
        platform_spec = load_spec(folder, JIRA_PLATFORM_FILE)
        agile_spec = load_spec(folder, JIRA_AGILE_FILE)
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
        return cls(load_spec(folder, SLACK_FILE))

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
