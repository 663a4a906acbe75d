"""Files shipped with duty-tui and read with `importlib.resources`: no code, and it imports nothing.

What belongs here: the commented configuration template `duty-tui init` writes (`config.toml`) and the shipped
duty checklists (`checklists.toml`), which `duty_tui.config.checklist` reads when the engineer has none of
their own and `duty-tui init --checklist` copies for editing. They sit inside the package, so the wheel
carries them.
"""
