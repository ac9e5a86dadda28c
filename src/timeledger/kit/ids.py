"""Reading the UUIDs clients send: in paths, filters, headers, bodies and files.

One parser, so every place accepts the same spellings (surrounding spaces ignored, any
form ``uuid.UUID`` reads) and words a malformed one the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from timeledger.errors import NotFound


def parse_uuid(value: str | uuid.UUID) -> uuid.UUID | None:
    """``value`` as a UUID; None when it is not one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def parse_uuids(values: Iterable[str]) -> list[uuid.UUID]:
    """The well-formed UUIDs among ``values``, in order; a malformed one matches nothing."""
    return [parsed for value in values if (parsed := parse_uuid(value)) is not None]


def uuid_or_not_found(value: str | uuid.UUID, message: str | None = None) -> uuid.UUID:
    """A UUID from a path: a malformed one names no record, so it is a 404 (never a 422
    or a 500)."""
    parsed = parse_uuid(value)
    if parsed is None:
        raise NotFound(message)
    return parsed
