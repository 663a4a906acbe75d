"""duty_tui.text.errors: error sentences, and the one redactor."""

from __future__ import annotations

import logging
import random
import re

import pytest

from duty_tui.runtime import RedactingFilter
from duty_tui.sources.errors import SourceError, one_safe_line
from duty_tui.text import error_sentence, redact

# ---------------------------------------------------------------------------------------------------
# Error sentences


def test_error_sentence_redacts_secrets() -> None:
    secrets = [
        "xoxb-123-abc",
        "xoxp-1-2-3-abcdef",
        "xapp-1-A0-123-deadbeef",
        "xoxe.xoxp-1-Mi0y",
        "ATATT3xFfGF0abcdef",
    ]
    for secret in secrets:
        sentence = error_sentence(RuntimeError(f"auth failed with {secret} (retry)"))
        assert secret not in sentence
        assert "[redacted]" in sentence
    header = error_sentence("request failed: {'Authorization': 'Bearer xoxb-1-2', 'X': 1}")
    assert "xoxb" not in header
    assert "Bearer" not in header
    assert "[redacted]" in header
    assert "Zm9vOmJhcg" not in error_sentence("Authorization: Basic Zm9vOmJhcg==")
    assert "s3cret" not in error_sentence("GET https://ann:s3cret@jira.example/rest?token=abc")
    assert "abc" not in error_sentence("GET https://jira.example/rest?token=abc&x=1")
    assert error_sentence("Basic authentication failed") == "Basic authentication failed"


def test_error_sentence_one_line() -> None:
    traceback_text = (
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "    call(token='xoxb-9-9')\n"
        "ValueError: bad [b]value[/b]\n"
    )
    assert error_sentence(traceback_text) == "ValueError: bad [b]value[/b]"
    assert error_sentence(ConnectionError("first line\nsecond line")) == "first line"
    assert error_sentence(TimeoutError()) == "TimeoutError"
    assert error_sentence("  \n\n ") == ""
    assert error_sentence("a\x1b]0;x\x07   b\tc") == "a]0;x b c"
    assert len(error_sentence("x" * 1000)) == 200
    assert error_sentence("x" * 1000, limit=20) == "x" * 19 + "…"


def test_error_sentence_survives_a_broken_exception() -> None:
    class Broken(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert error_sentence(Broken()) == "Broken"


def test_error_sentence_cap_never_reveals_half_a_token() -> None:
    sentence = error_sentence("token xoxb-1234567890-abcdefghijkl", limit=16)
    assert "xoxb" not in sentence


# ---------------------------------------------------------------------------------------------------
# The one redactor (error sentences, SourceError, the log filter)

# The redactor duty_tui/sources/errors.py had before there was one: everything it caught is still caught.
OLD_WEAK_REDACTOR = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:basic|bearer)\s+[A-Za-z0-9+/=._-]{8,})"
)

