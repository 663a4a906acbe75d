"""Values read from services are always storable and typed."""

from __future__ import annotations

from duty_tui.sources.values import items, mapping, optional_text, text


def test_text_makes_anything_storable() -> None:
    assert text(None) == ""
    assert text(42) == "42"
    assert text("a\ud800b") == "a\ufffdb"  # a lone surrogate, which JSON allows and UTF-8 does not
    assert text("\ud83d\ude00") == "😀"  # a split pair is joined
    text("a\ud800b").encode("utf-8")


def test_containers_of_the_wrong_type_become_empty() -> None:
    assert mapping([1]) == {} and mapping({"a": 1}) == {"a": 1}
    assert items({"a": 1}) == [] and items([1]) == [1]
    assert optional_text(3) is None and optional_text("x") == "x"
