"""Counted nouns in the app's messages: "1 case", "2 cases"."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the noun in the right number (``plural`` defaults to ``singular`` + s)."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
