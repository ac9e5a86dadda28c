"""Fixed-window counters (the ``limits`` library's), shared by every worker through Redis
when ``TIMELEDGER_REDIS_URL`` is set, else in this process's memory.

Redis never holds a request up: every call has a timeout (``TIMELEDGER_REDIS_TIMEOUT_SECONDS``,
0.2 s) and no retry. When Redis refuses, times out or errs, the count is kept in this
process's memory instead (limits then hold per process: fail open, never refused), and
Redis is left alone for ``REDIS_BACKOFF_SECONDS`` before it is tried again, so an outage
costs one timeout per back-off period, not one per request. Used by the per-user request
limit (``http.ratelimit``) and the failed-password limit (``auth.attempts``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from limits import RateLimitItem, storage, strategies
from limits.errors import StorageError
from limits.util import WindowStats
from redis.backoff import NoBackoff
from redis.retry import Retry

from timeledger.config import Settings

logger = logging.getLogger(__name__)
# After Redis fails, count in memory for this long before trying Redis again.
REDIS_BACKOFF_SECONDS = 5.0

T = TypeVar("T")


class Counters:
    def __init__(self, settings: Settings) -> None:
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

    def hit(self, item: RateLimitItem, *keys: str) -> bool:
        """Count one event; False when that passes the limit."""
        return self._with(lambda strategy: strategy.hit(item, *keys))

    def test(self, item: RateLimitItem, *keys: str) -> bool:
        """Whether one more event would be within the limit (counts nothing)."""
        return self._with(lambda strategy: strategy.test(item, *keys))

    def stats(self, item: RateLimitItem, *keys: str) -> WindowStats:
        """The window's reset time (epoch seconds) and what remains of the limit."""
        return self._with(lambda strategy: strategy.get_window_stats(item, *keys))

    def clear(self, item: RateLimitItem, *keys: str) -> None:
        def clear(strategy: strategies.FixedWindowRateLimiter) -> None:
            strategy.clear(item, *keys)

        self._with(clear)
        # A count kept in memory during an outage is cleared too.
        self.memory.clear(item, *keys)

    def redis_answers(self) -> bool | None:
        """Whether Redis answers a ping within the timeout; None when none is configured."""
        if self.storage is None:
            return None
        try:
            return bool(self.storage.check())
        except Exception:
            return False

    def _with(self, call: Callable[[strategies.FixedWindowRateLimiter], T]) -> T:
        if self.shared is not None and not self.redis_down:
            try:
                return call(self.shared)
            except StorageError:
                self._redis_down_until = time.monotonic() + REDIS_BACKOFF_SECONDS
                logger.warning(
                    "Redis unreachable; counting in memory for %.0f s", REDIS_BACKOFF_SECONDS
                )
        return call(self.memory)
