"""The README's promises that code can check: the two commands, the scopes, and the key table."""

from __future__ import annotations

from pathlib import Path

from duty_tui.keymap import KEYS, display_key

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def key_rows() -> list[str]:
    def cell(keys: str) -> str:
        return f"`{display_key(keys)}`"

    scopes = list(dict.fromkeys(spec.scope for spec in KEYS))  # in order of first appearance
    ordered = sorted(KEYS, key=lambda spec: scopes.index(spec.scope))
    return [f"| {cell(s.keys)} | {s.description} | {s.scope} | `{s.id}` |" for s in ordered]


def test_readme_starts_with_the_two_commands() -> None:
    head = README[: README.index("## What it shows")]
    assert "make demo" in head and "make test" in head


def test_key_table_matches_the_keymap() -> None:
    start = README.index("<!-- keys:")
    table = README[start : README.index("<!-- /keys -->")].splitlines()[3:]
    assert [line for line in table if line.startswith("|")] == key_rows()


def test_slack_scopes_and_environment_are_documented() -> None:
    for scope in (
        "channels:history",
        "channels:read",
        "users:read",
        "chat:write",
        "reactions:read",
        "reactions:write",
    ):
        assert f"`{scope}`" in README
    for variable in ("JIRA_API_TOKEN", "SLACK_BOT_TOKEN", "DUTY_TUI_CONFIG", "DUTY_TUI_DATA"):
        assert f"`{variable}`" in README


def test_every_screenshot_the_readme_shows_exists() -> None:
    import re

    root = Path(__file__).resolve().parent.parent
    shown = set(re.findall(r"screens/([\w-]+)\.svg", README))
    assert {"dashboard", "jira-offline", "take-pending", "ticket-detail", "assign-picker"} <= shown
    for name in shown:
        assert (root / "screens" / f"{name}.svg").exists(), name
    captured = {path.stem for path in (root / "screens").glob("*.svg")}
    assert captured <= shown, f"screens not shown in the README: {captured - shown}"
