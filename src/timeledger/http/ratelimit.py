"""Requests per minute per user, as upstream limits them (500 by default).

The algorithm and the counters are the ``limits`` library's: a fixed one-minute window per
user, which is what Laravel's throttle does. The counters are ``kit.counters.Counters``:
in Redis when ``TIMELEDGER_REDIS_URL`` is set, so the limit holds across workers and
machines; in this process's memory otherwise, or while Redis does not answer within its
short timeout (fail open: requests are never refused because Redis is down).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute

from timeledger.config import Settings
from timeledger.kit.counters import Counters

STATE_KEY = "timeledger.http.ratelimit"
LIMIT_HEADER = "X-Ratelimit-Limit"
REMAINING_HEADER = "X-Ratelimit-Remaining"


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    # Whole seconds until the window resets (at least 1).
    reset_after: int


class RateLimiter:
    def __init__(self, settings: Settings, counters: Counters | None = None) -> None:
        self.item = RateLimitItemPerMinute(settings.rate_limit_per_minute)
        self.counters = counters or Counters(settings)

    def hit(self, user_key: str) -> Decision:
        """Count one request for ``user_key``."""
        allowed = self.counters.hit(self.item, "user", user_key)
        stats = self.counters.stats(self.item, "user", user_key)
        return Decision(
            allowed=allowed,
            limit=self.item.amount,
            remaining=max(0, stats.remaining),
            reset_after=max(1, math.ceil(stats.reset_time - time.time())),
        )

    def redis_answers(self) -> bool | None:
        return self.counters.redis_answers()
