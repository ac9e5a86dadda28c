"""Requests per minute per user, as upstream limits them (500 by default).

The algorithm and the counters are the ``limits`` library's: a fixed one-minute window per
user, which is what Laravel's throttle does. Counters live in this process's memory, or
in Redis when ``TIMELEDGER_REDIS_URL`` is set so the limit holds across workers and
machines. If Redis cannot be reached the request is let through (logged), not refused.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute, storage, strategies
from limits.errors import StorageError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeledger.config import Settings
from timeledger.http.middleware import scope_state, with_headers

logger = logging.getLogger(__name__)
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
    def __init__(self, settings: Settings) -> None:
        self.item = RateLimitItemPerMinute(settings.rate_limit_per_minute)
        self.storage: storage.Storage
        if settings.redis_url:
            self.storage = storage.RedisStorage(
                settings.redis_url,
                key_prefix=settings.redis_key_prefix,
                wrap_exceptions=True,
            )
        else:
            self.storage = storage.MemoryStorage(wrap_exceptions=True)
        self.strategy = strategies.FixedWindowRateLimiter(self.storage)

    def hit(self, user_key: str) -> Decision | None:
        """Count one request; None when the counter store is unreachable."""
        try:
            allowed = self.strategy.hit(self.item, "user", user_key)
            stats = self.strategy.get_window_stats(self.item, "user", user_key)
        except StorageError:
            logger.warning("rate limit store unreachable; request not counted", exc_info=True)
            return None
        return Decision(
            allowed=allowed,
            limit=self.item.amount,
            remaining=max(0, stats.remaining),
            reset_after=max(1, math.ceil(stats.reset_time - time.time())),
        )


class RateLimitHeadersMiddleware:
    """Adds the limit headers to every response of a request whose user was counted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope_state(scope)

        async def send_with_headers(message: Message) -> None:
            decision = state.get(STATE_KEY)
            if message["type"] == "http.response.start" and isinstance(decision, Decision):
                message = with_headers(
                    message,
                    {LIMIT_HEADER: str(decision.limit), REMAINING_HEADER: str(decision.remaining)},
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)
