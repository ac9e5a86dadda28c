"""Failed password attempts, limited per user and per client address.

One place for every password check (the API's token creation today; the web sign-in
tomorrow): ``check`` before verifying (429 ``TooManyAttempts`` with Retry-After when
either limit is used up), ``record_failure`` after a wrong password, ``reset`` after a
right one (the user's count only: an address shared by an office keeps its count).

Limits (``TIMELEDGER_PASSWORD_ATTEMPTS_PER_USER`` and ``..._PER_ADDRESS``, per
``PASSWORD_WINDOW_MINUTES``) are counted in ``kit.counters.Counters``: in Redis when
configured, so every worker shares them. The per-user limit stops guessing one person's
password from many addresses; the per-address limit stops one client trying many users.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute

from timeledger.config import Settings
from timeledger.errors import TooManyAttempts
from timeledger.kit.counters import Counters

PASSWORD_WINDOW_MINUTES = 15


class PasswordAttempts:
    def __init__(self, settings: Settings, counters: Counters) -> None:
        window = PASSWORD_WINDOW_MINUTES
        self.per_user = RateLimitItemPerMinute(settings.password_attempts_per_user, window)
        self.per_address = RateLimitItemPerMinute(settings.password_attempts_per_address, window)
        self.counters = counters

    def check(self, *, user_key: str, address: str) -> None:
        """Raise ``TooManyAttempts`` (seconds until the window resets) when the user or the
        address has used up its failed attempts; count nothing."""
        for item, keys in self._limits(user_key, address):
            if not self.counters.test(item, *keys):
                reset_at = self.counters.stats(item, *keys).reset_time
                raise TooManyAttempts(max(1, math.ceil(reset_at - time.time())))

    def record_failure(self, *, user_key: str, address: str) -> None:
        for item, keys in self._limits(user_key, address):
            self.counters.hit(item, *keys)

    def reset(self, *, user_key: str) -> None:
        self.counters.clear(self.per_user, "password-user", user_key)

    def _limits(
        self, user_key: str, address: str
    ) -> list[tuple[RateLimitItemPerMinute, tuple[str, str]]]:
        return [
            (self.per_user, ("password-user", user_key)),
            (self.per_address, ("password-address", address)),
        ]
