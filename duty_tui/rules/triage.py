"""Which tickets wait for the duty engineer, what they are about, and in what order.

The process: "Priority will be given to PROD or severity 1/2 issues. Other issues will be addressed
in order of priority." Severity comes from the Jira priority; the environment (PROD, Pre-Prod/Stage,
UAT, Dev/Test) and the service (CCMS, CIS, MI, CWA, ERIC, AWS platform) are detected by rules over
labels, components and summary. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from duty_tui.models import Ticket

# Jira's default priority scheme → severity (1 is the most severe). Unknown names sort last.
DEFAULT_SEVERITY: Mapping[str, int] = {
    "highest": 1,
    "blocker": 1,
    "high": 2,
    "critical": 2,
    "medium": 3,
    "low": 4,
    "lowest": 4,
    "minor": 4,
    "trivial": 4,
}
UNKNOWN_SEVERITY = 5
PROD = "PROD"


@dataclass(frozen=True, slots=True)
class Rule:
    """A name and the words or phrases that reveal it (matched case-insensitively as whole words).

    `unless` lists phrases blanked out before matching, so "PROD" can be the first rule (a PROD
    ticket that also mentions UAT is still PROD) without reading "pre-prod" as "prod".
    """

    name: str
    words: tuple[str, ...]
    unless: tuple[str, ...] = ()
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    masked: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "masked", _whole_words(self.unless) if self.unless else None)
        # Whole words, where "-" and "/" separate words ("ccms-stage", "cwa-uat"). That also makes
        # "pre-prod" contain "prod": the Pre-Prod rule comes first, and the first rule that matches wins.
        object.__setattr__(self, "pattern", _whole_words(self.words) if self.words else re.compile(r"(?!)"))

    def search(self, lowered: str) -> bool:
        if self.masked is not None:
            lowered = self.masked.sub(" ", lowered)
        return self.pattern.search(lowered) is not None


def _whole_words(words: Sequence[str]) -> re.Pattern[str]:
    """Any of `words` (lowered, longest first) as a whole word: no letter or digit either side.

    The same as `(?<![a-z0-9])(?:w1|w2)(?![a-z0-9])`, with the look-behind after each word instead of
    before the group: a pattern that starts with its words lets the regex engine skip ahead to where
    one could start, which makes a one-word rule (most of them) about ten times faster."""
    ordered = [re.escape(w.lower()) for w in sorted(words, key=len, reverse=True)]
    alternatives = "|".join(f"{word}(?<![a-z0-9]{word})" for word in ordered)
    return re.compile(f"(?:{alternatives})(?![a-z0-9])")


PRE_PROD_WORDS = ("pre-prod", "preprod", "pre prod", "pre-production", "preproduction")
DEFAULT_ENVIRONMENTS: tuple[Rule, ...] = (
    # PROD first: "PROD is down, UAT is fine" is a PROD ticket.
    Rule(PROD, ("prod", "production", "live"), unless=PRE_PROD_WORDS),
    Rule("Pre-Prod", (*PRE_PROD_WORDS, "stage", "staging")),
    Rule("UAT", ("uat",)),
    Rule("Dev/Test", ("dev/test", "devtest", "dev", "development", "sandbox")),
)
DEFAULT_SERVICES: tuple[Rule, ...] = (
    Rule("CCMS", ("ccms",)),
    Rule("CIS", ("cis",)),
    Rule("MI", ("mi",)),
    Rule("CWA", ("cwa",)),
    Rule("ERIC", ("eric",)),
    Rule("AWS", ("aws", "eks", "ec2", "rds", "s3", "iam", "ebs", "cloudwatch", "vpc", "nat gateway", "glue")),
)


@dataclass(frozen=True, slots=True)
class TriageRules:
    severity: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    environments: tuple[Rule, ...] = DEFAULT_ENVIRONMENTS
    services: tuple[Rule, ...] = DEFAULT_SERVICES


@dataclass(frozen=True, slots=True)
class Classification:
    severity: int
    environment: str | None
    service: str | None

    @property
    def first_in_line(self) -> bool:
        """PROD or severity 1–2: the process puts these first."""
        return self.environment == PROD or self.severity <= 2


def severity(ticket: Ticket, mapping: Mapping[str, int] = DEFAULT_SEVERITY) -> int:
    return mapping.get(ticket.priority.strip().lower(), UNKNOWN_SEVERITY)


def detect(rules: Sequence[Rule], ticket: Ticket) -> str | None:
    """The first rule (in order) that labels, then components, then the summary reveal."""
    for texts in (ticket.labels, ticket.components, (ticket.summary,)):
        if not texts:
            continue
        # One lowered text per group: "\n" is not a word character, so words cannot join across it.
        lowered = "\n".join(texts).lower()
        for rule in rules:
            if rule.search(lowered):
                return rule.name
    return None


def classify(ticket: Ticket, rules: TriageRules) -> Classification:
    return Classification(
        severity=severity(ticket, rules.severity),
        environment=detect(rules.environments, ticket),
        service=detect(rules.services, ticket),
    )


def order_key(
    ticket: Ticket, classification: Classification, deadline: datetime
) -> tuple[int, int, datetime, int, datetime, str]:
    """PROD and severity 1–2 first; within that, unacknowledged tickets by deadline (breached
    ones, whose deadline passed first, at the top); acknowledged ones after; then severity, age."""
    return (
        0 if classification.first_in_line else 1,
        1 if ticket.acknowledged_at is not None else 0,
        deadline,
        classification.severity,
        ticket.created,
        ticket.key,
    )
