"""Tests of duty_tui's config (mirrors the package layout)."""
