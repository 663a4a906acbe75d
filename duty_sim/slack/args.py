"""How the simulated Slack reads a Web API call: arguments, token, and opaque paging cursors.

Slack takes arguments from a GET query, a POST form, a POST JSON body or multipart/form-data, and a
token from the `Authorization: Bearer` header or a `token` argument. A token inside a JSON body is
not read (Slack answers `not_authed`), and JSON without a charset gets a `missing_charset` warning.
A method that "does not currently accept application/json" (usergroups.users.list) sees no JSON
arguments at all, so a JSON call of it misses its required ones.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs

from duty_sim.server import SimRequest
from duty_sim.slack.errors import SlackError

# A ts as Slack accepts it in oldest/latest/timestamp arguments: digits, optionally a fraction.
TS_ARGUMENT = re.compile(r"\d+(\.\d+)?")
_TRUE = frozenset({"1", "true"})
_FALSE = frozenset({"0", "false", ""})


class Args:
    """The call's arguments. Form and query values are strings; JSON values keep their JSON types."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def raw(self, name: str) -> Any:
        return self._values.get(name)

    def text(self, name: str) -> str | None:
        """A string argument; an empty string counts as absent, as the SDK drops None but not ''."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, str):
            return value
        raise SlackError("invalid_arguments")

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise SlackError("invalid_arguments")

    def number(self, name: str) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise SlackError("invalid_arguments")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise SlackError("invalid_arguments")

    def names(self) -> list[str]:
        return list(self._values)


@dataclass(frozen=True, slots=True)
class ParsedCall:
    """Arguments, the token that was presented (if any) and warnings to return with the answer."""

    args: Args
    token: str | None
    warnings: list[str] = field(default_factory=list)


def parse_call(request: SimRequest, *, json_args: bool = True) -> ParsedCall:
    """Read a call the way Slack does; raises `SlackError` for bodies Slack refuses.

    With `json_args=False` (a method that takes no JSON) a JSON body is still checked, then ignored."""
    values: dict[str, Any] = {name: items[0] for name, items in request.query.items() if items}
    token_arg = values.pop("token", None)
    warnings: list[str] = []
    if request.method == "POST" and request.body:
        content_type = request.content_type
        if content_type == "application/x-www-form-urlencoded":
            body = _form(request.body)
        elif content_type == "multipart/form-data":
            body = _multipart(request)
        elif content_type == "application/json":
            charset = request.headers.get_content_charset()
            if charset is None:
                warnings.append("missing_charset")
            elif charset.replace("-", "") != "utf8":
                raise SlackError("invalid_charset")
            body = _json(request.body)
            if not json_args:
                body = {}
        elif not content_type:
            raise SlackError("missing_post_type")
        else:
            raise SlackError("invalid_post_type")
        body_token = body.pop("token", None)
        # Slack never reads a token from a JSON body: only the header or a form/query argument counts.
        if body_token is not None and content_type != "application/json":
            token_arg = body_token
        values.update(body)
    return ParsedCall(Args(values), _bearer(request.header("Authorization")) or token_arg, warnings)


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def _form(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SlackError("invalid_form_data") from error
    return {name: items[0] for name, items in parse_qs(text, keep_blank_values=True).items()}


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SlackError("invalid_json") from error
    if not isinstance(payload, dict):
        raise SlackError("json_not_object")
    return payload


def _multipart(request: SimRequest) -> dict[str, Any]:
    # The email parser understands multipart bodies once it is given the Content-Type header.
    header = (request.header("Content-Type") or "").encode("latin-1", "replace")
    raw = b"Content-Type: " + header + b"\r\n\r\n" + request.body
    message = BytesParser(policy=policy.HTTP).parsebytes(raw)
    if not message.is_multipart() or message.defects:
        raise SlackError("invalid_form_data")
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename() is not None:
            continue  # file uploads are not simulated
        payload = part.get_payload(decode=True)
        try:
            fields[name] = payload.decode("utf-8") if isinstance(payload, bytes) else ""
        except UnicodeDecodeError as error:
            raise SlackError("invalid_form_data") from error
    return fields


def encode_cursor(kind: str, value: str) -> str:
    """An opaque cursor in Slack's style: base64 of `kind:value` (e.g. `next_ts:1512085861.000543`)."""
    return base64.b64encode(f"{kind}:{value}".encode()).decode("ascii")


def decode_cursor(cursor: str, kind: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode("ascii"), validate=True).decode("utf-8")
    except (UnicodeError, binascii.Error, ValueError) as error:
        raise SlackError("invalid_cursor") from error
    prefix, _, value = decoded.partition(":")
    if prefix != kind or not value:
        raise SlackError("invalid_cursor")
    return value
