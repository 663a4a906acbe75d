"""Reading untyped JSON from services into typed values, defensively.

Services send whatever they send: wrong types, nulls, and strings JSON allows but UTF-8 does not
(a lone surrogate such as "\\ud800"). Every string a source keeps goes through `text`, so one bad
value can never stop a poll from being stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def text(value: Any) -> str:
    """A storable string: non-strings become "" (None) or their str(); lone surrogates become U+FFFD."""
    if value is None:
        return ""
    string = value if isinstance(value, str) else str(value)
    try:
        string.encode("utf-8")
    except UnicodeEncodeError:
        # Pair up surrogates that form a character; replace the ones that do not.
        string = string.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return string


def optional_text(value: Any) -> str | None:
    return text(value) if isinstance(value, str) else None


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
