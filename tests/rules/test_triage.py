"""Severity, environment and service detection, and the order of the tickets pane."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from duty_tui.models import Ticket
from duty_tui.rules.triage import Rule, TriageRules, classify, detect, order_key, severity
from tests.factories import make_ticket

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
RULES = TriageRules()


def ticket(summary: str = "x", priority: str = "Medium", **changes: Any) -> Ticket:
    return make_ticket(NOW, summary=summary, priority=priority, **changes)


@pytest.mark.parametrize(
    ("summary", "environment", "service"),
    [
        ("CCMS PROD: providers get 504 Gateway Timeout", "PROD", "CCMS"),
        ("MI Pre-Prod: nightly Glue job failed", "Pre-Prod", "MI"),
        ("Renew the TLS certificate for ccms-stage before Friday", "Pre-Prod", "CCMS"),
        ("UAT: restore yesterday's RDS snapshot for the CWA regression run", "UAT", "CWA"),
        ("CIS Dev/Test: new test accounts for the Crime team", "Dev/Test", "CIS"),
        ("ERIC production reports time out", "PROD", "ERIC"),
        ("Rotate the IAM access keys flagged by Security Hub", None, "AWS"),
        ("Promised minutes of the meeting", None, None),  # "mi" and "prod" only as whole words
        ("Reproduce the login bug for the Eric team", None, "ERIC"),
        # PROD wins over another environment the summary mentions, but pre-prod is never PROD
        ("CCMS PROD outage - works fine in UAT", "PROD", "CCMS"),
        ("PROD: providers cannot log in (was OK in staging)", "PROD", None),
        ("CWA production down, dev team investigating", "PROD", "CWA"),
        ("Pre-production and preprod both fail to deploy", "Pre-Prod", None),
    ],
)
def test_environment_and_service_from_the_summary(
    summary: str, environment: str | None, service: str | None
) -> None:
    found = classify(ticket(summary), RULES)
    assert (found.environment, found.service) == (environment, service)


def test_labels_beat_components_beat_summary() -> None:
    t = ticket("CCMS UAT is slow", labels=("prod",), components=("laa-6dg-support",))
    assert classify(t, RULES).environment == "PROD"
    assert detect(RULES.environments, ticket("x", components=("cwa-uat",))) == "UAT"


def test_configurable_rules_and_severity() -> None:
    rules = TriageRules(severity={"p1": 1, "p2": 2}, environments=(Rule("Live", ("live", "prd")),))
    assert classify(ticket("PRD outage", priority="P1"), rules).environment == "Live"
    assert severity(ticket(priority="P2"), rules.severity) == 2
    assert severity(ticket(priority="Whatever"), rules.severity) == 5


def test_prod_and_severity_1_2_first_then_time_left() -> None:
    def key(t: Ticket, minutes: int):  # type: ignore[no-untyped-def]
        return order_key(t, classify(t, RULES), NOW + timedelta(minutes=minutes))

    medium_prod = ticket("CCMS PROD slow", key="A-1")
    high_uat = ticket("UAT down", priority="High", key="A-2")
    medium_uat_urgent = ticket("UAT slow", key="A-3")
    acknowledged_prod = ticket("CWA PROD down", priority="Highest", key="A-4", acknowledged_at=NOW)
    ordered = sorted(
        [(medium_uat_urgent, 5), (acknowledged_prod, 0), (high_uat, 90), (medium_prod, 60)],
        key=lambda pair: key(*pair),
    )
    assert [t.key for t, _ in ordered] == ["A-1", "A-2", "A-4", "A-3"]


def test_whole_word_patterns_match_exactly_what_the_plain_look_behind_form_matches() -> None:
    """The rules' patterns put the look-behind after each word (for speed); the spans found, which
    the masking of `unless` phrases relies on, are those of `(?<![a-z0-9])(?:…)(?![a-z0-9])`."""
    import random
    import re

    from duty_tui.rules.triage import DEFAULT_ENVIRONMENTS, DEFAULT_SERVICES

    rng = random.Random(11)
    rules = [*DEFAULT_ENVIRONMENTS, *DEFAULT_SERVICES, Rule("Odd", ("c++", "a.b", "x y", "ǅ", "s3"))]
    pieces = ["-", "/", "_", " ", "\n", "0", "x", "é", ".", "+", "pre", "prod", "pre-prod", "uat"]
    for rule in rules:
        pieces += [w.lower() for w in (*rule.words, *rule.unless)]
    for rule in rules:
        for words, compiled in ((rule.words, rule.pattern), (rule.unless, rule.masked)):
            if not words or compiled is None:
                continue
            alternatives = "|".join(re.escape(w.lower()) for w in sorted(words, key=len, reverse=True))
            plain = re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")
            for _ in range(300):
                text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8)))
                spans = [m.span() for m in compiled.finditer(text)]
                assert spans == [m.span() for m in plain.finditer(text)], (rule.name, text)
