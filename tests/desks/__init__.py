"""Tests of duty_tui's desks that need no app: the attention desk and its notifier."""
