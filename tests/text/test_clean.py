"""duty_tui.text.clean: sanitize (what may reach the terminal), one_line (table cells, titles, error
messages) and shown (what plain and content show)."""

from __future__ import annotations

import random

from duty_tui import text as text_module
from duty_tui.text import LINE_BREAK, NoNames, clean, one_line, sanitize, shown

# ---------------------------------------------------------------------------------------------------
# sanitize


def test_sanitize_removes_escapes_but_keeps_their_visible_remnants() -> None:
    assert sanitize("\x1b]0;PWNED title\x07") == "]0;PWNED title"
    assert sanitize("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\") == (
        "]8;;https://evil.example\\link]8;;\\"
    )
    assert sanitize("\x1b]52;c;aGFjaw==\x07") == "]52;c;aGFjaw=="
    assert sanitize("\x1b[31mred\x1b[0m") == "[31mred[0m"
    assert sanitize("\x9b31m") == "31m"
    assert sanitize("\x00nul\x07bell\x08\x7f") == "nulbell"


def test_sanitize_line_breaks_and_whitespace() -> None:
    assert sanitize("a\r\nb\rc\nd\te") == "a\nb\nc\nd\te"
    assert sanitize("a\x85b\u2028c\u2029d") == "a\nb\nc\nd"
    assert sanitize("a\x0bb\x0cc") == "a b c"


def test_sanitize_bidi_and_invisibles() -> None:
    assert sanitize("\u202eevil\u202c") == "evil"
    assert sanitize("\u2066isolate\u2069 \u200eltr\u200f \u061calm") == "isolate ltr alm"
    assert sanitize("zero\u200bwidth\u200cjoin\u2060\ufeff") == "zerowidthjoin"
    assert sanitize("soft\u00adhyphen \u180emvs") == "softhyphen mvs"
    assert sanitize("hi\U000e0041\U000e0042") == "hi"  # tag characters cannot smuggle text


def test_sanitize_keeps_emoji_sequences() -> None:
    for emoji_sequence in (
        "👩\u200d💻",  # ZWJ
        "❤\ufe0f",  # VS16
        "☎\ufe0e",  # VS15
        "👍🏽",  # skin tone
        "1\ufe0f\u20e3",  # keycap
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    ):
        assert sanitize(emoji_sequence) == emoji_sequence


def test_sanitize_surrogates_and_zalgo() -> None:
    assert sanitize("a\ud800b") == "a\ufffdb"
    assert sanitize("a\udc00") == "a\ufffd"
    assert sanitize("\ud83d\ude00") == "😀"
    zalgo = "Z" + "\u0334\u0321\u0327\u031b\u0320\u0353\u0317"
    assert sanitize(zalgo) == zalgo[:5]  # four marks kept
    assert sanitize("ệ") == "ệ"  # e + two combining marks is a real letter


def test_sanitize_passes_clean_text_through_unchanged() -> None:
    clean = "Printer on fire — 漢字 שלום [b] $accent 👩\u200d💻\tok\n"
    assert sanitize(clean) is clean


def test_sanitize_accepts_str_subclasses() -> None:
    class Sneaky(str):
        pass

    result = sanitize(Sneaky("a\x1bb"))
    assert result == "ab"
    assert type(result) is str


def test_sanitize_caps_marks_joined_by_removed_characters() -> None:
    """Invisible characters between runs of accents must not smuggle a zalgo tower past the cap."""
    from duty_tui.text import sanitize

    tower = "e" + ("\u0301" * 4 + "\u200b") * 50
    once = sanitize(tower)
    assert once.count("\u0301") <= 4
    assert sanitize(once) == once
    assert text_module.plain(tower).plain.count("\u0301") <= 4
    assert text_module.slack_text("*" + tower + "*", NoNames()).plain.count("\u0301") <= 4


# ---------------------------------------------------------------------------------------------------
# one_line


def test_one_line_collapses_whitespace_and_marks_line_breaks() -> None:
    assert one_line("\n\n\nmany\nlines\n") == f"many{LINE_BREAK}lines"
    assert one_line("a  b\t\tc\u00a0 d") == "a b c d"
    assert one_line("a \n \n b") == f"a{LINE_BREAK}b"
    assert one_line("   ") == ""
    assert one_line("") == ""


def test_one_line_caps_with_an_ellipsis() -> None:
    assert one_line("abcdef", 6) == "abcdef"
    assert one_line("abcdefg", 6) == "abcde…"
    assert one_line("abc defg", 5) == "abc…"  # no dangling space before the ellipsis
    assert one_line("abc", 1) == "…"
    assert one_line("abc", 0) == ""
    assert len(one_line("x" * 20_000)) == 500


def test_one_line_window_shortcut_matches_the_full_computation() -> None:
    # one_line only looks at a prefix of long values; the result must not depend on that.
    rng = random.Random(7)
    pieces = ["word ", " ", "\n", "\t", "\x1b", "\r\n", "  \n  ", "\u200b", "😀", "\ud83d", "é", "\u0301" * 6]
    for _ in range(300):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 400)))
        limit = rng.randint(1, 60)
        expected = clean._cap(clean._collapse(sanitize(value)), limit)
        assert one_line(value, limit) == expected, (value, limit)
    spaces = " " * 5_000 + "\n" * 5_000 + "tail"
    assert one_line(spaces, 10) == "tail"


def test_one_line_can_fold_line_breaks_like_other_whitespace() -> None:
    # breaks=False: error messages and log lines, where a "⏎" would only be noise.
    assert one_line("a\nb\r\nc  d\t e\u2028f\x0bg", breaks=False) == "a b c d e f g"
    assert one_line("\n  first\n\nsecond \n", breaks=False) == "first second"
    assert one_line("a\tb\x00c", None, breaks=False) == "a bc"
    assert one_line("x\u202e\x1b]0;t\x07 \u200by", None, breaks=False) == "x]0;t y"
    assert one_line("abc\ndefg", 5, breaks=False) == "abc…"


def test_one_line_without_a_limit_keeps_everything() -> None:
    long = "word " * 5_000
    assert one_line(long, None) == long.strip()
    assert one_line(long + "\nend", None, breaks=False) == long + "end"


def test_one_line_window_shortcut_when_folding_breaks() -> None:
    rng = random.Random(11)
    pieces = ["word ", " ", "\n", "\t", "\x1b", "\r\n", "  \n  ", "\u2028", "😀", "\u0301" * 6]
    for _ in range(200):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 400)))
        limit = rng.randint(1, 60)
        expected = clean._cap(clean._collapse(sanitize(value), breaks=False), limit)
        assert one_line(value, limit, breaks=False) == expected, (value, limit)
        assert one_line(value, None, breaks=False) == " ".join(sanitize(value).split())


# ---------------------------------------------------------------------------------------------------
# shown


def test_shown_is_what_plain_shows() -> None:
    assert shown("a\x1b[2J\nb") == "a[2J\nb"
    assert shown("a\x1b[2J\nb", single_line=True) == f"a[2J{LINE_BREAK}b"
    assert shown("abcdef", limit=4) == "abc…"
    assert shown("a\n\nbcdef", single_line=True, limit=6) == "a ⏎ b…"
    for value in ("", "[b]x", "a\nb\tc", "x" * 1000, "\u202eevil\x07"):
        for single_line in (False, True):
            for limit in (None, 5, 200):
                expected = text_module.plain(value, single_line=single_line, limit=limit).plain
                assert shown(value, single_line=single_line, limit=limit) == expected
