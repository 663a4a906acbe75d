"""The text package as a whole: what it may import, and that it never builds text from markup.

It is the lowest layer: the widgets and views (Textual), the rules and the I/O core all use it, so it
imports nothing of theirs, never Textual and no I/O library.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from duty_tui import text as text_module
from tests.support import HOSTILE_BY_ID

SOURCES = sorted(Path(text_module.__file__).parent.glob("*.py"))
# Textual, and libraries that read or write files, sockets, processes or databases.
FORBIDDEN_IMPORTS = (
    "textual",
    "requests",
    "httpx",
    "socket",
    "sqlite3",
    "sqlite_utils",
    "jira",
    "slack_sdk",
    "threading",
    "subprocess",
    "os",
    "pathlib",
    "shutil",
    "io",
    "importlib.resources",
)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_rich_markup_anywhere_in_the_package() -> None:
    # Guard against a later edit building Text/Content from markup, or making the package depend on the
    # rest of the app (it must stay the one self-contained gate for untrusted text).
    sources = SOURCES
    assert len(sources) > 1
    for path in sources:
        source = path.read_text(encoding="utf-8")
        for forbidden in ("from_markup", "Text.from_ansi", "render_markup", "markup=True"):
            assert forbidden not in source, (path.name, forbidden)
        for imported in re.findall(r"^\s*(?:from|import)\s+(duty_tui\S*)", source, re.MULTILINE):
            assert imported == "duty_tui.text" or imported.startswith("duty_tui.text."), (path.name, imported)
    assert HOSTILE_BY_ID["click-quit"] == "[@click=app.quit]x[/]"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_no_text_module_imports_textual_or_io(path: Path) -> None:
    imported = imported_modules(path)
    bad = {
        name
        for name in imported
        if any(name == forbidden or name.startswith(forbidden + ".") for forbidden in FORBIDDEN_IMPORTS)
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"
    ours = {name for name in imported if name.startswith("duty_tui.")}
    assert all(name == "duty_tui.text" or name.startswith("duty_tui.text.") for name in ours), sorted(ours)


def loaded_after(code: str) -> list[str]:
    """The top-level packages among rich and textual that running ``code`` loads, in a fresh process."""
    probe = (
        f"import sys\n{code}\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & {{'rich', 'textual'}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return list(ast.literal_eval(result.stdout.strip()))


def test_the_string_functions_load_neither_rich_nor_textual() -> None:
    # The rules (durations) and the I/O core (redaction, one-line error messages) use the package, and
    # they must load neither; the rich-based names are loaded on first use.
    code = """
from datetime import timedelta
from duty_tui import text
from duty_tui.text.timefmt import duration
import duty_tui.rules.sla, duty_tui.sources.errors
text.one_line(text.redact(text.error_sentence("x xoxb-1")), None, breaks=False)
text.shown(text.jira_wiki_text("*x*")), text.adf_text({"type": "doc"}), text.wiki_literal("[x]")
duration(timedelta(0), "age")
"""
    assert loaded_after(code) == []


def test_the_whole_package_never_loads_textual() -> None:
    code = """
from duty_tui import text
for name in text.__all__:
    getattr(text, name)
text.slack_text("*x*", text.NoNames())
"""
    assert loaded_after(code) == ["rich"]


def test_every_public_name_resolves() -> None:
    for name in text_module.__all__:
        assert getattr(text_module, name) is not None
    assert set(text_module.__all__) <= set(dir(text_module))
    from duty_tui.text import plain, slack_text  # the names loaded on first use import like the rest

    assert plain("x").plain == "x" and slack_text("*x*", text_module.NoNames()).plain == "x"
    with pytest.raises(AttributeError):
        _ = text_module.no_such_name  # type: ignore[attr-defined]
