"""Atlassian Document Format (ADF) for the Jira simulator: validate a posted document, and convert
between ADF and plain text the way the simulator renders bodies (v2 shows text, v3 shows ADF)."""

from __future__ import annotations

from typing import Any

_BLOCKS = {
    "paragraph",
    "heading",
    "blockquote",
    "bulletList",
    "orderedList",
    "listItem",
    "codeBlock",
    "panel",
    "rule",
    "table",
    "tableRow",
    "tableCell",
    "tableHeader",
    "mediaSingle",
    "mediaGroup",
    "expand",
}
_INLINE = {"text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status", "media"}


def adf_error(doc: Any) -> str | None:
    """Why `doc` is not an ADF document, or None when it is one."""
    if not isinstance(doc, dict):
        return "the body is not an Atlassian Document"
    if doc.get("type") != "doc" or doc.get("version") != 1:
        return 'an Atlassian Document needs "type": "doc" and "version": 1'
    if not isinstance(doc.get("content"), list):
        return 'an Atlassian Document needs a "content" list'
    return _nodes_error(doc["content"])


def _nodes_error(nodes: list[Any]) -> str | None:
    for node in nodes:
        if not isinstance(node, dict) or not isinstance(node.get("type"), str):
            return 'every ADF node needs a "type"'
        kind = node["type"]
        if kind not in _BLOCKS and kind not in _INLINE:
            return f"unknown ADF node type {kind!r}"
        if kind == "text" and not (isinstance(node.get("text"), str) and node["text"]):
            return 'an ADF text node needs non-empty "text"'
        children = node.get("content", [])
        if not isinstance(children, list):
            return 'ADF "content" must be a list'
        if error := _nodes_error(children):
            return error
    return None


def text_to_adf(text: str) -> dict[str, Any]:
    """Plain text as a one-paragraph document; line breaks become hardBreak nodes."""
    content: list[dict[str, Any]] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            content.append({"type": "hardBreak"})
        if line:
            content.append({"type": "text", "text": line})
    paragraph: dict[str, Any] = {"type": "paragraph", "content": content}
    return {"type": "doc", "version": 1, "content": [paragraph]}


def adf_to_text(doc: dict[str, Any]) -> str:
    """The text of a document: blocks on separate lines, mentions and emoji as their text."""
    return "\n".join(_block_text(node) for node in doc.get("content", []) if isinstance(node, dict))


def _block_text(node: dict[str, Any]) -> str:
    kind = node.get("type")
    raw_attrs = node.get("attrs")
    attrs: dict[str, Any] = raw_attrs if isinstance(raw_attrs, dict) else {}
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "emoji", "status"):
        return str(attrs.get("text") or attrs.get("shortName") or "")
    if kind == "inlineCard":
        return str(attrs.get("url", ""))
    children = [c for c in node.get("content", []) if isinstance(c, dict)]
    separator = "" if kind in ("paragraph", "heading") else "\n"
    return separator.join(_block_text(child) for child in children)
