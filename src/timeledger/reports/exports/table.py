"""A report as a table: typed columns, a stream of rows and a totals row, so each file
format renders the same values its own way."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DATE = "date"
    # Seconds, shown as h:mm:ss in CSV and PDF and as an [h]:mm:ss duration in XLSX.
    DURATION = "duration"
    # Seconds, shown as decimal hours.
    HOURS = "hours"


Cell = str | int | date | None


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
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
