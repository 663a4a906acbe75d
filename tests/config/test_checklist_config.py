"""[checklist] in the config, the engineer's own checklist file, and `duty-tui init --checklist`."""

from __future__ import annotations

from datetime import time
from importlib.resources import files
from pathlib import Path

import pytest

from duty_tui.__main__ import main
from duty_tui.config import ConfigError, load_config
from duty_tui.config.checklist import ChecklistConfig, load_checklist, shipped_sections, shipped_text

TEMPLATE = files("duty_tui.data").joinpath("config.toml").read_text(encoding="utf-8")
MINE = """
[[section]]
id = "morning"
title = "My morning"
when = "start"
items = [
  { id = "aws-channel", text = "Read #laa-ops", opens = "channel" },
  { id = "coffee", text = "Coffee" },
]
"""


def config_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(TEMPLATE + extra, encoding="utf-8")
    return path


def test_defaults_look_beside_the_config(tmp_path: Path) -> None:
    settings = load_config(config_file(tmp_path)).checklist
    assert settings == ChecklistConfig(
        file=tmp_path / "checklists.toml", explicit=False, end_of_day=time(17, 30), start_by=time(10)
    )
    assert load_checklist(settings).sections == shipped_sections()  # no file there: the shipped list
    assert load_checklist(settings).warning is None


def test_the_section_names_a_file_relative_to_the_config_and_the_day_times(tmp_path: Path) -> None:
    extra = '\n[checklist]\nfile = "lists/mine.toml"\nend_of_day = "16:45"\nstart_by = "09:30"\n'
    settings = load_config(config_file(tmp_path, extra)).checklist
    assert settings.file == tmp_path / "lists" / "mine.toml" and settings.explicit
    assert (settings.end_of_day, settings.start_by) == (time(16, 45), time(9, 30))
    absolute = tmp_path / "elsewhere.toml"
    settings = load_config(config_file(tmp_path, f'\n[checklist]\nfile = "{absolute}"\n')).checklist
    assert settings.file == absolute


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ('end_of_day = "half five"', r'\[checklist\] end_of_day is .*like "17:30"'),
        ('end_of_day = "25:00"', r"end_of_day is '25:00'; write a time of day"),
        ("start_by = 10", r"start_by is 10; write a time of day"),
        ("file = 3", r"\[checklist\] file must be a path in quotes"),
        ('files = "x.toml"', r'unknown key "files"; did you mean "file"'),
    ],
)
def test_mistakes_in_the_section_are_one_sentence(tmp_path: Path, extra: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says) as caught:
        load_config(config_file(tmp_path, f"\n[checklist]\n{extra}\n"))
    assert "\n" not in str(caught.value)


def test_the_engineers_own_file_replaces_the_shipped_list(tmp_path: Path) -> None:
    (tmp_path / "checklists.toml").write_text(MINE, encoding="utf-8")
    loaded = load_checklist(load_config(config_file(tmp_path)).checklist)
    assert loaded.warning is None and loaded.source == tmp_path / "checklists.toml"
    assert [item.id for s in loaded.sections for item in s.items] == ["aws-channel", "coffee"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[section]]\nid = 'x'\n", 'is malformed: section "x" is missing its title'),
        ("[[section\n", "is malformed: it is not valid TOML"),
        (MINE.replace('"channel"', '"slack"'), 'opens = "slack" is not a place duty-tui knows'),
        (None, "does not exist"),
    ],
)
def test_a_malformed_or_missing_file_is_one_sentence_and_the_shipped_list(
    tmp_path: Path, text: str | None, says: str
) -> None:
    mine = tmp_path / "mine.toml"
    if text is not None:
        mine.write_text(text, encoding="utf-8")
    loaded = load_checklist(
        load_config(config_file(tmp_path, '\n[checklist]\nfile = "mine.toml"\n')).checklist
    )
    assert loaded.sections == shipped_sections() and loaded.source is None
    assert loaded.warning is not None and says in loaded.warning and str(mine) in loaded.warning
    assert loaded.warning.endswith(".") and "\n" not in loaded.warning
    assert "shipped checklist" in loaded.warning


def test_init_checklist_writes_a_copy_of_the_defaults_to_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "conf" / "config.toml"
    assert main(["init", "--checklist", "--config", str(config)]) == 0
    written = tmp_path / "conf" / "checklists.toml"
    assert written.read_text(encoding="utf-8") == shipped_text()
    assert not config.exists()  # only the checklist
    assert "Wrote" in capsys.readouterr().out
    assert main(["init", "--checklist", "--config", str(config)]) == 2  # never overwritten unasked
    assert "already exists" in capsys.readouterr().err
    assert main(["init", "--checklist", "--force", "--config", str(config)]) == 0
    # the config's [checklist] file is where it goes, when there is a config
    config.write_text(TEMPLATE + '\n[checklist]\nfile = "mine.toml"\n', encoding="utf-8")
    assert main(["init", "--checklist", "--config", str(config)]) == 0
    assert (tmp_path / "conf" / "mine.toml").read_text(encoding="utf-8") == shipped_text()
    # and what it wrote is what duty-tui reads
    loaded = load_checklist(load_config(config).checklist)
    assert loaded.warning is None and loaded.sections == shipped_sections()
