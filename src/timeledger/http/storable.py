"""Text the database cannot hold exactly as sent, found before it reaches the database.

PostgreSQL refuses the NUL character in text, and no database stores a lone UTF-16
surrogate (``"\\ud800"``), which is not valid Unicode text. Both are refused with 422 on
every database alike, naming the field, instead of failing at the INSERT.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Only bodies holding one of these can contain such text; most skip the JSON parse.
_SUSPECT = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]")
_MAX_DEPTH = 64


def _bad(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)


def _walk(value: Any, path: list[str], found: dict[str, list[str]], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        if _bad(value):
            name = ".".join(path) or "body"
            label = " ".join(path).replace("_", " ") or "body"
            found[name] = [
                f"The {label} field must be valid text without the NUL character (\\u0000) "
                "or unpaired surrogates."
            ]
    elif isinstance(value, dict):
        for key, item in value.items():
            if not _bad(key):
                _walk(item, [*path, key], found, depth + 1)
            elif depth > 0:  # inside a field's value it could be stored: refuse it
                found["body"] = ["The request body has an invalid key."]
            # At the top a key that is not valid text names no field (every field's name
            # is ASCII), so it is ignored like any unknown key, and never stored.
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, [*path, str(index)], found, depth + 1)


def unstorable_fields(body: bytes, fields: frozenset[str] | None = None) -> dict[str, list[str]]:
    """Laravel-style errors for each JSON string the database could not store as sent.

    With ``fields`` (the body's field names), a top-level key that is not one of them is
    skipped whatever it holds: unknown keys are ignored, never stored (docs/api.md)."""
    if not _SUSPECT.search(body):
        return {}
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return {}  # not JSON: the route answers that itself
    if fields is not None and isinstance(document, dict):
        document = {key: value for key, value in document.items() if key in fields}
    found: dict[str, list[str]] = {}
    _walk(document, [], found, 0)
    return found
