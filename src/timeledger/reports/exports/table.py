"""A report as a table: typed columns, a stream of rows and a totals row, so each file
format renders the same values its own way."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from babel.numbers import get_currency_precision


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DATE = "date"
    # Seconds, shown as h:mm:ss in CSV and PDF and as an [h]:mm:ss duration in XLSX.
    DURATION = "duration"
    # Seconds, shown as decimal hours.
    HOURS = "hours"
    # A ``Money`` amount, shown in major units with its currency's digits.
    MONEY = "money"


class Money(NamedTuple):
    minor: int
    currency: str

    @property
    def digits(self) -> int:
        """The currency's minor-unit digits (CLDR, by Babel): GBP 2, JPY 0, KWD 3."""
        return int(get_currency_precision(self.currency))

    def text(self) -> str:
        """``150.00``: major units to the currency's digits, in exact arithmetic (the
        currency is the column's or its neighbour's)."""
        sign = "-" if self.minor < 0 else ""
        whole, part = divmod(abs(self.minor), 10**self.digits)
        fraction = f".{part:0{self.digits}d}" if self.digits else ""
        return f"{sign}{whole}{fraction}"


Cell = str | int | date | Money | None


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT


@dataclass
class Table:
    title: str
    subtitle: list[str]
    columns: Sequence[Column]
    rows: Iterator[list[Cell]]
    # Filled in by the time ``rows`` is exhausted (exports stream, then total).
    totals: list[Cell] = field(default_factory=list)


def clock_text(seconds: int) -> str:
    """``h:mm:ss``, hours unbounded (``169:00:00`` for a week holding the autumn change)."""
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def hours_text(seconds: int) -> str:
    """Decimal hours to two places, half up: ``1.50``."""
    hundredths = (seconds * 100 + 1800) // 3600
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def text(value: Cell, kind: Kind) -> str:
    if value is None:
        return ""
    if kind is Kind.DURATION and isinstance(value, int):
        return clock_text(value)
    if kind is Kind.HOURS and isinstance(value, int):
        return hours_text(value)
    if isinstance(value, Money):
        return value.text()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
