"""The ticket-workflow sections of the config: [team], [triage] and [tickets].

[team] lists the LAA Ops team: their Jira account ids (their first comment acknowledges a ticket) and
their Slack user ids or user group (their reply or reaction answers a request in #laa-ops);
[triage] maps Jira priorities to severities and names the words that reveal a ticket's environment
and service; [tickets] holds the acknowledgement comment that `t` (take) and `K` post.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from duty_tui.config.reader import ConfigError, Reader
from duty_tui.rules.triage import DEFAULT_ENVIRONMENTS, DEFAULT_SERVICES, DEFAULT_SEVERITY, Rule, TriageRules

SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,20}")
SLACK_GROUP = re.compile(r"S[A-Z0-9]{2,20}")
ACK_FIELDS = frozenset({"reporter", "engineer", "key", "summary", "within"})
DEFAULT_ACK_COMMENT = (
    "Thanks {reporter}: {engineer} from LAA Ops has picked this up and will update this ticket as the work "
    "progresses. For anything urgent, ask in #laa-ops."
)


@dataclass(frozen=True, slots=True)
class TeamConfig:
    members: frozenset[str] = frozenset()  # Jira account ids
    slack_members: frozenset[str] = frozenset()  # Slack user ids ("U…")
    slack_usergroup: str | None = None  # a Slack user group id ("S…"); its members are the team too


@dataclass(frozen=True, slots=True)
class TicketsConfig:
    acknowledge_comment: str = DEFAULT_ACK_COMMENT

    def acknowledgement(self, *, reporter: str, engineer: str, key: str, summary: str, within: str) -> str:
        """The comment, from values the caller has made safe for Jira's wiki markup."""
        values = {
            "reporter": reporter or "there",
            "engineer": engineer,
            "key": key,
            "summary": summary,
            "within": within,
        }
        return self.acknowledge_comment.format_map(values)


@dataclass(frozen=True, slots=True)
class WorkflowConfig:
    team: TeamConfig = field(default_factory=TeamConfig)
    triage: TriageRules = field(default_factory=TriageRules)
    tickets: TicketsConfig = field(default_factory=TicketsConfig)


def parse_workflow(r: Reader, raw: Mapping[str, Any]) -> WorkflowConfig:
    return WorkflowConfig(
        team=_parse_team(r, r.table(raw, "team")),
        triage=_parse_triage(r, r.table(raw, "triage")),
        tickets=_parse_tickets(r, r.table(raw, "tickets")),
    )


def _parse_team(r: Reader, t: Mapping[str, Any]) -> TeamConfig:
    r.known(t, "team", {"members", "slack_members", "slack_usergroup"})
    members = t.get("members", [])
    if not isinstance(members, list) or not all(isinstance(m, str) and m.strip() for m in members):
        raise ConfigError(
            f'{r.where}: [team] members must be a list of Jira account ids in quotes, e.g. ["712020:9f3c…"].'
        )
    slack = t.get("slack_members", [])
    if not isinstance(slack, list) or not all(isinstance(m, str) and SLACK_USER.fullmatch(m) for m in slack):
        raise ConfigError(
            f'{r.where}: [team] slack_members must be a list of Slack user ids in quotes, e.g. ["U024BE7LH"] '
            "(in Slack: a person's profile → ⋮ → Copy member ID)."
        )
    group = t.get("slack_usergroup")
    if group is not None and not (isinstance(group, str) and SLACK_GROUP.fullmatch(group)):
        raise ConfigError(
            f'{r.where}: [team] slack_usergroup must be a Slack user group id in quotes, e.g. "S0614TZR7".'
        )
    return TeamConfig(frozenset(m.strip() for m in members), frozenset(slack), group)


def _parse_triage(r: Reader, t: Mapping[str, Any]) -> TriageRules:
    r.known(t, "triage", {"severity", "environments", "services"})
    severity = dict(DEFAULT_SEVERITY)
    raw_severity = t.get("severity", {})
    if not isinstance(raw_severity, dict):
        raise ConfigError(f"{r.where}: [triage] severity must be a table like {{ Highest = 1, High = 2 }}.")
    for priority, level in raw_severity.items():
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            raise ConfigError(
                f'{r.where}: [triage] severity "{priority}" must be a whole number from 1 to 5.'
            )
        severity[str(priority).strip().lower()] = level
    return TriageRules(
        severity=severity,
        environments=_rules(r, t, "environments", DEFAULT_ENVIRONMENTS),
        services=_rules(r, t, "services", DEFAULT_SERVICES),
    )


def _rules(r: Reader, t: Mapping[str, Any], name: str, default: tuple[Rule, ...]) -> tuple[Rule, ...]:
    if name not in t:
        return default
    entries = t[name]
    example = '[{ name = "PROD", words = ["prod", "production"] }]'
    if not isinstance(entries, list):
        raise ConfigError(f"{r.where}: [triage] {name} must be a list of rules like {example}.")
    rules: list[Rule] = []
    for entry in entries:
        if not isinstance(entry, dict) or not {"name", "words"} <= set(entry) <= {"name", "words", "unless"}:
            raise ConfigError(
                f"{r.where}: each [triage] {name} rule needs a name and words (and may have unless), "
                f"like {example}."
            )
        lists = [entry["words"], entry.get("unless", [])]
        if not isinstance(entry["name"], str) or not all(
            isinstance(values, list) and all(isinstance(w, str) and w.strip() for w in values)
            for values in lists
        ):
            raise ConfigError(
                f"{r.where}: [triage] {name} rule names and words must be strings, like {example}."
            )
        words, unless = (tuple(w.strip() for w in values) for values in lists)
        rules.append(Rule(entry["name"].strip(), words, unless))
    return tuple(rules)


def _parse_tickets(r: Reader, t: Mapping[str, Any]) -> TicketsConfig:
    r.known(t, "tickets", {"acknowledge_comment"})
    template = r.string(t, "tickets", "acknowledge_comment", default=DEFAULT_ACK_COMMENT)
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise ConfigError(
            f"{r.where}: [tickets] acknowledge_comment has an unmatched brace ({error}); write {{{{ and }}}} "
            "for literal braces."
        ) from error
    unknown = sorted(fields - ACK_FIELDS)
    if unknown:
        raise ConfigError(
            f"{r.where}: [tickets] acknowledge_comment uses {{{unknown[0]}}}, which is not known; use any of "
            + ", ".join(f"{{{f}}}" for f in sorted(ACK_FIELDS))
            + "."
        )
    if not template.strip():
        raise ConfigError(f"{r.where}: [tickets] acknowledge_comment is empty; write the comment `t` posts.")
    return TicketsConfig(template)
