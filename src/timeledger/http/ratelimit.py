"""Requests per minute per user, as upstream limits them (500 by default).

The algorithm and the counters are the ``limits`` library's: a fixed one-minute window per
user, which is what Laravel's throttle does. Counters live in this process's memory, or
in Redis when ``TIMELEDGER_REDIS_URL`` is set so the limit holds across workers and
machines.

Redis never holds a request up: every call has a timeout (``TIMELEDGER_REDIS_TIMEOUT_SECONDS``,
0.2 s) and no retry. When Redis refuses, times out or errs, the request is counted in this
process's memory instead (the limit then holds per process: fail open, not refused), and
Redis is left alone for ``REDIS_BACKOFF_SECONDS`` before it is tried again, so an outage
costs one timeout per back-off period, not one per request.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute, storage, strategies
from limits.errors import StorageError
from redis.backoff import NoBackoff
from redis.retry import Retry
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeledger.config import Settings
from timeledger.http.middleware import scope_state, with_headers

logger = logging.getLogger(__name__)
STATE_KEY = "timeledger.http.ratelimit"
LIMIT_HEADER = "X-Ratelimit-Limit"
REMAINING_HEADER = "X-Ratelimit-Remaining"
# After Redis fails, count in memory for this long before trying Redis again.
REDIS_BACKOFF_SECONDS = 5.0


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
        self.memory = strategies.FixedWindowRateLimiter(storage.MemoryStorage(wrap_exceptions=True))
        self.shared: strategies.FixedWindowRateLimiter | None = None
        self.storage: storage.Storage | None = None
        if settings.redis_url:
            timeout = settings.redis_timeout_seconds
            self.storage = storage.RedisStorage(
                settings.redis_url,
                key_prefix=settings.redis_key_prefix,
                wrap_exceptions=True,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                # redis-py retries a timed-out call 3 times by default: 4 timeouts a request.
                retry=Retry(NoBackoff(), 0),  # type: ignore[arg-type]
            )
            self.shared = strategies.FixedWindowRateLimiter(self.storage)
        # time.monotonic() before which Redis is not asked (it failed recently).
        self._redis_down_until = 0.0

    @property
    def redis_down(self) -> bool:
        return time.monotonic() < self._redis_down_until

    def hit(self, user_key: str) -> Decision:
        """Count one request for ``user_key``: in Redis when configured and answering,
        else in this process's memory."""
        if self.shared is not None and not self.redis_down:
            try:
                return self._count(self.shared, user_key)
            except StorageError:
                self._redis_down_until = time.monotonic() + REDIS_BACKOFF_SECONDS
                logger.warning(
                    "rate limit store unreachable; counting in memory for %.0f s",
                    REDIS_BACKOFF_SECONDS,
                )
        return self._count(self.memory, user_key)

    def redis_answers(self) -> bool | None:
        """Whether Redis answers a ping within the timeout; None when none is configured."""
        if self.storage is None:
            return None
        try:
            return bool(self.storage.check())
        except Exception:
            return False

    def _count(self, strategy: strategies.FixedWindowRateLimiter, user_key: str) -> Decision:
        allowed = strategy.hit(self.item, "user", user_key)
        stats = strategy.get_window_stats(self.item, "user", user_key)
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
