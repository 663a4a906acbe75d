"""Tests of duty_tui's text (mirrors the package layout)."""
