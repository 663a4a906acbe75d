"""ORDER BY for the Jira simulator's JQL: sort matched issues the way Jira Cloud orders search results.

`duty_sim.jira.jql` validates the ORDER BY terms into `CompiledQuery.order` ((canonical field,
descending), ...); `sort_facts` applies them to the `IssueFacts` of the issues that matched. A query
without ORDER BY comes back in Jira's default order, key descending, and empty values always sort last.
"""

from __future__ import annotations

from collections.abc import Sequence

from duty_sim.jira.jql import IssueFacts, split_key

DEFAULT_ORDER: tuple[tuple[str, bool], ...] = (("key", True),)  # Jira's order when the JQL has none


def _sort_value(facts: IssueFacts, name: str) -> object | None:
    if name in ("created", "updated", "resolved"):
        return facts.dates.get(name)
    if name == "key":
        return split_key(facts.key)
    return facts.ordinals.get(name)


def sort_facts(items: Sequence[IssueFacts], order: Sequence[tuple[str, bool]]) -> list[IssueFacts]:
    """Sort by the ORDER BY terms (or Jira's default, key DESC); empty values always sort last."""
    result = list(items)
    for name, descending in reversed(tuple(order) or DEFAULT_ORDER):

        def sort_key(
            facts: IssueFacts, name: str = name, descending: bool = descending
        ) -> tuple[object, ...]:
            value = _sort_value(facts, name)
            if value is None:
                return (0,) if descending else (1,)
            return (1, value) if descending else (0, value)

        result.sort(key=sort_key, reverse=descending)
    return result
