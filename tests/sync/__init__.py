"""Tests of duty_tui's sync (mirrors the package layout)."""
