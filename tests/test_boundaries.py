"""Layering: the I/O core, the rules and the simulators never import Textual (DESIGN.md, Layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "duty_tui"
CORE = [
    "sources",
    "store.py",
    "store_schema.py",
    "sync.py",
    "sim",
    "duty",
    "models.py",
    "config.py",
    "clock.py",
    "keymap.py",
    "runtime.py",
    "timefmt.py",
]


def modules() -> list[Path]:
    found: list[Path] = []
    for entry in CORE:
        path = PACKAGE / entry
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return found


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_module_never_imports_textual_or_rich(path: Path) -> None:
    bad = {name for name in imported_names(path) if name.split(".")[0] in ("textual", "rich")}
    assert not bad, f"{path.name} imports {bad}"


def test_every_core_module_was_checked() -> None:
    checked = {p.name for p in modules()}
    assert {"store.py", "sync.py", "jira.py", "slack.py", "calendar.py", "models.py"} <= checked


@pytest.mark.parametrize("path", sorted((PACKAGE / "duty").glob("*.py")), ids=lambda p: p.name)
def test_rules_do_no_io(path: Path) -> None:
    """duty/ is pure: no network, files, threads or clock reads."""
    forbidden = {
        "requests",
        "httpx",
        "socket",
        "sqlite3",
        "sqlite_utils",
        "threading",
        "time",
        "jira",
        "slack_sdk",
        "importlib.resources",
        "pathlib",
        "os",
        "duty_tui.store",
        "duty_tui.sources",
        "duty_tui.sync",
        "duty_tui.clock",
    }
    assert not imported_names(path) & forbidden
    assert "datetime.now(" not in path.read_text(encoding="utf-8")
