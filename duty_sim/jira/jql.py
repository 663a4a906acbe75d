"""JQL for the Jira simulator: parse (see `duty_sim.jira.jql_parse`), validate and evaluate; the fields
and functions it knows are `duty_sim.jira.jql_fields`, ORDER BY sorting is `duty_sim.jira.jql_sort`.

`compile_query(query, ctx)` checks the query the way Jira Cloud does (unknown field, unsupported
operator, a value that does not exist, a bad date) and returns a `CompiledQuery` whose `matches(facts)`
tests one issue. Issues are seen through `IssueFacts`, a flat, lower-cased view the world builds, so this
module knows nothing about the world's storage. Absolute dates are read in the searching user's time
zone and relative dates (`-5m`, `-2h`, `-1d`, `-1w`) from the context's clock, as Jira does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

from duty_sim.jira.jql_fields import CMP, EMPTY, FIELDS, FUNCTIONS, JqlField
from duty_sim.jira.jql_parse import (
    And,
    Clause,
    Empty,
    Function,
    JqlError,
    Literal,
    Node,
    Not,
    Operand,
    Or,
    OrderTerm,
    Query,
    Value,
    ValueList,
    parse,
    quote,
)

__all__ = [
    "CompiledQuery",
    "IssueFacts",
    "JqlContext",
    "JqlError",
    "Query",
    "compile_query",
    "parse",
    "quote",
    "split_key",
]


_RELATIVE = re.compile(r"^([+-]?)((?:\s*\d+\s*[wdhm])+)\s*$")
_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


class JqlContext(Protocol):
    """What evaluation needs from the world, answered for the user who searches."""

    def now(self) -> datetime: ...

    def timezone(self) -> tzinfo: ...

    def current_user(self) -> str | None: ...

    def filter_jql(self, ref: str) -> str | None:
        """The saved filter's JQL, by id or name, or None when there is no such filter."""
        ...

    def value_exists(self, field: str, value: str) -> bool:
        """Whether a (lower-cased) literal names something real for this canonical field."""
        ...

    def ordinal(self, field: str, value: str) -> int | None:
        """The order of a value, for `priority > High` (higher = more important)."""
        ...


@dataclass(frozen=True, slots=True)
class IssueFacts:
    """One issue as JQL sees it: lower-cased match tokens (ids, names, keys) per canonical field."""

    key: str
    values: Mapping[str, frozenset[str]] = field(default_factory=dict)
    dates: Mapping[str, datetime | None] = field(default_factory=dict)
    text: Mapping[str, str] = field(default_factory=dict)
    ordinals: Mapping[str, int] = field(default_factory=dict)  # priority, status, rank


