"""CSV exports: RFC 4180 (the standard library's ``csv``), UTF-8, optionally with a BOM so
Excel on Windows reads ``£`` and accents; cells a spreadsheet would run as a formula are
neutralised with a leading ``'`` (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from timeledger.reports.exports.table import Cell, Kind, Table, text

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def write_csv(table: Table, out: BinaryIO, *, bom: bool) -> None:
    stream = io.TextIOWrapper(out, encoding="utf-8-sig" if bom else "utf-8", newline="")
    writer = csv.writer(stream)
    writer.writerow([column.title for column in table.columns])
    kinds = [column.kind for column in table.columns]

    def cells(row: list[Cell]) -> list[str]:
        rendered = []
        for value, kind in zip(row, kinds, strict=True):
            cell = text(value, kind)
            rendered.append(neutralise(cell) if kind is Kind.TEXT else cell)
        return rendered

    for row in table.rows:
        writer.writerow(cells(row))
    if table.totals:
        writer.writerow(cells(table.totals))
    stream.flush()
    stream.detach()
