"""Money: integer minor units (pence) with an ISO 4217 currency, and the one rule that
turns recorded time into an amount. Reports (issue 12) and the time-entry resource both
call ``amount_minor``; nothing else multiplies time by a rate."""

from __future__ import annotations

from typing import Annotated

import pycountry
from pydantic import WithJsonSchema

SECONDS_PER_HOUR = 3600
DEFAULT_CURRENCY = "GBP"


def amount_minor(seconds: int, hourly_rate_minor: int) -> int:
    """The value of ``seconds`` of time at ``hourly_rate_minor`` (minor units per hour),
    in minor units: ``seconds x rate / 3600`` rounded half up (never towards even), in
    exact integer arithmetic. Both arguments must be non-negative integers.

    Example: 45 minutes (2700 s) at 15000 (GBP 150.00/h) is 11250; 1 s at 1 is 0; 1800 s
    at 1 is 1 (0.5 rounds up). Raises ``ValueError`` for a negative argument.
    """
    if seconds < 0 or hourly_rate_minor < 0:
        raise ValueError("seconds and hourly_rate_minor must not be negative")
    return (seconds * hourly_rate_minor * 2 + SECONDS_PER_HOUR) // (2 * SECONDS_PER_HOUR)


# ISO 4217 codes that are not money one bills in: "no currency" (XXX), the testing code
# (XTS), precious metals (gold, silver, palladium, platinum) and bond-market units.
NOT_MONEY = frozenset({"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD"})


def is_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 alphabetic code of money (upper case, e.g. ``GBP``),
    by pycountry's copy of the standard, less ``NOT_MONEY``."""
    return (
        len(code) == 3
        and code.isupper()
        and code not in NOT_MONEY
        and pycountry.currencies.get(alpha_3=code) is not None
    )


# Every code ``is_currency`` accepts, as the published schema lists them.
CURRENCY_CODES = sorted(
    currency.alpha_3 for currency in pycountry.currencies if is_currency(currency.alpha_3)
)
# A currency field a client sends: the schema lists the codes; the field's own validator
# refuses the rest with the API's message.
CurrencyCode = Annotated[
    str,
    WithJsonSchema({"type": "string", "enum": CURRENCY_CODES, "description": "ISO 4217."}),
]
