"""Tests of duty_tui's store (mirrors the package layout)."""
