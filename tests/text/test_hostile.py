"""Every hostile string through every renderer: never markup, never a raw control, never a crash."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from rich.text import Text

from duty_tui.text import (
    adf_text,
    assemble,
    error_sentence,
    jira_wiki_text,
    one_line,
    plain,
    sanitize,
    slack_links,
    slack_text,
)
from duty_tui.widgets.content import content
from tests.support import HOSTILE, HOSTILE_IDS, HUGE_MESSAGE, MARKUP_LIKE, visible, visible_line
from tests.text.helpers import NAMES, FakeNames, adf_of, assert_clean

RENDERERS: dict[str, Callable[[str], str]] = {
    "sanitize": sanitize,
    "one_line": one_line,
    "one_line-10": lambda value: one_line(value, 10),
    "plain": lambda value: plain(value).plain,
    "plain-single": lambda value: plain(value, "bold", single_line=True, limit=50).plain,
    "content": lambda value: content(value).plain,
    "content-single": lambda value: content(value, "bold", single_line=True, limit=50).plain,
    "assemble": lambda value: assemble(value, (value, "bold"), Text(value)).plain,
    "slack": lambda value: slack_text(value, NAMES).plain,
    "slack-single": lambda value: slack_text(value, NAMES, single_line=True, limit=80).plain,
    "slack-names": lambda value: slack_text("<@U9> <#C9>", FakeNames({"U9": value}, {"C9": value})).plain,
    "slack-links": lambda value: " ".join(slack_links(value)),
    "wiki": jira_wiki_text,
    "adf": lambda value: adf_text(adf_of(value)),
    "adf-str": adf_text,
    "error": error_sentence,
    "error-exc": lambda value: error_sentence(ValueError(value)),
}


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_renders_clean(evil: str, renderer: str) -> None:
    result = RENDERERS[renderer](evil)
    assert isinstance(result, str)
    assert_clean(result)


@pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
def test_sanitize_matches_the_documented_rules(evil: str) -> None:
    # tests/support.py restates the rules independently (unicodedata, not hand-listed ranges).
    assert sanitize(evil) == visible(evil)
    assert one_line(evil, 100_000) == visible_line(evil)


@pytest.mark.parametrize("evil", MARKUP_LIKE)
def test_markup_stays_literal(evil: str) -> None:
    assert plain(evil).plain == evil
    assert plain(evil).spans == []
    assert content(evil).plain == evil
    assert content(evil).spans == []
    assert one_line(evil) == evil
    assert assemble(evil, (evil, "dim")).plain == evil + evil
    assert slack_text(evil, NAMES).plain == evil


# ---------------------------------------------------------------------------------------------------
# Timing sanity (no durations asserted: CI machines vary)


def test_big_inputs_finish() -> None:
    started = time.perf_counter()
    for value in (
        "[b]" * 5000 + "x",
        HUGE_MESSAGE,
        "W" * 5000,
        "{{" * 10_000,
        "{quote}" * 3000,
        "{code:x}" * 2500,  # unclosed tags: quadratic with a naive lazy regex
        "{panel:title=x|" * 1500,
        "!" + "a." * 10_000,
        "[~" * 10_000,
    ):
        one_line(value)
        plain(value, single_line=True, limit=200)
        jira_wiki_text(value)
        error_sentence(value)
        adf_text(adf_of(value))
    assert time.perf_counter() >= started
