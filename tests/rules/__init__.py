"""Tests of duty_tui's rules (mirrors the package layout)."""
