"""Failed sign-in attempts, counted per email and per client address.

INTERIM (issue 13): helper 10b builds the project's per-user + per-address limiter for
failed attempts; until it lands, this counts with the ``limits`` library on the rate
limiter's store (Redis when configured, else memory). The one call site is
``web.router.sign_in``: swap this class for 10b's limiter there.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItemPerMinute, strategies
from limits.errors import StorageError

from timeledger.http.ratelimit import RateLimiter

logger = logging.getLogger(__name__)
# Five failures in fifteen minutes for one email from one address, then a wait.
MAX_FAILURES = 5
WINDOW_MINUTES = 15


class FailedSignIns:
    def __init__(self, limiter: RateLimiter) -> None:
        self.item = RateLimitItemPerMinute(MAX_FAILURES, WINDOW_MINUTES)
        self.strategy = strategies.FixedWindowRateLimiter(limiter.storage)

    def wait_seconds(self, email: str, address: str) -> int:
        """0 when another attempt may be made now, else the seconds until it may."""
        key = (email.strip().lower(), address)
        try:
            if self.strategy.test(self.item, "sign-in", *key):
                return 0
            reset = self.strategy.get_window_stats(self.item, "sign-in", *key).reset_time
        except StorageError:
            logger.warning("sign-in attempt store unreachable; not limited", exc_info=True)
            return 0
        return max(1, math.ceil(reset - time.time()))

    def failed(self, email: str, address: str) -> None:
        try:
            self.strategy.hit(self.item, "sign-in", email.strip().lower(), address)
        except StorageError:
            logger.warning("sign-in attempt store unreachable; not counted", exc_info=True)
