"""Tests of duty_tui's app (mirrors the package layout)."""
