"""What travels between the claim (a dependency), the route that stores the response and
the service."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from timeledger.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Where the pending key waits in the ASGI scope's "state".
STATE_KEY = "timeledger.idempotency"


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    content_type: str
    body: bytes


@dataclass(slots=True)
class PendingKey:
    """One request's key: fingerprinted, then claimed in the request's transaction."""

    key: str
    fingerprint: str
    record: IdempotencyKey | None = None
    session: Session | None = None

    @property
    def claimed(self) -> bool:
        return self.record is not None


class Replay(Exception):
    def __init__(self, response: StoredResponse) -> None:
        super().__init__("idempotent replay")
        self.response = response
