"""duty_tui.text.adf: Jira v3 Atlassian Document Format → plain text."""

from __future__ import annotations

import pytest

from duty_tui.text import adf_text
from tests.text.helpers import assert_clean


def para(*nodes: object) -> dict[str, object]:
    return {"type": "paragraph", "content": list(nodes)}


def txt(value: str, **extra: object) -> dict[str, object]:
    return {"type": "text", "text": value, **extra}


def item(*nodes: object) -> dict[str, object]:
    return {"type": "listItem", "content": list(nodes)}


ADF = {
    "type": "doc",
    "version": 1,
    "content": [
        {"type": "heading", "attrs": {"level": 1}, "content": [txt("Disk full")]},
        para(
            txt("Hi "),
            {"type": "mention", "attrs": {"id": "712020:abc", "text": "@Ann"}},
            txt(", see "),
            txt("the runbook", marks=[{"type": "link", "attrs": {"href": "https://wiki/rb"}}]),
            {"type": "hardBreak"},
            {"type": "emoji", "attrs": {"shortName": ":fire:", "text": "🔥"}},
            txt(" "),
            {"type": "emoji", "attrs": {"shortName": ":custom:"}},
            txt(" "),
            {"type": "status", "attrs": {"text": "IN PROGRESS", "color": "blue"}},
            txt(" "),
            {"type": "inlineCard", "attrs": {"url": "https://x.atlassian.net/browse/LAA-1"}},
            txt(" "),
            {"type": "date", "attrs": {"timestamp": "1737072000000"}},
        ),
        {
            "type": "bulletList",
            "content": [
                item(
                    para(txt("one")),
                    {
                        "type": "orderedList",
                        "attrs": {"order": 3},
                        "content": [item(para(txt("three"))), item(para(txt("four")), para(txt("more")))],
                    },
                ),
                item(para(txt("two"))),
            ],
        },
        {"type": "codeBlock", "attrs": {"language": "sh"}, "content": [txt("df -h\n[/] $accent")]},
        {"type": "blockquote", "content": [para(txt("q1")), para(txt("q2"))]},
        {
            "type": "table",
            "content": [
                {
                    "type": "tableRow",
                    "content": [
                        {"type": "tableHeader", "content": [para(txt("Host"))]},
                        {"type": "tableHeader", "content": [para(txt("State"))]},
                    ],
                },
                {
                    "type": "tableRow",
                    "content": [
                        {"type": "tableCell", "content": [para(txt("web-1"))]},
                        {"type": "tableCell", "content": [para(txt("full")), para(txt("99%"))]},
                    ],
                },
            ],
        },
        {"type": "panel", "attrs": {"panelType": "warning"}, "content": [para(txt("careful"))]},
        {"type": "rule"},
        {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "1", "type": "file"}}]},
        {
            "type": "taskList",
            "content": [
                {"type": "taskItem", "attrs": {"state": "DONE"}, "content": [txt("cleaned")]},
                {"type": "taskItem", "attrs": {"state": "TODO"}, "content": [txt("resize")]},
            ],
        },
        {"type": "expand", "attrs": {"title": "Details"}, "content": [para(txt("hidden"))]},
        {"type": "brandNewNode", "content": [txt("future text")]},
    ],
}

ADF_EXPECTED = """Disk full

Hi @Ann, see the runbook (https://wiki/rb)
🔥 :custom: IN PROGRESS https://x.atlassian.net/browse/LAA-1 2025-01-17

• one
  3. three
  4. four
     more
• two

df -h
[/] $accent

> q1
> q2

Host | State
web-1 | full 99%

careful

—

[attachment]

[x] cleaned
[ ] resize

Details
hidden

future text"""


def test_adf_sample() -> None:
    assert adf_text(ADF) == ADF_EXPECTED


def test_adf_comment_shape_and_plain_strings() -> None:
    body = {"type": "doc", "version": 1, "content": [para(txt("hello"))]}
    assert adf_text(body) == "hello"
    assert adf_text("a v2 string\x1b[31m") == "a v2 string[31m"


@pytest.mark.parametrize(
    "malformed",
    [
        None,
        42,
        3.5,
        True,
        b"bytes",
        [],
        {},
        {"type": "doc"},
        {"type": "doc", "content": "not a list"},
        {
            "type": "doc",
            "content": [None, 1, {"type": 7}, {"type": "text", "text": 5}, {"content": {"a": 1}}],
        },
        {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "mention", "attrs": "x"}]}]},
        {"type": "doc", "content": [{"type": "orderedList", "attrs": {"order": "x"}, "content": [1, None]}]},
        {"type": "doc", "content": [{"type": "date", "attrs": {"timestamp": "9" * 40}}]},
        {
            "type": "doc",
            "content": [{"type": "text", "text": "a", "marks": [None, {"type": "link", "attrs": 5}]}],
        },
        {"type": "doc", "content": [{"type": "tableRow", "content": [{"type": "tableCell"}] * 3}]},
        [{"type": "text", "text": "list at the top"}],
    ],
)
def test_adf_malformed_never_raises(malformed: object) -> None:
    result = adf_text(malformed)
    assert isinstance(result, str)
    assert_clean(result)


@pytest.mark.parametrize("kind", ["blockquote", "bulletList", "listItem", "paragraph", "panel", "mystery"])
def test_adf_deep_nesting(kind: str) -> None:
    node: dict[str, object] = txt("bottom")
    for _ in range(1000):
        node = {"type": kind, "content": [node]}
    result = adf_text({"type": "doc", "content": [node]})
    assert "bottom" in result
    assert max(len(line) for line in result.split("\n")) < 100  # indentation is capped


def test_adf_mixed_deep_nesting_and_width() -> None:
    node: dict[str, object] = txt("bottom")
    for level in range(5000):
        kind = ("blockquote", "bulletList", "listItem", "paragraph")[level % 4]
        node = {"type": kind, "content": [node, txt("x")] if kind == "paragraph" else [node]}
    result = adf_text({"type": "doc", "content": [node]})
    assert "bottom" in result


def test_adf_cycles_and_callables_are_harmless() -> None:
    cyclic: dict[str, object] = {"type": "doc", "content": []}
    cyclic["content"].append(cyclic)  # type: ignore[attr-defined]
    looped: list[object] = []
    looped.append(looped)
    assert adf_text(cyclic) == ""
    assert adf_text(looped) == ""
    called: list[bool] = []
    assert adf_text({"type": "doc", "content": [lambda: called.append(True), txt("ok")]}) == "ok"
    assert not called
