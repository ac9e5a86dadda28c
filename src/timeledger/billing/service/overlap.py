"""The refusal of a rate whose dates overlap another at the same level."""

from __future__ import annotations

from timeledger.errors import ValidationFailed
from timeledger.models import BillingRate


class RateOverlap(ValidationFailed):
    """422 on ``effective_from``. The API's message names the other rate by its UUID (as
    it always has); ``other`` (its UUID) lets a page name it in words (web/rates.py)."""

    def __init__(self, other: BillingRate) -> None:
        until = other.effective_to.isoformat() if other.effective_to else "open-ended"
        super().__init__(
            {
                "effective_from": [
                    f"The dates overlap another rate at the same level ({other.uuid}, "
                    f"{other.effective_from.isoformat()} to {until}); end that one first."
                ]
            }
        )
        self.other = other.uuid
