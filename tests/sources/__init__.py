"""Tests of duty_tui's sources (mirrors the package layout)."""
