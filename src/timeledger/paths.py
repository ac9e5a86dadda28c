"""Path parameters: a record UUID that does not parse names no record, so it is a 404."""

from __future__ import annotations

import uuid

from timeledger.errors import NotFound


def uuid_or_404(value: str, *, what: str = "record") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"No {what} with that UUID.") from None
