"""The one amount rule: seconds x rate / 3600, rounded half up, in minor units."""

from __future__ import annotations

import pytest

from timeledger.kit.money import amount_minor, is_currency


@pytest.mark.parametrize(
    ("seconds", "rate", "amount"),
    [
        (3600, 15000, 15000),  # an hour at GBP 150.00
        (2700, 15000, 11250),  # 45 minutes
        (1, 15000, 4),  # 4.1666... pence rounds down
        (1800, 1, 1),  # exactly half a penny rounds up, not to even
        (5400, 1, 2),  # 1.5 rounds up to 2 (banker's rounding would too)
        (9000, 1, 3),  # 2.5 rounds up to 3 (banker's rounding would give 2)
        (1799, 1, 0),  # just under half
        (0, 15000, 0),
        (3600, 0, 0),
        (10**9, 10**8, 27_777_777_777_778),  # no float anywhere: exact at any size
    ],
)
def test_amount_is_rounded_half_up(seconds: int, rate: int, amount: int) -> None:
    assert amount_minor(seconds, rate) == amount


def test_a_negative_argument_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        amount_minor(-1, 100)
    with pytest.raises(ValueError, match="negative"):
        amount_minor(1, -100)


def test_currency_codes_are_iso_4217() -> None:
    assert is_currency("GBP")
    assert is_currency("EUR")
    assert not is_currency("gbp")
    assert not is_currency("XYZ")
    assert not is_currency("POUND")
