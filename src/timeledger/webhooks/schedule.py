"""When a failed delivery is tried again: Standard Webhooks' example schedule, with jitter.

Attempt 1 is immediate; after a failure of attempt ``n`` the next waits ``RETRY_DELAYS[n-1]``
(±10 %), so the ten retries span about three days (75 h 35 min). A receiver's
``Retry-After`` on 429 or 503 replaces the wait when it is longer (capped at a day).
"""

from __future__ import annotations

import random
from datetime import timedelta

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
# The first attempt plus one per delay.
MAX_ATTEMPTS = 1 + len(RETRY_DELAYS)
JITTER = 0.10
MAX_RETRY_AFTER = timedelta(days=1)
# A subscription failing for this long (no success since its first failure) is disabled.
DISABLE_AFTER = timedelta(days=3)


def next_delay(
    attempts: int, *, retry_after: timedelta | None = None, rng: random.Random | None = None
) -> timedelta | None:
    """How long to wait after the ``attempts``-th attempt failed; None when it was the last."""
    if attempts >= MAX_ATTEMPTS:
        return None
    base = RETRY_DELAYS[attempts - 1]
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    delay = base * factor
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def parse_retry_after(value: str | None) -> timedelta | None:
    """``Retry-After`` in seconds (the HTTP-date form is rare from webhook receivers and is
    ignored); None when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = int(value.strip())
    except ValueError:
        return None
    return timedelta(seconds=seconds) if seconds >= 0 else None