REDACTED = [
    # (text, secret that must not survive); first what the old weak redactor caught ...
    ("auth failed with xoxb-123-abc", "xoxb-123-abc"),
    ("token xoxa-2-abc, xoxp-1-2-3-abcdef", "xoxp-1-2-3-abcdef"),
    ("xoxo-9-a xoxs-9-b xoxr-9-c", "xoxs-9-b"),
    ("app token xapp-1-A0-123-deadbeef", "xapp-1-A0-123-deadbeef"),
    ("SLACK_TOKEN_xoxb-1-2-abc in the environment", "xoxb-1-2-abc"),  # glued to a word
    ("header Basic Zm9vOmJhcg==", "Zm9vOmJhcg=="),
    ("Basic abc123def456", "abc123def456"),
    ("sent bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "eyJhbGciOiJIUzI1NiJ9"),
    ("Bearer abc.def.ghi rejected", "abc.def.ghi"),
    ("Bearer abc=defghijk", "abc=defghijk"),
    ("BEARER abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"),  # 20+ letters: not a word
    # ... then what only the strong one caught.
    ("rotated xoxe.xoxp-1-Mi0y", "xoxe.xoxp-1-Mi0y"),
    ("auth failed with ATATT3xFfGF0abcdef (retry)", "ATATT3xFfGF0abcdef"),
    ("request failed: {'Authorization': 'Bearer xoxb-1-2', 'X': 1}", "Bearer xoxb-1-2"),
    ("Authorization: Basic Zm9vOmJhcg==", "Zm9vOmJhcg"),
    ("authorization=token lowercaseonly", "lowercaseonly"),
    ("POST https://hooks.slack.com/services/T000/B000/XXXX failed", "T000/B000/XXXX"),
    ("GET https://ann:s3cret@jira.example/rest", "s3cret"),
    ("GET https://jira.example/rest?token=abc&x=1", "abc"),
    ("GET https://jira.example/rest?x=1&api_key=k3y;password=pw", "k3y"),
]


@pytest.mark.parametrize(("value", "secret"), REDACTED, ids=[secret for _, secret in REDACTED])
def test_redact_removes_every_secret_either_redactor_caught(value: str, secret: str) -> None:
    for redacted in (redact(value), error_sentence(value), SourceError(value).message, one_safe_line(value)):
        assert secret not in redacted
        assert "[redacted]" in redacted


def test_redact_keeps_prose() -> None:
    # The old weak redactor took "Basic authentication" for a credential; words after Basic/Bearer
    # are kept unless they look like one.
    for prose in (
        "Basic authentication failed",
        "Basic authentication.",
        "Bearer token required",
        "basic auth is disabled",
        "Authorization failed for ann",
        "https://jira.example/rest/api/3/search/jql?jql=project%3DLAA",
    ):
        assert redact(prose) == prose
        assert error_sentence(prose) == prose


def test_redact_catches_whatever_the_old_redactor_caught() -> None:
    rng = random.Random(3)
    alphabet = "ABCxyz0189+/=._-"
    for _ in range(500):
        token = "".join(rng.choice(alphabet) for _ in range(rng.randint(8, 40)))
        prefix = rng.choice(["xoxb-", "xoxp-", "xapp-", "Basic ", "bearer ", "Bearer  "])
        value = f"failed: {prefix}{token} (retry)"
        for found in OLD_WEAK_REDACTOR.finditer(value):
            credential = found.group().split()[-1]
            if credential.islower() and credential.isalpha() and len(credential) < 20:
                continue  # a word, not a credential (see test_redact_keeps_prose)
            assert credential not in redact(value), value


def test_redact_removes_known_secret_values() -> None:
    assert redact("token plainsecret rejected", ["plainsecret"]) == "token [redacted] rejected"
    # Longest first, so a secret containing another leaves nothing behind; empty values are ignored.
    assert redact("a longsecret b secret", ("secret", "longsecret", "")) == "a [redacted] b [redacted]"
    assert redact("nothing here", ()) == "nothing here"


class _Secrets:
    def __init__(self, *values: str) -> None:
        self._values = values

    def values(self) -> tuple[str, ...]:
        return self._values


def test_the_log_filter_removes_known_secrets_and_token_shapes() -> None:
    record = logging.LogRecord(
        "jira",
        logging.INFO,
        __file__,
        1,
        "GET %s with %s (%s)",
        ("/rest", "plain-secret-value", "xoxb-1-2"),
        None,
    )
    assert RedactingFilter(_Secrets("plain-secret-value")).filter(record)  # type: ignore[arg-type]
    assert record.getMessage() == "GET /rest with [redacted] ([redacted])"
    untouched = logging.LogRecord("jira", logging.INFO, __file__, 1, "polled %d tickets", (3,), None)
    assert RedactingFilter(_Secrets("plain-secret-value")).filter(untouched)  # type: ignore[arg-type]
    assert (untouched.msg, untouched.args) == ("polled %d tickets", (3,))


def test_source_error_is_one_safe_line() -> None:
    error = SourceError("Jira said \x1b]0;PWNED\x07\u202eevil\r\n\tnext line: xoxb-1-2\x1b[0m3 and more")
    assert error.message == "Jira said ]0;PWNEDevil next line: [redacted][0m3 and more"
    assert str(error) == error.message
    assert one_safe_line("a\nb   c", 160) == "a b c"
    assert one_safe_line("abc defg", 5) == "abc…"
