"""Money as people type and read it: major units (``150`` or ``150.50`` GBP) to and from
the integer minor units (pence) the services take, by the currency's own digits."""

from __future__ import annotations

import re

from babel.numbers import get_currency_precision

from timeledger.errors import ValidationFailed

# Digits, then at most one decimal separator (a point, or a comma as typed in much of
# Europe) and the fraction; no thousands separators, no sign.
# ASCII digits only: int() would read other scripts' digits (Arabic-Indic, full-width) as numbers.
_AMOUNT = re.compile(r"(\d{1,12})(?:[.,](\d*))?", re.ASCII)


def currency_digits(currency: str) -> int:
    """The currency's minor-unit digits (CLDR, by Babel): GBP 2, JPY 0, KWD 3."""
    return int(get_currency_precision(currency))


def parse_major(text: str, currency: str, *, field: str = "hourly_rate") -> int:
    """``"150.5"`` GBP as ``15050`` minor units: exact (no floating point), and at most
    the currency's digits after the separator. Raises ``ValidationFailed`` (422 on
    ``field``) for anything else."""
    digits = currency_digits(currency)
    found = _AMOUNT.fullmatch(text.strip())
    fraction = (found.group(2) or "") if found else ""
    if found is None or len(fraction) > digits:
        example = "150" if digits == 0 else f"150.{'5'.ljust(digits, '0')}"
        places = f"at most {digits} decimal places" if digits else "no decimal places"
        raise ValidationFailed.field(
            field,
            f"The {field.replace('_', ' ')} must be an amount in {currency} like {example}, "
            f"with {places}.",
        )
    scale: int = 10**digits
    return int(found.group(1)) * scale + int(fraction.ljust(digits, "0") or 0)


def format_minor(minor: int, currency: str) -> str:
    """``15050`` GBP as ``150.50 GBP``: major units to the currency's digits."""
    digits = currency_digits(currency)
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10**digits)
    fraction = f".{part:0{digits}d}" if digits else ""
    return f"{sign}{whole}{fraction} {currency}"
