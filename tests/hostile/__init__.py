"""Hostile text end to end: the bytes duty-tui writes to a real terminal, and what it posts back."""
