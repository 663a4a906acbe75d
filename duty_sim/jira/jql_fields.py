"""The JQL fields and functions the Jira simulator understands, with the operators each field takes.

Clause names are matched case-insensitively through their aliases (`issuekey` is `key`); each field has
a canonical name, the key into `IssueFacts`. `duty_sim.jira.jql` validates and evaluates clauses
against this catalogue; a name that is not here is "Field 'x' does not exist", as on Jira Cloud.
"""

from __future__ import annotations

from dataclasses import dataclass

EQ = frozenset({"=", "!=", "in", "not in"})
EMPTY = frozenset({"is", "is not"})
CMP = frozenset({"<", "<=", ">", ">="})
TEXT = frozenset({"~", "!~"})


@dataclass(frozen=True, slots=True)
class JqlField:
    """One field as JQL sees it: its canonical name, how values are matched, the operators it takes."""

    name: str  # canonical name, the key into IssueFacts
    kind: str  # value | key | date | text | filter | none
    ops: frozenset[str]
    sortable: bool = False
    checked: bool = True  # whether a literal must name something that exists


_FIELD_LIST = [
    (("project",), JqlField("project", "value", EQ | EMPTY)),
    (("key", "issuekey", "id", "issue"), JqlField("key", "key", EQ | CMP, sortable=True)),
    (("status",), JqlField("status", "value", EQ | EMPTY, sortable=True)),
    (("statuscategory",), JqlField("statuscategory", "value", EQ | EMPTY)),
    (("component",), JqlField("component", "value", EQ | EMPTY)),
    (("assignee",), JqlField("assignee", "value", EQ | EMPTY)),
    (("reporter",), JqlField("reporter", "value", EQ | EMPTY)),
    (("creator",), JqlField("creator", "value", EQ | EMPTY)),  # who created it, whoever the reporter is
    (("priority",), JqlField("priority", "value", EQ | EMPTY | CMP, sortable=True)),
    (("labels", "label"), JqlField("labels", "value", EQ | EMPTY, checked=False)),
    (("issuetype", "type"), JqlField("issuetype", "value", EQ | EMPTY)),
    (("resolution",), JqlField("resolution", "value", EQ | EMPTY)),
    (("fixversion",), JqlField("fixversion", "value", EQ | EMPTY)),
    (("created", "createddate"), JqlField("created", "date", EQ | EMPTY | CMP, sortable=True)),
    (("updated", "updateddate"), JqlField("updated", "date", EQ | EMPTY | CMP, sortable=True)),
    (("resolved", "resolutiondate"), JqlField("resolved", "date", EQ | EMPTY | CMP, sortable=True)),
    (("summary",), JqlField("summary", "text", TEXT | EMPTY, checked=False)),
    (("filter", "savedfilter", "request", "searchrequest"), JqlField("filter", "filter", EQ)),
    (("rank",), JqlField("rank", "none", frozenset(), sortable=True)),
]
FIELDS: dict[str, JqlField] = {alias: spec for aliases, spec in _FIELD_LIST for alias in aliases}

# Which fields each function may stand in for.
FUNCTIONS: dict[str, frozenset[str]] = {
    "currentuser": frozenset({"assignee", "reporter", "creator"}),
    "now": frozenset({"created", "updated", "resolved"}),
    "unreleasedversions": frozenset({"fixversion"}),
    "releasedversions": frozenset({"fixversion"}),
}
