"""Tests of duty_tui's sim (mirrors the package layout)."""
