"""What travels between the middleware, the dependencies and the service."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field

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
    """One request's key, from the middleware to the claim and back."""

    key: str
    fingerprint: str
    record: IdempotencyKey | None = None
    session: Session | None = None
    # The request's open transaction, handed over instead of committed.
    transaction: ExitStack | None = field(default=None, repr=False)

    @property
    def claimed(self) -> bool:
        return self.record is not None


class Replay(Exception):
    def __init__(self, response: StoredResponse) -> None:
        super().__init__("idempotent replay")
        self.response = response
