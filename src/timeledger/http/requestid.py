"""``X-Request-Id`` on every response and in every log line (``http.edge`` sets it and
writes the access-log line)."""

from __future__ import annotations

import logging
import re
import uuid

HEADER = "X-Request-Id"
STATE_KEY = "timeledger.request_id"
# An incoming id is kept when it looks like an id; anything else is replaced.
_SANE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
access_logger = logging.getLogger("timeledger.access")
logger = logging.getLogger(__name__)


def incoming_or_new(value: str | None) -> str:
    if value is not None and _SANE.match(value):
        return value
    return uuid.uuid4().hex
