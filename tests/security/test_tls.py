"""TLS verification is never off: no code turns it off, the clients duty-tui builds verify, and a server
whose certificate nobody trusts is refused with a sentence that says so (before any token is sent)."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from duty_tui.sources.errors import SourceError
from duty_tui.sources.jira.client import JiraSource
from duty_tui.sources.redirects import _refuse
from duty_tui.sources.slack.client import SlackSource
from duty_tui.sources.slack.transport import GuardedWebClient
from tests.security.rig import JIRA_TOKEN, SLACK_TOKEN, leaks
from tests.sources.test_health import self_signed  # noqa: F401 - the fixture: an HTTPS server nobody trusts
from tests.support import Harness

ROOT = Path(__file__).resolve().parents[2] / "duty_tui"

# Ways Python code turns certificate or host name checks off (or makes them optional).
DISABLING = {
    "verify=False": re.compile(r"\bverify\s*=\s*(False|0|None)\b"),
    '"verify": False': re.compile(r"""["']verify["']\s*:\s*(False|0|None)\b"""),
    "CERT_NONE / CERT_OPTIONAL": re.compile(r"\bCERT_(NONE|OPTIONAL)\b"),
    "check_hostname off": re.compile(r"\bcheck_hostname\s*=\s*(False|0|None)\b"),
    "an unverified context": re.compile(r"_create_unverified_context|_create_default_https_context"),
    "PYTHONHTTPSVERIFY": re.compile(r"PYTHONHTTPSVERIFY"),
    "urllib3 warnings hushed": re.compile(r"disable_warnings|InsecureRequestWarning"),
    "the session's verify replaced": re.compile(r"\.verify\s*=\s*(?!True\b)"),
    "a CA bundle chosen in code": re.compile(r"(CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE)[\"']?\s*[\]=:,)]"),
}


def python_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_code_turns_verification_off() -> None:
    files = python_files()
    assert len(files) > 50 and ROOT / "sources" / "health.py" in files
    found = [
        f"{path.relative_to(ROOT.parent)}:{number}: {name}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for name, pattern in DISABLING.items()
        if pattern.search(line)
    ]
    assert found == []


def test_the_scan_would_see_it() -> None:
    """The patterns match the usual ways of writing it (a scan that matches nothing proves nothing)."""
    samples = [
        "requests.get(url, verify=False)",
        'JIRA(url, options={"verify": False})',
        "context.verify_mode = ssl.CERT_NONE",
        "context.check_hostname = False",
        "ssl._create_default_https_context = ssl._create_unverified_context",
        "httpx.Client(verify=None)",
        "session.verify = '/tmp/ca.pem'",
        'os.environ["CURL_CA_BUNDLE"] = ""',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in DISABLING.values()), sample


# -- the clients duty-tui builds ------------------------------------------------------------------------


def test_the_clients_the_runtime_builds_verify_and_refuse_redirects(s: Harness) -> None:
    runtime = s.runtime()
    jira = runtime.jira.client()
    assert jira._session.verify is True
    assert _refuse in jira._session.hooks["response"]
    slack_sources = [runtime.slack_writer.reader, runtime.slack_writer.poster]
    assert slack_sources[0] is not slack_sources[1]  # the bot's and the engineer's own
    for source in slack_sources:
        client = source.client()
        assert isinstance(client, GuardedWebClient)
        assert isinstance(client.ssl, ssl.SSLContext)
        assert client.ssl.verify_mode is ssl.CERT_REQUIRED and client.ssl.check_hostname


# -- a certificate nobody trusts ------------------------------------------------------------------------


@pytest.fixture
def untrusted(self_signed: tuple[str, Path]) -> Iterator[str]:  # noqa: F811
    url, _cert = self_signed
    yield url.removesuffix("/health")


def test_jira_with_an_untrusted_certificate_is_refused_in_words(
    s: Harness, untrusted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not even the environment's ways of choosing a CA bundle turn checking off.
    monkeypatch.setenv("CURL_CA_BUNDLE", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "")
    config = replace(s.config().jira, url=untrusted)
    with pytest.raises(SourceError) as caught:
        JiraSource(config, JIRA_TOKEN).myself()
    error = caught.value
    assert error.message.startswith(f"Jira at {untrusted} sent a TLS certificate duty-tui does not trust (")
    assert "self-signed" in error.message or "self signed" in error.message
    assert error.unreachable and not leaks(error.message)


def test_slack_with_an_untrusted_certificate_is_refused_in_words(s: Harness, untrusted: str) -> None:
    config = replace(s.config().slack, api_url=f"{untrusted}/api/")
    with pytest.raises(SourceError) as caught:
        SlackSource(config, SLACK_TOKEN).history(None)
    error = caught.value
    assert error.message.startswith(
        f"Slack at {config.api_url} sent a TLS certificate duty-tui does not trust ("
    )
    assert "self-signed" in error.message or "self signed" in error.message
    assert error.unreachable and not leaks(error.message)
