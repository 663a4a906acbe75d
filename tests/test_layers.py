"""Layering: the I/O core, the rules and the simulators never import Textual (DESIGN.md, Layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "duty_tui"
SIM = PACKAGE.parent / "duty_sim"
CORE = [
    "sources",
    "store",
    "sync",
    "rules",
    "config",
    "models.py",
    "clock.py",
    "keymap.py",
    "runtime.py",
]


def modules() -> list[Path]:
    found: list[Path] = []
    for entry in CORE:
        path = PACKAGE / entry
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [*found, *sorted(SIM.rglob("*.py"))]


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_core_module_never_imports_textual_or_rich(path: Path) -> None:
    bad = {name for name in imported_names(path) if name.split(".")[0] in ("textual", "rich")}
    assert not bad, f"{path.name} imports {bad}"


def test_every_core_module_was_checked() -> None:
    checked = {p.name for p in modules()}
    assert {"core.py", "poll.py", "client.py", "service.py", "calendar.py", "models.py"} <= checked


@pytest.mark.parametrize("path", sorted((PACKAGE / "rules").glob("*.py")), ids=lambda p: p.name)
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
        "duty_tui.store.core",
        "duty_tui.sources",
        "duty_tui.sync.poll",
        "duty_tui.clock",
    }
    assert not imported_names(path) & forbidden
    assert "datetime.now(" not in path.read_text(encoding="utf-8")


def test_importing_the_core_loads_neither_textual_nor_rich() -> None:
    """The source check above reads import lines; this one runs the imports, transitively."""
    import subprocess
    import sys

    modules = [
        "duty_tui.store.core",
        "duty_tui.sync.poll",
        "duty_tui.sync.jira",
        "duty_tui.sync.slack",
        "duty_tui.sync.outbox",
        "duty_tui.runtime",
        "duty_tui.demo.scenario",
        "duty_tui.rules.actions",
        "duty_tui.sources.jira.writes",
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + ("bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\nprint(bad)")
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
