"""Tests of duty_tui's demo (mirrors the package layout)."""