Matcher = Callable[[IssueFacts], bool]


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A validated query: `matches` tests an issue; `order` is ((canonical field, descending), …)."""

    matches: Matcher
    order: tuple[tuple[str, bool], ...]
    bounded: bool


def compile_query(query: Query | str, ctx: JqlContext) -> CompiledQuery:
    """Validate and compile; raises `JqlError` (a 400) for anything Jira would reject."""
    if isinstance(query, str):
        query = parse(query)
    matches = _Compiler(ctx, ()).node(query.where) if query.where is not None else _always
    return CompiledQuery(matches, _order(query.order_by), query.bounded)


def _always(_: IssueFacts) -> bool:
    return True


def _lookup(name: str) -> JqlField:
    spec = FIELDS.get(name.lower())
    if spec is None:
        raise JqlError(f"Field '{name}' does not exist or you do not have permission to view it.")
    return spec


def _order(terms: Sequence[OrderTerm]) -> tuple[tuple[str, bool], ...]:
    seen: set[str] = set()
    order: list[tuple[str, bool]] = []
    for term in terms:
        spec = _lookup(term.field)
        if not spec.sortable:
            raise JqlError(f"Field '{term.field}' does not support sorting.")
        if spec.name in seen:
            raise JqlError(f"The sort field '{term.field}' is referenced multiple times in the JQL sort.")
        seen.add(spec.name)
        order.append((spec.name, term.descending))
    return tuple(order)


class _Compiler:
    def __init__(self, ctx: JqlContext, filter_stack: tuple[str, ...]) -> None:
        self.ctx = ctx
        self.filter_stack = filter_stack  # the JQL of each saved filter being expanded, outermost first

    def node(self, node: Node) -> Matcher:
        if isinstance(node, And):
            parts = [self.node(part) for part in node.parts]
            return lambda facts: all(part(facts) for part in parts)
        if isinstance(node, Or):
            parts = [self.node(part) for part in node.parts]
            return lambda facts: any(part(facts) for part in parts)
        if isinstance(node, Not):
            inner = self.node(node.part)
            return lambda facts: not inner(facts)
        return self.clause(node)

    def clause(self, clause: Clause) -> Matcher:
        spec = _lookup(clause.field)
        if clause.op not in spec.ops:
            op = clause.op.upper() if clause.op[0].isalpha() else clause.op
            raise JqlError(f"The operator '{op}' is not supported by the '{clause.field}' field.")
        if spec.kind == "filter":
            return self.filter_clause(spec, clause)
        if spec.kind == "date":
            return self.date_clause(spec, clause)
        if spec.kind == "text":
            return _text_clause(spec, clause)
        if spec.kind == "key" and clause.op in CMP:
            return _key_compare(clause)
        if clause.op in CMP:  # priority
            return self.ordinal_compare(spec, clause)
        tokens, with_empty = self.tokens(spec, clause)
        return _token_matcher(spec.name, clause.op, tokens, with_empty)

    # -- value fields ----------------------------------------------------------------------------

    def tokens(self, spec: JqlField, clause: Clause) -> tuple[frozenset[str], bool]:
        out: set[str] = set()
        with_empty = False
        for value in _values(clause.operand):
            if isinstance(value, Empty):
                with_empty = True
            elif isinstance(value, Function):
                resolved = self.function(spec, clause, value)
                out.update(resolved)
            elif spec.name == "resolution" and value.text.lower() == "unresolved":
                with_empty = True
            else:
                out.add(self.checked(spec, clause, value.text))
        return frozenset(out), with_empty

    def checked(self, spec: JqlField, clause: Clause, text: str) -> str:
        lowered = text.lower()
        if spec.checked and not self.ctx.value_exists(spec.name, lowered):
            if spec.name == "key":
                raise JqlError(f"An issue with key '{text}' does not exist for field '{clause.field}'.")
            raise JqlError(f"The value '{text}' does not exist for the field '{clause.field}'.")
        return lowered

    def function(self, spec: JqlField, clause: Clause, function: Function) -> set[str]:
        name = function.name.lower()
        fields = FUNCTIONS.get(name)
        if fields is None:
            raise JqlError(f"Unable to find JQL function '{function.name}()'.")
        if spec.name not in fields:
            raise JqlError(f"Function '{function.name}' is not supported for the field '{clause.field}'.")
        if name == "currentuser":
            user = self.ctx.current_user()
            return {user.lower()} if user else set()
        return set()  # the simulator has no versions: unreleasedVersions() is empty

    def ordinal_compare(self, spec: JqlField, clause: Clause) -> Matcher:
        value = _single(clause)
        text = self.checked(spec, clause, value.text)
        bound = self.ctx.ordinal(spec.name, text)
        if bound is None:
            raise JqlError(f"The value '{value.text}' does not exist for the field '{clause.field}'.")
        compare = _COMPARE[clause.op]
        name = spec.name
        return lambda facts: name in facts.ordinals and compare(facts.ordinals[name], bound)

    # -- dates -----------------------------------------------------------------------------------

    def date_clause(self, spec: JqlField, clause: Clause) -> Matcher:
        name = spec.name
        if clause.op in EMPTY:
            want_empty = clause.op == "is"
            return lambda facts: (facts.dates.get(name) is None) == want_empty
        moments: list[datetime] = []
        for value in _values(clause.operand):
            if isinstance(value, Empty):
                raise JqlError(
                    f"The operator '{clause.op}' does not support the EMPTY value for '{clause.field}'."
                )
            if isinstance(value, Function):
                self.function(spec, clause, value)
                moments.append(self.ctx.now())
            else:
                moments.append(self.date(clause.field, value.text))
        if clause.op in CMP:
            bound, compare = moments[0], _COMPARE[clause.op]
            return lambda facts: (at := facts.dates.get(name)) is not None and compare(at, bound)
        positive = clause.op in ("=", "in")

        def match(facts: IssueFacts) -> bool:
            at = facts.dates.get(name)
            return at is not None and (at in moments) == positive

        return match

    def date(self, field_name: str, text: str) -> datetime:
        stripped = text.strip()
        if relative := _RELATIVE.match(stripped):
            amount = sum(
                (int(n) * _UNITS[u] for n, u in re.findall(r"(\d+)\s*([wdhm])", relative.group(2))),
                timedelta(),
            )
            return self.ctx.now() + (-amount if relative.group(1) == "-" else amount)
        for fmt in _DATE_FORMATS:
            try:
                local = datetime.strptime(stripped, fmt)  # noqa: DTZ007 (zone attached just below)
            except ValueError:
                continue
            return local.replace(tzinfo=self.ctx.timezone()).astimezone(UTC)
        raise JqlError(
            f"Date value '{text}' for field '{field_name}' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format "
            "e.g. '-5d', '4w 2d'."
        )

    # -- saved filters ---------------------------------------------------------------------------

    def filter_clause(self, spec: JqlField, clause: Clause) -> Matcher:
        """`filter = 10500`, `filter = "6DG filter"`, `filter in (…)`, `filter != …`: the saved filter's own
        JQL in place of the clause (its ORDER BY dropped), as Jira expands it."""
        parts: list[Matcher] = []
        for value in _values(clause.operand):
            if isinstance(value, Empty):
                raise JqlError(f"The field '{clause.field}' does not support searching for EMPTY values.")
            if isinstance(value, Function):
                self.function(spec, clause, value)  # an unknown function is reported first
                raise JqlError(f"Function '{value.name}' is not supported for the field '{clause.field}'.")
            parts.append(self.saved_filter(clause, value))
        matched = (lambda facts: any(part(facts) for part in parts)) if len(parts) > 1 else parts[0]
        if clause.op in ("=", "in"):
            return matched
        return lambda facts: not matched(facts)

    def saved_filter(self, clause: Clause, value: Literal) -> Matcher:
        ref = value.text
        jql = self.ctx.filter_jql(ref)
        if jql is None:  # missing, or not shared with the searching user: Jira cannot tell them apart
            if ref.isdigit() and not value.quoted:  # a number is an id; a quoted string is a name
                raise JqlError(f"A value with ID '{ref}' does not exist for the field '{clause.field}'.")
            raise JqlError(f"The value '{ref}' does not exist for the field '{clause.field}'.")
        if jql in self.filter_stack:
            raise _FilterCycle
        inner = parse(jql)  # its ORDER BY is dropped: only the outer query sorts
        try:
            if inner.where is None:
                return _always
            return _Compiler(self.ctx, (*self.filter_stack, jql)).node(inner.where)
        except _FilterCycle:
            if self.filter_stack:
                raise
            # Jira names the clause of the query searched and the filter it reached the loop through.
            raise JqlError(
                f"Field '{clause.field}' with value '{ref}' matches filter '{ref}' and causes a cyclical "
                "reference, this query can not be executed and should be edited."
            ) from None


class _FilterCycle(Exception):
    """A saved filter's expansion reached a filter already being expanded (a JQL text on the path:
    the same text expands the same way, so meeting it again means the expansion never ends)."""


def _values(operand: Operand) -> tuple[Value, ...]:
    return operand.items if isinstance(operand, ValueList) else (operand,)


def _single(clause: Clause) -> Literal:
    if not isinstance(clause.operand, Literal):
        raise JqlError(f"The operator '{clause.op}' needs a single value for the field '{clause.field}'.")
    return clause.operand


_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def _token_matcher(name: str, op: str, wanted: frozenset[str], with_empty: bool) -> Matcher:
    if op in ("is", "is not"):
        want_empty = op == "is"
        return lambda facts: (not facts.values.get(name)) == want_empty

    def positive(facts: IssueFacts) -> bool:
        have = facts.values.get(name, frozenset())
        return bool(have & wanted) or (with_empty and not have)

    if op in ("=", "in"):
        return positive
    # Jira's != and NOT IN never match an issue whose field is empty.
    return lambda facts: bool(facts.values.get(name)) and not positive(facts)


def split_key(key: str) -> tuple[str, int] | None:
    """An issue key as (lower-cased project, number), the order JQL compares and sorts keys in."""
    project, _, number = key.rpartition("-")
    return (project.lower(), int(number)) if project and number.isdigit() else None


def _key_compare(clause: Clause) -> Matcher:
    literal = _single(clause)
    bound = split_key(literal.text)
    if bound is None:
        raise JqlError(f"The issue key '{literal.text}' for field '{clause.field}' is invalid.")
    compare = _COMPARE[clause.op]

    def match(facts: IssueFacts) -> bool:
        mine = split_key(facts.key)
        return mine is not None and mine[0] == bound[0] and compare(mine[1], bound[1])

    return match


def _text_clause(spec: JqlField, clause: Clause) -> Matcher:
    name = spec.name
    if clause.op in EMPTY:
        want_empty = clause.op == "is"
        return lambda facts: (not facts.text.get(name)) == want_empty
    words = re.findall(r"\w+", _single(clause).text.lower())
    positive = clause.op == "~"

    def match(facts: IssueFacts) -> bool:
        have = facts.text.get(name, "").lower()
        return all(word in have for word in words) == positive

    return match
