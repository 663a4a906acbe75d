"""The architecture holds: the import-linter contracts in pyproject.toml, each as a test, plus what
they cannot see (imports that run, clock reads)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
    "contracts"
]


def lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert found, "import-linter is not installed: make test installs it with the test extra"
    return found


def test_the_contracts_cover_the_design() -> None:
    assert {contract["id"] for contract in CONTRACTS} == {
        "layers",
        "no-textual-below-desks",
        "pure-rules-and-text",
        "panes-paint",
        "simulator-stands-alone",
        "simulator-only-in-the-demo",
        "no-cycles",
    }
    cycles = next(c for c in CONTRACTS if c["id"] == "no-cycles")
    assert set(cycles["ancestors"]) == {"duty_tui", "duty_sim"}


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda contract: contract["id"])
def test_contract_is_kept(contract: dict[str, object]) -> None:
    result = subprocess.run(
        [lint_imports(), "--contract", str(contract["id"]), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_a_broken_layer_is_caught(tmp_path: Path) -> None:
    """The contracts can fail: the same configuration over a copy where the store imports a widget."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "duty_tui", copy / "duty_tui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "duty_sim", copy / "duty_sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with (copy / "duty_tui" / "store" / "people.py").open("a", encoding="utf-8") as source:
        source.write("\nfrom duty_tui.widgets.tickets import TicketsPane  # noqa\n")
    result = subprocess.run(
        [lint_imports(), "--contract", "layers", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=copy,
        env={"PYTHONPATH": str(copy), "PATH": ""},
    )
    assert result.returncode != 0
    assert "duty_tui.store.people -> duty_tui.widgets.tickets" in result.stdout


@pytest.mark.parametrize("path", sorted((ROOT / "duty_tui" / "rules").glob("*.py")), ids=lambda p: p.name)
def test_rules_never_read_the_clock(path: Path) -> None:
    """The rules take `now`: an injected clock is the only clock (import-linter forbids `time` and
    `duty_tui.clock`; a `datetime.now()` call is not an import)."""
    source = path.read_text(encoding="utf-8")
    assert "datetime.now(" not in source and ".today(" not in source and "utcnow(" not in source


def test_importing_the_core_loads_neither_textual_nor_rich() -> None:
    """The contracts read import lines; this runs the imports, transitively, as `duty-tui sync --once`
    would: the I/O core and the rules load no Textual, and (text's rich part loading on first use) no rich."""
    modules = [
        "duty_tui.store",
        "duty_tui.sync.poll",
        "duty_tui.sync.jira_poll",
        "duty_tui.sync.slack_poll",
        "duty_tui.sync.outbox",
        "duty_tui.sync.jira_delivery",
        "duty_tui.runtime",
        "duty_tui.config",
        "duty_tui.demo.scenario",
        "duty_tui.rules.actions",
        "duty_tui.rules.sla",
        "duty_tui.sources.jira.writes",
        "duty_tui.sources.slack.client",
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
