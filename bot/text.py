"""Small helpers for wording replies and reports."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """Return a count with its noun, such as "1 finding" or "3 findings"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
