"""The fault matrix's columns: each fault of issue 11, how to put it on a simulator, and what the engineer
must read while it lasts.

Every fault here stands (it hits every matching request until `Faults.clear()`), so "during the fault"
means every attempt, not only the first. A `match` ("METHOD path" regex) aims it at one kind of request;
None aims it at the whole service.

The 10-second latency is the real 10 s: duty-tui's clients are configured with a short timeout
(`fault_config`) so the timeout path runs in a fraction of a second, and clearing the fault ends the
simulator's wait at once (the request is then served: the service acts, late, as a slow one does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from duty_sim.faults import Faults
from duty_tui.config import Config
from tests.support import Harness

LATENCY_SECONDS = 10.0
# Floats: the Jira client takes it as the read timeout, the Slack client's urllib opener too.
JIRA_TIMEOUT = 0.25
SLACK_TIMEOUT = 0.25
RETRY_AFTER = 7  # seconds: what the 429s ask for


@dataclass(frozen=True, slots=True)
class Fault:
    """One column of the matrix."""

    name: str
    put: Callable[[Faults, str | None], None]  # put the fault on a simulator, aimed at `match`
    words: dict[str, tuple[str, ...]]  # service → what the sentence must say
    acts: bool = False  # the service acts on the request anyway (the answer is what goes wrong)
    whole_service: bool = False  # it cannot be aimed at one request: it hits the first one there

    def __str__(self) -> str:
        return self.name


def _revoke(faults: Faults, match: str | None) -> None:
    faults.revoke_token()  # every request, whatever `match`: a token is the whole service's


def _both(*words: str) -> dict[str, tuple[str, ...]]:
    return {
        "jira": tuple(w.format(service="Jira") for w in words),
        "slack": tuple(w.format(service="Slack") for w in words),
    }


FAULTS: tuple[Fault, ...] = (
    Fault(
        "refused", lambda f, m: f.refuse(match=m), _both("Cannot reach {service} at", "(connection failed)")
    ),
    Fault(
        "5xx",
        lambda f, m: f.fail_next(None, status=503, match=m),
        _both("{service} had a server error (503)"),
    ),
    Fault(
        "429",
        lambda f, m: f.rate_limit_next(None, retry_after=RETRY_AFTER, match=m),
        _both("{service} is rate limiting duty-tui (429)"),
    ),
    Fault(
        "latency",
        lambda f, m: f.set_latency(LATENCY_SECONDS, match=m),
        _both("{service} at", "did not answer in time"),
        acts=True,
    ),
    Fault(
        "drop",
        lambda f, m: f.drop_next(None, match=m),
        _both("Cannot reach {service} at", "(connection failed)"),
        acts=True,
    ),
    Fault(
        "malformed",
        lambda f, m: f.malformed_next(None, match=m),
        _both("{service} sent a response duty-tui could not read"),
        acts=True,
    ),
    Fault(
        "html",
        lambda f, m: f.html_error_next(None, status=502, match=m),
        _both("{service} had a server error (502)"),
    ),
    Fault(
        "revoked",
        _revoke,
        {
            "jira": ("Jira rejected the credentials (401)", "JIRA_API_TOKEN"),
            "slack": ("Slack rejected the token (token_revoked)",),
        },
        whole_service=True,
    ),
    Fault(
        "410",
        lambda f, m: f.gone_next(None, match=m),
        _both("{service} says the API duty-tui uses is gone (410)"),
    ),
)
BY_NAME = {fault.name: fault for fault in FAULTS}


def fault_config(h: Harness, **changes: Any) -> Config:
    """The tests' config with short client timeouts (so a 10 s latency times out fast)."""
    config = h.config(**changes)
    return replace(
        config,
        jira=replace(config.jira, timeout_seconds=JIRA_TIMEOUT),
        slack=replace(config.slack, timeout_seconds=SLACK_TIMEOUT),
    )


def says(sentence: str | None, service: str, fault: Fault) -> None:
    """The sentence is one line in words: what the fault requires, and no markup or body of the answer."""
    assert sentence, f"nothing said for {fault} on {service}"
    for words in fault.words[service]:
        assert words in sentence, f"{words!r} not in {sentence!r}"
    assert "\n" not in sentence and "<" not in sentence and '{"' not in sentence, sentence
